"""axe (WCAG 2.2 A/AA) on the definition and officers pages of a ballot, on a phone without
JavaScript: national staff call the national executive ballot from its preset, save an edit
of the definition, appoint a returning officer; the public page, the console and the list
are read at a phone's width (nothing wider than the screen but scrolling tables)."""

from __future__ import annotations

from typing import Any

import pytest

from browser.conftest import DESKTOP, PHONE, signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def fits(page: Any, viewport: dict[str, int], label: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{label}: the page is {width}px wide"


def test_calling_and_editing_a_ballot_on_a_phone_without_javascript(
    live_server: Any, browser: Any, axe: Any
) -> None:
    from factories import StaffAssignmentFactory, UnitFactory, UserFactory
    from moot.ballots.models import Ballot

    national = UnitFactory(kind="national", parent=None, name="National", slug="national")
    staff = StaffAssignmentFactory().user
    UserFactory(email="returning.officer@example.org", first_name="Rowan", last_name="Reed")
    base = live_server.url
    # The walk, on a phone without JavaScript: plain forms do everything.
    page = signed_in_page(browser, live_server, staff, viewport=PHONE, javascript=False)
    page.goto(f"{base}/ballots/")
    page.get_by_role("link", name="Call a ballot").click()
    page.get_by_label("Whose members vote, on what").select_option(
        f"{national.pk}:national_executive"
    )
    page.get_by_label("Title").fill("National executive 2027")
    page.get_by_role("button", name="Call the ballot").click()
    ballot = Ballot.objects.get()
    assert page.url.endswith(f"/ballots/{ballot.pk}/definition/")
    fits(page, PHONE, "definition form")
    page.get_by_label("Seats").fill("8")
    page.get_by_label("At least this many women elected").fill("9")
    page.get_by_role("button", name="Save as version 2").click()
    assert page.get_by_text("At least 9 women cannot be elected to 8 seats.").count() >= 1
    page.get_by_label("At least this many women elected").fill("4")
    page.get_by_role("button", name="Save as version 2").click()
    assert page.get_by_text("Saved as version 2.").is_visible()
    ballot.refresh_from_db()
    assert (ballot.version, ballot.seats) == (2, 8)
    page.goto(f"{base}/ballots/{ballot.pk}/officers/")
    page.get_by_label("Role").select_option("returning_officer")
    page.get_by_label("Their e-mail address").fill("returning.officer@example.org")
    page.get_by_role("button", name="Appoint").click()
    assert page.get_by_text("Rowan Reed appointed.").is_visible()
    page.goto(f"{base}/ballots/{ballot.pk}/manage/")
    fits(page, PHONE, "console")
    assert page.get_by_role("heading", name="4. Freeze").count() == 1
    page.context.close()

    # axe runs in the page, so these pages are checked with JavaScript on.
    for viewport, size in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page = signed_in_page(browser, live_server, staff, viewport=viewport)
        for path, label in (
            ("/ballots/", "ballots list"),
            ("/ballots/new/", "call a ballot"),
            (f"/ballots/{ballot.pk}/definition/", "definition form"),
            (f"/ballots/{ballot.pk}/officers/", "officers"),
            (f"/ballots/{ballot.pk}/manage/", "console"),
        ):
            response = page.goto(f"{base}{path}")
            assert response is not None
            assert response.status == 200, label
            fits(page, viewport, f"{label} ({size})")
            axe.check(page, f"{label} ({size})")
        page.goto(f"{base}/ballots/{ballot.pk}/definition/")
        page.get_by_label("At least this many women elected").fill("9")
        page.get_by_role("button", name="Save as version 3").click()
        assert page.get_by_text("At least 9 women cannot be elected to 8 seats.").count() >= 1
        axe.check(page, f"definition form with a refusal ({size})")
        # The refused form answers 422, which the browser logs; nothing else may be logged.
        errors = [e for e in page.console_errors if "status of 422" not in e]
        assert not errors, errors
        page.context.close()
        context = browser.new_context(viewport=viewport, locale="en-GB")
        public = context.new_page()
        response = public.goto(f"{base}/ballots/{ballot.pk}/")
        assert response is not None
        assert response.status == 200
        assert public.get_by_role("heading", name="Timetable").is_visible()
        fits(public, viewport, f"public page ({size})")
        axe.check(public, f"public ballot page ({size}, anonymous)")
        context.close()
    axe.assert_clean()
