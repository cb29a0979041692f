"""The verifiable booth, board and audit check in Chromium on a phone, with axe (WCAG 2.2 A/AA):
a voter follows the invitation's link to the booth, numbers the candidates, types the voting
credential, encrypts (the page says it is NOT cast yet), checks the encryption instead (the
audit JSON, checked on the audit page), encrypts afresh, casts, and finds the tracker on the
board. booth.js and ballots/booth-crypto.js run under the site's CSP (no console error)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import expect

from browser.conftest import PHONE, signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _fits(page: Any, label: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{label}: the page is {width}px wide"


def test_the_booth_encrypts_audits_and_casts_on_a_phone(
    live_server: Any, browser: Any, axe: Any
) -> None:
    from factories import UserFactory
    from moot.ballots.models import Return
    from moot.verifiable.models import BoardEntry
    from moot.verify import vballot
    from verifiable.world import open_verifiable

    world = open_verifiable(voters=2)
    ballot, entry = world.ballot, world.base.entries[0]
    first, second, _third = world.base.candidates
    base = live_server.url
    voter = signed_in_page(browser, live_server, UserFactory(), viewport=PHONE)
    voter.goto(f"{base}/ballots/{ballot.pk}/vote/c/{world.base.code(entry)}/")
    assert voter.url == f"{base}/ballots/{ballot.pk}/verifiable/vote/"
    expect(voter.get_by_role("button", name="Encrypt my ballot")).to_be_visible()
    axe.check(voter, "the booth (phone)")
    _fits(voter, "the booth")

    # Nothing chosen: the question's rule in plain words, with the focus on it.
    expect(voter.get_by_text("the trustees decrypt only the shuffled ballots")).to_be_visible()
    expect(voter.get_by_text("It is secret: whoever has it can vote in your place")).to_be_visible()
    voter.get_by_role("button", name="Encrypt my ballot").click()
    expect(voter.locator("#problem")).to_have_text(
        "Number at least one candidate: 1 beside your first choice."
    )
    expect(voter.locator("#problem")).to_be_focused()
    axe.check(voter, "the booth, nothing chosen (phone)")

    # A credential of the wrong shape is refused in words, on the field.
    voter.get_by_label(first.name).fill("1")
    voter.get_by_label("Your voting credential").fill("not-a-credential")
    voter.get_by_role("button", name="Encrypt my ballot").click()
    expect(voter.locator("#problem")).to_contain_text("credential")
    expect(voter.get_by_label("Your voting credential")).to_have_attribute("aria-invalid", "true")

    # Encrypt: not cast yet; check the encryption instead.
    voter.get_by_label(second.name).fill("2")
    voter.get_by_label("Your voting credential").fill(
        vballot.format_credential(world.credentials[0])
    )
    voter.get_by_role("button", name="Encrypt my ballot").click()
    expect(voter.get_by_text("Your ballot is encrypted but it is NOT cast yet.")).to_be_visible()
    axe.check(voter, "encrypted, not cast (phone)")
    challenged = voter.locator("#tracker").inner_text()
    voter.get_by_role("button", name="Check the encryption instead").click()
    expect(voter.get_by_role("heading", name="Check the encryption")).to_be_visible()
    expect(voter.locator("#audit-tracker")).to_have_text(challenged)
    audit = voter.get_by_label("The audit of this ballot").input_value()
    assert json.loads(audit)["plaintexts"]
    assert "signature" not in json.loads(audit)["ballot"], "an audited ballot is never signed"
    axe.check(voter, "the audit of an encryption (phone)")
    assert not BoardEntry.objects.filter(kind="ballot").exists()

    checker = signed_in_page(browser, live_server, UserFactory(), viewport=PHONE)
    checker.goto(f"{base}/ballots/{ballot.pk}/verifiable/audit/")
    axe.check(checker, "the audit check page (phone)")
    checker.get_by_label("The audit the booth showed you").fill(audit)
    checker.get_by_role("button", name="Check").click()
    expect(checker.get_by_role("heading", name="The audit checks out")).to_be_visible()
    expect(checker.locator("#audit-tracker")).to_have_text(challenged)
    expect(checker.get_by_text(f"{first.name}: 1")).to_be_visible()
    expect(checker.get_by_text(f"{second.name}: 2")).to_be_visible()
    axe.check(checker, "an audit checked (phone)")

    # Encrypt afresh and cast.
    voter.get_by_role("button", name="Encrypt my ballot afresh").click()
    voter.get_by_role("button", name="Encrypt my ballot").click()
    expect(voter.get_by_text("Your ballot is encrypted but it is NOT cast yet.")).to_be_visible()
    tracker_shown = voter.locator("#tracker").inner_text()
    voter.get_by_role("button", name="Cast this ballot").click()
    expect(voter.get_by_role("heading", name="Your ballot is cast")).to_be_visible()
    expect(voter.locator("#cast-tracker")).to_have_text(tracker_shown)
    expect(voter.locator("#tracker-mismatch")).to_be_hidden()
    # The cast message is on screen once (the status keeps it for screen readers only).
    expect(voter.locator("#status")).to_have_class("visually-hidden")
    box = voter.locator("#status").bounding_box()
    assert box is not None
    assert box["width"] <= 1, box
    assert box["height"] <= 1, box
    axe.check(voter, "cast (phone)")
    (cast,) = BoardEntry.objects.filter(kind="ballot")
    assert vballot.format_tracker(cast.tracker) == tracker_shown
    assert Return.objects.filter(entry=entry).count() == 1

    voter.get_by_role("link", name="find it on the board").click()
    expect(voter.locator("#found")).to_contain_text("Your ballot is on the board: entry 2")
    axe.check(voter, "the board with a tracker found (phone)")
    _fits(voter, "the board")
    assert not voter.console_errors, voter.console_errors
    assert not checker.console_errors, checker.console_errors
    axe.assert_clean()


def test_without_javascript_the_booth_says_so(live_server: Any, browser: Any) -> None:
    from factories import UserFactory
    from verifiable.world import open_verifiable

    world = open_verifiable(voters=1)
    page = signed_in_page(browser, live_server, UserFactory(), viewport=PHONE, javascript=False)
    page.goto(
        f"{live_server.url}/ballots/{world.ballot.pk}/vote/c/{world.base.code(world.base.entries[0])}/"
    )
    expect(page.locator("#noscript")).to_contain_text("This booth needs JavaScript")
    expect(page.locator("#noscript")).to_contain_text("paper you were sent by post")
    expect(page.locator("#booth")).to_be_hidden()


def test_the_manager_runs_a_draft_verifiable_on_a_phone(
    live_server: Any, browser: Any, axe: Any
) -> None:
    from ballots.roll_world import roll_world
    from moot.verifiable.models import Election

    world = roll_world()
    page = signed_in_page(browser, live_server, world.officer, viewport=PHONE)
    page.goto(f"{live_server.url}/ballots/{world.ballot.pk}/verifiable/setup/")
    axe.check(page, "verifiable setup (phone)")
    _fits(page, "verifiable setup")
    page.get_by_label("Trustees").fill("3")
    page.get_by_label("Threshold").fill("4")
    page.get_by_role("button", name="Run it verifiable").click()
    expect(page.locator("#make-form")).to_contain_text("between 2")
    axe.check(page, "verifiable setup with a refusal (phone)")
    assert not Election.objects.exists()
    page.get_by_label("Threshold").fill("2")
    page.get_by_role("button", name="Run it verifiable").click()
    expect(page.locator("#chosen")).to_contain_text("2 of 3 trustees decrypt")
    expect(page.locator("#missing")).to_contain_text("all 3 trustees appointed")
    axe.check(page, "verifiable setup, chosen (phone)")
    assert Election.objects.get().threshold == 2
    assert not page.console_errors, page.console_errors
    axe.assert_clean()


def test_the_booth_warns_loudly_when_the_servers_tracker_differs(
    live_server: Any, browser: Any, axe: Any
) -> None:
    """A server that records another ballot than the one encrypted (its answer is faked here,
    so nothing is cast): the booth compares the tracker and says so in an alert."""
    from factories import UserFactory
    from moot.verify import vballot
    from verifiable.world import open_verifiable

    world = open_verifiable(voters=1)
    first = world.base.candidates[0]
    base = live_server.url
    voter = signed_in_page(browser, live_server, UserFactory(), viewport=PHONE)
    voter.goto(f"{base}/ballots/{world.ballot.pk}/vote/c/{world.base.code(world.base.entries[0])}/")
    other = "ab" * 32
    voter.route(
        "**/api/verifiable/ballots/*/cast",
        lambda route: route.fulfill(
            status=201,
            content_type="application/json",
            body=json.dumps(
                {
                    "tracker": other,
                    "tracker_shown": vballot.format_tracker(other),
                    "height": 2,
                    "replaced": False,
                    "board_head": "00" * 32,
                    "board_url": f"/ballots/{world.ballot.pk}/verifiable/board/",
                }
            ),
        ),
    )
    voter.get_by_label(first.name).fill("1")
    voter.get_by_label("Your voting credential").fill(
        vballot.format_credential(world.credentials[0])
    )
    voter.get_by_role("button", name="Encrypt my ballot").click()
    mine = voter.locator("#tracker").inner_text()
    voter.get_by_role("button", name="Cast this ballot").click()
    warning = voter.locator("#tracker-mismatch")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(
        f"the server answered with the tracker {vballot.format_tracker(other)}"
    )
    expect(warning).to_contain_text(f"this device encrypted the ballot with the tracker {mine}")
    axe.check(voter, "the booth's tracker warning (phone)")
    axe.assert_clean()
