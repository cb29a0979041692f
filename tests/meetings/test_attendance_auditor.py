"""The auditor reads the attendance register the minutes link to (issue 9 fix round, finding
12): the page and its CSV, read-only — no "Left" buttons, and checking someone out is still
refused. A member is still refused the register."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from moot.meetings.actions import do_check_in, do_start_meeting

pytestmark = pytest.mark.django_db


def test_the_auditor_reads_the_register_and_changes_nothing(
    world: Any, meeting: Any, client: Any
) -> None:
    secretary = world.users["secretary"]
    do_start_meeting(meeting, acting_user=secretary)
    attendance = do_check_in(meeting, world.members["member"], acting_user=secretary)

    client.force_login(world.users["auditor"])
    page = client.get(reverse("meetings:attendance", args=[meeting.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert world.members["member"].full_name in text
    assert reverse("meetings:check_out", args=[attendance.pk]) not in text
    csv = client.get(reverse("meetings:attendance_csv", args=[meeting.pk]))
    assert csv.status_code == 200
    assert world.members["member"].number in csv.content.decode()
    left = client.post(reverse("meetings:check_out", args=[attendance.pk]))
    assert left.status_code in (403, 404)
    attendance.refresh_from_db()
    assert attendance.left_at is None

    client.force_login(secretary)
    text = client.get(reverse("meetings:attendance", args=[meeting.pk])).content.decode()
    assert reverse("meetings:check_out", args=[attendance.pk]) in text

    client.force_login(world.users["member"])
    assert client.get(reverse("meetings:attendance", args=[meeting.pk])).status_code == 403
