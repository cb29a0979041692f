"""The retention and subject access pages (issue 10 item 10): a destruction list drawn up,
approved by another officer and carried out through the pages; a legal hold and a reopening on
a case's retention page; the subject access download; the 404 for anyone else."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from factories import MemberFactory, StaffAssignmentFactory, UnitFactory, UserFactory
from moot.cases.models import Case, CaseEvent, DestructionList, EventKind, Stage

NOW = datetime.datetime(2026, 7, 15, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def in_july() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def officers(db: Any) -> tuple[Any, Any]:
    return (
        StaffAssignmentFactory(role="complaints_staff", unit=None).user,
        StaffAssignmentFactory(role="complaints_staff", unit=None).user,
    )


def old_case(reference: str, respondent: Any = None) -> Case:
    closed = NOW - datetime.timedelta(days=365 * 7)
    case = Case.objects.create(
        reference=reference,
        unit=UnitFactory(),
        category="bullying",
        respondent=respondent,
        stage=Stage.CLOSED,
        outcome="not_upheld",
        opened_at=closed - datetime.timedelta(days=60),
        stage_since=closed,
        closed_at=closed,
        intake_channel="member_form",
    )
    CaseEvent.objects.create(case=case, at=closed, kind=EventKind.CLOSED, stage=Stage.CLOSED)
    return case


def test_a_destruction_list_through_the_pages(officers: tuple[Any, Any], client: Any) -> None:
    first, second = officers
    old_case("C-2019-00001")
    held = old_case("C-2019-00002")
    client.force_login(first)
    page = client.get(f"/cases/{held.pk}/retention/")
    assert page.status_code == 200
    client.post(
        f"/cases/{held.pk}/retention/", {"what": "hold", "reason": "a claim has been threatened"}
    )
    assert Case.objects.get(pk=held.pk).legal_hold
    assert "C-2019-00001" in client.get("/cases/retention/").content.decode()
    client.post("/cases/retention/draw-up/")
    listing = DestructionList.objects.get()
    assert list(listing.items.values_list("case_reference", flat=True)) == ["C-2019-00001"]
    assert "another officer reviews it" in client.get("/cases/retention/").content.decode()
    client.force_login(second)
    client.post(
        f"/cases/retention/{listing.pk}/review/",
        {"decision": "approve", "reason": "checked against the schedule"},
    )
    client.post(f"/cases/retention/{listing.pk}/execute/")
    assert not Case.objects.filter(reference="C-2019-00001").exists()
    assert Case.objects.filter(reference="C-2019-00002").exists()
    page = client.get("/cases/retention/").content.decode()
    assert "Destroyed: " in page
    assert "cases 1" in page


def test_reopening_on_the_page_needs_a_reason(officers: tuple[Any, Any], client: Any) -> None:
    case = old_case("C-2019-00003")
    client.force_login(officers[0])
    refused = client.post(f"/cases/{case.pk}/retention/", {"what": "reopen", "reason": "x"})
    assert "say why" in refused.content.decode()
    client.post(f"/cases/{case.pk}/retention/", {"what": "reopen", "reason": "new evidence came"})
    assert Case.objects.get(pk=case.pk).stage == Stage.TRIAGE


def test_the_subject_access_download(officers: tuple[Any, Any], client: Any) -> None:
    member = MemberFactory()
    old_case("C-2019-00004", respondent=member)
    client.force_login(officers[0])
    assert client.get("/cases/subject-access/").status_code == 200
    missing = client.post(
        "/cases/subject-access/",
        {"member_number": "NOPE1", "request_reference": "SAR-1", "format": "pdf"},
    )
    assert "No member has this number." in missing.content.decode()
    response = client.post(
        "/cases/subject-access/",
        {"member_number": member.number, "request_reference": "SAR-1", "format": "json"},
    )
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert [case["reference"] for case in body["cases"]] == ["C-2019-00004"]
    assert body["cases"][0]["your_role"] == "respondent"
    pdf = client.post(
        "/cases/subject-access/",
        {"member_number": member.number, "request_reference": "SAR-1", "format": "pdf"},
    )
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_anyone_else_finds_no_page(client: Any) -> None:
    case = old_case("C-2019-00005")
    for user in (
        UserFactory(),
        StaffAssignmentFactory(role="national_staff", unit=None).user,
        StaffAssignmentFactory(role="complaints_staff", unit=UnitFactory()).user,
    ):
        client.force_login(user)
        for path in ("/cases/retention/", f"/cases/{case.pk}/retention/", "/cases/subject-access/"):
            assert client.get(path).status_code == 404, path
        assert client.post("/cases/retention/draw-up/").status_code == 404
    assert timezone.now() == NOW


def test_a_closed_cases_page_shows_the_day_it_is_kept_until(
    officers: tuple[Any, Any], client: Any
) -> None:
    """Fix round finding 15: a closed case never says "set when it closes"; it shows the date
    the rulebook's period gives from its closing day (the destruction list's date)."""
    from moot.cases import retention
    from moot.cases.actions.retention import _rules

    closed = old_case("C-2019-00009")
    assert closed.retention_until is None
    years, _clause = _rules()
    kind = retention.record_kind(
        stage=closed.stage, outcome=closed.outcome, investigated=False, sanctioned=False
    )
    expected = retention.keep_until(timezone.localdate(closed.closed_at), kind, years)
    client.force_login(officers[0])
    page = client.get(f"/cases/{closed.pk}/retention/").content.decode()
    assert "set when it closes" not in page
    assert f"{expected.day} {expected:%B %Y}" in page
    open_case = Case.objects.create(
        reference="C-2026-00010",
        unit=UnitFactory(),
        category="bullying",
        stage=Stage.TRIAGE,
        opened_at=NOW,
        stage_since=NOW,
        intake_channel="member_form",
    )
    page = client.get(f"/cases/{open_case.pk}/retention/").content.decode()
    assert "set when it closes (the case is open)" in page
