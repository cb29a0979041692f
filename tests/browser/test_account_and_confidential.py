"""The account menu, the rulebook's clause anchors and a withheld motion in a browser (issue 9
items 1, 6, 7), with axe on each page, on a phone without JavaScript and on a desktop:

* the account name in the header opens "Your account", which links to the password, two-factor
  authentication, API tokens and the member's own record;
* a clause cited on a page links to the rulebook page, which has that clause's anchor;
* a member sees the disciplinary motion as one sentence; its chair reads it, told the read is
  recorded."""

from __future__ import annotations

from typing import Any

import pytest

from browser.conftest import DESKTOP, PHONE, signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_account_menu_clause_links_and_a_withheld_motion(
    transactional_db: Any, live_server: Any, browser: Any, axe: Any
) -> None:
    from accounts.world import build_world
    from security.test_confidential_business import SUBJECT, make_business

    world = build_world()
    business = make_business(world)
    motion = business["motion"]
    base = live_server.url

    def check(page: Any, label: str) -> None:
        if "no JavaScript" not in label:  # axe runs as a script in the page
            axe.check(page, label)

    runs = (
        (PHONE, False, "phone, no JavaScript"),
        (PHONE, True, "phone"),
        (DESKTOP, True, "desktop"),
    )
    for viewport, javascript, label in runs:
        page = signed_in_page(
            browser, live_server, world.users["member"], viewport=viewport, javascript=javascript
        )
        page.goto(f"{base}/")
        if viewport is PHONE:
            page.locator(".site-menu__toggle").click()  # the native <details>: no script
        page.locator("a.account__name").click()
        page.wait_for_url(f"{base}/account/")
        links = page.locator(".account-links a")
        labels = [links.nth(i).inner_text() for i in range(links.count())]
        for wanted in ("Your membership record", "Password", "Two-factor authentication"):
            assert wanted in labels, (label, labels)
        assert "API tokens" in labels
        check(page, f"account page ({label})")
        page.locator("a", has_text="Your membership record").click()
        page.wait_for_url(f"**/members/{world.members['member'].pk}/")

        # The withheld motion: the sentence, its clause a link to the rule's text.
        page.goto(f"{base}/motions/{motion.pk}/")
        body = page.locator("main").inner_text()
        assert SUBJECT not in body
        assert "individual disciplinary matter" in body
        check(page, f"withheld motion ({label})")
        page.locator("main a.clause", has_text="clause 15.6.1").first.click()
        page.wait_for_url(f"{base}/rulebook/#clause-15.6.1")
        assert page.locator("[id='clause-15.6.1']").count() == 1
        check(page, f"rulebook at a clause ({label})")
        page.context.close()

    chair = signed_in_page(browser, live_server, world.users["chair"], viewport=DESKTOP)
    chair.goto(f"{base}/motions/{motion.pk}/")
    body = chair.locator("main").inner_text()
    assert SUBJECT in body
    assert "this read is recorded" in body
    axe.check(chair, "withheld motion read by the chair")
    chair.context.close()
    axe.assert_clean()
