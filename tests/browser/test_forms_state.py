"""Forms that know the state, on the demo, as the member uses them on a phone (issue 9, item
3): the AGM's motions page and its election say why nothing can be tabled or nominated now
(with the date and clause) and what to do instead; the branch AGM ahead offers both, and the
member finds the seconder and the nominee by name (without JavaScript too). Every page is
checked with axe."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from browser.conftest import sign_in
from browser.test_agm import phone_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _branch_people(member: Any) -> tuple[Any, Any]:
    """A nominee and a seconder: long-standing active members of the member's branch."""
    import datetime

    from django.utils import timezone

    from moot.members.models import Member

    cutoff = timezone.localdate() - datetime.timedelta(days=3 * 365)
    nominee, seconder = (
        Member.objects.filter(branch=member.branch, status="active", joined_on__lte=cutoff)
        .exclude(pk=member.pk)
        .exclude(user__isnull=False)
        .order_by("number")[:2]
    )
    return nominee, seconder


def _find(page: Any, label: str, name: str, choice: str) -> None:
    """Type the name (the look-up needs a first name and the surname) in the search box
    ``label``, press Find, choose ``choice``."""
    box = page.get_by_label(label)
    box.fill(name)
    box.locator("xpath=following-sibling::button").click()
    page.get_by_role("radio", name=re.compile(re.escape(choice))).check()


@pytest.mark.parametrize("js", [True, False])
def test_the_member_is_told_why_and_brings_business_to_the_branch_agm(
    live_server: Any, demo: Any, browser: Any, axe: Any, js: bool
) -> None:
    from moot.demo.agm import seed_agm
    from moot.demo.seed import DEMO_PASSWORD
    from moot.elections.models import Election
    from moot.meetings.models import Meeting
    from moot.motions.models import Motion

    agm = seed_agm(demo)
    member = demo.members["member"]
    branch_agm = Meeting.objects.get(unit=member.branch, kind="agm")
    branch_election = Election.objects.get(meeting=branch_agm)
    agm_election = Election.objects.get(meeting=agm, post__slug="chair")
    nominee, seconder = _branch_people(member)
    base = live_server.url

    page = phone_page(browser) if js else _no_js_phone(browser)

    def check(label: str) -> None:
        if js:  # axe runs in the page: only with JavaScript on
            axe.check(page, label)

    sign_in(page, base, "member@example.org", DEMO_PASSWORD)

    # The AGM: no form, the reason with its clause, and where to go instead.
    page.goto(f"{base}/meetings/{agm.pk}/motions/")
    closed = page.locator("#tabling-closed")
    expect(closed).to_contain_text("Too late to table this motion")
    expect(closed).to_contain_text("clause 7.5.4")
    expect(closed).to_contain_text(branch_agm.title)
    expect(page.get_by_role("link", name="Table a motion")).to_have_count(0)
    check(f"AGM motions, deadline passed (phone, js={js})")
    page.goto(f"{base}/meetings/{agm.pk}/motions/new/")  # typed or bookmarked: no form either
    expect(page.locator("#tabling-closed")).to_contain_text("What you can do:")
    expect(page.locator("textarea")).to_have_count(0)
    check(f"AGM tabling page, deadline passed (phone, js={js})")
    page.goto(f"{base}/elections/{agm_election.pk}/")
    expect(page.locator("main")).to_contain_text("Nominations closed")
    expect(page.get_by_role("link", name="Nominate a candidate")).to_have_count(0)
    check(f"AGM election, nominations closed (phone, js={js})")
    page.goto(f"{base}/elections/{agm_election.pk}/nominate/")
    expect(page.locator("#nominations-closed")).to_contain_text("Nominations closed")
    expect(page.get_by_role("button", name="Nominate")).to_have_count(0)
    check(f"AGM nomination page, nominations closed (phone, js={js})")

    # The branch AGM: table a motion, finding the seconder by name.
    page.goto(f"{base}/meetings/{branch_agm.pk}/motions/")
    page.get_by_role("link", name="Table a motion").click()
    page.get_by_label("Title").fill("A bench at the bus stop")
    page.get_by_label("Text").fill("This branch asks the council for a bench at the bus stop.")
    _find(page, "Find the member seconding it by name", seconder.full_name, seconder.full_name)
    expect(page.get_by_label("Title")).to_have_value("A bench at the bus stop")  # kept
    expect(page.locator("main")).not_to_contain_text(seconder.number)
    check(f"table a motion, seconder found by name (phone, js={js})")
    page.get_by_role("button", name="Table the motion").click()
    expect(page.locator("main")).to_contain_text("A bench at the bus stop")
    motion = Motion.objects.get(meeting=branch_agm)
    assert motion.seconder == seconder

    # Nominate for the branch's chair, finding the nominee and the seconder by name.
    page.goto(f"{base}/elections/{branch_election.pk}/")
    expect(page.locator("main")).to_contain_text("Taking nominations until")
    page.get_by_role("link", name="Nominate a candidate").click()
    _find(page, "Find the nominee by name", nominee.full_name, nominee.full_name)
    second = _other_branch_member(member, {nominee.pk, seconder.pk})
    _find(page, "Find the seconder by name", second.full_name, second.full_name)
    check(f"nominate, nominee and seconder found by name (phone, js={js})")
    page.get_by_role("button", name="Nominate").click()
    expect(page.locator("main")).to_contain_text(nominee.full_name)
    nomination = branch_election.nominations.get()
    assert (nomination.nominee, nomination.nominator, nomination.seconder) == (
        nominee,
        member,
        second,
    )

    axe.assert_clean()
    assert page.console_errors == [], page.console_errors
    page.context.close()


def _other_branch_member(member: Any, skip: set[int]) -> Any:
    import datetime

    from django.utils import timezone

    from moot.members.models import Member

    cutoff = timezone.localdate() - datetime.timedelta(days=3 * 365)
    return (
        Member.objects.filter(branch=member.branch, status="active", joined_on__lte=cutoff)
        .exclude(pk__in=skip | {member.pk})
        .exclude(user__isnull=False)
        .order_by("-number")
        .first()
    )


def _no_js_phone(browser: Any) -> Any:
    from browser.test_phone import phone_context

    context = phone_context(browser, js=False)
    page = context.new_page()
    page.console_errors = []
    return page
