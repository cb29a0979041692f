"""axe (WCAG 2.2 A/AA) on the definition and officers pages of a ballot, on a phone without
JavaScript: national staff call the national executive ballot from its preset, save an edit
of the definition, appoint a returning officer; the public page, the console and the list
are read at a phone's width (nothing wider than the screen but scrolling tables)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

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
    officer = UserFactory(
        email="returning.officer@example.org", first_name="Rowan", last_name="Reed"
    )
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
    page.wait_for_url(f"**/ballots/{ballot.pk}/definition/")
    fits(page, PHONE, "definition form")
    page.get_by_label("Seats").fill("8")
    page.get_by_role("button", name="Save as version 2").click()
    expect(page.get_by_text("the rulebook fixes it at 9", exact=False).first).to_be_visible()
    page.get_by_label("Seats").fill("9")
    page.get_by_label("Title").fill("NEC 2027")
    page.get_by_role("button", name="Save as version 2").click()
    expect(page.get_by_text("Saved as version 2.")).to_be_visible()
    ballot.refresh_from_db()
    assert (ballot.version, ballot.seats) == (2, 9)
    page.goto(f"{base}/ballots/{ballot.pk}/officers/")
    page.get_by_label("Role").select_option("returning_officer")
    page.get_by_label("Their e-mail address").fill("returning.officer@example.org")
    page.get_by_role("button", name="Appoint").click()
    expect(page.get_by_text("Rowan Reed appointed.")).to_be_visible()
    # The returning officer now runs the ballot: the caller no longer opens its console.
    refused = page.goto(f"{base}/ballots/{ballot.pk}/manage/")
    assert refused is not None
    assert refused.status == 403
    page.context.close()
    console = signed_in_page(browser, live_server, officer, viewport=PHONE, javascript=False)
    console.goto(f"{base}/ballots/{ballot.pk}/manage/")
    fits(console, PHONE, "console")
    assert console.get_by_role("heading", name="4. Freeze").count() == 1
    console.context.close()

    # axe runs in the page, so these pages are checked with JavaScript on.
    for viewport, size in ((PHONE, "phone"), (DESKTOP, "desktop")):
        # The caller reads the list and calls; the returning officer, once appointed, runs
        # the ballot (the caller only appoints its officers).
        caller = signed_in_page(browser, live_server, staff, viewport=viewport)
        page = signed_in_page(browser, live_server, officer, viewport=viewport)
        for path, label, who in (
            ("/ballots/", "ballots list", caller),
            ("/ballots/new/", "call a ballot", caller),
            (f"/ballots/{ballot.pk}/definition/", "definition form", page),
            (f"/ballots/{ballot.pk}/officers/", "officers", page),
            (f"/ballots/{ballot.pk}/manage/", "console", page),
        ):
            response = who.goto(f"{base}{path}")
            assert response is not None
            assert response.status == 200, label
            fits(who, viewport, f"{label} ({size})")
            axe.check(who, f"{label} ({size})")
        caller.context.close()
        page.goto(f"{base}/ballots/{ballot.pk}/definition/")
        page.get_by_label("Seats").fill("8")
        page.get_by_role("button", name="Save as version 3").click()
        expect(page.get_by_text("the rulebook fixes it at 9", exact=False).first).to_be_visible()
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
        expect(public.get_by_role("heading", name="Timetable")).to_be_visible()
        fits(public, viewport, f"public page ({size})")
        axe.check(public, f"public ballot page ({size}, anonymous)")
        context.close()
    axe.assert_clean()


def test_calling_a_question_from_the_page(live_server: Any, browser: Any, axe: Any) -> None:
    """A question put to all a constituency's members is called from /ballots/new/ with its
    text (the question field), on a phone without JavaScript."""
    from factories import StaffAssignmentFactory, UnitFactory
    from moot.ballots.models import Ballot

    national = UnitFactory(kind="national", parent=None, name="National", slug="national")
    riverside = UnitFactory(kind="constituency", parent=national, name="Riverside")
    staff = StaffAssignmentFactory().user
    base = live_server.url
    page = signed_in_page(browser, live_server, staff, viewport=PHONE, javascript=False)
    page.goto(f"{base}/ballots/new/")
    page.get_by_label("Whose members vote, on what").select_option(
        f"{riverside.pk}:constituency_question"
    )
    page.get_by_role("button", name="Call the ballot").click()
    expect(page.get_by_text("Write the question put to the members.").first).to_be_visible()
    assert not Ballot.objects.exists()
    page.get_by_label("Whose members vote, on what").select_option(
        f"{riverside.pk}:constituency_question"
    )
    page.get_by_label("The question put to the members").fill("Should we meet online?")
    page.get_by_role("button", name="Call the ballot").click()
    ballot = Ballot.objects.get()
    assert (ballot.kind, ballot.question) == ("question", "Should we meet online?")
    page.wait_for_url(f"**/ballots/{ballot.pk}/definition/")
    page.context.close()
    checked = signed_in_page(browser, live_server, staff, viewport=PHONE)
    checked.goto(f"{base}/ballots/new/")
    fits(checked, PHONE, "call a ballot with a question field")
    axe.check(checked, "call a ballot (question field)")
    checked.context.close()
    axe.assert_clean()
