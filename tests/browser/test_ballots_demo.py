"""The demo's national ballots in the browser, with axe (WCAG 2.2 A/AA) on every page: the
returning officer's console, the demo member voting on a phone (390×844), both tellers keying
the returned paper the banner names, the scrutineer's view, and last year's public results and
record."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from browser.conftest import PHONE, signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESKTOP = {"width": 1280, "height": 900}


def fits(page: Any, label: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{label}: the page is {width}px wide"


def test_the_demo_ballots_walk(live_server: Any, browser: Any, axe: Any) -> None:
    from moot.accounts.models import User
    from moot.ballots.credentials import paper_check
    from moot.ballots.models import RollEntry
    from moot.demo.ballots import RETURNING_OFFICER, SCRUTINEER, TELLERS, seed_ballots
    from moot.demo.seed import seed_foundation

    made = seed_ballots(seed_foundation())
    current, last = made.current, made.last
    base = live_server.url

    def account(local: str) -> Any:
        return User.objects.get(email=f"{local}@example.org")

    # The returning officer's console of this year's open ballot.
    ro = signed_in_page(browser, live_server, account(RETURNING_OFFICER), viewport=DESKTOP)
    ro.goto(f"{base}/ballots/{current.pk}/manage/")
    assert current.title in ro.content()
    axe.check(ro, "the returning officer's console (demo)")
    ro.context.close()

    # The demo member votes on a phone, signed in (they have not voted yet).
    voter = signed_in_page(browser, live_server, account("member"), viewport=PHONE)
    voter.goto(f"{base}/ballots/{current.pk}/")
    axe.check(voter, "this year's ballot page (phone)")
    fits(voter, "the ballot page")
    voter.goto(f"{base}/ballots/{current.pk}/vote/")
    if not voter.url.endswith("/vote/ballot/"):
        voter.goto(f"{base}/ballots/{current.pk}/vote/ballot/")
    axe.check(voter, "the demo member's ballot (phone)")
    fits(voter, "the demo member's ballot")
    first, second = current.candidates.filter(on_ballot=True).order_by("position")[:2]
    voter.get_by_label(first.name).fill("1")
    voter.get_by_label(second.name).fill("2")
    voter.get_by_role("button", name="Send my vote").click()
    expect(voter.get_by_role("heading", name="Your vote was received")).to_be_visible()
    axe.check(voter, "the demo member's vote received (phone)")
    voter.context.close()
    assert RollEntry.objects.get(pk=made.voter.pk).voted

    # Both tellers key the postal vote the banner names.
    paper = made.postal
    check = paper_check(current, paper.paper_number)
    for local in TELLERS:
        teller = signed_in_page(browser, live_server, account(local), viewport=PHONE)
        teller.goto(f"{base}/ballots/{current.pk}/papers/key/")
        teller.get_by_label("Paper number").fill(str(paper.paper_number))
        teller.get_by_label("Check code").fill(check)
        teller.get_by_label(first.name).fill("1")
        teller.get_by_role("button", name="Key this paper").click()
        axe.check(teller, f"{local} keys a paper (phone)")
        fits(teller, f"{local} keys a paper")
        teller.context.close()
    assert RollEntry.objects.get(pk=paper.pk).voted

    # The scrutineer's view, of this year's (open) and last year's (signed) ballots.
    scrutineer = signed_in_page(browser, live_server, account(SCRUTINEER), viewport=DESKTOP)
    for ballot in (current, last):
        response = scrutineer.goto(f"{base}/ballots/{ballot.pk}/scrutineer/")
        assert response.status < 400, ballot.title
        axe.check(scrutineer, f"the scrutineer's view of {ballot.title}")
    scrutineer.context.close()

    # Anyone: last year's results, its published record and its public board (it ran
    # verifiable: the trustees' shuffles and decryptions end it), on a phone.
    public = browser.new_context(viewport=PHONE, locale="en-GB", is_mobile=True).new_page()
    for path in ("results", "record", "verifiable/board"):
        response = public.goto(f"{base}/ballots/{last.pk}/{path}/")
        assert response.status == 200, path
        axe.check(public, f"last year's {path} (phone)")
        fits(public, f"last year's {path}")
    public.goto(f"{base}/ballots/{last.pk}/results/")
    last.refresh_from_db()
    for name in last.result["elected"]:
        assert name in public.content(), name
    from moot.verifiable.models import BoardEntry, Election

    election = Election.objects.get(ballot=last)
    assert election.state == "decrypted"
    expect(public.locator("#board-head")).to_have_text(election.board_head)
    kinds = set(BoardEntry.objects.filter(election=election).values_list("kind", flat=True))
    assert {"ballot", "close", "shuffle", "decryption", "result"} <= kinds
    public.goto(f"{base}/ballots/{last.pk}/verifiable/board/")
    expect(public.locator("main")).to_contain_text(election.board_head)
    public.context.close()
    axe.assert_clean()
