"""The chair's console's protective moves (issue 9 item 2): adjourn a meeting with business
unfinished (it can be resumed later) and resume it, and hand the chair over for an item the
chair should not chair — their own election — and take it back afterwards. Each is its own
audited action and leaves a ``ChairRecord`` with the time, which the minutes print.

Closing the meeting is ``chair.do_close_meeting``; what it leaves unfinished is recorded there
as not taken or carried over (:func:`record_unfinished`)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import time_format

from moot.audit.actions import record
from moot.meetings import hooks
from moot.meetings.actions._common import belongs_to, lock_meeting
from moot.meetings.audit_verbs import AuditVerb
from moot.meetings.errors import MeetingError
from moot.meetings.models import (
    AgendaItem,
    ChairRecord,
    ChairRecordKind,
    ItemState,
    Meeting,
    MeetingState,
)

if TYPE_CHECKING:
    from moot.accounts.models import User

REASON_LIMIT = 1000
UNFINISHED_AS = {
    "not_taken": ChairRecordKind.NOT_TAKEN,
    "carried_over": ChairRecordKind.CARRIED_OVER,
}


def _clock(moment: datetime.datetime) -> str:
    return time_format(timezone.localtime(moment), "H:i")


def unfinished(meeting: Meeting) -> list[str]:
    """The meeting's unfinished business: agenda items never taken, then what motions and
    elections register (``hooks.unfinished_business``): elections never opened or not
    declared, motions not put, amendments pending, votes still open."""
    lines = [
        f"Item {item.position}: {item.title} (never taken)"
        for item in meeting.items.filter(state=ItemState.PENDING).order_by("position")
        if item.pk != meeting.current_item_id
    ]
    return lines + hooks.unfinished_business(meeting)


def record_unfinished(
    meeting: Meeting, lines: list[str], how: str, moment: datetime.datetime, acting_user: Any
) -> None:
    """Record each line of unfinished business for the minutes, as not taken or carried over
    to the next meeting (``how``: a key of ``UNFINISHED_AS``). Called by ``do_close_meeting``
    inside its transaction."""
    kind = UNFINISHED_AS[how]
    suffix = (
        "not taken" if kind == ChairRecordKind.NOT_TAKEN else "carried over to the next meeting"
    )
    ChairRecord.objects.bulk_create(
        ChairRecord(
            meeting=meeting,
            kind=kind,
            at=moment,
            text=f"{line} — {suffix}."[:600],
            recorded_by=acting_user,
        )
        for line in lines
    )


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_LIMIT:
        raise MeetingError(
            f"The reason is {len(reason)} characters long; keep it to {REASON_LIMIT}.",
            field="reason",
        )
    return reason


@transaction.atomic(durable=True)
def do_adjourn_meeting(meeting: Meeting, *, reason: str = "", acting_user: User | None) -> Meeting:
    """Adjourn the meeting in progress: nothing more is taken until the chair resumes it (the
    same evening or another day); the minutes record the time and the business left. A vote
    still open must be closed first (as for the close)."""
    moment = timezone.now()
    reason = _clean_reason(reason)
    meeting = lock_meeting(meeting)
    if not meeting.is_open:
        raise MeetingError(
            "Only a meeting in progress can be adjourned; this one is "
            f"{meeting.get_state_display().lower()}.",
            code="state",
        )
    problems = hooks.before_close(meeting)  # a vote still open
    if problems:
        raise MeetingError(" ".join(problems), code="state")
    left = unfinished(meeting)
    meeting.state = MeetingState.ADJOURNED
    meeting.save(update_fields=["state", "updated_at"])
    text = f"The meeting adjourned at {_clock(moment)}"
    text += (
        f" with {len(left)} piece{'s' if len(left) != 1 else ''} of business unfinished."
        if left
        else "."
    )
    ChairRecord.objects.create(
        meeting=meeting,
        kind=ChairRecordKind.ADJOURNED,
        at=moment,
        agenda_item_id=meeting.current_item_id,
        text=text,
        reason=reason,
        recorded_by=acting_user,
    )
    record(
        actor=acting_user,
        verb=AuditVerb.ADJOURN_MEETING,
        obj=meeting,
        before={"state": MeetingState.OPEN},
        after={"state": meeting.state, "unfinished": left, "current_item": meeting.current_item_id},
        reason=reason,
    )
    return meeting


@transaction.atomic(durable=True)
def do_resume_meeting(meeting: Meeting, *, acting_user: User | None) -> Meeting:
    """Resume an adjourned meeting where it left off (the current item, if any, is still before
    it). The quorum is asked again at the next move, as at any move."""
    moment = timezone.now()
    meeting = lock_meeting(meeting)
    if not meeting.is_adjourned:
        raise MeetingError(
            "Only an adjourned meeting can be resumed; this one is "
            f"{meeting.get_state_display().lower()}.",
            code="state",
        )
    meeting.state = MeetingState.OPEN
    meeting.save(update_fields=["state", "updated_at"])
    ChairRecord.objects.create(
        meeting=meeting,
        kind=ChairRecordKind.RESUMED,
        at=moment,
        agenda_item_id=meeting.current_item_id,
        text=f"The meeting resumed at {_clock(moment)}.",
        recorded_by=acting_user,
    )
    record(
        actor=acting_user,
        verb=AuditVerb.RESUME_MEETING,
        obj=meeting,
        before={"state": MeetingState.ADJOURNED},
        after={"state": meeting.state},
    )
    return meeting


def hand_over_in_force(meeting: Meeting) -> ChairRecord | None:
    """The hand-over of the chair not yet handed back, if any."""
    last = (
        ChairRecord.objects.filter(
            meeting=meeting, kind__in=[ChairRecordKind.HANDED_OVER, ChairRecordKind.HANDED_BACK]
        )
        .select_related("member", "previous", "agenda_item")
        .order_by("-at", "-id")
        .first()
    )
    return last if last is not None and last.kind == ChairRecordKind.HANDED_OVER else None


def _is_present(meeting: Meeting, member: Any) -> bool:
    from moot.meetings.models import Attendance

    return Attendance.objects.filter(meeting=meeting, member=member, left_at__isnull=True).exists()


@transaction.atomic(durable=True)
def do_hand_over_chair(
    meeting: Meeting, to: Any, *, reason: str = "", acting_user: User | None
) -> Meeting:
    """Hand the chair to ``to`` (the vice-chair, or a member the meeting elects from the floor)
    for the item now before the meeting, because whoever chairs should not chair it (they stand
    in the election under it: ``hooks.chair_conflicts``). ``to`` must be a member of the unit,
    present, and free of the same conflict. The minutes say "X took the chair for item N"."""
    moment = timezone.now()
    reason = _clean_reason(reason)
    meeting = lock_meeting(meeting)
    if not meeting.is_open:
        raise MeetingError(
            "The chair is handed over only while the meeting is in progress.", code="state"
        )
    if meeting.current_item_id is None:
        raise MeetingError(
            "Take the item first: the chair is handed over for an item.", code="state"
        )
    if hand_over_in_force(meeting) is not None:
        raise MeetingError(
            "The chair has already been handed over; hand it back first.", code="state"
        )
    if meeting.chair_id is not None and to.pk == meeting.chair_id:
        raise MeetingError(f"{to.full_name} already chairs the meeting.", field="member")
    if not belongs_to(to, meeting.unit):
        raise MeetingError(
            f"No member of {meeting.unit.name} is numbered {to.number}; the chair goes to a "
            "member of the unit.",
            field="member",
        )
    if not _is_present(meeting, to):
        raise MeetingError(
            f"{to.full_name} is not checked in at the meeting: the chair goes to someone present.",
            field="member",
        )
    conflicts = hooks.chair_conflicts(meeting, to)
    if conflicts:
        raise MeetingError(
            "; ".join(conflicts) + ": choose someone who does not stand.", field="member"
        )
    item = AgendaItem.objects.get(pk=meeting.current_item_id)
    previous = meeting.chair
    why = hooks.chair_conflicts(meeting, previous) if previous is not None else []
    if previous is not None and not why and previous.user_id != getattr(acting_user, "pk", None):
        # Only the chair hands the chair over at will; anyone else who runs the meeting may do
        # it only when the chair stands in the business before it (and has not handed over).
        raise MeetingError(
            f"{previous.full_name} chairs the meeting and does not stand in this item's "
            "business: only they can hand the chair over for it.",
            code="forbidden",
        )
    meeting.chair = to
    meeting.save(update_fields=["chair", "updated_at"])
    text = (
        f"{to.full_name} took the chair for item {item.position} ({item.title}) at {_clock(moment)}"
    )
    if previous is not None:
        text += f", {previous.full_name} having handed it over"
    text += f" ({why[0]})." if why else "."
    ChairRecord.objects.create(
        meeting=meeting,
        kind=ChairRecordKind.HANDED_OVER,
        at=moment,
        agenda_item=item,
        member=to,
        previous=previous,
        text=text[:600],
        reason=reason,
        recorded_by=acting_user,
    )
    record(
        actor=acting_user,
        verb=AuditVerb.HAND_OVER_CHAIR,
        obj=meeting,
        before={"chair": previous.number if previous is not None else None},
        after={"chair": to.number, "item": item.pk, "conflicts": why},
        reason=reason,
    )
    return meeting


@transaction.atomic(durable=True)
def do_hand_back_chair(meeting: Meeting, *, acting_user: User | None) -> Meeting:
    """Give the chair back to whoever handed it over, once the business they should not chair
    is over (their election declared, or another item taken)."""
    moment = timezone.now()
    meeting = lock_meeting(meeting)
    handed = hand_over_in_force(meeting)
    if handed is None:
        raise MeetingError("The chair has not been handed over.", code="state")
    back_to = handed.previous
    if back_to is None:
        raise MeetingError(
            "Nobody chaired before the hand-over; nothing to hand back.", code="state"
        )
    still = hooks.chair_conflicts(meeting, back_to) if meeting.is_open else []
    if still:
        raise MeetingError(
            "; ".join(still) + ": the chair goes back once the result is declared or the "
            "meeting has moved to another item.",
            code="state",
        )
    meeting.chair = back_to
    meeting.save(update_fields=["chair", "updated_at"])
    ChairRecord.objects.create(
        meeting=meeting,
        kind=ChairRecordKind.HANDED_BACK,
        at=moment,
        agenda_item_id=meeting.current_item_id,
        member=back_to,
        previous=handed.member,
        text=f"{back_to.full_name} resumed the chair at {_clock(moment)}.",
        recorded_by=acting_user,
    )
    record(
        actor=acting_user,
        verb=AuditVerb.HAND_BACK_CHAIR,
        obj=meeting,
        before={"chair": handed.member.number if handed.member else None},
        after={"chair": back_to.number},
    )
    return meeting


def check_may_chair(meeting: Meeting, acting_user: Any) -> None:
    """Refuse a move of the chair's console by the member who handed the chair over, while the
    business they should not chair is still before the meeting (their officer's post still
    lets them open the console: the hand-over is enforced here, not by their roles)."""
    handed = hand_over_in_force(meeting)
    if handed is None or handed.previous is None or acting_user is None:
        return
    if handed.previous.user_id != acting_user.pk:
        return
    if hooks.chair_conflicts(meeting, handed.previous):
        taker = handed.member.full_name if handed.member is not None else "another member"
        raise MeetingError(
            f"You handed the chair to {taker} for this item: they chair it until it is over.",
            code="forbidden",
        )
