"""The only bridge from motions to polls: the majority the rulebook asks for, the poll's figures,
putting a question to the vote and closing it through moot.polls.actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from moot.errors import RefusalCode
from moot.motions import queries
from moot.motions.errors import MotionError

if TYPE_CHECKING:
    from moot.accounts.models import User

# The poll's ``majority`` field takes these names (the counting method understands them).
POLL_MAJORITIES = ("simple", "absolute", "two-thirds")


def majority_for(meeting: Any, decision: str) -> Any:
    """The rulebook's majority for ``decision`` ("motion", "amendment", "overturn_chair")."""
    from moot import rulebook

    return rulebook.majority(queries.edition_for(meeting), decision)


def poll_majority_name(majority: Any) -> str:
    """The name a poll stores for a rulebook majority ("simple", "absolute", "two-thirds")."""
    if majority.name in POLL_MAJORITIES:
        return str(majority.name)
    if (majority.numerator, majority.denominator) == (2, 3):
        return "two-thirds"
    if majority.basis == "present":
        return "absolute"
    return "simple"


@dataclass(frozen=True)
class Figures:
    yes: int | None  # None when a small secret ballot shows totals only (polls.results)
    no: int | None
    abstain: int | None
    carried: bool
    text: str


def figures_of(poll: Any, decision: str) -> Figures:
    """For, against and abstaining in a closed yes/no poll, whether it carried (as counted by
    moot.counting with the rulebook's majority), and a sentence for the record."""
    from moot import rulebook
    from moot.polls.models import TellerCount, Voting
    from moot.polls.queries import ballot_contents
    from moot.polls.results import how_taken

    code_of = dict(poll.options.values_list("pk", "code"))
    tally = {"yes": 0, "no": 0, "abstain": 0}
    if poll.voting == Voting.ELECTRONIC:
        for content in ballot_contents(poll):
            if content:
                tally[code_of[content[0]]] += 1
    else:
        for option_id, count in TellerCount.objects.filter(poll=poll).values_list(
            "option_id", "count"
        ):
            tally[code_of[option_id]] += count
    result = poll.result or {}
    carried = bool(result.get("carried"))
    majority = rulebook.majority(queries.edition_for(poll.meeting), decision)
    how = how_taken(poll, in_a_sentence=True)
    basis = "of those present" if majority.basis == "present" else "of the votes cast"
    if result.get("withheld"):
        # Too few voters for the figures to stay secret: the total and the outcome only.
        ballots = int(result.get("ballots") or 0)
        text = (
            f"{ballots} {'vote' if ballots == 1 else 'votes'} ({how}); a {majority.title} "
            f"{basis} was required (clause {majority.clause}): "
            + ("carried. " if carried else "lost. ")
            + result["withheld"]["note"]
        )
        return Figures(None, None, None, carried, text)
    present = f", {poll.present_at_close} present" if majority.basis == "present" else ""
    text = (
        f"{tally['yes']} for, {tally['no']} against, {tally['abstain']} abstaining{present} "
        f"({how}); a {majority.title} {basis} was required (clause {majority.clause}): "
        + ("carried." if carried else "lost.")
    )
    if result.get("low_turnout"):
        text += " " + result["low_turnout"]["note"]
    return Figures(tally["yes"], tally["no"], tally["abstain"], carried, text)


def put_to_vote(
    meeting: Any,
    *,
    title: str,
    question: str,
    decision: str,
    voting: str,
    secret: bool,
    agenda_item: Any,
    kind: str,
    acting_user: User | None,
) -> Any:
    from moot.polls.actions import PollError, do_create_poll, do_open_poll

    if meeting.state == "closed":
        raise MotionError(
            "The meeting has closed; nothing more can be put to its vote.", code=RefusalCode.STATE
        )
    majority = majority_for(meeting, decision)
    try:
        poll = do_create_poll(
            title=title[:300],
            question=question,
            kind=kind,
            method="yes-no",
            voting=voting,
            secret=secret and voting == "electronic",
            meeting=meeting,
            agenda_item=agenda_item,
            majority=poll_majority_name(majority),
            majority_basis=majority.basis,
            acting_user=acting_user,
        )
        return do_open_poll(poll, acting_user=acting_user)
    except PollError as exc:
        raise MotionError(exc.message, clause=exc.clause, field=exc.field, code=exc.code) from exc


def close_poll(poll: Any, acting_user: User | None) -> Any:
    from moot.polls.actions import PollError, do_close_poll

    if poll.state == "closed":
        return poll
    try:
        return do_close_poll(poll, acting_user=acting_user)
    except PollError as exc:
        raise MotionError(exc.message, clause=exc.clause, code=exc.code) from exc
