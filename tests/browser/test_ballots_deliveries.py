"""axe (WCAG 2.2 A/AA) on the delivery dashboard, on a phone: the returning officer reads the
counts, a bounce and the post queue, sends a reminder round (plain forms: the page has no
script); the scrutineer reads the same page without its buttons."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from browser.conftest import PHONE, signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def fits(page: Any, label: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{label}: the page is {width}px wide"


def test_the_delivery_dashboard_on_a_phone(
    live_server: Any, browser: Any, axe: Any, settings: Any
) -> None:
    from ballots.delivery_world import issued_ballot
    from factories import UserFactory
    from moot.ballots import delivery
    from moot.ballots.actions.deliveries import do_switch_to_post
    from moot.ballots.models import Delivery, DeliveryKind

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ballot = issued_ballot(email=4, post=1, officer=UserFactory(), scrutineer=UserFactory())
    delivery.queue_deliveries(ballot, DeliveryKind.INVITATION)
    bounced = Delivery.objects.filter(ballot=ballot, channel="online").first()
    do_switch_to_post(bounced.pk, reason="550 5.1.1 No such user")
    base = live_server.url

    officer = signed_in_page(
        browser, live_server, ballot.returning_officer, viewport=PHONE, javascript=True
    )
    officer.goto(f"{base}/ballots/{ballot.pk}/deliveries/")
    expect(officer.get_by_role("heading", name="Deliveries")).to_be_visible()
    expect(officer.get_by_text("550 5.1.1 No such user")).to_be_visible()
    axe.check(officer, "deliveries dashboard (phone)")
    fits(officer, "deliveries dashboard")
    officer.get_by_role("button", name="Send the reminder").click()
    expect(officer.get_by_text("This field is required").first).to_be_visible()
    axe.check(officer, "deliveries dashboard with a refusal (phone)")
    officer.get_by_label("Send the next reminder to every member").check()
    officer.get_by_role("button", name="Send the reminder").click()
    expect(officer.get_by_text("Reminder round 1 queued to 3 members")).to_be_visible()
    axe.check(officer, "deliveries dashboard after a reminder (phone)")

    scrutineer = signed_in_page(
        browser, live_server, ballot.scrutineer, viewport=PHONE, javascript=True
    )
    scrutineer.goto(f"{base}/ballots/{ballot.pk}/deliveries/")
    assert scrutineer.get_by_role("button", name="Send the reminder").count() == 0
    axe.check(scrutineer, "deliveries dashboard, the scrutineer (phone)")
    fits(scrutineer, "deliveries dashboard, the scrutineer")
