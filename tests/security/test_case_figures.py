"""Insider tests for the complaints process's figures, retention, subject access and published
summaries (docs/security.md, "Complaints and cases"; issue 10 items 10-12): who may reach each
page (every role of the world), that no published figure gives away a small count, and that the
staff admin's blanket permissions do not reach case files."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from accounts.world import ROLES
from factories import StaffAssignmentFactory, UnitFactory
from moot.cases.actions.retention import do_draw_up_destruction_list, do_place_legal_hold
from moot.cases.errors import CaseError
from moot.cases.models import Case, CaseEvent, DecisionSummary, EventKind, Stage
from moot.cases.sar import do_export_subject_access
from moot.cases.summaries import do_draft_decision_summary

NOW = datetime.datetime(2026, 7, 15, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def in_july() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def make_cases(unit: Any, category: str, count: int, *, day: int = 5) -> list[Case]:
    made = []
    for n in range(count):
        at = datetime.datetime(2026, 5, 1 + (day + n) % 28, 10, tzinfo=datetime.UTC)
        case = Case.objects.create(
            reference=f"C-SEC-{category[:4]}-{n:04d}",
            unit=unit,
            category=category,
            stage=Stage.DECIDED,
            outcome="warning",
            opened_at=at - datetime.timedelta(days=10),
            stage_since=at,
            intake_channel="member_form",
        )
        CaseEvent.objects.create(case=case, at=at, kind=EventKind.DECISION, stage=Stage.PANEL)
        made.append(case)
    return made


def client_as(world: Any, role: str, client: Any) -> Any:
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_every_role_on_the_figures_pages(world: Any, role: str, client: Any) -> None:
    """The published figures are public; the staff pages of summaries, retention and subject
    access exist only for national complaints staff (anyone else signed in gets 404, the
    anonymous the sign-in page)."""
    case = make_cases(world.riverside, "bullying", 8)[0]
    summary = DecisionSummary.objects.create(
        case=case,
        text="A member sent abusive messages; the panel found a breach and gave a warning.",
        created_by=world.users["complaints_staff"],
        created_at=timezone.now(),
    )
    client = client_as(world, role, client)
    for path in (
        "/cases/statistics/",
        "/cases/statistics/method/",
        "/cases/statistics/2026-Q2/",
        "/cases/statistics/2026-Q2/csv",
        "/cases/decisions/",
    ):
        assert client.get(path).status_code == 200, (role, path)
    staff_only = (
        ("get", "/cases/summaries/"),
        ("get", f"/cases/{case.pk}/summary/"),
        ("post", f"/cases/summaries/{summary.pk}/approve/"),
        ("get", "/cases/retention/"),
        ("get", f"/cases/{case.pk}/retention/"),
        ("get", "/cases/subject-access/"),
        ("post", "/cases/retention/draw-up/"),
    )
    for method, path in staff_only:
        status = getattr(client, method)(path).status_code
        if role == "anonymous":
            assert status == 302, (role, path, status)
        elif role == "complaints_staff":
            assert status in (200, 302), (role, path, status)  # the approve POST redirects
        elif role == "auditor" and "/summary/" in path:
            # the auditor sees that the case exists (its metadata), so may not act: 403
            assert status == 403, (role, path, status)
        else:
            assert status == 404, (role, path, status)
    if role != "complaints_staff":
        assert DecisionSummary.objects.get(pk=summary.pk).state == "draft"


@pytest.mark.django_db
def test_no_published_figure_gives_a_small_count_away(client: Any) -> None:
    """Three antisemitism complaints beside 20 about bullying: the page and the CSV say 1–7,
    and no exact total (23) or true count (3, 20) appears next to them."""
    unit = UnitFactory(name="Zed CLP")
    make_cases(unit, "antisemitism", 3)
    make_cases(unit, "bullying", 20, day=9)
    page = client.get("/cases/statistics/2026-Q2/").content.decode()
    csv_text = client.get("/cases/statistics/2026-Q2/csv").content.decode()
    assert "1–7" in page
    for text in (page, csv_text):
        assert ">23<" not in text
        assert ">3<" not in text
        assert ",3," not in text
        assert ",23," not in text
    antisemitism = next(line for line in csv_text.splitlines() if ",Antisemitism," in line)
    assert ",1–7," in antisemitism


@pytest.mark.django_db
def test_the_staff_admin_does_not_reach_case_files_through_these_actions(world: Any) -> None:
    """The superuser's blanket permissions are not a complaints role."""
    admin = world.users["admin"]
    case = make_cases(world.riverside, "bullying", 1)[0]
    for attempt in (
        lambda: do_export_subject_access(
            world.target.pk, request_reference="X-1", acting_user=admin
        ),
        lambda: do_place_legal_hold(case.pk, reason="a regulator's request", acting_user=admin),
        lambda: do_draw_up_destruction_list(acting_user=admin),
        lambda: do_draft_decision_summary(
            case.pk,
            text="A member sent abusive messages; the panel found a breach and gave a warning.",
            acting_user=admin,
        ),
    ):
        with pytest.raises(CaseError) as refused:
            attempt()
        assert refused.value.code == "forbidden"


@pytest.mark.django_db
def test_unit_scoped_complaints_staff_do_not_keep_the_organisations_retention() -> None:
    unit = UnitFactory()
    local = StaffAssignmentFactory(role="complaints_staff", unit=unit).user
    case = make_cases(unit, "bullying", 1)[0]
    with pytest.raises(CaseError, match="whole organisation"):
        do_place_legal_hold(case.pk, reason="asked by a friend", acting_user=local)
    with pytest.raises(CaseError, match="whole organisation"):
        do_export_subject_access(1, request_reference="X-2", acting_user=local)
    assert not Case.objects.get(pk=case.pk).legal_hold
