"""Policy pages in a real browser (Debian's Chromium, Playwright) with axe (WCAG 2.2 A/AA): a
member reads the register (what binds Riverside nationally), asks whether the definition was in
force on a date, reads a version's diff, and tables a motion adopting the national definition
in full; national staff open the national decision form. No console errors."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from playwright.sync_api import expect

from browser.conftest import DESKTOP, AxeChecker, signed_in_page
from moot.policies.actions import do_record_national_decision
from moot.policies.models import PolicyProposal
from policies.conftest import DEFINITION, days_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chromium(browser: Any) -> Any:
    return browser


def test_policy_pages(chromium: Any, live_server: Any, assembly: Any) -> None:
    axe = AxeChecker()
    base = live_server.url
    first = do_record_national_decision(
        assembly.world.national,
        action="adopt",
        kind="definition",
        title="Working definition of hostility",
        source="Fictional Institute's working definition (2019)",
        extent="part",
        text=DEFINITION,
        body="National executive committee",
        decision_date=days_ago(200),
        minute="minute 14.2",
        acting_user=assembly.staff,
    )
    second = do_record_national_decision(
        assembly.world.national,
        action="amend",
        policy=first.policy,
        base_version=first,
        edits=[{"action": "replace", "line_from": 1, "text": "A new first line."}],
        body="National executive committee",
        decision_date=days_ago(20),
        acting_user=assembly.staff,
    )
    policy = first.policy

    member = signed_in_page(chromium, live_server, assembly.mover.user, timeout_ms=15_000)
    member.goto(f"{base}/policies/")
    axe.check(member, "policies index (phone)")
    member.get_by_role("link", name="Riverside").click()
    binding = member.get_by_role("region", name="Binding on Riverside nationally")
    expect(binding).to_contain_text("Working definition of hostility")
    axe.check(member, "a unit's policies (phone)")
    binding.get_by_role("link", name="Working definition of hostility").click()
    expect(member.get_by_role("status")).to_contain_text("In force on")
    axe.check(member, "policy (phone)")
    before = (first.in_force_from - datetime.timedelta(days=1)).isoformat()
    member.get_by_label("As at", exact=True).fill(before)
    member.get_by_role("button", name="Show").click()
    member.wait_for_url(f"{base}/policies/{policy.pk}/?as_at={before}")
    expect(member.get_by_role("status")).to_contain_text("Not in force")
    member.goto(f"{base}/policies/versions/{second.pk}/")
    expect(member.locator("del").first).to_be_visible()
    assert member.locator("ins").first.inner_text().startswith("A new first line.")
    axe.check(member, "version with its diff (phone)")

    member.goto(f"{base}/policies/meetings/{assembly.next_meeting.pk}/propose/")
    axe.check(member, "propose a policy change (phone)")
    member.get_by_label("The change").select_option("adopt")
    member.get_by_label("Kind of a new policy").select_option("definition")
    member.get_by_label("Title of a new policy").fill("Our definition")
    member.get_by_label("National policy adopted (if any)").select_option(str(policy.pk))
    member.locator("select[name=extent]").select_option("part")
    member.get_by_label("Text of the policy as adopted").fill(DEFINITION)
    member.get_by_label("Title of the motion").fill("Adopting the definition")
    member.get_by_label("Text of the motion").fill("This party adopts the definition.")
    member.get_by_label("Seconder").fill(assembly.seconder.number)
    member.get_by_role("button", name="Table the motion").click()
    member.wait_for_load_state()
    proposal = PolicyProposal.objects.get()
    member.wait_for_url(f"{base}/motions/{proposal.motion_id}/")
    member.get_by_role("link", name="Proposes that Riverside adopts").click()
    axe.check(member, "a motion's policy proposal (phone)")
    assert member.console_errors == []

    staff = signed_in_page(
        chromium, live_server, assembly.staff, viewport=DESKTOP, timeout_ms=15_000
    )
    staff.goto(f"{base}/policies/units/{assembly.world.national.pk}/decide/")
    axe.check(staff, "national decision form (desktop)")
    staff.get_by_role("button", name="Record the decision").click()  # empty: refused, shown
    expect(staff.locator(".errorlist").first).to_be_visible()
    axe.check(staff, "national decision form with errors")
    assert staff.console_errors == []
    axe.assert_clean()


def test_one_long_unbroken_line_wraps_on_a_phone(
    chromium: Any, live_server: Any, assembly: Any
) -> None:
    """A policy whose text holds one long unbroken line (a pasted address, a run of characters)
    and its diff: at 390 px no page of the register scrolls sideways."""
    long_line = "https://example.invalid/" + "x" * 3000
    first = do_record_national_decision(
        assembly.world.national,
        action="adopt",
        kind="standing_policy",
        title="Long " + "y" * 150,
        text=f"{long_line}\n\nA second line.",
        body="National executive committee",
        decision_date=days_ago(40),
        acting_user=assembly.staff,
    )
    second = do_record_national_decision(
        assembly.world.national,
        action="amend",
        policy=first.policy,
        base_version=first,
        edits=[{"action": "replace", "line_from": 2, "text": "z" * 2000}],
        body="National executive committee",
        decision_date=days_ago(10),
        acting_user=assembly.staff,
    )
    member = signed_in_page(chromium, live_server, assembly.mover.user, timeout_ms=15_000)
    for path in (
        f"/policies/{first.policy_id}/",
        f"/policies/versions/{second.pk}/",
        f"/policies/units/{assembly.world.national.pk}/",
    ):
        member.goto(live_server.url + path)
        sideways = member.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert sideways <= 0, (path, sideways)
        widest = member.evaluate(
            "Math.max(...[...document.querySelectorAll('main *')]"
            ".map(e => e.getBoundingClientRect().right))"
        )
        assert widest <= 390, (path, widest)
    assert member.console_errors == []
