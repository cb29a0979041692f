"""The vote: open it as a poll through moot.polls.actions (checking quorum and the balance
constraints), close it."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction

from moot.audit.actions import record
from moot.clock import today
from moot.dates import long_date
from moot.elections import balance
from moot.elections.actions._common import check_not_a_candidate, still_standing
from moot.elections.audit_verbs import AuditVerb
from moot.elections.errors import ElectionError
from moot.elections.models import (
    Election,
    ElectionState,
    Nomination,
)

if TYPE_CHECKING:
    from moot.accounts.models import User


def _unique_labels(nominations: list[Nomination]) -> list[str]:
    labels = [n.label for n in nominations]
    return [
        f"{label} ({n.nominee.number})" if labels.count(label) > 1 else label
        for label, n in zip(labels, nominations, strict=True)
    ]


def constraints_text(minimum: int, seats: int, women: list[int], others: list[int]) -> str:
    """OpenTally's CON format (``moot.counting.constraints``): 1-based candidate numbers."""
    lines = [
        '"Gender" "Women" {} {} {}'.format(minimum, seats, " ".join(str(i) for i in women)),
    ]
    if others:
        lines.append('"Gender" "Others" 0 {} {}'.format(seats, " ".join(str(i) for i in others)))
    return "\n".join(lines) + "\n"


def _check_quorate(election: Election) -> None:
    """An inquorate meeting may hold an election only if the rulebook lets it take election
    business without a quorum (``meetings.queries.inquorate_refusal``, which the poll's opening
    asks too; asked here first, before the candidates are checked once more)."""
    from moot.meetings.queries import inquorate_refusal

    refusal = inquorate_refusal(election.meeting, "election")
    if refusal is not None:
        raise ElectionError(
            f"{refusal.text} Wait for more members to check in.",
            clause=refusal.clause,
            code="state",
        )


@transaction.atomic(durable=True)
def do_open_election(
    election: Election, *, on: datetime.date | None = None, acting_user: User | None
) -> Election:
    """Close nominations and open the vote: the standing candidates (each checked once more)
    become the options of a secret poll (``polls.do_create_poll`` then ``do_open_poll``).
    For several seats, the rulebook's minimum of women becomes a counting constraint."""
    from moot.polls.actions import PollError, do_create_poll, do_open_poll

    election = (
        Election.objects.select_for_update(of=("self",))
        .select_related("post__unit")
        .get(pk=election.pk)
    )
    on = on or today()
    if election.state != ElectionState.NOMINATIONS:
        raise ElectionError("The vote for this election has already been opened.", code="state")
    if on <= election.nominations_close_on and on < election.election_date:
        raise ElectionError(
            f"Nominations are open until {long_date(election.nominations_close_on)}; the vote "
            "can open once they have closed.",
            code="state",
        )
    if election.meeting_id is not None and election.meeting.state != "open":
        raise ElectionError(
            "The meeting is not in progress: start the meeting, then open the vote."
            if election.meeting.state == "scheduled"
            else "The meeting has closed; the vote can no longer be held at it.",
            code="state",
        )
    check_not_a_candidate(election, acting_user, "open its vote")
    if election.meeting_id is not None:
        _check_quorate(election)
    standing = still_standing(election, acting_user=acting_user)
    if len(standing) <= election.seats:
        raise ElectionError(
            f"{len(standing)} candidate{'s' if len(standing) != 1 else ''} stand"
            f"{'s' if len(standing) == 1 else ''} for {election.seats} "
            f"seat{'s' if election.seats != 1 else ''}: there is nothing to vote on. "
            + (
                "Declare the result: the candidates are elected unopposed."
                if standing
                else "Re-open nominations with a new election."
            ),
            code="state",
        )
    constraints = None
    if election.seats > 1:
        minimum = balance.minimum_women(election.post, election.election_date, election.seats)
        women = [i for i, n in enumerate(standing, start=1) if balance.counts_as_woman(n)]
        others = [i for i in range(1, len(standing) + 1) if i not in women]
        required = minimum.minimum
        note = minimum.note
        if required > len(women):
            note = (
                f"{note}; only {len(women)} woman candidate{'s' if len(women) != 1 else ''} "
                f"stand{'s' if len(women) == 1 else ''}, so the count guarantees "
                f"{len(women)} and the declaration checks the rest"
            )
            required = len(women)
        election.min_women = required
        election.min_women_clause = minimum.clause
        election.min_women_note = note
        if required:
            constraints = constraints_text(required, election.seats, women, others)
    labels = _unique_labels(standing)
    try:
        poll = do_create_poll(
            title=election.title,
            kind="election",
            method=election.method,
            options=[(label, n.nominee) for label, n in zip(labels, standing, strict=True)],
            seats=election.seats,
            secret=True,
            question=f"Elect {election.seats} to {election.post.title}"
            if election.seats > 1
            else f"Elect the {election.post.title}",
            unit=election.unit,
            meeting=election.meeting,
            agenda_item=election.agenda_item,
            returning_officer=election.returning_officer or acting_user,
            constraints=constraints,
            acting_user=acting_user,
        )
        for option, nomination in zip(poll.options.order_by("order"), standing, strict=True):
            nomination.poll_option = option
            nomination.save(update_fields=["poll_option"])
        poll = do_open_poll(poll, acting_user=acting_user)
    except PollError as exc:
        raise ElectionError(str(exc), field=exc.field) from exc
    election.poll = poll
    election.state = ElectionState.BALLOT
    election.save(
        update_fields=["poll", "state", "min_women", "min_women_clause", "min_women_note"]
    )
    record(
        actor=acting_user,
        verb=AuditVerb.OPEN_ELECTION,
        obj=election,
        before={"state": ElectionState.NOMINATIONS},
        after={
            "state": election.state,
            "poll": poll.pk,
            "candidates": labels,
            "min_women": election.min_women,
        },
        clause=election.min_women_clause,
    )
    return election


def do_close_election(election: Election, *, acting_user: User | None) -> Election:
    """Close the election's poll and count it (``polls.do_close_poll``)."""
    from moot.polls.actions import PollError, do_close_poll

    if election.poll_id is None:
        raise ElectionError("The vote has not been opened yet.", code="state")
    check_not_a_candidate(election, acting_user, "close its vote")
    try:
        do_close_poll(election.poll, acting_user=acting_user)
    except PollError as exc:
        raise ElectionError(str(exc), code="state") from exc
    election.refresh_from_db()
    return election
