"""Apologies for absence: a member sends their own before the meeting starts; the secretary or
chair records one for a member before or during the meeting. The minutes list them (those who
came after all are left out)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from moot.audit.actions import record
from moot.meetings.actions._common import belongs_to, lock_meeting
from moot.meetings.audit_verbs import AuditVerb
from moot.meetings.errors import MeetingError
from moot.meetings.models import Apology, ApologyBy, Attendance, Meeting

if TYPE_CHECKING:
    from moot.accounts.models import User


def _person(member: Any) -> str:
    return f"{member.first_name} {member.last_name}"


def check_apology(meeting: Meeting, member: Any, *, by_member: bool) -> None:
    """What can make an apology fail, for the page to show before anyone submits."""
    if meeting.is_closed:
        raise MeetingError(
            "The meeting has closed; its apologies are part of the record.", code="state"
        )
    if by_member and not meeting.is_scheduled:
        raise MeetingError(
            "The meeting has started: ask the secretary to record your apologies.", code="state"
        )
    if not belongs_to(member, meeting.unit):
        raise MeetingError(
            f"{_person(member)} is not a member of {meeting.unit.name}, so has no apologies to "
            "give for its meeting.",
            field="member",
        )
    if Attendance.objects.filter(meeting=meeting, member=member).exists():
        raise MeetingError(
            f"{_person(member)} is checked in at the meeting, so is not absent.",
            code="conflict",
            field="member",
        )


def _own(acting_user: Any, member: Any) -> bool:
    own = getattr(acting_user, "member", None) if acting_user is not None else None
    return own is not None and own.pk == member.pk


def _create(meeting: Meeting, member: Any, sent_by: str, acting_user: User | None) -> Apology:
    """The apology row, checked under the meeting's lock (the caller records the event)."""
    meeting = lock_meeting(meeting)
    check_apology(meeting, member, by_member=sent_by == ApologyBy.MEMBER)
    try:
        with transaction.atomic():
            return Apology.objects.create(
                meeting=meeting,
                member=member,
                sent_by=sent_by,
                recorded_by=acting_user,
                recorded_at=timezone.now(),
            )
    except IntegrityError:
        raise MeetingError(
            f"Apologies from {_person(member)} are already recorded for this meeting.",
            code="conflict",
            field="member",
        ) from None


def _snapshot(apology: Apology) -> dict[str, Any]:
    return {"meeting": apology.meeting_id, "member": apology.member_id, "sent_by": apology.sent_by}


@transaction.atomic(durable=True)
def do_send_apology(meeting: Meeting, member: Any, *, acting_user: User) -> Apology:
    """A member sends their own apologies, before the meeting starts."""
    if not _own(acting_user, member):
        raise MeetingError(
            "A member sends only their own apologies; the secretary records anyone else's.",
            code="forbidden",
        )
    apology = _create(meeting, member, ApologyBy.MEMBER, acting_user)
    record(actor=acting_user, verb=AuditVerb.SEND_APOLOGY, obj=meeting, after=_snapshot(apology))
    return apology


@transaction.atomic(durable=True)
def do_record_apology(meeting: Meeting, member: Any, *, acting_user: User | None) -> Apology:
    """The secretary or chair records a member's apologies, before or during the meeting
    (the caller checked ``meetings.manage_meeting``)."""
    apology = _create(meeting, member, ApologyBy.OFFICER, acting_user)
    record(actor=acting_user, verb=AuditVerb.RECORD_APOLOGY, obj=meeting, after=_snapshot(apology))
    return apology


@transaction.atomic(durable=True)
def do_withdraw_apology(
    meeting: Meeting, member: Any, *, by_member: bool, acting_user: User | None
) -> None:
    """Take back an apology: ``by_member``, a member their own before the meeting starts;
    else an officer anyone's before the meeting closes (the caller checked
    ``meetings.manage_meeting``)."""
    meeting = lock_meeting(meeting)
    if meeting.is_closed:
        raise MeetingError(
            "The meeting has closed; its apologies are part of the record.", code="state"
        )
    if by_member and not _own(acting_user, member):
        raise MeetingError(
            "A member withdraws only their own apologies; the secretary changes anyone else's.",
            code="forbidden",
        )
    if by_member and not meeting.is_scheduled:
        raise MeetingError(
            "The meeting has started: ask the secretary to change your apologies.", code="state"
        )
    apology = Apology.objects.filter(meeting=meeting, member=member).first()
    if apology is None:
        raise MeetingError(
            f"No apologies from {_person(member)} are recorded for this meeting.",
            code="not_found",
            field="member",
        )
    before = {"meeting": meeting.pk, "member": member.pk, "sent_by": apology.sent_by}
    apology.delete()
    record(actor=acting_user, verb=AuditVerb.WITHDRAW_APOLOGY, obj=meeting, before=before)
