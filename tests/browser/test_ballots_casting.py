"""axe (WCAG 2.2 A/AA) on the voter's pages, the tellers' keying pages and the turnout, on a phone
(the pages have no script of their own: every step is a link or a form post; axe itself needs
the page's JavaScript to run, and here chromium lost axe's promise on a script-less context,
so the context keeps scripts on): a member follows the invitation's link, meets a refusal
naming the box at fault, votes and sees the confirmation; a signed-in member answers a
question; two tellers key a paper differently and a third resolves it; anyone reads the
turnout."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from browser.conftest import PHONE, signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def fits(page: Any, label: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{label}: the page is {width}px wide"


def test_voting_keying_and_turnout_on_a_phone_without_javascript(
    live_server: Any, browser: Any, axe: Any
) -> None:
    from ballots.casting_world import open_ballot
    from moot.ballots.models import PaperDecision, Return

    world = open_ballot(voters=3)
    ballot, entry = world.ballot, world.entries[0]
    a, b, c = world.candidates
    base = live_server.url

    # Someone signed in with another account follows the link: the credential decides.
    from factories import UserFactory

    voter = signed_in_page(browser, live_server, UserFactory(), viewport=PHONE, javascript=True)
    voter.goto(f"{base}/ballots/{ballot.pk}/vote/")
    axe.check(voter, "enter your credential (phone)")
    fits(voter, "enter your credential")
    voter.goto(f"{base}/ballots/{ballot.pk}/vote/c/{world.code(entry)}/")
    assert voter.url == f"{base}/ballots/{ballot.pk}/vote/ballot/"
    axe.check(voter, "the ballot (phone)")
    fits(voter, "the ballot")
    voter.get_by_label(a.name).fill("1")
    voter.get_by_label(c.name).fill("3")
    voter.get_by_role("button", name="Send my vote").click()
    expect(voter.get_by_text(f"but the box beside {c.name} holds 3").first).to_be_visible()
    axe.check(voter, "the ballot with a refusal (phone)")
    voter.get_by_label(c.name).fill("2")
    voter.get_by_role("button", name="Send my vote").click()
    expect(voter.get_by_role("heading", name="Your vote was received")).to_be_visible()
    axe.check(voter, "vote received (phone)")
    fits(voter, "vote received")
    assert Return.objects.filter(entry=entry).count() == 1
    voter.goto(f"{base}/ballots/{ballot.pk}/turnout/")
    axe.check(voter, "turnout (phone)")
    fits(voter, "turnout")
    voter.context.close()

    paper = world.entries[1]
    pages = [
        signed_in_page(browser, live_server, teller, viewport=PHONE, javascript=True)
        for teller in world.tellers
    ]
    for teller_page, first in zip(pages[:2], (a, b), strict=True):
        teller_page.goto(f"{base}/ballots/{ballot.pk}/papers/key/")
        teller_page.get_by_label("Paper number").fill(str(paper.paper_number))
        teller_page.get_by_label("Check code").fill(world.check(paper))
        teller_page.get_by_label(first.name).fill("1")
        teller_page.get_by_role("button", name="Key this paper").click()
    axe.check(pages[1], "key papers, after a discrepancy (phone)")
    fits(pages[1], "key papers")
    third = pages[2]
    third.goto(f"{base}/ballots/{ballot.pk}/papers/discrepancies/")
    axe.check(third, "discrepancies (phone)")
    fits(third, "discrepancies")
    third.get_by_label(b.name).fill("1")
    third.get_by_label("Why the keyings differed").select_option("misread")
    third.get_by_role("button", name=f"Resolve paper {paper.paper_number}").click()
    expect(third.get_by_text("the discrepancy is resolved")).to_be_visible()
    assert PaperDecision.objects.get(paper_number=paper.paper_number).outcome == "resolved"

    question = open_ballot(voters=1, kind="question")
    member = question.entries[0].member
    own = signed_in_page(browser, live_server, member.user, viewport=PHONE, javascript=True)
    own.goto(f"{base}/ballots/{question.ballot.pk}/vote/")
    axe.check(own, "a question (phone)")
    own.get_by_label("No").check()
    own.get_by_role("button", name="Send my vote").click()
    expect(own.get_by_role("heading", name="Your vote was received")).to_be_visible()
    axe.assert_clean()
