"""axe (WCAG 2.2 A/AA) on the close, count, scrutineer, declaration, results and countback pages
of a ballot, on a phone: the returning officer closes and counts, the
scrutineer signs the report, the returning officer declares and runs a countback, and anyone
reads the results (nothing wider than the screen but scrolling tables). Every form is plain
HTML; the anonymous results page is read with scripts off."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from browser.conftest import DESKTOP, PHONE, signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def fits(page: Any, viewport: dict[str, int], label: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{label}: the page is {width}px wide"


def test_close_count_sign_declare_and_countback_on_a_phone(
    live_server: Any, browser: Any, axe: Any
) -> None:
    from ballots.closing_world import closing_ballot
    from moot.ballots.models import Ballot

    names = ("Ada Ashdown", "Bea Birch", "Cy Crane", "Di Dunmore")
    world = closing_ballot(voters=8, names=names, women=("Ada Ashdown", "Di Dunmore"), min_women=1)
    rankings = [[0, 1], [1, 0], [1, 2], [2, 1], [1], [2, 3], [0, 3], [1, 2]]
    for entry, ranking in zip(world.entries, rankings, strict=True):
        world.cast(entry, "online", [names[i] for i in ranking])
    pk = world.ballot.pk
    base = live_server.url
    ro = signed_in_page(browser, live_server, world.returning_officer)

    ro.goto(f"{base}/ballots/{pk}/close/")
    axe.check(ro, "close (phone)")
    fits(ro, PHONE, "close")
    ro.get_by_label("I have checked the above").check()
    ro.get_by_role("button", name="Close the ballot").click()
    expect(ro.get_by_text("The ballot is closed: 8 ballots to count")).to_be_visible()
    axe.check(ro, "count, before counting (phone)")
    ro.get_by_label("I have checked the above").check()
    ro.get_by_role("button", name="Count the ballot").click()
    expect(ro.get_by_text("locked until the scrutineer signs").first).to_be_visible()
    axe.check(ro, "count, locked (phone)")
    fits(ro, PHONE, "count")

    scrutineer = signed_in_page(browser, live_server, world.scrutineer)
    scrutineer.goto(f"{base}/ballots/{pk}/scrutineer/")
    axe.check(scrutineer, "scrutineer's report, to sign (phone)")
    fits(scrutineer, PHONE, "scrutineer")
    for key in ("a", "c"):
        scrutineer.locator(f"input[name={key}_satisfied][value=yes]").check()
    scrutineer.locator("input[name=b_satisfied][value=no]").check()
    scrutineer.get_by_role("button", name="Sign the report").click()
    expect(scrutineer.get_by_text("give your reasons").first).to_be_visible()
    axe.check(scrutineer, "scrutineer's report with a refusal (phone)")
    scrutineer.locator("input[name=b_satisfied][value=yes]").check()
    for key in ("a", "c"):
        scrutineer.locator(f"input[name={key}_satisfied][value=yes]").check()
    scrutineer.get_by_role("button", name="Sign the report").click()
    expect(scrutineer.get_by_text("You signed the report")).to_be_visible()
    axe.check(scrutineer, "scrutineer's report, signed (phone)")

    ro.goto(f"{base}/ballots/{pk}/declare/")
    axe.check(ro, "declare (phone)")
    ro.get_by_label("I have checked the above").check()
    ro.get_by_role("button", name="Declare the result").click()
    expect(ro.get_by_text("The result is declared and public.")).to_be_visible()
    axe.check(ro, "results, declared (phone)")
    fits(ro, PHONE, "results")

    elected = Ballot.objects.get(pk=pk).result["elected"]
    ro.goto(f"{base}/ballots/{pk}/countback/")
    axe.check(ro, "countback form (phone)")
    ro.get_by_label("Who has left the seat").select_option(label=elected[0])
    ro.get_by_label("Reason").fill("Resigned from the executive")
    ro.get_by_role("button", name="Run the countback").click()
    expect(ro.get_by_text("Countback run: the seat goes to")).to_be_visible()
    axe.check(ro, "countback done (phone)")
    fits(ro, PHONE, "countback")

    for viewport, size in ((PHONE, "phone"), (DESKTOP, "desktop")):
        context = browser.new_context(viewport=viewport, locale="en-GB", java_script_enabled=False)
        public = context.new_page()
        response = public.goto(f"{base}/ballots/{pk}/results/")
        assert response is not None
        assert response.status == 200
        expect(public.locator("p.outcome").first).to_have_text(f"Elected: {', '.join(elected)}")
        fits(public, viewport, f"results ({size})")
        context.close()
        # axe runs with scripts on: on these pages with scripts off Chromium drops axe's
        # promise ("Resulting promise was garbage collected"); the page is the same HTML.
        context = browser.new_context(viewport=viewport, locale="en-GB")
        public = context.new_page()
        public.goto(f"{base}/ballots/{pk}/results/")
        expect(public.get_by_role("table", name="Returns by channel")).to_be_visible()
        axe.check(public, f"results ({size}, anonymous)")
        fits(public, viewport, f"results with the returns ({size})")
        # The scrutineer's report, public and read only after the declaration.
        public.get_by_role("link", name="The scrutineer's report").click()
        expect(public.get_by_text("this report is public")).to_be_visible()
        axe.check(public, f"scrutineer's report ({size}, anonymous)")
        fits(public, viewport, f"scrutineer's report ({size})")
        context.close()
    axe.assert_clean()
