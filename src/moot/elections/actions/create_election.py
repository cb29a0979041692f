"""Creating an election: the nomination window the rulebook allows, then the election itself."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from moot.audit.actions import record
from moot.elections import balance
from moot.elections.actions._common import rule_reasons, snapshot
from moot.elections.audit_verbs import AuditVerb
from moot.elections.errors import ElectionError
from moot.elections.models import (
    SINGLE_SEAT_METHODS,
    Election,
    ElectionMethod,
    ElectionState,
)

if TYPE_CHECKING:
    from moot.accounts.models import User


def _meeting_date(meeting: Any) -> datetime.date:
    return timezone.localdate(meeting.starts_at)


def check_nomination_window(
    *,
    meeting: Any,
    election_date: datetime.date,
    opens: datetime.date,
    closes: datetime.date,
) -> str:
    """Refuse a window that ends before it starts, after the vote, or later than the
    rulebook's nomination deadline for the meeting's kind; return the deadline's clause."""
    if closes < opens:
        raise ElectionError(
            f"Nominations cannot close ({closes}) before they open ({opens}); "
            "choose a closing date on or after the opening date.",
            field="nominations_close_on",
        )
    if closes > election_date:
        raise ElectionError(
            f"Nominations must close by the day of the vote ({election_date}), not {closes}.",
            field="nominations_close_on",
        )
    if meeting is None:
        return ""
    from moot import rulebook

    verdict = rulebook.check_nomination_deadline(
        balance.edition_on(election_date),
        meeting.kind,
        meeting_date=election_date,
        nominated_on=closes,
    )
    text, clause = rule_reasons(verdict)
    if not verdict.allowed:
        raise ElectionError(
            f"Nominations closing on {closes} would be too late for this meeting: {text}. "
            "Choose an earlier closing date.",
            clause=clause,
            field="nominations_close_on",
        )
    return clause


@transaction.atomic(durable=True)
def do_create_election(
    *,
    post: Any,
    method: str,
    nominations_open_on: datetime.date,
    nominations_close_on: datetime.date,
    meeting: Any = None,
    agenda_item: Any = None,
    election_date: datetime.date | None = None,
    seats: int | None = None,
    title: str = "",
    statement_limit: int = 1500,
    returning_officer: Any = None,
    acting_user: User | None,
) -> Election:
    """Set up an election to ``post`` (of the post's unit), at ``meeting`` or standalone on
    ``election_date``, with a nomination window and a counting method: first past the post or
    the exhaustive ballot (IRV) for one seat, STV for one or several equal seats."""
    unit = post.unit
    if method not in ElectionMethod.values:
        names = ", ".join(f"{m.value} ({m.label})" for m in ElectionMethod)
        raise ElectionError(f"Unknown method {method!r}; use one of {names}.", field="method")
    seats = post.seats if seats is None else seats
    if not 1 <= seats <= post.seats:
        raise ElectionError(
            f"{post.title} has {post.seats} seat{'s' if post.seats != 1 else ''}; an election "
            f"fills between 1 and {post.seats}, not {seats}.",
            field="seats",
        )
    if method in SINGLE_SEAT_METHODS and seats != 1:
        raise ElectionError(
            f"{ElectionMethod(method).label} fills one seat; use STV (scottish-stv or meek) "
            f"for {seats} equal seats.",
            field="method",
        )
    if meeting is not None:
        if meeting.unit_id != unit.pk:
            raise ElectionError(
                f"{meeting} is a meeting of {meeting.unit}, but {post.title} is a post of "
                f"{unit}; elect it at a meeting of {unit}.",
                field="meeting",
            )
        from moot import rulebook

        edition = balance.edition_on(_meeting_date(meeting))
        try:
            kind = edition.meeting_kind(meeting.kind)
        except rulebook.RulebookError as exc:
            raise ElectionError(str(exc), field="meeting") from exc
        if not kind.elects_officers:
            raise ElectionError(
                f"A {kind.name} does not elect officers under the rulebook; hold the election "
                "at a meeting that does (e.g. the annual general meeting).",
                clause=kind.clause,
                field="meeting",
            )
        if election_date is not None and election_date != _meeting_date(meeting):
            raise ElectionError(
                "An election at a meeting is held on the meeting's date; leave the date empty.",
                field="election_date",
            )
        election_date = _meeting_date(meeting)
    elif election_date is None:
        raise ElectionError(
            "Give the date of the vote, or choose the meeting that holds the election.",
            field="election_date",
        )
    if agenda_item is not None:
        if meeting is None or agenda_item.meeting_id != meeting.pk:
            raise ElectionError(
                "The agenda item must belong to the election's meeting.", field="agenda_item"
            )
        if agenda_item.kind != "election":
            raise ElectionError(
                f"Agenda item {agenda_item.position} ({agenda_item.title}) is not an election "
                "item; choose an election item or add one to the agenda.",
                field="agenda_item",
            )
    if statement_limit < 100:
        raise ElectionError(
            "Allow candidates at least 100 characters for their statements.",
            field="statement_limit",
        )
    clause = check_nomination_window(
        meeting=meeting,
        election_date=election_date,
        opens=nominations_open_on,
        closes=nominations_close_on,
    )
    running = Election.objects.filter(post=post).exclude(state=ElectionState.DECLARED)
    if running.exists():
        raise ElectionError(
            f"An election to {post.title} is already under way ({running.first()}); declare "
            "its result before starting another.",
            field="post",
        )
    election = Election.objects.create(
        title=(title.strip() or f"Election of {post.title}")[:200],
        unit=unit,
        post=post,
        meeting=meeting,
        agenda_item=agenda_item,
        election_date=election_date,
        method=method,
        seats=seats,
        nominations_open_on=nominations_open_on,
        nominations_close_on=nominations_close_on,
        statement_limit=statement_limit,
        returning_officer=returning_officer,
        created_by=acting_user,
    )
    record(
        actor=acting_user,
        verb=AuditVerb.CREATE_ELECTION,
        obj=election,
        after=snapshot(election),
        clause=clause,
    )
    return election
