"""Editing a report's text in a real browser (Chromium, Playwright) with axe (WCAG 2.2 A/AA):
the secretary opens the item from the agenda on a phone, changes its text and saves; the agenda
and the edit page pass axe on a phone and a desktop, and log no console error."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.world import build_world
from browser.conftest import DESKTOP, PHONE, AxeChecker, signed_in_page
from moot.meetings.actions import do_add_agenda_item, do_create_meeting
from moot.meetings.models import AgendaItem

from .conftest import tonight

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_secretary_edits_a_report_on_a_phone(live_server: Any, browser: Any) -> None:
    world = build_world()
    meeting = do_create_meeting(
        unit=world.riverside,
        kind="agm",
        title="Riverside annual general meeting",
        starts_at=tonight(),
        location="Hollow Community Hall",
        chair=world.members["chair"],
        secretary=world.members["secretary"],
        notice_sent_on=timezone.localdate() - datetime.timedelta(days=30),
        acting_user=world.users["secretary"],
    )
    item = do_add_agenda_item(meeting, kind="report", title="Reports", acting_user=None)
    base = live_server.url
    axe = AxeChecker()
    pages = []
    for viewport, label in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page = signed_in_page(browser, live_server, world.users["secretary"], viewport=viewport)
        pages.append(page)
        page.goto(f"{base}/meetings/{meeting.pk}/agenda/")
        axe.check(page, f"agenda ({label})")
        page.get_by_role("link", name="Edit item 1: Reports").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Edit item 1")
        axe.check(page, f"agenda item edit ({label})")
    phone = pages[0]
    phone.get_by_role("textbox", name="Title").fill("Treasurer's report")
    phone.get_by_role("textbox", name="Details (optional)").fill("We ended the year £610 up.")
    phone.get_by_role("button", name="Save the item").click()
    expect(phone.get_by_text("Item 1 is changed.")).to_be_visible()
    item.refresh_from_db()
    assert item.title == "Treasurer's report"
    assert item.body == "We ended the year £610 up."
    assert AgendaItem.objects.filter(meeting=meeting).count() == 1
    for page in pages:
        assert not page.console_errors, page.console_errors
    axe.assert_clean()
