"""A meeting in a real browser (Debian's Chromium, Playwright) with axe (WCAG 2.2 A/AA): a
member checks in with the meeting code on a phone; the chair opens the meeting and takes the
first item in another browser; the member's page shows the new current item without a reload
(htmx polling); the chair closes, the secretary drafts the minutes. Every page passes axe and
logs no console error (an inline script or style would be a CSP violation)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.world import build_world
from browser.conftest import DESKTOP, PHONE, AxeChecker, signed_in_page
from factories import MemberFactory
from moot.meetings.actions import do_add_agenda_item, do_check_in, do_create_meeting

from .conftest import tonight

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chromium(browser: Any) -> Any:
    """The test process's one Chromium (tests/conftest.py)."""
    return browser


def test_meeting_walk(live_server: Any, chromium: Any) -> None:
    world = build_world()
    meeting = do_create_meeting(
        unit=world.riverside,
        kind="agm",
        starts_at=tonight(),
        location="Hollow Community Hall",
        chair=world.members["chair"],
        secretary=world.members["secretary"],
        notice_sent_on=timezone.localdate() - datetime.timedelta(days=30),
        acting_user=world.users["secretary"],
    )
    do_add_agenda_item(meeting, kind="apologies", title="Apologies for absence", acting_user=None)
    do_add_agenda_item(
        meeting,
        kind="training",
        title="Training: the doorstep conversation",
        speaker="Dana Okoye",
        speaker_organisation="Community Organisers Trust",
        topic="Listening on the doorstep",
        acting_user=None,
    )
    for role in ("chair", "secretary", "branch_secretary"):
        do_check_in(meeting, world.members[role], acting_user=None)
    do_check_in(
        meeting,
        MemberFactory(constituency=world.riverside, branch=world.north),
        acting_user=None,
    )
    do_check_in(meeting, world.target, acting_user=None)  # refused: joined 3 weeks ago
    base = live_server.url
    axe = AxeChecker()

    # The member, on a phone, checks in with the code from the QR code's link.
    phone = signed_in_page(chromium, live_server, world.users["member"], viewport=PHONE)
    phone.goto(f"{base}/meetings/{meeting.pk}/join/?code={meeting.check_in_code}")
    axe.check(phone, "self check-in (phone)")
    phone.get_by_role("button", name="Check me in").click()
    expect(phone.get_by_text("You are checked in and may vote.")).to_be_visible()
    expect(phone.locator("#quorum-panel")).to_contain_text("Quorate")
    axe.check(phone, "meeting page (phone, member)")

    # The chair opens the meeting and takes the first item.
    chair = signed_in_page(chromium, live_server, world.users["chair"], viewport=DESKTOP)
    chair.goto(f"{base}/meetings/{meeting.pk}/chair/")
    axe.check(chair, "chair's console before the start")
    chair.get_by_role("button", name="Open the meeting").click()
    chair.get_by_role("button", name="Next item").click()
    expect(chair.locator(".current-item__title")).to_contain_text("Apologies for absence")
    axe.check(chair, "chair's console with a current item")

    # Without a reload, the member's page shows the current item (htmx polls every 4 s).
    expect(phone.locator(".current-item__title")).to_contain_text(
        "Apologies for absence", timeout=12_000
    )

    for path, label in [
        (f"/meetings/{meeting.pk}/check-in/?q={world.target.number}", "check-in with results"),
        (f"/meetings/{meeting.pk}/attendance/", "attendance register"),
        (f"/meetings/{meeting.pk}/projector/", "projector"),
        (f"/meetings/{meeting.pk}/agenda/", "agenda"),
        ("/meetings/", "meetings list"),
        ("/meetings/new/", "schedule form"),
    ]:
        chair.goto(base + path)
        axe.check(chair, label)
    expect(chair.get_by_label("Kind of meeting")).to_be_visible()

    # Close, then the secretary drafts the minutes.
    chair.goto(f"{base}/meetings/{meeting.pk}/chair/")
    chair.get_by_role("link", name="Adjourn or close the meeting").click()
    chair.get_by_role("button", name="Close the meeting").click()
    secretary = signed_in_page(chromium, live_server, world.users["secretary"], viewport=DESKTOP)
    secretary.goto(f"{base}/meetings/{meeting.pk}/minutes/")
    secretary.get_by_role("button", name=re.compile("Draft the minutes")).click()
    expect(secretary.locator("#minutes-attendance")).to_be_visible()
    expect(secretary.locator(".minutes")).to_contain_text("5 members checked in as eligible")
    axe.check(secretary, "minutes")
    secretary.get_by_role("link", name="Edit the text").click()
    axe.check(secretary, "minutes editor")

    for page in (phone, chair, secretary):
        assert page.console_errors == [], page.console_errors
    axe.assert_clean()
