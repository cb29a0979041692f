"""axe (WCAG 2.2 A/AA) on every page a person uses, signed in as the role that sees most of
it, plus the members list at a phone's size. One seeded demo for the whole walk."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from browser.conftest import record_console_error, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_every_page_passes_axe(live_server: Any, demo: Any, browser: Any, axe: Any) -> None:
    from moot.demo.seed import DEMO_PASSWORD
    from moot.members.models import Member

    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: record_console_error(console, m))

    page.goto(f"{base}/accounts/login/")
    axe.check(page, "sign-in page")

    sign_in(page, base, "staff@example.org", DEMO_PASSWORD)
    member = Member.objects.filter(constituency=demo.riverside).order_by("pk").first()
    pages = [
        ("/", "dashboard (national staff)"),
        ("/members/", "members list"),
        ("/members/?status=suspended", "members list filtered"),
        (f"/members/{member.pk}/", "member page"),
        (f"/members/{member.pk}/status/", "status change form"),
        (f"/members/{member.pk}/edit/", "member details edit (office)"),
        ("/members/import/", "import page"),
        ("/units/", "units tree"),
        (f"/units/{demo.riverside.pk}/", "unit detail"),
        ("/organisations/", "organisations"),
        ("/affiliations/", "affiliations"),
        ("/rulebook/", "rulebook"),
        ("/audit/", "audit trail"),
        ("/members/999999999/", "404 page"),
    ]
    for path, label in pages:
        response = page.goto(base + path)
        assert response is not None
        assert response.status in (200, 404), f"{label}: HTTP {response.status}"
        if response.status == 404:
            # The browser logs the deliberate 404 itself; anything else would be a real error.
            console[:] = [m for m in console if "status of 404" not in m]
        axe.check(page, label)

    # The import's dry run with problems (a table of row/column errors).
    page.goto(f"{base}/members/import/")
    page.get_by_label("CSV file").set_input_files(
        files=[
            {
                "name": "bad.csv",
                "mimeType": "text/csv",
                "buffer": b"first_name,last_name,joined_on,constituency\nAda,,2024-02-30,nowhere\n",
            }
        ]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator(".import-report")).to_contain_text("joined_on")
    axe.check(page, "import dry run with problems")

    # Chain verification result.
    page.goto(f"{base}/audit/")
    page.get_by_role("button", name="Verify the chain now").click()
    expect(page.locator("#chain-result")).to_contain_text("Whole")
    axe.check(page, "audit trail verified")

    # A 403: an ordinary member opening the members list.
    context.clear_cookies()
    sign_in(page, base, "member@example.org", DEMO_PASSWORD)
    axe.check(page, "dashboard (member)")
    page.goto(f"{base}/members/me/details/")
    axe.check(page, "own contact details (member)")
    response = page.goto(f"{base}/members/")
    assert response is not None
    assert response.status == 403
    console[:] = [m for m in console if "status of 403" not in m]
    axe.check(page, "403 page")
    context.close()

    axe.assert_clean()
    assert console == [], console


def test_members_list_on_a_phone(live_server: Any, demo: Any, browser: Any, axe: Any) -> None:
    from moot.demo.seed import DEMO_PASSWORD

    base = live_server.url
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True
    )
    page = context.new_page()
    sign_in(page, base, "secretary@example.org", DEMO_PASSWORD)
    page.goto(f"{base}/members/")
    rows = page.locator(".members-table tbody tr")
    expect(rows.first).to_be_visible()
    # Nothing wider than the screen: no sideways scrolling of the page itself.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page is {width}px wide on a 375px screen"
    # Each row is a card whose cells say what they are.
    expect(rows.first.locator("td[data-label='Status']")).to_be_visible()
    axe.check(page, "members list (phone)")
    context.close()
    axe.assert_clean()
