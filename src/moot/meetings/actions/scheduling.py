"""Scheduling a meeting and sending its notice: the details, the notice period the rulebook asks
for, create, update, send the notice (its e-mails go out in batches after commit)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from moot.audit.actions import record
from moot.meetings import queries
from moot.meetings.actions._common import (
    belongs_to,
    count_roll,
    lock_meeting,
    rule_refusal,
    snapshot,
    step_moment,
    with_happened_at,
)
from moot.meetings.audit_verbs import AuditVerb
from moot.meetings.errors import MeetingError
from moot.meetings.models import AttendanceMode, Meeting
from moot.on_commit import enqueue_on_commit

if TYPE_CHECKING:
    from moot.accounts.models import User

# Members whose notice e-mails one background task sends.
NOTICE_BATCH = 200


def check_meeting_details(
    *,
    unit: Any,
    kind: str,
    starts_at: datetime.datetime,
    attendance_mode: str,
    location: str,
    online_url: str,
) -> Any:
    """The rulebook's meeting kind for ``kind`` at ``unit`` on the meeting date, after checking
    the kind applies to this unit and the place fits the attendance mode."""
    from moot import rulebook

    if starts_at is None or timezone.is_naive(starts_at):
        raise MeetingError("Give the date and time the meeting starts.", field="starts_at")
    edition = queries.edition_on(timezone.localdate(starts_at))
    try:
        meeting_kind = edition.meeting_kind(kind)
    except rulebook.RulebookError as exc:
        raise MeetingError(str(exc), field="kind") from exc
    if meeting_kind.unit_kinds and unit.kind not in meeting_kind.unit_kinds:
        allowed = ", ".join(meeting_kind.unit_kinds)
        raise MeetingError(
            f"A {meeting_kind.name.lower()} is held by a {allowed} unit, and {unit.name} is a "
            f"{unit.kind}: choose another kind of meeting.",
            clause=meeting_kind.clause,
            field="kind",
            code="rule",
        )
    if attendance_mode not in AttendanceMode.values:
        raise MeetingError(
            f"Unknown attendance {attendance_mode!r}: use one of "
            f"{', '.join(AttendanceMode.values)}.",
            field="attendance_mode",
        )
    if attendance_mode in (AttendanceMode.IN_PERSON, AttendanceMode.HYBRID) and not location:
        raise MeetingError("Give the place where members meet.", field="location")
    if attendance_mode in (AttendanceMode.ONLINE, AttendanceMode.HYBRID) and not online_url:
        raise MeetingError(
            "Give the link members use to join online (https://...).", field="online_url"
        )
    return meeting_kind


def check_notice_period(
    unit_kind_edition: Any, kind: str, *, meeting_date: datetime.date, notice_date: datetime.date
) -> None:
    """Refuse a meeting date too close to the notice: the rulebook's notice periods for members
    and for units (e.g. 28 days to branches and affiliates before an AGM), with the clause."""
    from moot import rulebook

    for audience in ("units", "members"):
        verdict = rulebook.check_notice(
            unit_kind_edition,
            kind,
            meeting_date=meeting_date,
            notice_date=notice_date,
            audience=audience,
        )
        if not verdict.allowed:
            error = rule_refusal(verdict, "The notice period is too short.")
            error.message += (
                " Choose a later date, or record when notice was actually sent."
                if notice_date >= timezone.localdate()
                else " Choose a later date."
            )
            error.field = "starts_at"
            raise error


@transaction.atomic(durable=True)
def do_create_meeting(
    *,
    unit: Any,
    kind: str,
    starts_at: datetime.datetime,
    title: str = "",
    location: str = "",
    online_url: str = "",
    attendance_mode: str = AttendanceMode.IN_PERSON,
    chair: Any = None,
    secretary: Any = None,
    notice_sent_on: datetime.date | None = None,
    acting_user: User | None,
    at: datetime.datetime | None = None,
) -> Meeting:
    """Schedule a meeting of ``unit``. The notice periods are checked against the date notice
    goes out: ``notice_sent_on`` when the notice was already sent another way (post, an
    earlier system), else today (it is sent from moot with ``do_send_notice``). ``at``: when
    it was scheduled, for a meeting recorded afterwards (checked as on that day)."""
    location, online_url = location.strip(), online_url.strip()
    meeting_kind = check_meeting_details(
        unit=unit,
        kind=kind,
        starts_at=starts_at,
        attendance_mode=attendance_mode,
        location=location,
        online_url=online_url,
    )
    moment = step_moment(at)
    meeting_date = timezone.localdate(starts_at)
    today = timezone.localdate(moment)
    if meeting_date < today:
        raise MeetingError(
            "The meeting date has passed: choose a date from today.", field="starts_at"
        )
    if notice_sent_on is not None and notice_sent_on > today:
        raise MeetingError(
            "Notice cannot have been sent in the future: leave the date empty and send the "
            "notice from moot, or give the date it was sent.",
            field="notice_sent_on",
        )
    edition = queries.edition_on(meeting_date)
    check_notice_period(
        edition, kind, meeting_date=meeting_date, notice_date=notice_sent_on or today
    )
    from moot.meetings.actions.officers import check_chair

    # The chair is who the rulebook says unless named; nobody names themself.
    chair = check_chair(unit, chair, on=meeting_date, acting_user=acting_user)
    if secretary is not None and not belongs_to(secretary, unit):
        # No name: the number may be of a member the acting user may not see.
        raise MeetingError(
            f"No member of {unit.name} is numbered {secretary.number}; choose a member of the "
            "unit as secretary.",
            field="secretary",
        )
    title = (
        title.strip() or f"{meeting_kind.name[:1].upper()}{meeting_kind.name[1:]} of {unit.name}"
    )
    meeting = Meeting.objects.create(
        unit=unit,
        kind=kind,
        title=title,
        starts_at=starts_at,
        location=location,
        online_url=online_url,
        attendance_mode=attendance_mode,
        chair=chair,
        secretary=secretary,
        notice_sent_on=notice_sent_on,
        edition_name=edition.name,
        created_by=acting_user,
    )
    if notice_sent_on is not None:
        count_roll(meeting, notice_sent_on)
    record(
        actor=acting_user,
        verb=AuditVerb.CREATE_MEETING,
        obj=meeting,
        after=with_happened_at(snapshot(meeting), moment, at),
        clause=meeting_kind.clause,
    )
    return meeting


@transaction.atomic(durable=True)
def do_update_meeting(
    meeting: Meeting, *, changes: Mapping[str, Any], acting_user: User | None
) -> Meeting:
    """Change a scheduled meeting's title, date, place, attendance mode or secretary. A new
    date is checked against the notice already sent (or today when none was). The chair is
    changed only by ``do_change_meeting_chair``, with a reason."""
    meeting = lock_meeting(meeting)
    if not meeting.is_scheduled:
        raise MeetingError("Only a meeting that has not started can be changed.", code="state")
    allowed = {
        "title",
        "starts_at",
        "location",
        "online_url",
        "attendance_mode",
        "secretary",
    }
    if "chair" in changes:
        raise MeetingError(
            "The chair is changed on its own, with a reason (do_change_meeting_chair).",
            field="chair",
        )
    unknown = set(changes) - allowed
    if unknown:
        raise MeetingError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    if not changes:
        return meeting
    before = snapshot(meeting)
    for name, value in changes.items():
        setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    check_meeting_details(
        unit=meeting.unit,
        kind=meeting.kind,
        starts_at=meeting.starts_at,
        attendance_mode=meeting.attendance_mode,
        location=meeting.location,
        online_url=meeting.online_url,
    )
    if "starts_at" in changes:
        meeting_date = timezone.localdate(meeting.starts_at)
        if meeting_date < timezone.localdate():
            raise MeetingError("The meeting date has passed.", field="starts_at")
        edition = queries.edition_on(meeting_date)
        check_notice_period(
            edition,
            meeting.kind,
            meeting_date=meeting_date,
            notice_date=meeting.notice_sent_on or timezone.localdate(),
        )
        meeting.edition_name = edition.name
    person = meeting.secretary
    if "secretary" in changes and person is not None and not belongs_to(person, meeting.unit):
        raise MeetingError(
            f"No member of {meeting.unit.name} is numbered {person.number}; choose a member of "
            "the unit as secretary.",
            field="secretary",
        )
    if not meeting.title:
        raise MeetingError("Give the meeting a title.", field="title")
    meeting.save()
    record(
        actor=acting_user,
        verb=AuditVerb.UPDATE_MEETING,
        obj=meeting,
        before=before,
        after=snapshot(meeting),
    )
    return meeting


@transaction.atomic(durable=True)
def do_send_notice(meeting: Meeting, *, acting_user: User | None, base_url: str = "") -> int:
    """Send the notice of the meeting by e-mail (with an iCalendar invitation) to every
    member on the eligible roll who has an e-mail address, through the background task queue
    once this transaction commits. Refused when today is too late for the notice periods.
    Returns the number of members the notice is queued for."""
    from moot.meetings.tasks import send_notice_batch
    from moot.members.models import Member
    from moot.members.queries import eligible_member_ids

    meeting = lock_meeting(meeting)
    if not meeting.is_scheduled:
        raise MeetingError("Notice is sent before the meeting starts.", code="state")
    today = timezone.localdate()
    meeting_date = timezone.localdate(meeting.starts_at)
    check_notice_period(
        queries.edition_of(meeting), meeting.kind, meeting_date=meeting_date, notice_date=today
    )
    roll = eligible_member_ids(meeting.unit, "meeting", at=today)
    recipients = list(
        Member.objects.filter(pk__in=roll)
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    first_notice = meeting.notice_sent_on is None
    if first_notice:
        meeting.notice_sent_on = today
    meeting.eligible_roll = len(roll)
    meeting.eligible_roll_on = today
    meeting.save(
        update_fields=["notice_sent_on", "eligible_roll", "eligible_roll_on", "updated_at"]
    )
    record(
        actor=acting_user,
        verb=AuditVerb.SEND_NOTICE,
        obj=meeting,
        after={
            "notice_sent_on": meeting.notice_sent_on,
            "eligible_roll": len(roll),
            "recipients": len(recipients),
            "first_notice": first_notice,
        },
    )
    base = base_url or getattr(settings, "MOOT_SITE_URL", "")
    batches = [
        recipients[start : start + NOTICE_BATCH]
        for start in range(0, len(recipients), NOTICE_BATCH)
    ]
    meeting_id = meeting.pk
    for batch in batches:
        enqueue_on_commit(send_notice_batch, meeting_id, batch, base)
    return len(recipients)
