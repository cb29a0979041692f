"""Attendance: check a member in (at the door, online, by proxy or with their code), check a guest
in, check out."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from moot.audit.actions import record
from moot.meetings import queries
from moot.meetings.actions._common import lock_meeting, step_moment, when_text, with_happened_at
from moot.meetings.audit_verbs import AuditVerb
from moot.meetings.errors import MeetingError
from moot.meetings.models import Attendance, Capacity, CheckInMethod, Meeting

if TYPE_CHECKING:
    from moot.accounts.models import User


def attendance_snapshot(attendance: Attendance) -> dict[str, Any]:
    return {
        "meeting": attendance.meeting_id,
        "member": attendance.member_id,
        "guest_name": attendance.guest_name,
        "capacity": attendance.capacity,
        "eligible": attendance.eligible,
        "reason": attendance.reason,
        "clause": attendance.clause,
        "method": attendance.method,
    }


def _check_attendance_open(meeting: Meeting) -> None:
    if meeting.is_closed:
        raise MeetingError("The meeting is closed: nobody can check in any more.", code="state")


def already_checked_in_message(existing: Attendance) -> str:
    how = "with the meeting code" if existing.method == CheckInMethod.CODE else "by the secretary"
    status = (
        "as an eligible voter"
        if existing.eligible
        else ("and was refused a vote" if existing.refused else f"as {existing.capacity}")
    )
    return (
        f"{existing.member} was already checked in {status} at "
        f"{timezone.localtime(existing.checked_in_at):%H:%M} {how}."
    )


@transaction.atomic
def do_check_in(
    meeting: Meeting,
    member: Any,
    *,
    acting_user: User | None,
    method: str = CheckInMethod.SECRETARY,
    capacity: str = Capacity.VOTER,
    at: datetime.datetime | None = None,
) -> Attendance:
    """Record ``member`` as present. As a voter, eligibility is decided by the rulebook as at
    the meeting date (membership length, paid up, not suspended, member of the unit); a member
    who may not vote is still recorded, as refused, with the reason and clause, and may stay as
    an observer. A second check-in of the same member is refused (the database's unique
    constraint backs this up). A member who left and comes back is checked in again. ``at``:
    when, for a meeting recorded afterwards."""
    from moot.members.queries import eligibility, member_belongs_to
    from moot.rulebook.model import Reason

    now = step_moment(at)
    meeting = lock_meeting(meeting)
    _check_attendance_open(meeting)
    if capacity not in (Capacity.VOTER, Capacity.OBSERVER):
        raise MeetingError("A member attends as a voter or as an observer.", field="capacity")
    if method not in CheckInMethod.values:
        raise MeetingError(f"Unknown check-in method {method!r}.", field="method")
    existing = Attendance.objects.filter(meeting=meeting, member=member).first()
    if existing is not None and existing.left_at is None:
        raise MeetingError(already_checked_in_message(existing), code="conflict")
    eligible, reason, clause = False, "", ""
    if capacity == Capacity.VOTER:
        verdict = eligibility(
            member, "meeting", meeting.unit, at=timezone.localdate(meeting.starts_at)
        )
        eligible = bool(verdict.allowed)
        reasons = tuple(verdict.reasons)
        if not eligible and not member_belongs_to(member, meeting.unit):
            # Not a member of this unit: that alone refuses the vote. Their standing elsewhere
            # (a lapse, a suspension pending investigation) is for those who may see their
            # record, not for whoever keeps this door, and it is not written in this register.
            # (The rulebook's own reasons are not filtered: one that shared the unit's clause
            # would pass through.)
            reasons = (
                Reason(
                    f"not a member of the unit ({meeting.unit.name}); the meeting is for its "
                    "own members",
                    queries.edition_of(meeting).membership.unit_clause,
                ),
            )
        if not eligible:
            reason = "; ".join(r.text for r in reasons) or "Not eligible to vote at this meeting."
            clause = next((r.clause for r in reasons if r.clause), "")
    else:
        reason = "Attends as an observer and does not vote."
    if existing is not None:  # came back after leaving
        before = attendance_snapshot(existing)
        attendance = existing
        attendance.capacity, attendance.eligible = capacity, eligible
        attendance.reason, attendance.clause, attendance.method = reason, clause, method
        attendance.checked_in_by, attendance.checked_in_at, attendance.left_at = (
            acting_user,
            now,
            None,
        )
        attendance.save()
    else:
        before = None
        try:
            with transaction.atomic():
                attendance = Attendance.objects.create(
                    meeting=meeting,
                    member=member,
                    capacity=capacity,
                    eligible=eligible,
                    reason=reason,
                    clause=clause,
                    method=method,
                    checked_in_by=acting_user,
                    checked_in_at=now,
                )
        except IntegrityError as exc:  # a concurrent check-in of the same member won
            raise MeetingError(
                f"{member} was already checked in a moment ago.", code="conflict"
            ) from exc
    record(
        actor=acting_user,
        verb=AuditVerb.CHECK_IN,
        obj=attendance,
        before=before,
        after=with_happened_at(attendance_snapshot(attendance), now, at),
        clause=clause,
        reason=reason,
    )
    return attendance


@transaction.atomic(durable=True)
def do_check_in_guest(
    meeting: Meeting,
    *,
    name: str,
    capacity: str = Capacity.GUEST,
    acting_user: User | None,
    at: datetime.datetime | None = None,
) -> Attendance:
    """Record a guest or observer who is not a member checked in by number (an invited
    speaker, a member of the public): present, never a voter, not counted for the quorum.
    ``at``: when, for a meeting recorded afterwards."""
    moment = step_moment(at)
    meeting = lock_meeting(meeting)
    _check_attendance_open(meeting)
    name = name.strip()
    if not name:
        raise MeetingError("Give the guest's name.", field="guest_name")
    if capacity not in (Capacity.GUEST, Capacity.OBSERVER):
        raise MeetingError("A guest attends as a guest or an observer.", field="capacity")
    attendance = Attendance.objects.create(
        meeting=meeting,
        guest_name=name[:200],
        capacity=capacity,
        eligible=False,
        reason="Not a voting member of this meeting.",
        method=CheckInMethod.SECRETARY,
        checked_in_by=acting_user,
        checked_in_at=moment,
    )
    record(
        actor=acting_user,
        verb=AuditVerb.CHECK_IN_GUEST,
        obj=attendance,
        after=with_happened_at(attendance_snapshot(attendance), moment, at),
    )
    return attendance


@transaction.atomic(durable=True)
def do_check_in_with_code(
    meeting: Meeting, member: Any, *, code: str, acting_user: User | None
) -> Attendance:
    """A member checks themself in with the meeting code (shown in the room or as a QR code).
    Open while the meeting runs, or on its day before it starts."""
    if member is None:
        raise MeetingError(
            "Your account is not linked to a membership record: ask the secretary to check you in.",
            code="invalid",
        )
    expected = meeting.check_in_code.upper()
    if code.strip().upper().replace(" ", "") != expected:
        raise MeetingError(
            "That is not this meeting's code: check the code shown in the room.", field="code"
        )
    if meeting.is_scheduled and timezone.localdate(meeting.starts_at) != timezone.localdate():
        raise MeetingError(
            f"Check-in opens on the day of the meeting ({when_text(meeting.starts_at)}).",
            code="state",
        )
    return do_check_in(meeting, member, acting_user=acting_user, method=CheckInMethod.CODE)


@transaction.atomic(durable=True)
def do_check_out(attendance: Attendance, *, acting_user: User | None) -> Attendance:
    """Record that someone left before the close: no longer counted for the quorum."""
    meeting = lock_meeting(attendance.meeting)
    _check_attendance_open(meeting)
    attendance = Attendance.objects.select_for_update(of=("self",)).get(pk=attendance.pk)
    if attendance.left_at is not None:
        raise MeetingError("Already recorded as having left.", code="conflict")
    attendance.left_at = timezone.now()
    attendance.save(update_fields=["left_at"])
    record(
        actor=acting_user,
        verb=AuditVerb.CHECK_OUT,
        obj=attendance,
        after={"left_at": attendance.left_at},
    )
    return attendance
