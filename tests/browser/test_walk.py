"""The issue's "Done when" walk in a real browser: the constituency secretary signs in, finds
a member by name, reads why that member may not vote at next week's meeting, records a status
change and sees it in the member's audit history."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_secretary_walk(live_server: Any, demo: Any, page: Any, axe: Any) -> None:
    from moot.demo.seed import DEMO_PASSWORD
    from moot.members.models import Member

    today = timezone.localdate()
    recent = (
        Member.objects.filter(
            constituency=demo.riverside,
            status="active",
            joined_on__gt=today - datetime.timedelta(weeks=7),
        )
        .order_by("joined_on", "pk")
        .first()
    )
    assert recent is not None, "the demo has members who joined in the last 7 weeks"
    base = live_server.url

    sign_in(page, base, "secretary@example.org", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Your units")).to_be_visible()
    axe.check(page, "dashboard (secretary)")

    # Find the member by name: htmx filters the results as the secretary types.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Members").click()
    expect(page).to_have_url(re.compile(r"/members/$"))
    page.get_by_label("Search").fill(f"{recent.first_name} {recent.last_name}")
    results = page.locator("#member-results")
    link = results.get_by_role("link", name=f"{recent.last_name}, {recent.first_name}")
    expect(link.first).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]q="))  # hx-push-url keeps the address shareable
    link.first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(recent.full_name)

    # Why may they not vote at next week's meeting? The verdict, its reasons and clauses.
    panel = page.locator("#eligibility")
    next_week = today + datetime.timedelta(days=7)
    expect(page.get_by_label("on", exact=True)).to_have_value(next_week.isoformat())
    expect(panel.locator(".verdict")).to_contain_text("No:")
    expect(panel.locator(".reasons")).to_contain_text("clause")
    axe.check(page, "member page (secretary)")

    # Ask for a change: a secretary proposes arrears; the membership office decides (the
    # register has one authority: docs/security.md §1). Nothing changes until it does.
    page.get_by_text("Propose a change of status", exact=True).click()
    form = page.locator("form[action$='/status/']")
    status = form.get_by_label("Status")
    expect(status).to_have_value("")  # no default: a careless click records nothing
    expect(status.locator("option[value='suspended']")).to_have_count(0)
    status.select_option("in_arrears")
    form.get_by_label("Start").fill(today.isoformat())
    form.get_by_label("Reason").fill("Direct debit failed twice")
    form.get_by_role("button", name="Propose to the membership office").click()
    expect(page.locator(".messages")).to_contain_text("Proposed to the membership office")
    expect(page.locator("#history")).not_to_contain_text("Direct debit failed twice")
    axe.check(page, "member page after a proposal")
    page.goto(f"{base}/members/proposals/")
    expect(page.locator("main")).to_contain_text("Direct debit failed twice")
    axe.check(page, "register proposals (secretary)")

    axe.assert_clean()
    assert page.console_errors == [], page.console_errors
