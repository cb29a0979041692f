"""Election pages in a real browser (Debian's Chromium, Playwright) at phone size, with axe
(WCAG 2.2 A/AA): the nominee accepts on the consent page, a member reads the candidates and
nominates (with a mistake announced), the officer opens the vote, closes and declares."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from browser.conftest import AxeChecker, signed_in_page
from moot.elections.actions import do_nominate
from moot.elections.models import Election
from moot.polls.actions import do_cast_ballot

from .conftest import make_member, stand, today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chromium(browser: Any) -> Any:
    """The test process's one Chromium (tests/conftest.py)."""
    return browser


def test_an_election_on_a_phone(
    chromium: Any, live_server: Any, election_factory: Any, unit: Any, officer: Any
) -> None:
    axe = AxeChecker()
    election: Election = election_factory(
        "policy-officer", method="irv", nominations_close_on=today()
    )
    base = f"{live_server.url}/elections/{election.pk}/"
    stand(
        election, make_member(unit, first_name="Rowan"), officer=officer, statement="Rivers first."
    )
    nominee = make_member(unit, first_name="Sefton")
    pending = do_nominate(
        election,
        nominee=nominee,
        nominator=make_member(unit),
        seconder=make_member(unit),
        on=today(),
        acting_user=officer,
    )

    # The nominee accepts and writes a statement.
    page = signed_in_page(chromium, live_server, nominee.user)
    page.goto(f"{live_server.url}/elections/nominations/{pending.pk}/")
    axe.check(page, "consent page")
    page.get_by_label("Your statement to the members").fill("Buses and bikes.")
    page.get_by_role("button", name="I accept and will stand").click()
    expect(page.locator("main")).to_contain_text("You accepted the nomination.")

    # A member reads the candidates, then tries to nominate with a wrong number.
    member = make_member(unit)
    page = signed_in_page(chromium, live_server, member.user)
    page.goto(base)
    axe.check(page, "election page (member)")
    expect(page.locator("#candidates")).to_contain_text("Buses and bikes.")
    page.get_by_role("link", name="Nominate a candidate").click()
    page.get_by_label("Nominee's membership number").fill("Z404")
    page.get_by_label("Seconder's membership number").fill(make_member(unit).number)
    page.get_by_role("button", name="Nominate").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("has the number Z404")
    axe.check(page, "nomination form with an error")

    # The officer: the set-up form, then opens the vote (the window closed today, the day of
    # the vote).
    chair = signed_in_page(chromium, live_server, officer)
    chair.goto(f"{live_server.url}/elections/new/?unit={unit.pk}")
    axe.check(chair, "set up an election")
    chair.get_by_role("button", name="Set up the election").click()
    expect(chair.get_by_role("alert")).to_contain_text("Please correct the form")
    axe.check(chair, "set up an election, with errors")
    chair.goto(base)
    chair.get_by_role("button", name="Close nominations and open the vote").click()
    expect(chair.locator("main")).to_contain_text("the vote is open")
    axe.check(chair, "election page, vote open (officer)")
    election.refresh_from_db()
    page.goto(f"{base}ballot/")
    axe.check(page, "candidates beside the ballot")
    expect(page.get_by_role("link", name="Go to the ballot")).to_be_visible()
    # On the ballot itself, a candidate's statement folds open under the name.
    page.get_by_role("link", name="Go to the ballot").click()
    statement = page.locator("details", has_text="Read Rowan")
    expect(statement.get_by_text("Rivers first.")).not_to_be_visible()
    statement.locator("summary").click()
    expect(statement.get_by_text("Rivers first.")).to_be_visible()
    axe.check(page, "ballot with a statement open (phone)")
    options = dict(election.nominations.values_list("nominee_id", "poll_option_id"))
    do_cast_ballot(election.poll, member, [options[nominee.pk]], acting_user=member.user)

    chair.get_by_role("link", name="Close the vote and count").click()
    chair.get_by_role("button", name="Close the vote and count").click()
    chair.get_by_role("link", name="Declare the result").click()
    chair.get_by_role("button", name="Declare the result").click()
    expect(chair.get_by_role("heading", name="Declaration")).to_be_visible()
    expect(chair.get_by_role("heading", name="Result")).to_be_visible()
    axe.check(chair, "election page, declared (officer)")
    # On a 390 px phone, nothing on the declared election's page or its poll's page runs off
    # the side — not even the audit seal's `moot audit verify --anchor seq:hash` line.
    phone = signed_in_page(chromium, live_server, officer, viewport={"width": 390, "height": 844})
    for url in (base, f"{live_server.url}/polls/{election.poll_id}/"):
        phone.goto(url)
        assert phone.locator(".audit-seal").count() >= 1, url
        overflow = phone.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (url, overflow)
    # The poll's projector is the bare page for the hall's screen: no site menu or footer.
    phone.goto(f"{live_server.url}/polls/{election.poll_id}/projector/")
    assert phone.locator(".site-header").count() == 0
    assert phone.locator(".site-footer").count() == 0
    axe.check(phone, "poll projector (bare)")
    assert phone.console_errors == []
    assert page.console_errors == []
    assert chair.console_errors == []
    axe.assert_clean()
