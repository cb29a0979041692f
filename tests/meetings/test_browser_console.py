"""The chair's console's confirmations in a real browser with axe (WCAG 2.2 A/AA), on a desktop
and a phone: the prompt to hand the chair over when the chair stands in the election now
before the meeting, the hand-over page, the page that lists unfinished business and offers to
adjourn or close, the adjourned console, and a poll's close confirmation. The confirmations
are plain pages and forms: they work with JavaScript switched off."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from browser.conftest import DESKTOP, PHONE, AxeChecker, signed_in_page
from moot.meetings.actions import do_set_current_item
from moot.meetings.models import ChairRecord, ChairRecordKind

from .test_console import Running, running  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_console_confirmations_pass_axe_and_work_without_javascript(
    live_server: Any,
    browser: Any,
    world: Any,
    running: Running,  # noqa: F811
) -> None:
    axe = AxeChecker()
    base = live_server.url
    meeting = running.meeting
    do_set_current_item(meeting, running.election_item, acting_user=world.users["chair"])
    chair = signed_in_page(browser, live_server, world.users["chair"], viewport=DESKTOP)
    chair.goto(f"{base}/meetings/{meeting.pk}/chair/")
    prompt = chair.locator("#hand-over")
    expect(prompt).to_contain_text("is a candidate in the election for")
    axe.check(chair, "console: hand-over prompt")
    prompt.get_by_role("link", name="Hand over the chair").click()
    expect(chair.get_by_label("Who takes the chair (member number)")).to_have_value(
        running.vice_chair.number
    )
    axe.check(chair, "hand over the chair")
    # The hand-over itself with JavaScript switched off: a plain form post.
    no_js = signed_in_page(
        browser, live_server, world.users["chair"], viewport=DESKTOP, javascript=False
    )
    no_js.goto(chair.url)
    no_js.get_by_role("button", name="Hand over the chair").click()
    expect(no_js.locator("#handed")).to_be_visible()
    chair.goto(f"{base}/meetings/{meeting.pk}/chair/")
    expect(chair.locator("#handed")).to_contain_text(
        f"{running.vice_chair.full_name} has the chair"
    )
    axe.check(chair, "console: chair handed over")

    # The vice-chair, on a phone, ends the meeting: the unfinished business first.
    vice = signed_in_page(browser, live_server, running.vice_chair.user, viewport=PHONE)
    vice.goto(f"{base}/meetings/{meeting.pk}/chair/")
    vice.get_by_role("link", name="Adjourn or close the meeting").click()
    expect(vice.locator("#unfinished")).to_contain_text("never opened")
    axe.check(vice, "end the meeting (phone)")
    vice.get_by_label("Reason for adjourning (for the minutes)").fill("The hall closes.")
    vice.get_by_role("button", name="Adjourn the meeting").click()
    expect(vice.locator("#adjourned")).to_contain_text("The meeting is adjourned")
    axe.check(vice, "console: adjourned (phone)")
    vice.get_by_role("button", name="Resume the meeting").click()
    vice.get_by_role("link", name="Adjourn or close the meeting").click()
    vice.get_by_label("Record it as carried over to the next meeting").check()
    vice.get_by_role("button", name="Close the meeting anyway").click()
    expect(vice.locator(".messages")).to_contain_text("The meeting is closed")
    kinds = set(ChairRecord.objects.filter(meeting=meeting).values_list("kind", flat=True))
    assert {
        ChairRecordKind.HANDED_OVER,
        ChairRecordKind.ADJOURNED,
        ChairRecordKind.RESUMED,
        ChairRecordKind.CARRIED_OVER,
    } <= kinds
    assert not chair.console_errors
    assert not vice.console_errors
    axe.assert_clean()


def test_a_polls_close_confirmation_passes_axe(
    live_server: Any,
    browser: Any,
    world: Any,
    running: Running,  # noqa: F811
) -> None:
    from moot.polls.actions import do_create_poll, do_open_poll

    poll = do_create_poll(
        title="Motion 1: a show of hands",
        question="That this meeting supports the bus campaign.",
        kind="motion",
        method="yes-no",
        voting="show_of_hands",
        meeting=running.meeting,
        agenda_item=running.motions_item,
        acting_user=world.users["chair"],
    )
    poll = do_open_poll(poll, acting_user=world.users["chair"])
    axe = AxeChecker()
    chair = signed_in_page(browser, live_server, world.users["chair"], viewport=PHONE)
    chair.goto(f"{live_server.url}/polls/{poll.pk}/")
    chair.get_by_role("link", name="Close the poll and count").click()
    expect(chair.get_by_role("heading", name="Close the poll and count?")).to_be_visible()
    expect(chair.locator("main")).to_contain_text("This cannot be undone.")
    axe.check(chair, "close a poll: confirmation (phone)")
    chair.get_by_role("button", name="Close the poll and count").click()
    expect(chair.locator(".messages")).to_contain_text("The poll is closed and counted.")
    assert not chair.console_errors
    axe.assert_clean()
