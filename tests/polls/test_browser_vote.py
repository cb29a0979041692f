"""The voting page in a real browser (Debian's Chromium, Playwright) at phone size, with axe
(WCAG 2.2 A/AA): a voter ranks candidates and votes; another votes with JavaScript off; a
mistake is announced; the manager's page and the projector pass axe after close."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from browser.conftest import AxeChecker, signed_in_page
from moot.polls.actions import do_close_poll
from moot.polls.models import Participation, SecretBallot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chromium(browser: Any) -> Any:
    """The test process's one Chromium (tests/conftest.py)."""
    return browser


def test_voting_on_a_phone(
    chromium: Any, live_server: Any, open_poll: Any, voters: list[Any], manager: Any
) -> None:
    axe = AxeChecker()
    poll = open_poll()
    vote_url = f"{live_server.url}/polls/{poll.pk}/vote/"

    page = signed_in_page(chromium, live_server, voters[0].user)
    page.goto(vote_url)
    axe.check(page, "ballot (phone)")
    expect(page.get_by_role("group", name="Rank the candidates")).to_be_visible()
    # A mistake is announced and names the problem.
    page.get_by_label("Ada").select_option("2")
    page.get_by_label("Ben").select_option("2")
    page.get_by_role("button", name="Cast my vote").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("You gave rank 2 to two candidates (Ada and Ben)")
    axe.check(page, "ballot with an error")
    page.get_by_label("Ben").select_option("1")
    page.get_by_role("button", name="Cast my vote").click()
    page.wait_for_url(f"{live_server.url}/polls/{poll.pk}/voted/")
    expect(page.get_by_role("heading", name="Your vote has been recorded")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Ada")
    axe.check(page, "confirmation")
    assert page.console_errors == []

    # No JavaScript: the plain form post works the same.
    no_js = signed_in_page(chromium, live_server, voters[1].user, javascript=False)
    no_js.goto(vote_url)
    no_js.get_by_label("Cal").select_option("1")
    no_js.get_by_role("button", name="Cast my vote").click()
    no_js.wait_for_url(f"{live_server.url}/polls/{poll.pk}/voted/")
    assert Participation.objects.filter(poll=poll).count() == 2
    assert SecretBallot.objects.filter(poll=poll).count() == 2

    do_close_poll(poll, acting_user=manager)
    chair = signed_in_page(chromium, live_server, manager)
    chair.goto(f"{live_server.url}/polls/{poll.pk}/")
    expect(chair.get_by_role("heading", name="Result")).to_be_visible()
    axe.check(chair, "poll page with result")
    chair.goto(f"{live_server.url}/polls/{poll.pk}/projector/")
    axe.check(chair, "projector")
    assert chair.console_errors == []
    axe.assert_clean()
