"""axe (WCAG 2.2 A/AA) on the case process's pages — a case page with the process's controls
for complaints staff and for a panel member, the overdue view, the training register and the
respondent's own page with the notice and the reply form — on a phone and a desktop, and a
refused stage move through the form with JavaScript off."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from browser.conftest import DESKTOP, PHONE, signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_process_pages_pass_axe_and_work_without_javascript(
    live_server: Any, browser: Any, axe: Any
) -> None:
    from cases.process_world import build_process_world
    from moot.cases.models import AssignmentRole, Stage

    pw = build_process_world()
    waiting = pw.open_case()
    heard = pw.walk_to(pw.open_case(category="antisemitism"), Stage.PANEL)
    member = pw.panel_member(heard, AssignmentRole.PANEL_MEMBER)
    base = live_server.url
    for viewport, size in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page = signed_in_page(browser, live_server, pw.staff, viewport=viewport)
        for path, label in (
            (f"/cases/{heard.pk}/", "case page at the panel stage, staff"),
            (f"/cases/{waiting.pk}/", "case page just received, staff"),
            ("/cases/overdue/", "overdue cases"),
            ("/cases/training/", "training register"),
        ):
            response = page.goto(base + path)
            assert response is not None
            assert response.status == 200, (path, response.status)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{label} ({size}) is {width}px wide"
            axe.check(page, f"{label} ({size})")
        assert not page.console_errors, page.console_errors
        page.context.close()
        panel_page = signed_in_page(browser, live_server, member, viewport=viewport)
        panel_page.goto(f"{base}/cases/{heard.pk}/")
        expect(panel_page.get_by_role("heading", name="The panel's decision")).to_be_visible()
        axe.check(panel_page, f"case page, panel member ({size})")
        panel_page.context.close()
        party_page = signed_in_page(browser, live_server, pw.respondent.user, viewport=viewport)
        party_page.goto(f"{base}/cases/mine/{heard.pk}/")
        expect(party_page.get_by_role("heading", name="What you were told")).to_be_visible()
        expect(party_page.get_by_role("heading", name="Reply to the allegation")).to_be_visible()
        axe.check(party_page, f"respondent's own page ({size})")
        party_page.context.close()
    # Without JavaScript: a move whose records are missing is refused with what it needs.
    page = signed_in_page(browser, live_server, pw.staff, viewport=PHONE, javascript=False)
    page.goto(f"{base}/cases/{waiting.pk}/")
    page.get_by_role("button", name="Move to triage").click()
    expect(page.get_by_text("needs a case handler assigned").first).to_be_visible()
    page.context.close()
    axe.assert_clean()
