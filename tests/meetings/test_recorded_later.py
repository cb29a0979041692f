"""Recording a meeting held earlier (the demo's last AGM, an import from paper): the chair's
moves and check-ins take ``at=``, the time the step happened. The records carry that time;
the audit events keep the time they were written and say when the step happened; the rules
are checked as they stood then; nothing can be recorded in the future."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from accounts.world import World
from moot.audit.models import AuditEvent
from moot.audit.queries import verify_chain
from moot.meetings.actions import (
    MeetingError,
    do_add_agenda_item,
    do_check_in,
    do_check_in_guest,
    do_close_meeting,
    do_create_meeting,
    do_draft_minutes,
    do_next_item,
    do_start_meeting,
)
from moot.meetings.models import Meeting

pytestmark = pytest.mark.django_db

DAYS_AGO = 365


def last_year(hour: int, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=DAYS_AGO)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def past_meeting(world: World) -> Meeting:
    return do_create_meeting(
        unit=world.riverside,
        kind="agm",
        title="Annual general meeting of last year",
        starts_at=last_year(19),
        location="Hollow Community Hall",
        notice_sent_on=last_year(19).date() - datetime.timedelta(days=30),
        chair=world.members["chair"],
        secretary=world.members["secretary"],
        acting_user=world.users["secretary"],
        at=last_year(10) - datetime.timedelta(days=30),
    )


def test_a_past_meeting_is_recorded_with_the_times_it_happened(
    world: World, past_meeting: Meeting, make_members: Callable[..., list[Any]]
) -> None:
    user = world.users["secretary"]
    item = do_add_agenda_item(past_meeting, kind="report", title="Reports", acting_user=user)
    # Members who had joined two years before: eligible on that day (clause 7.2: 8 weeks).
    members = make_members(6, joined_weeks_ago=104)
    for n, member in enumerate(members):
        do_check_in(past_meeting, member, acting_user=user, at=last_year(18, 40 + n))
    guest = do_check_in_guest(past_meeting, name="A guest", acting_user=user, at=last_year(18, 50))
    do_start_meeting(past_meeting, acting_user=user, at=last_year(19, 5))
    do_next_item(past_meeting, acting_user=user, at=last_year(19, 10))
    meeting = do_close_meeting(past_meeting, acting_user=user, at=last_year(20, 30))

    assert meeting.opened_at == last_year(19, 5)
    assert meeting.closed_at == last_year(20, 30)
    item.refresh_from_db()
    assert item.started_at == last_year(19, 10)
    assert guest.checked_in_at == last_year(18, 50)
    times = sorted(meeting.attendances.values_list("checked_in_at", flat=True))
    assert times[0] == last_year(18, 40)
    assert [c.at for c in meeting.quorum_checks.order_by("at")] == [
        last_year(19, 5),
        last_year(19, 10),
        last_year(20, 30),
    ]
    assert meeting.quorum_checks.get(occasion="start").present_eligible == 6

    # The audit events are stamped when they were written (now) and say when it happened.
    start = AuditEvent.objects.get(verb="meetings.start_meeting", object_id=str(meeting.pk))
    assert timezone.localdate(start.occurred_at) == timezone.localdate()
    assert start.after["happened_at"] == last_year(19, 5).isoformat()
    checked, problems = verify_chain()
    assert checked
    assert problems == []

    minutes = do_draft_minutes(meeting, acting_user=user)
    text = " ".join(p for s in minutes.sections for p in s["paragraphs"])
    assert "Called for 19:00; opened at 19:05, 5 minutes after the time called." in text
    assert "closed the meeting at 20:30" in text
    assert "1. Reports (Report): taken at 19:10." in text


def test_without_at_the_events_say_nothing_more(world: World, make_meeting: Any) -> None:
    meeting = make_meeting()
    do_start_meeting(meeting, acting_user=world.users["chair"])
    start = AuditEvent.objects.get(verb="meetings.start_meeting", object_id=str(meeting.pk))
    assert "happened_at" not in start.after


def test_the_rules_are_checked_as_they_stood_then(world: World) -> None:
    # Scheduled on the day before: too late for 28 days' notice, as it was on that day.
    with pytest.raises(MeetingError, match=r"clause 7\.5\.2 needs 28"):
        do_create_meeting(
            unit=world.riverside,
            kind="agm",
            starts_at=last_year(19),
            location="Hollow Community Hall",
            acting_user=world.users["secretary"],
            at=last_year(10) - datetime.timedelta(days=1),
        )
    # Without ``at``, a past date is refused as before.
    with pytest.raises(MeetingError, match="date has passed"):
        do_create_meeting(
            unit=world.riverside,
            kind="agm",
            starts_at=last_year(19),
            location="Hollow Community Hall",
            notice_sent_on=last_year(19).date() - datetime.timedelta(days=30),
            acting_user=world.users["secretary"],
        )


def test_nothing_is_recorded_in_the_future_or_out_of_order(
    world: World, past_meeting: Meeting
) -> None:
    user = world.users["chair"]
    future = timezone.now() + datetime.timedelta(minutes=5)
    with pytest.raises(MeetingError, match="in the future"):
        do_start_meeting(past_meeting, acting_user=user, at=future)
    with pytest.raises(MeetingError, match="on that day only"):
        do_start_meeting(past_meeting, acting_user=user, at=last_year(19) + datetime.timedelta(1))
    with pytest.raises(MeetingError, match="time zone"):
        do_start_meeting(past_meeting, acting_user=user, at=last_year(19).replace(tzinfo=None))
    do_start_meeting(past_meeting, acting_user=user, at=last_year(19, 5))
    with pytest.raises(MeetingError, match="cannot be recorded before that"):
        do_close_meeting(past_meeting, acting_user=user, at=last_year(19, 0))
