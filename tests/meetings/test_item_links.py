"""Meetings' own links under a "Minutes of the last meeting" item: the earlier minutes awaiting
approval (for anyone who may see them), the chair's console to approve them (for the meeting's
managers while it runs), then the minutes as approved."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from moot.meetings import hooks
from moot.meetings.actions import (
    do_add_agenda_item,
    do_approve_minutes,
    do_check_in,
    do_close_meeting,
    do_draft_minutes,
    do_start_meeting,
)
from moot.meetings.models import Meeting

from .conftest import tonight

pytestmark = pytest.mark.django_db


def test_minutes_item_links(
    world: Any, meeting: Meeting, make_meeting: Any, make_members: Any
) -> None:
    do_start_meeting(meeting, acting_user=None)
    do_close_meeting(meeting, acting_user=None)
    minutes = do_draft_minutes(meeting, acting_user=None)
    later = make_meeting(title="Later", starts_at=tonight() + datetime.timedelta(hours=2))
    item = do_add_agenda_item(later, kind="minutes", title="Minutes", acting_user=None)
    other = do_add_agenda_item(later, kind="report", title="Reports", acting_user=None)
    minutes_url = reverse("meetings:minutes", args=[meeting.pk])
    approve_url = reverse("meetings:chair", args=[later.pk]) + "#approve-heading"
    chair, member = world.users["chair"], world.users["member"]

    assert hooks.item_links(other, chair) == []
    label = f"Minutes of {meeting}: draft, version 1, to approve"
    # Before the later meeting opens: the draft, nothing to approve yet.
    assert hooks.item_links(item, chair) == [(label, minutes_url)]
    for person in make_members(5):
        do_check_in(later, person, acting_user=None)
    later = do_start_meeting(later, acting_user=None)
    item.meeting = later
    assert hooks.item_links(item, chair) == [
        (label, minutes_url),
        ("Approve them (chair's console)", approve_url),
    ]
    # A member sees the minutes, not the way to approve them; an outsider sees neither.
    assert hooks.item_links(item, member) == [(label, minutes_url)]
    assert hooks.item_links(item, world.users["outsider"]) == []

    do_approve_minutes(minutes, at_meeting=later, acting_user=chair)
    assert hooks.item_links(item, member) == [(f"Minutes of {meeting}: approved", minutes_url)]
