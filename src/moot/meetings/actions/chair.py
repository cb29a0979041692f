"""The chair's moves: start the meeting (recording the quorum), set the current item, next and
previous item, close the meeting."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from moot.audit.actions import record
from moot.meetings import hooks, queries
from moot.meetings.actions._common import (
    count_roll,
    lock_meeting,
    step_moment,
    when_text,
    with_happened_at,
)
from moot.meetings.actions.console import UNFINISHED_AS, record_unfinished, unfinished
from moot.meetings.audit_verbs import AuditVerb
from moot.meetings.errors import MeetingError
from moot.meetings.models import AgendaItem, ItemState, Meeting, MeetingState, QuorumCheck

if TYPE_CHECKING:
    from moot.accounts.models import User


def _record_quorum(
    meeting: Meeting,
    occasion: str,
    item: AgendaItem | None = None,
    *,
    at: datetime.datetime | None = None,
) -> QuorumCheck:
    state = queries.quorum_state(meeting)
    return QuorumCheck.objects.create(
        meeting=meeting,
        occasion=occasion,
        agenda_item=item,
        present_eligible=state.present_eligible,
        eligible_roll=state.eligible_total,
        required=state.required,
        quorate=state.quorate,
        text=state.text[:300],
        clause=state.clause,
        at=at or timezone.now(),
    )


@transaction.atomic(durable=True)
def do_start_meeting(
    meeting: Meeting, *, acting_user: User | None, at: datetime.datetime | None = None
) -> Meeting:
    """Open the meeting: record the quorum at the start. The eligible roll is counted now if no
    notice was sent from moot. The chair then takes the first item (``do_set_current_item``).
    ``at``: when it opened, for a meeting recorded afterwards (on the meeting's day)."""
    moment = step_moment(at)
    meeting = lock_meeting(meeting)
    if not meeting.is_scheduled:
        raise MeetingError(
            "The meeting has already started." if meeting.is_open else "The meeting is closed.",
            code="state",
        )
    if timezone.localdate(meeting.starts_at) != timezone.localdate(moment):
        raise MeetingError(
            f"The meeting is called for {when_text(meeting.starts_at)}: it can be opened on that "
            "day only (move the date if it has changed).",
            code="state",
        )
    if meeting.eligible_roll is None:
        count_roll(meeting, timezone.localdate(moment))
    meeting.state = MeetingState.OPEN
    meeting.opened_at = moment
    meeting.save(update_fields=["state", "opened_at", "updated_at"])
    check = _record_quorum(meeting, "start", at=moment)
    record(
        actor=acting_user,
        verb=AuditVerb.START_MEETING,
        obj=meeting,
        after=with_happened_at(
            {
                "opened_at": meeting.opened_at,
                "present_eligible": check.present_eligible,
                "required": check.required,
                "quorate": check.quorate,
            },
            moment,
            at,
        ),
        clause=check.clause,
    )
    return meeting


@transaction.atomic
def do_set_current_item(
    meeting: Meeting,
    item: AgendaItem,
    *,
    acting_user: User | None,
    at: datetime.datetime | None = None,
) -> Meeting:
    """Make ``item`` the business now before the meeting (the previous item is done). An
    inquorate meeting may take only the business the rulebook allows; anything else is
    refused with the clause. ``at``: when, for a meeting recorded afterwards."""
    moment = step_moment(at)
    meeting = lock_meeting(meeting)
    if not meeting.is_open:
        raise MeetingError(
            "Open the meeting first."
            if meeting.is_scheduled
            else "The meeting is adjourned: resume it first."
            if meeting.is_adjourned
            else "The meeting is closed.",
            code="state",
        )
    if item.meeting_id != meeting.pk:
        raise MeetingError("That item belongs to another meeting.", field="item")
    _check_not_before_opening(meeting, moment)
    refusal = queries.inquorate_refusal(meeting, item.kind)
    if refusal is not None:
        raise MeetingError(refusal.text, clause=refusal.clause, code="rule")
    previous = meeting.current_item_id
    if previous is not None and previous != item.pk:
        AgendaItem.objects.filter(pk=previous).update(state=ItemState.DONE)
    item = AgendaItem.objects.get(pk=item.pk)
    item.state = ItemState.CURRENT
    if item.started_at is None:
        item.started_at = moment
    item.save(update_fields=["state", "started_at"])
    meeting.current_item = item
    meeting.save(update_fields=["current_item", "updated_at"])
    check = _record_quorum(meeting, "item", item, at=moment)
    record(
        actor=acting_user,
        verb=AuditVerb.SET_CURRENT_ITEM,
        obj=meeting,
        before={"current_item": previous},
        after=with_happened_at(
            {
                "current_item": item.pk,
                "title": item.title,
                "present_eligible": check.present_eligible,
                "quorate": check.quorate,
            },
            moment,
            at,
        ),
    )
    return meeting


def _check_not_before_opening(meeting: Meeting, moment: datetime.datetime) -> None:
    if meeting.opened_at is not None and moment < meeting.opened_at:
        raise MeetingError(
            f"The meeting opened at {when_text(meeting.opened_at)}: a later step cannot be "
            "recorded before that.",
            field="at",
        )


def _neighbour(meeting: Meeting, step: int) -> AgendaItem:
    items = list(meeting.items.order_by("position"))
    if not items:
        raise MeetingError("The agenda is empty: add items first.", code="state")
    current = next((i for i, item in enumerate(items) if item.pk == meeting.current_item_id), None)
    if current is None:
        return items[0] if step > 0 else items[-1]
    target = current + step
    if not 0 <= target < len(items):
        raise MeetingError(
            "This is the last item: close the meeting when its business is done."
            if step > 0
            else "This is the first item.",
            code="state",
        )
    return items[target]


def do_next_item(
    meeting: Meeting, *, acting_user: User | None, at: datetime.datetime | None = None
) -> Meeting:
    """Move to the next item on the agenda (the first, when none is current)."""
    return do_set_current_item(meeting, _neighbour(meeting, 1), acting_user=acting_user, at=at)


def do_previous_item(meeting: Meeting, *, acting_user: User | None) -> Meeting:
    """Go back to the previous item (to return to business left unfinished)."""
    return do_set_current_item(meeting, _neighbour(meeting, -1), acting_user=acting_user)


@transaction.atomic(durable=True)
def do_close_meeting(
    meeting: Meeting,
    *,
    acting_user: User | None,
    at: datetime.datetime | None = None,
    unfinished_as: str = "not_taken",
) -> Meeting:
    """Close the meeting (in progress or adjourned): the current item is done, the quorum at
    the close is recorded and nobody can check in any more. The minutes can then be drafted.
    Business left unfinished (``console.unfinished``: items never taken, elections not opened
    or declared, motions not put, amendments pending) is recorded for the minutes as
    ``unfinished_as`` "not_taken" or "carried_over" (to the next meeting). ``at``: when it
    closed, for a meeting recorded afterwards."""
    moment = step_moment(at)
    if unfinished_as not in UNFINISHED_AS:
        raise MeetingError(
            "Say whether unfinished business is not taken or carried over to the next meeting.",
            field="unfinished_as",
        )
    meeting = lock_meeting(meeting)
    if not (meeting.is_open or meeting.is_adjourned):
        raise MeetingError(
            "The meeting has not started." if meeting.is_scheduled else "The meeting is closed.",
            code="state",
        )
    _check_not_before_opening(meeting, moment)
    problems = hooks.before_close(meeting)  # e.g. polls: a vote still open at the meeting
    if problems:
        raise MeetingError(" ".join(problems), code="state")
    left = unfinished(meeting)
    record_unfinished(meeting, left, unfinished_as, moment, acting_user)
    if meeting.current_item_id is not None:
        AgendaItem.objects.filter(pk=meeting.current_item_id).update(state=ItemState.DONE)
    check = _record_quorum(meeting, "close", at=moment)
    meeting.state = MeetingState.CLOSED
    meeting.closed_at = moment
    meeting.current_item = None
    meeting.save(update_fields=["state", "closed_at", "current_item", "updated_at"])
    record(
        actor=acting_user,
        verb=AuditVerb.CLOSE_MEETING,
        obj=meeting,
        after=with_happened_at(
            {
                "closed_at": meeting.closed_at,
                "present_eligible": check.present_eligible,
                "unfinished": left,
                "unfinished_as": unfinished_as if left else None,
            },
            moment,
            at,
        ),
    )
    return meeting
