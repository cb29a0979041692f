"""Reads about polls: who may vote, turnout, results (hidden until close) and the anonymised
ballots for a recount."""

from __future__ import annotations

import importlib
import io
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from moot.csv_export import csv_writer
from moot.polls.models import (
    Entitlement,
    NamedVote,
    Participation,
    Poll,
    PollOption,
    PollState,
    SecretBallot,
    TellerCount,
    Voting,
)
from moot.rows import instance_from_row, select_list

# How each counting method takes its ballots. Methods not named here take rankings when the
# registry says they accept ranked ballots.
SINGLE_CHOICE_METHODS = frozenset({"plurality"})
MULTI_CHOICE_METHODS = frozenset({"approval", "block"})
YES_NO_METHOD = "yes-no"
YES_NO_CODES = ("yes", "no", "abstain")


def ballot_kind(method: str) -> str:
    """ "yes_no", "single", "multi" or "ranked": what the voting page asks for."""
    if method == YES_NO_METHOD:
        return "yes_no"
    if method in SINGLE_CHOICE_METHODS:
        return "single"
    if method in MULTI_CHOICE_METHODS:
        return "multi"
    return "ranked"


@dataclass(frozen=True)
class Standing:
    """Whether a member may vote in a poll now, and if not, why (with the rule's clause)."""

    allowed: bool
    reason: str = ""
    clause: str = ""


def poll_for_cast(poll_id: int) -> Poll | None:
    """The poll as ``do_cast_ballot`` reads it (with ``check_choice``, ``open_poll_options`` and
    ``voter_standing``), and its meeting's state, in one statement; else None. The other fields
    are deferred: they load if read.

    Plain SQL because every vote cast over the API starts here (2,000 voters in a minute at a
    large AGM), and building the ORM query costs more than running it; the test suite checks
    the instances against the ORM's on SQLite and PostgreSQL."""
    from moot.meetings.models import Meeting

    poll_fields = ["id", "title", "state", "voting", "secret", "method", "seats", "meeting_id"]
    poll_fields += ["opened_at", "closed_at"]
    columns = select_list(Poll, "p", poll_fields) + ", "
    columns += select_list(Meeting, "m", ["state", "closed_at"])
    sql = (
        f"SELECT {columns} FROM {Poll._meta.db_table} p "  # noqa: S608 - names from the models
        f"LEFT JOIN {Meeting._meta.db_table} m ON m.id = p.meeting_id WHERE p.id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [poll_id])
        row = cursor.fetchone()
    if row is None:
        return None
    poll = instance_from_row(Poll, dict(zip(poll_fields, row, strict=False)))
    if poll.meeting_id is not None:
        meeting_state, meeting_closed_at = row[len(poll_fields) :]
        poll.meeting = instance_from_row(
            Meeting, {"id": poll.meeting_id, "state": meeting_state, "closed_at": meeting_closed_at}
        )
    return poll


def meetings_queries() -> Any | None:
    """``moot.meetings.queries`` once the meetings app provides it (polls → meetings is the
    allowed direction of dependency; meetings never imports polls)."""
    try:
        module = importlib.import_module("moot.meetings.queries")
    except ModuleNotFoundError:
        return None
    return module if hasattr(module, "is_present_and_eligible") else None


def _standing_from_meeting(verdict: Any) -> Standing:
    """Normalise what ``meetings.queries.is_present_and_eligible`` answers: a bool, or an object
    with ``allowed``/``eligible`` and ``reason``/``reasons`` and ``clause``."""
    if isinstance(verdict, bool):
        return Standing(
            verdict,
            "" if verdict else "You are not checked in as an eligible voter at this meeting.",
        )
    allowed = bool(getattr(verdict, "allowed", getattr(verdict, "eligible", False)))
    reason = getattr(verdict, "reason", "") or getattr(verdict, "explanation", "")
    clause = getattr(verdict, "clause", "") or ""
    reasons = getattr(verdict, "reasons", None)
    if not reason and reasons:
        reason = "; ".join(getattr(r, "text", str(r)) for r in reasons)
        clause = clause or next((r.clause for r in reasons if getattr(r, "clause", "")), "")
    if not allowed and not reason:
        reason = "You are not checked in as an eligible voter at this meeting."
    return Standing(allowed, reason, clause)


def voter_for_user(user_id: int | None) -> Any | None:
    """The membership record linked to the account ``user_id`` as a cast reads it — ``id``,
    ``number``, ``user_id`` and ``status`` (the status today: ``Member.status`` follows the open
    status interval, and no change can start in the future) — and the id of the rulebook
    edition adopted for today, in one statement; else None. The other fields are deferred.

    The cast's standing check (``standing_now``) needs the status and the edition; reading them
    with the member keeps the cast at its statement budget
    (``tests/meetings/test_cast_path.py``)."""
    from moot.members.models import Member
    from moot.units.models import AdoptedEdition

    if user_id is None:
        return None
    on = timezone.localdate()
    table = AdoptedEdition._meta.db_table
    sql = (
        f"SELECT {select_list(Member, 'm', ['id', 'number', 'status'])}, "  # noqa: S608 - names from the models
        f"(SELECT a.id FROM {table} a WHERE a.effective_from <= %s "
        "ORDER BY a.effective_from DESC LIMIT 1) "
        f"FROM {Member._meta.db_table} m WHERE m.user_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [on, user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    member = instance_from_row(
        Member, {"id": row[0], "number": row[1], "status": row[2], "user_id": user_id}
    )
    member._edition_in_force = (on, row[3])  # read by standing_now
    return member


# Adopted editions by id, for the cast's standing check: reading and parsing one is the
# expensive part. Forgotten when an adoption is saved or deleted (``apps.py``).
_ADOPTED_EDITIONS: dict[int, Any] = {}


def forget_editions(**_: Any) -> None:
    _ADOPTED_EDITIONS.clear()


def _edition_for_today(member: Any, on: Any) -> Any:
    """The rulebook edition in force on ``on``: from what ``voter_for_user`` read with the
    member (no statement), else asked of the units app (one statement)."""
    from django.conf import settings

    from moot import rulebook
    from moot.units.models import AdoptedEdition
    from moot.units.queries import edition_in_force, parse_adopted_edition

    read = getattr(member, "_edition_in_force", None)
    if read is None or read[0] != on:
        return edition_in_force(on)
    adopted_id = read[1]
    if adopted_id is None:
        return rulebook.preset(getattr(settings, "MOOT_RULEBOOK_PRESET", "party"))
    edition = _ADOPTED_EDITIONS.get(adopted_id)
    if edition is None:
        edition = parse_adopted_edition(AdoptedEdition.objects.get(pk=adopted_id))
        if len(_ADOPTED_EDITIONS) > 64:
            _ADOPTED_EDITIONS.clear()
        _ADOPTED_EDITIONS[adopted_id] = edition
    return edition


STANDING_CHANGED = "Your membership standing has changed since you were admitted to this vote"


def standing_now(poll: Poll, member: Any) -> Standing:
    """Is ``member`` in good standing at this moment (the rulebook's status rule for their
    status today)? Check-in, or the electorate frozen at the opening, decided eligibility then;
    a suspension, an expulsion or a resignation recorded since takes the vote away at once.

    The common case costs no statement (the status and the edition came with the member, see
    ``voter_for_user``). A status without standing is explained by the rulebook's eligibility
    verdict as at today, with its clause."""
    from moot.members.models import Member
    from moot.rulebook.errors import RulebookError

    on = timezone.localdate()
    edition = _edition_for_today(member, on)
    if getattr(member, "_edition_in_force", None) is not None:
        status = member.status  # read by voter_for_user in this request
    else:  # an instance of unknown age: the status as recorded now
        status = Member.objects.filter(pk=member.pk).values_list("status", flat=True).get()
    try:
        if edition.status_rule(status).standing:
            return Standing(True)
    except RulebookError:
        pass  # a status the edition does not define: the verdict below says so
    from moot.members.queries import eligibility

    record = Member.objects.get(pk=member.pk)
    purpose = "meeting" if getattr(poll, "meeting_id", None) is not None else "ballot"
    verdict = eligibility(record, purpose, None, at=on)
    reasons = [r for r in verdict.reasons if not verdict.allowed]
    if not reasons:  # the status rule and the full verdict disagree: trust the stricter
        return Standing(False, f"{STANDING_CHANGED}.", edition.membership.clause)
    return Standing(
        False,
        f"{STANDING_CHANGED}: " + "; ".join(r.text for r in reasons) + ".",
        next((r.clause for r in reasons if r.clause), ""),
    )


def voter_standing(poll: Poll, member: Any) -> Standing:
    """May ``member`` vote in ``poll``? The one place eligibility to cast is decided.

    A poll at a meeting: the member must be present and eligible (meetings.queries, which holds
    the rulebook's verdict at check-in). Any other poll: the electorate frozen when the poll
    opened (``Entitlement``), with the rulebook's reason and clause for those refused.
    """
    if member is None:
        return Standing(False, "Your account is not linked to a membership record.")
    meeting_id = getattr(poll, "meeting_id", None)
    if meeting_id is not None:
        module = meetings_queries()
        if module is None:
            return Standing(False, "This poll belongs to a meeting, and attendance is unavailable.")
        standing = _standing_from_meeting(module.is_present_and_eligible(poll.meeting, member))
        return standing_now(poll, member) if standing.allowed else standing
    row = (
        Entitlement.objects.filter(poll=poll, member=member)
        .values("eligible", "reason", "clause")
        .first()
    )
    if row is None:
        from moot.dates import long_date

        when = long_date(poll.opened_at) if poll.opened_at else ""
        return Standing(
            False,
            "You are not in the electorate of this poll"
            + (f" (frozen when it opened on {when})." if when else "."),
        )
    if not row["eligible"]:
        return Standing(False, row["reason"] or "You are not eligible to vote.", row["clause"])
    return standing_now(poll, member)


def eligible_count(poll: Poll) -> int:
    """Members who may vote: present and eligible at the meeting, or the frozen electorate."""
    meeting_id = getattr(poll, "meeting_id", None)
    if meeting_id is not None:
        module = meetings_queries()
        if module is None:
            return 0
        return len(module.present_eligible_member_ids(poll.meeting))
    return Entitlement.objects.filter(poll=poll, eligible=True).count()


def has_voted(poll: Poll, member: Any) -> bool:
    return member is not None and Participation.objects.filter(poll=poll, member=member).exists()


@dataclass(frozen=True)
class Turnout:
    voted: int
    eligible: int

    @property
    def percent(self) -> float:
        return round(100.0 * self.voted / self.eligible, 1) if self.eligible else 0.0


def turnout(poll: Poll) -> Turnout:
    """How many have voted, of how many may. For show of hands and paper polls: the votes the
    tellers counted."""
    if poll.voting != Voting.ELECTRONIC:
        voted = sum(TellerCount.objects.filter(poll=poll).values_list("count", flat=True))
    else:
        voted = Participation.objects.filter(poll=poll).count()
    eligible = (
        poll.present_at_close
        if poll.is_closed and poll.present_at_close is not None
        else eligible_count(poll)
    )
    return Turnout(voted, eligible)


def result_for(poll: Poll, user: Any) -> dict[str, Any]:
    """The stored result of a closed poll. Before close nobody sees anything — not managers,
    not voters: "Results hidden until close" (issue 4, item 6)."""
    if not poll.is_closed or poll.result is None:
        raise PermissionDenied("The result is hidden until the poll closes.")
    if not user.has_perm("polls.view_poll", poll):
        raise PermissionDenied("You may not see this poll.")
    from moot.polls.results import public_result

    # Without the figures of a secret ballot too small to keep secret (polls.results).
    return public_result(poll)


def options_of(poll: Poll) -> list[PollOption]:
    return list(poll.options.all())


def ballot_contents(poll: Poll) -> list[list[int]]:
    """Every ballot's choice as option ids, in key order (random: says nothing about time)."""
    if poll.secret:
        rows = (
            SecretBallot.objects.filter(poll=poll).order_by("id").values_list("content", flat=True)
        )
    else:
        rows = NamedVote.objects.filter(poll=poll).order_by("?").values_list("content", flat=True)
    return [json.loads(content) for content in rows]


def _download_allowed(poll: Poll) -> None:
    if not poll.is_closed:
        raise PermissionDenied("The ballots can be downloaded only after the poll closes.")
    if poll.voting != Voting.ELECTRONIC:
        raise PermissionDenied(
            "This poll was counted by the tellers: there are no individual ballots to download."
        )


def ballots_as_blt(poll: Poll) -> str:
    """The anonymised ballots as BLT (one line per distinct ballot with its weight), which
    ``moot count`` recounts to the same result."""
    from moot.counting.formats.blt import write_blt
    from moot.polls.counting import election_for

    _download_allowed(poll)
    return write_blt(election_for(poll))


def ballots_as_csv(poll: Poll) -> str:
    """The anonymised ballots as CSV: one row per ballot, ``preference_1`` first; for yes/no
    and single-choice polls the one column is the answer chosen."""
    _download_allowed(poll)
    labels = {option.pk: option.label for option in options_of(poll)}
    contents = ballot_contents(poll)
    width = max((len(content) for content in contents), default=1) or 1
    out = io.StringIO()
    writer = csv_writer(out)  # an option labelled "=cmd|…" stays text in a spreadsheet
    writer.writerow(["ballot", *(f"preference_{i}" for i in range(1, width + 1))])
    for number, content in enumerate(contents, start=1):
        names = [labels[option_id] for option_id in content]
        writer.writerow([number, *names, *([""] * (width - len(names)))])
    return out.getvalue()


def polls_visible_to(user: Any) -> list[Poll]:
    """The polls the user may see, newest first."""
    polls = Poll.objects.select_related("unit").order_by("-created_at", "-id")[:200]
    return [poll for poll in polls if user.has_perm("polls.view_poll", poll)]


def open_votes_before_close(meeting: Any) -> list[str]:
    """For ``meetings.hooks.register_before_close``: the votes still open at the meeting."""
    titles = list(
        Poll.objects.filter(meeting_id=meeting.pk, state=PollState.OPEN)
        .order_by("opened_at", "id")
        .values_list("title", flat=True)
    )
    if not titles:
        return []
    named = ", ".join(f"“{t}”" for t in titles[:-1])
    named = f"{named} and “{titles[-1]}”" if named else f"“{titles[-1]}”"
    votes = "vote" if len(titles) == 1 else "votes"
    return [f"Close the {votes} on {named} first: a meeting closes once its votes are closed."]


# The options of open polls, by poll id: they cannot change once a poll is open, and reading
# them is on the hot path of every vote.
# Keyed by (id, opening time) so that a reused id (a rolled-back test, a restored backup) never
# finds another poll's options.
_OPEN_POLL_OPTIONS: dict[tuple[int, Any], list[PollOption]] = {}


def open_poll_options(poll: Poll) -> list[PollOption]:
    if poll.state != PollState.OPEN:
        return list(poll.options.all())
    key = (poll.pk, poll.opened_at)
    options = _OPEN_POLL_OPTIONS.get(key)
    if options is None:
        options = list(poll.options.all())
        if len(_OPEN_POLL_OPTIONS) > 256:
            _OPEN_POLL_OPTIONS.clear()
        _OPEN_POLL_OPTIONS[key] = options
    return options
