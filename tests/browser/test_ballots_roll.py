"""axe (WCAG 2.2 A/AA) on the roll pages of a ballot, and the freeze and issue on a phone without
JavaScript: the returning officer ticks the confirm box and freezes, reads the roll and looks one
member up, issues; a member reads their entitlement and their Merkle path on a phone and asks
for a new credential."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from browser.conftest import DESKTOP, PHONE, signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def fits(page: Any, viewport: dict[str, int], label: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{label}: the page is {width}px wide"


def test_freeze_issue_and_the_members_page_on_a_phone(
    live_server: Any, browser: Any, axe: Any
) -> None:
    from ballots.roll_world import roll_world

    world = roll_world()
    ballot = world.ballot
    base = live_server.url
    alice = world.members["alice"]

    # axe on each page before and after each step (JavaScript on: axe runs in the page).
    for viewport, size in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page = signed_in_page(browser, live_server, world.officer, viewport=viewport)
        for path, label in (
            (f"/ballots/{ballot.pk}/freeze/", "freeze"),
            (f"/ballots/{ballot.pk}/roll/", "roll (draft)"),
        ):
            response = page.goto(f"{base}{path}")
            assert response is not None
            assert response.status == 200, label
            fits(page, viewport, f"{label} ({size})")
            axe.check(page, f"{label} ({size})")
        page.context.close()

    # The walk, on a phone without JavaScript: plain forms do everything.
    page = signed_in_page(browser, live_server, world.officer, viewport=PHONE, javascript=False)
    page.goto(f"{base}/ballots/{ballot.pk}/freeze/")
    page.get_by_role("button", name="Freeze the ballot").click()
    expect(page.get_by_text("This field is required").first).to_be_visible()
    page.get_by_label("I have checked the above").check()
    page.get_by_role("button", name="Freeze the ballot").click()
    page.wait_for_url(f"**/ballots/{ballot.pk}/roll/")
    expect(page.get_by_text("The ballot is frozen")).to_be_visible()
    fits(page, PHONE, "roll")
    page.get_by_label("Membership number").fill(alice.number)
    page.get_by_role("button", name="Look up").click()
    expect(page.locator("#entry").get_by_text(alice.number)).to_be_visible()
    page.goto(f"{base}/ballots/{ballot.pk}/issue/")
    page.get_by_label("I have checked the above").check()
    page.get_by_role("button", name="Issue the ballot").click()
    expect(page.get_by_text("The ballot is open")).to_be_visible()
    page.context.close()

    for viewport, size in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page = signed_in_page(browser, live_server, world.officer, viewport=viewport)
        for path, label in (
            (f"/ballots/{ballot.pk}/roll/?number={alice.number}", "roll (one entry)"),
            (f"/ballots/{ballot.pk}/issue/", "issue (done)"),
            (f"/ballots/{ballot.pk}/reissue/?number={alice.number}", "reissue"),
            (f"/ballots/{ballot.pk}/", "public page (frozen roll)"),
        ):
            response = page.goto(f"{base}{path}")
            assert response is not None
            assert response.status == 200, label
            fits(page, viewport, f"{label} ({size})")
            axe.check(page, f"{label} ({size})")
        page.context.close()
        page = signed_in_page(browser, live_server, alice.user, viewport=viewport)
        response = page.goto(f"{base}/ballots/{ballot.pk}/my/")
        assert response is not None
        assert response.status == 200
        fits(page, viewport, f"my ({size})")
        axe.check(page, f"my ({size})")
        page.context.close()

    page = signed_in_page(browser, live_server, alice.user, viewport=PHONE, javascript=False)
    page.goto(f"{base}/ballots/{ballot.pk}/my/")
    expect(page.get_by_text("You may vote in this ballot")).to_be_visible()
    expect(page.locator("#path dd").first).to_be_visible()
    page.get_by_label("By e-mail").check()
    page.get_by_role("button", name="Send me a new one").click()
    expect(page.get_by_text("A new credential is on its way")).to_be_visible()
    page.context.close()
