"""What the meetings actions share: the step's moment, the audit snapshots, the meeting's row lock,
the rulebook's refusal, membership of the unit and the eligible roll."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from moot.dates import long_datetime
from moot.meetings.errors import MeetingError
from moot.meetings.models import AgendaItem, Meeting


def when_text(moment: Any) -> str:
    return long_datetime(moment)


def rule_refusal(assessment: Any, fallback: str) -> MeetingError:
    reasons = tuple(getattr(assessment, "reasons", ()) or ())
    text = "; ".join(r.text for r in reasons if getattr(r, "text", "")) or fallback
    clause = next((r.clause for r in reasons if getattr(r, "clause", "")), "")
    return MeetingError(text, clause=clause, code="rule")


def step_moment(at: datetime.datetime | None) -> datetime.datetime:
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


def with_happened_at(after: dict[str, Any], moment: datetime.datetime, at: Any) -> dict[str, Any]:
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


def item_snapshot(item: AgendaItem) -> dict[str, Any]:
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


def lock_meeting(meeting: Meeting) -> Meeting:
    """Re-read the meeting under a row lock, so two chairs' clicks are applied one after the
    other (SQLite's write transaction serialises them anyway). Only the meeting's row: without
    ``of`` PostgreSQL would lock the joined unit too, and every meeting of the unit would wait."""
    return Meeting.objects.select_for_update(of=("self",)).select_related("unit").get(pk=meeting.pk)


def belongs_to(member: Any, unit: Any) -> bool:
    from moot.members.queries import member_belongs_to

    return member_belongs_to(member, unit)


def count_roll(meeting: Meeting, on: datetime.date) -> None:
    """Count the eligible roll the quorum is measured against, as at ``on`` (the notice date:
    "at the time of mailing")."""
    from moot.members.queries import eligible_member_ids

    meeting.eligible_roll = len(eligible_member_ids(meeting.unit, "meeting", at=on))
    meeting.eligible_roll_on = on
    meeting.save(update_fields=["eligible_roll", "eligible_roll_on", "updated_at"])
