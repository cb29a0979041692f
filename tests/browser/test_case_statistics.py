"""axe (WCAG 2.2 A/AA) on the complaints statistics page and its methodology, at a phone's size
and on a desktop, with figures shown, hidden and secondarily hidden (issue 10 item 14)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from playwright.sync_api import expect

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
        expect(page.get_by_role("heading", name="By category")).to_be_visible()
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


def test_the_staff_pages_for_summaries_retention_and_subject_access_pass_axe(
    live_server: Any, browser: Any, axe: Any
) -> None:
    """Signed in as national complaints staff, on a phone: the summaries'
    queue and draft form, the retention page and a case's, the subject access form, and the
    published summaries (all reachable, no horizontal scroll)."""
    from django.utils import timezone

    from browser.conftest import signed_in_page
    from factories import StaffAssignmentFactory, UnitFactory
    from moot.cases.models import Case, CaseEvent, DecisionSummary, EventKind, Stage

    officer = StaffAssignmentFactory(role="complaints_staff", unit=None).user
    closed = timezone.now() - datetime.timedelta(days=365 * 7)
    case = Case.objects.create(
        reference="C-2019-00042",
        unit=UnitFactory(),
        category="bullying",
        stage=Stage.CLOSED,
        outcome="warning",
        opened_at=closed - datetime.timedelta(days=30),
        stage_since=closed,
        closed_at=closed,
        intake_channel="member_form",
    )
    CaseEvent.objects.create(case=case, at=closed, kind=EventKind.DECISION, stage=Stage.PANEL)
    DecisionSummary.objects.create(
        case=case,
        text="A member sent abusive messages; the panel found a breach and gave a warning.",
        created_by=StaffAssignmentFactory(role="complaints_staff", unit=None).user,
        created_at=timezone.now(),
    )
    page = signed_in_page(browser, live_server, officer)
    for path, label in (
        ("/cases/summaries/", "summaries to approve"),
        (f"/cases/{case.pk}/summary/", "draft a summary"),
        ("/cases/retention/", "retention"),
        (f"/cases/{case.pk}/retention/", "a case's retention"),
        ("/cases/subject-access/", "subject access"),
        ("/cases/decisions/", "published summaries"),
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.status == 200, (label, response.status)
        axe.check(page, label)
    # a refusal shown on the form is accessible too
    page.goto(f"{live_server.url}/cases/{case.pk}/summary/")
    page.get_by_label("Summary for publication").fill("C-2019-00042 was about abusive messages.")
    page.get_by_role("button", name="Draft the summary").click()
    expect(page.get_by_text("at least 10 words")).to_have_count(1)
    axe.check(page, "draft a summary, refused")
    assert not page.console_errors, page.console_errors
    axe.assert_clean()
