"""Every write to meetings: schedule, send notice, agenda, chair's moves, check-in, minutes.
One transaction and one audit event each; nothing is half-recorded. The rules (notice periods,
quorum, inquorate business, eligibility) come from the rulebook edition in force on the
meeting date, and every refusal names its clause."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone
from django.utils.formats import date_format

from moot.audit.actions import record
from moot.meetings import hooks, queries
from moot.meetings.errors import MeetingError
from moot.meetings.models import (
    SPEAKER_KINDS,
    AgendaItem,
    Attendance,
    AttendanceMode,
    Capacity,
    CheckInMethod,
    ItemKind,
    ItemState,
    Meeting,
    MeetingState,
    Minutes,
    MinutesState,
    MinutesVersion,
    QuorumCheck,
)

# Members whose notice e-mails one background task sends.
NOTICE_BATCH = 200


def _when(moment: Any) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def _refusal(assessment: Any, fallback: str) -> MeetingError:
    reasons = tuple(getattr(assessment, "reasons", ()) or ())
    text = "; ".join(r.text for r in reasons if getattr(r, "text", "")) or fallback
    clause = next((r.clause for r in reasons if getattr(r, "clause", "")), "")
    return MeetingError(text, clause=clause, code="rule")


def _moment(at: datetime.datetime | None) -> datetime.datetime:
    """When the step happened: now, or ``at`` when the records of a meeting held earlier are
    entered afterwards (the demo's last AGM, an import from paper). Never in the future; the
    audit event keeps the time it was recorded and says when the step happened."""
    now = timezone.now()
    if at is None:
        return now
    if timezone.is_naive(at):
        raise MeetingError("Give the time the step happened with its time zone.", field="at")
    if at > now:
        raise MeetingError(
            "A step cannot be recorded as having happened in the future.", field="at"
        )
    return at


def _happened(after: dict[str, Any], moment: datetime.datetime, at: Any) -> dict[str, Any]:
    """The audit payload, with the time the step happened when it was recorded later."""
    return {**after, "happened_at": moment.isoformat()} if at is not None else after


def snapshot(meeting: Meeting) -> dict[str, Any]:
    return {
        "unit": meeting.unit_id,
        "kind": meeting.kind,
        "title": meeting.title,
        "starts_at": meeting.starts_at.isoformat(),
        "location": meeting.location,
        "online_url": meeting.online_url,
        "attendance_mode": meeting.attendance_mode,
        "chair": meeting.chair_id,
        "secretary": meeting.secretary_id,
        "state": meeting.state,
        "notice_sent_on": meeting.notice_sent_on,
        "edition": meeting.edition_name,
    }


def _item_snapshot(item: AgendaItem) -> dict[str, Any]:
    return {
        "meeting": item.meeting_id,
        "position": item.position,
        "kind": item.kind,
        "title": item.title,
        "speaker": item.speaker,
        "speaker_organisation": item.speaker_organisation,
        "topic": item.topic,
        "state": item.state,
    }


def _lock(meeting: Meeting) -> Meeting:
    """Re-read the meeting under a row lock, so two chairs' clicks are applied one after the
    other (SQLite's write transaction serialises them anyway)."""
    return Meeting.objects.select_for_update().select_related("unit").get(pk=meeting.pk)


# ---------------------------------------------------------------------------------------------
# Scheduling and notice


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
            error = _refusal(verdict, "The notice period is too short.")
            error.message += (
                " Choose a later date, or record when notice was actually sent."
                if notice_date >= timezone.localdate()
                else " Choose a later date."
            )
            error.field = "starts_at"
            raise error


@transaction.atomic
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
    acting_user: Any,
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
    moment = _moment(at)
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
    for role, person in (("chair", chair), ("secretary", secretary)):
        if person is not None and not _belongs(person, unit):
            raise MeetingError(
                f"{person} is not a member of {unit.name}; choose a member of the unit as {role}.",
                field=role,
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
        _count_roll(meeting, notice_sent_on)
    record(
        actor=acting_user,
        verb="meeting.create",
        obj=meeting,
        after=_happened(snapshot(meeting), moment, at),
        clause=meeting_kind.clause,
    )
    return meeting


def _belongs(member: Any, unit: Any) -> bool:
    from moot.members.queries import member_belongs_to

    return member_belongs_to(member, unit)


def _count_roll(meeting: Meeting, on: datetime.date) -> None:
    """Count the eligible roll the quorum is measured against, as at ``on`` (the notice date:
    "at the time of mailing")."""
    from moot.members.queries import eligible_member_ids

    meeting.eligible_roll = len(eligible_member_ids(meeting.unit, "meeting", at=on))
    meeting.eligible_roll_on = on
    meeting.save(update_fields=["eligible_roll", "eligible_roll_on", "updated_at"])


@transaction.atomic
def do_update_meeting(meeting: Meeting, *, changes: Mapping[str, Any], acting_user: Any) -> Meeting:
    """Change a scheduled meeting's title, date, place, attendance mode, chair or secretary.
    A new date is checked against the notice already sent (or today when none was)."""
    meeting = _lock(meeting)
    if not meeting.is_scheduled:
        raise MeetingError("Only a meeting that has not started can be changed.", code="state")
    allowed = {
        "title",
        "starts_at",
        "location",
        "online_url",
        "attendance_mode",
        "chair",
        "secretary",
    }
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
    for role in ("chair", "secretary"):
        person = getattr(meeting, role)
        if role in changes and person is not None and not _belongs(person, meeting.unit):
            raise MeetingError(f"{person} is not a member of {meeting.unit.name}.", field=role)
    if not meeting.title:
        raise MeetingError("Give the meeting a title.", field="title")
    meeting.save()
    record(
        actor=acting_user,
        verb="meeting.update",
        obj=meeting,
        before=before,
        after=snapshot(meeting),
    )
    return meeting


@transaction.atomic
def do_send_notice(meeting: Meeting, *, acting_user: Any, base_url: str = "") -> int:
    """Send the notice of the meeting by e-mail (with an iCalendar invitation) to every
    member on the eligible roll who has an e-mail address, through the background task queue
    once this transaction commits. Refused when today is too late for the notice periods.
    Returns the number of members the notice is queued for."""
    from moot.meetings.tasks import send_notice_batch
    from moot.members.models import Member
    from moot.members.queries import eligible_member_ids

    meeting = _lock(meeting)
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
        verb="meeting.send_notice",
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
        transaction.on_commit(
            lambda batch=batch: send_notice_batch.enqueue(meeting_id, batch, base)
        )
    return len(recipients)


# ---------------------------------------------------------------------------------------------
# Agenda


def _check_agenda_open(meeting: Meeting, *, reorder: bool = False) -> None:
    if meeting.is_closed:
        raise MeetingError("The meeting is closed; its agenda is part of the record.", code="state")
    if reorder and not meeting.is_scheduled:
        raise MeetingError(
            "The agenda can be reordered or shortened only before the meeting starts.",
            code="state",
        )


def check_agenda_item(*, kind: str, title: str, speaker: str, topic: str) -> None:
    if kind not in ItemKind.values:
        raise MeetingError(
            f"Unknown kind of agenda item {kind!r}: use one of {', '.join(ItemKind.values)}.",
            field="kind",
        )
    if not title:
        raise MeetingError("Give the agenda item a title.", field="title")
    if kind in SPEAKER_KINDS:
        if not speaker:
            raise MeetingError("Name the invited speaker or trainer.", field="speaker")
        if not topic:
            raise MeetingError("Give the topic of the talk or training.", field="topic")


@transaction.atomic
def do_add_agenda_item(
    meeting: Meeting,
    *,
    kind: str,
    title: str,
    body: str = "",
    speaker: str = "",
    speaker_organisation: str = "",
    topic: str = "",
    position: int | None = None,
    acting_user: Any,
) -> AgendaItem:
    """Add an item to the agenda (at the end, or at ``position`` moving the later items
    down). Items may be added while the meeting runs (an emergency item), not after."""
    meeting = _lock(meeting)
    _check_agenda_open(meeting)
    title, speaker, topic = title.strip(), speaker.strip(), topic.strip()
    check_agenda_item(kind=kind, title=title, speaker=speaker, topic=topic)
    last = meeting.items.aggregate(last=Max("position"))["last"] or 0
    if position is None or position > last:
        position = last + 1
    elif position < 1:
        raise MeetingError("Positions start at 1.", field="position")
    else:
        _renumber(meeting, insert_at=position)
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=position,
        kind=kind,
        title=title,
        body=body.strip(),
        speaker=speaker,
        speaker_organisation=speaker_organisation.strip(),
        topic=topic,
    )
    record(actor=acting_user, verb="meeting.add_agenda_item", obj=item, after=_item_snapshot(item))
    return item


def _renumber(meeting: Meeting, *, order: Sequence[int] | None = None, insert_at: int = 0) -> None:
    """Give the meeting's items positions 1..n in ``order`` (item ids), leaving a gap at
    ``insert_at``. Two passes, so the unique (meeting, position) constraint holds throughout."""
    items = list(meeting.items.order_by("position"))
    if order is not None:
        by_id = {item.pk: item for item in items}
        items = [by_id[pk] for pk in order]
    offset = 10_000
    for item in items:
        item.position += offset
    AgendaItem.objects.bulk_update(items, ["position"])
    position = 1
    for item in items:
        if position == insert_at:
            position += 1
        item.position = position
        position += 1
    AgendaItem.objects.bulk_update(items, ["position"])


@transaction.atomic
def do_move_agenda_item(item: AgendaItem, *, to_position: int, acting_user: Any) -> AgendaItem:
    """Move an item to ``to_position`` (1 = first), before the meeting starts."""
    meeting = _lock(item.meeting)
    _check_agenda_open(meeting, reorder=True)
    ids = list(meeting.items.order_by("position").values_list("pk", flat=True))
    if not 1 <= to_position <= len(ids):
        raise MeetingError(f"Choose a position from 1 to {len(ids)}.", field="position")
    before = item.position
    ids.remove(item.pk)
    ids.insert(to_position - 1, item.pk)
    _renumber(meeting, order=ids)
    item.refresh_from_db()
    record(
        actor=acting_user,
        verb="meeting.move_agenda_item",
        obj=item,
        before={"position": before},
        after={"position": item.position},
    )
    return item


@transaction.atomic
def do_remove_agenda_item(item: AgendaItem, *, acting_user: Any) -> None:
    """Remove an item before the meeting starts; refused when a vote, motion or election is
    attached to it (move or withdraw that first)."""
    meeting = _lock(item.meeting)
    _check_agenda_open(meeting, reorder=True)
    snapshot_before = _item_snapshot(item)
    item_repr = str(item)
    item_id = item.pk
    try:
        with transaction.atomic():
            item.delete()
    except ProtectedError as exc:
        names = sorted({obj._meta.verbose_name for obj in exc.protected_objects})
        raise MeetingError(
            f"This item has a {' and a '.join(names)} attached to it: withdraw or move that first.",
            code="state",
        ) from exc
    _renumber(meeting)
    record(
        actor=acting_user,
        verb="meeting.remove_agenda_item",
        object_type="meetings.agendaitem",
        object_id=item_id,
        object_repr=item_repr,
        before=snapshot_before,
    )


# ---------------------------------------------------------------------------------------------
# The chair's moves


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


@transaction.atomic
def do_start_meeting(
    meeting: Meeting, *, acting_user: Any, at: datetime.datetime | None = None
) -> Meeting:
    """Open the meeting: record the quorum at the start. The eligible roll is counted now if no
    notice was sent from moot. The chair then takes the first item (``do_set_current_item``).
    ``at``: when it opened, for a meeting recorded afterwards (on the meeting's day)."""
    moment = _moment(at)
    meeting = _lock(meeting)
    if not meeting.is_scheduled:
        raise MeetingError(
            "The meeting has already started." if meeting.is_open else "The meeting is closed.",
            code="state",
        )
    if timezone.localdate(meeting.starts_at) != timezone.localdate(moment):
        raise MeetingError(
            f"The meeting is called for {_when(meeting.starts_at)}: it can be opened on that day "
            "only (move the date if it has changed).",
            code="state",
        )
    if meeting.eligible_roll is None:
        _count_roll(meeting, timezone.localdate(moment))
    meeting.state = MeetingState.OPEN
    meeting.opened_at = moment
    meeting.save(update_fields=["state", "opened_at", "updated_at"])
    check = _record_quorum(meeting, "start", at=moment)
    record(
        actor=acting_user,
        verb="meeting.start",
        obj=meeting,
        after=_happened(
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
    meeting: Meeting, item: AgendaItem, *, acting_user: Any, at: datetime.datetime | None = None
) -> Meeting:
    """Make ``item`` the business now before the meeting (the previous item is done). An
    inquorate meeting may take only the business the rulebook allows; anything else is
    refused with the clause. ``at``: when, for a meeting recorded afterwards."""
    moment = _moment(at)
    meeting = _lock(meeting)
    if not meeting.is_open:
        raise MeetingError(
            "Open the meeting first." if meeting.is_scheduled else "The meeting is closed.",
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
        verb="meeting.set_current_item",
        obj=meeting,
        before={"current_item": previous},
        after=_happened(
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
            f"The meeting opened at {_when(meeting.opened_at)}: a later step cannot be recorded "
            "before that.",
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
    meeting: Meeting, *, acting_user: Any, at: datetime.datetime | None = None
) -> Meeting:
    """Move to the next item on the agenda (the first, when none is current)."""
    return do_set_current_item(meeting, _neighbour(meeting, 1), acting_user=acting_user, at=at)


def do_previous_item(meeting: Meeting, *, acting_user: Any) -> Meeting:
    """Go back to the previous item (to return to business left unfinished)."""
    return do_set_current_item(meeting, _neighbour(meeting, -1), acting_user=acting_user)


@transaction.atomic
def do_close_meeting(
    meeting: Meeting, *, acting_user: Any, at: datetime.datetime | None = None
) -> Meeting:
    """Close the meeting: the current item is done, the quorum at the close is recorded and
    nobody can check in any more. The minutes can then be drafted. ``at``: when it closed, for
    a meeting recorded afterwards."""
    moment = _moment(at)
    meeting = _lock(meeting)
    if not meeting.is_open:
        raise MeetingError(
            "The meeting has not started." if meeting.is_scheduled else "The meeting is closed.",
            code="state",
        )
    _check_not_before_opening(meeting, moment)
    problems = hooks.before_close(meeting)  # e.g. polls: a vote still open at the meeting
    if problems:
        raise MeetingError(" ".join(problems), code="state")
    if meeting.current_item_id is not None:
        AgendaItem.objects.filter(pk=meeting.current_item_id).update(state=ItemState.DONE)
    check = _record_quorum(meeting, "close", at=moment)
    meeting.state = MeetingState.CLOSED
    meeting.closed_at = moment
    meeting.current_item = None
    meeting.save(update_fields=["state", "closed_at", "current_item", "updated_at"])
    record(
        actor=acting_user,
        verb="meeting.close",
        obj=meeting,
        after=_happened(
            {"closed_at": meeting.closed_at, "present_eligible": check.present_eligible},
            moment,
            at,
        ),
    )
    return meeting


# ---------------------------------------------------------------------------------------------
# Attendance


def _attendance_snapshot(attendance: Attendance) -> dict[str, Any]:
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
    acting_user: Any,
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

    now = _moment(at)
    meeting = _lock(meeting)
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
        before = _attendance_snapshot(existing)
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
        verb="meeting.check_in",
        obj=attendance,
        before=before,
        after=_happened(_attendance_snapshot(attendance), now, at),
        clause=clause,
        reason=reason,
    )
    return attendance


@transaction.atomic
def do_check_in_guest(
    meeting: Meeting,
    *,
    name: str,
    capacity: str = Capacity.GUEST,
    acting_user: Any,
    at: datetime.datetime | None = None,
) -> Attendance:
    """Record a guest or observer who is not a member checked in by number (an invited
    speaker, a member of the public): present, never a voter, not counted for the quorum.
    ``at``: when, for a meeting recorded afterwards."""
    moment = _moment(at)
    meeting = _lock(meeting)
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
        verb="meeting.check_in_guest",
        obj=attendance,
        after=_happened(_attendance_snapshot(attendance), moment, at),
    )
    return attendance


@transaction.atomic
def do_check_in_with_code(
    meeting: Meeting, member: Any, *, code: str, acting_user: Any
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
            f"Check-in opens on the day of the meeting ({_when(meeting.starts_at)}).",
            code="state",
        )
    return do_check_in(meeting, member, acting_user=acting_user, method=CheckInMethod.CODE)


@transaction.atomic
def do_check_out(attendance: Attendance, *, acting_user: Any) -> Attendance:
    """Record that someone left before the close: no longer counted for the quorum."""
    meeting = _lock(attendance.meeting)
    _check_attendance_open(meeting)
    attendance = Attendance.objects.select_for_update().get(pk=attendance.pk)
    if attendance.left_at is not None:
        raise MeetingError("Already recorded as having left.", code="conflict")
    attendance.left_at = timezone.now()
    attendance.save(update_fields=["left_at"])
    record(
        actor=acting_user,
        verb="meeting.check_out",
        obj=attendance,
        after={"left_at": attendance.left_at},
    )
    return attendance


# ---------------------------------------------------------------------------------------------
# Minutes


def _minutes_hash(sections: list[dict[str, Any]]) -> str:
    return hashlib.sha256(
        json.dumps(sections, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


@transaction.atomic
def do_draft_minutes(meeting: Meeting, *, acting_user: Any) -> Minutes:
    """Draft (or redraft) the minutes from the records: the meeting's own sections and those
    motions and elections register. A redraft is a new version; approved minutes are final."""
    from moot.meetings.minutes import draft_sections

    meeting = _lock(meeting)
    if not meeting.is_closed:
        raise MeetingError("Minutes are drafted once the meeting has closed.", code="state")
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is not None and minutes.state == MinutesState.APPROVED:
        raise MeetingError("These minutes are approved and can no longer change.", code="state")
    sections = draft_sections(meeting)
    if minutes is None:
        minutes = Minutes.objects.create(meeting=meeting, sections=sections, version=1)
    else:
        minutes.sections = sections
        minutes.version += 1
        minutes.save(update_fields=["sections", "version", "updated_at"])
    MinutesVersion.objects.create(
        minutes=minutes,
        number=minutes.version,
        sections=sections,
        note="drafted from the records",
        edited_by=acting_user,
    )
    record(
        actor=acting_user,
        verb="meeting.draft_minutes",
        obj=minutes,
        after={"version": minutes.version, "hash": _minutes_hash(sections)},
    )
    return minutes


@transaction.atomic
def do_edit_minutes(
    minutes: Minutes, *, texts: Mapping[str, str], note: str = "", acting_user: Any
) -> Minutes:
    """The secretary's edit: new text for sections (by key; paragraphs separated by blank
    lines). The links to the records stay; each save is a new version, audited with the
    previous and the new text."""
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if minutes.state == MinutesState.APPROVED:
        raise MeetingError("These minutes are approved and can no longer change.", code="state")
    keys = {section["key"] for section in minutes.sections}
    unknown = set(texts) - keys
    if unknown:
        raise MeetingError(f"No such section: {', '.join(sorted(unknown))}.")
    before = minutes.sections
    sections = []
    changed = []
    for original in minutes.sections:
        section = dict(original)
        if section["key"] in texts:
            paragraphs = [
                " ".join(p.split())
                for p in texts[section["key"]].replace("\r\n", "\n").split("\n\n")
            ]
            paragraphs = [p for p in paragraphs if p]
            if paragraphs != section["paragraphs"]:
                changed.append(section["key"])
                section["paragraphs"] = paragraphs
                section["edited"] = True
        sections.append(section)
    if not changed:
        return minutes
    minutes.sections = sections
    minutes.version += 1
    minutes.save(update_fields=["sections", "version", "updated_at"])
    MinutesVersion.objects.create(
        minutes=minutes,
        number=minutes.version,
        sections=sections,
        note=note.strip()[:300] or f"edited: {', '.join(changed)}",
        edited_by=acting_user,
    )
    record(
        actor=acting_user,
        verb="meeting.edit_minutes",
        obj=minutes,
        before={s["key"]: s["paragraphs"] for s in before if s["key"] in changed},
        after={s["key"]: s["paragraphs"] for s in sections if s["key"] in changed},
    )
    return minutes


@transaction.atomic
def do_approve_minutes(
    minutes: Minutes, *, at_meeting: Meeting, corrections: str = "", acting_user: Any
) -> Minutes:
    """Approve the minutes at the next meeting of the same unit, while it is in progress (and
    quorate, or allowed by the rulebook to take the minutes while inquorate), as read or as
    corrected: ``corrections`` agreed by the meeting are added as a last section (a new version)
    and the drafted text is left as it was. The approved text is sealed with its SHA-256 hash
    and can no longer change."""
    from moot import rulebook

    minutes = Minutes.objects.select_for_update().select_related("meeting").get(pk=minutes.pk)
    at_meeting = _lock(at_meeting)
    earlier = minutes.meeting
    if minutes.state == MinutesState.APPROVED:
        raise MeetingError(
            f"These minutes were approved on {_when(minutes.approved_at)}.", code="conflict"
        )
    if at_meeting.unit_id != earlier.unit_id or at_meeting.starts_at <= earlier.starts_at:
        raise MeetingError(
            "Minutes are approved at a later meeting of the same unit.", field="at_meeting"
        )
    if not at_meeting.is_open:
        raise MeetingError(
            "Minutes are approved while the meeting that approves them is in progress.",
            code="state",
        )
    state = queries.quorum_state(at_meeting)
    if not state.quorate:
        verdict = rulebook.check_inquorate_business(
            queries.edition_of(at_meeting), at_meeting.kind, ItemKind.MINUTES
        )
        if not verdict.allowed:
            raise _refusal(verdict, "An inquorate meeting may not approve minutes.")
    corrections = corrections.strip()
    if corrections:
        from django.urls import reverse

        paragraphs = [" ".join(p.split()) for p in corrections.replace("\r\n", "\n").split("\n\n")]
        minutes.sections = [
            *minutes.sections,
            {
                "key": "corrections",
                "title": "Corrections agreed when the minutes were approved",
                "paragraphs": [p for p in paragraphs if p],
                "source_note": f"Agreed by {at_meeting.title} ({_when(timezone.now())}).",
                "refs": [[at_meeting.title, reverse("meetings:detail", args=[at_meeting.pk])]],
            },
        ]
        minutes.version += 1
        MinutesVersion.objects.create(
            minutes=minutes,
            number=minutes.version,
            sections=minutes.sections,
            note="corrections agreed at approval",
            edited_by=acting_user,
        )
    minutes.state = MinutesState.APPROVED
    minutes.approved_at_meeting = at_meeting
    minutes.approved_by = acting_user
    minutes.approved_at = timezone.now()
    minutes.content_hash = _minutes_hash(minutes.sections)
    minutes.save()
    record(
        actor=acting_user,
        verb="meeting.approve_minutes",
        obj=minutes,
        after={
            "approved_at_meeting": at_meeting.pk,
            "version": minutes.version,
            "hash": minutes.content_hash,
            "corrections": corrections,
        },
    )
    return minutes
