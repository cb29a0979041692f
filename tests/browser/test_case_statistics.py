"""axe (WCAG 2.2 A/AA) on the complaints statistics page and its methodology, at a phone's size
and on a desktop, with figures shown, hidden and secondarily hidden (issue 10 item 14)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from browser.conftest import DESKTOP, PHONE, record_console_error

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def seed_cases() -> None:
    from django.utils import timezone

    from factories import UnitFactory
    from moot.cases.models import Case, IntakeChannel
    from moot.cases.statistics import last_ended_quarter

    unit = UnitFactory()
    start = last_ended_quarter().start
    opened = timezone.make_aware(datetime.datetime.combine(start, datetime.time(10)))
    for index in range(30):
        category = "bullying" if index < 27 else "other_racism"
        Case.objects.create(
            reference=f"C-STAT-{index:05d}",
            unit=unit,
            category=category,
            opened_at=opened + datetime.timedelta(days=index),
            stage_since=opened,
            intake_channel=IntakeChannel.PUBLIC_FORM if index % 2 else IntakeChannel.MEMBER_FORM,
        )


def test_the_statistics_pages_pass_axe_on_a_phone_and_a_desktop(
    live_server: Any, browser: Any, axe: Any
) -> None:
    seed_cases()
    for viewport, size in ((PHONE, "phone"), (DESKTOP, "desktop")):
        context = browser.new_context(viewport=viewport, locale="en-GB")
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda m, console=console: record_console_error(console, m))
        response = page.goto(f"{live_server.url}/cases/statistics/")
        assert response is not None
        assert response.status == 200
        assert page.get_by_role("heading", name="By category").is_visible()
        assert (
            page.get_by_role(
                "img", name="Complaints received in each of the last 8 quarters"
            ).count()
            == 1
        )
        # nothing wider than the screen but the scrolling tables
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{size}: the page is {width}px wide"
        axe.check(page, f"statistics ({size})")
        page.get_by_role("link", name="How these figures are made").click()
        axe.check(page, f"statistics methodology ({size})")
        assert not console, console
        context.close()
    axe.assert_clean()
