"""Publishable decision summaries (issue 10 item 12): drafted apart from the confidential reasons,
naming nobody, approved by a second officer, and published only when the suppression rule shows
the count of decisions they belong to."""

from __future__ import annotations

import datetime
import itertools
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from factories import MemberFactory, StaffAssignmentFactory, UnitFactory, UserFactory
from moot.audit.models import AuditEvent
from moot.cases.crypto import seal_text
from moot.cases.errors import CaseError
from moot.cases.models import Case, CaseEvent, DecisionSummary, EventKind, Stage, SummaryState
from moot.cases.summaries import (
    do_approve_decision_summary,
    do_draft_decision_summary,
    do_withdraw_decision_summary,
)

LONDON = ZoneInfo("Europe/London")
NOW = datetime.datetime(2026, 7, 15, 12, 0, tzinfo=LONDON)
_refs = itertools.count(1)
TEXT = (
    "The panel found that a member posted abusive messages about a fellow member over three "
    "weeks, in breach of the code of conduct, and issued a formal warning."
)


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


def decided(
    unit: Any, *, category: str = "bullying", day: int = 10, respondent: Any = None
) -> Case:
    at = datetime.datetime(2026, 5, day, 12, tzinfo=LONDON)
    case = Case(
        reference=f"C-2026-{next(_refs):05d}",
        unit=unit,
        category=category,
        respondent=respondent,
        stage=Stage.DECIDED,
        outcome="warning",
        opened_at=at - datetime.timedelta(days=40),
        stage_since=at,
        intake_channel="member_form",
    )
    seal_text(case, "witnesses_enc", "Ola Brennan")
    case.save()
    CaseEvent.objects.create(case=case, at=at, kind=EventKind.DECISION, stage=Stage.PANEL)
    return case


@pytest.mark.django_db
def test_a_summary_is_drafted_approved_by_another_and_published(
    officers: tuple[Any, Any], client: Any
) -> None:
    first, second = officers
    unit = UnitFactory()
    cases = [decided(unit, day=1 + n) for n in range(8)]
    summary = do_draft_decision_summary(cases[0].pk, text=TEXT, acting_user=first)
    assert summary.state == SummaryState.DRAFT
    assert TEXT not in client.get("/cases/decisions/").content.decode()
    with pytest.raises(CaseError, match="second officer"):
        do_approve_decision_summary(summary.pk, acting_user=first)
    do_approve_decision_summary(summary.pk, acting_user=second)
    page = client.get("/cases/decisions/").content.decode()
    assert "issued a formal warning" in page
    assert "2026 Q2 (Apr–Jun)" in page
    assert cases[0].reference not in page
    assert unit.name not in page
    verbs = list(AuditEvent.objects.order_by("-seq").values_list("verb", flat=True)[:2])
    assert verbs == ["cases.approve_decision_summary", "cases.draft_decision_summary"]
    do_withdraw_decision_summary(
        summary.pk, reason="the appeal changed the outcome", acting_user=second
    )
    assert "issued a formal warning" not in client.get("/cases/decisions/").content.decode()


@pytest.mark.django_db
def test_a_summary_in_a_hidden_cell_is_not_published(officers: tuple[Any, Any]) -> None:
    first, second = officers
    unit = UnitFactory()
    only = decided(unit, category="antisemitism")
    for n in range(8):
        decided(unit, day=2 + n)  # other categories do not make antisemitism's count larger
    summary = do_draft_decision_summary(only.pk, text=TEXT, acting_user=first)
    with pytest.raises(CaseError, match="single the case out") as refused:
        do_approve_decision_summary(summary.pk, acting_user=second)
    assert refused.value.code == "rule"
    assert DecisionSummary.objects.get(pk=summary.pk).state == SummaryState.DRAFT


@pytest.mark.django_db
def test_a_summary_naming_someone_is_refused(officers: tuple[Any, Any]) -> None:
    first, _ = officers
    respondent = MemberFactory(first_name="Dara", last_name="Quill")
    case = decided(UnitFactory(), respondent=respondent)
    for named, who in (
        (
            "Dara Quill posted abusive messages about a fellow member for weeks; a warning.",
            "the respondent",
        ),
        (
            "Quill posted abusive messages about a fellow member for three weeks; a warning.",
            "the respondent",
        ),
        (
            "A member posted abusive messages; Ola Brennan saw them all; the panel warned them.",
            "witness 1",
        ),
        (
            f"In {case.reference} a member posted abusive messages; the panel gave a warning.",
            "the case",
        ),
    ):
        with pytest.raises(CaseError, match=f"identifies {who}") as refused:
            do_draft_decision_summary(case.pk, text=named, acting_user=first)
        assert refused.value.field == "text"
    with pytest.raises(CaseError, match="at least 10 words"):
        do_draft_decision_summary(case.pk, text="Warning given.", acting_user=first)
    assert not DecisionSummary.objects.exists()


@pytest.mark.django_db
def test_only_national_complaints_staff_write_summaries(client: Any) -> None:
    case = decided(UnitFactory())
    for user in (UserFactory(), StaffAssignmentFactory(role="national_staff", unit=None).user):
        with pytest.raises(CaseError, match="whole organisation"):
            do_draft_decision_summary(case.pk, text=TEXT, acting_user=user)
        client.force_login(user)
        assert client.get("/cases/summaries/").status_code == 404
    assert not DecisionSummary.objects.exists()


@pytest.mark.django_db
def test_the_pages(officers: tuple[Any, Any], client: Any) -> None:
    first, second = officers
    cases = [decided(UnitFactory(), day=1 + n) for n in range(8)]
    client.force_login(first)
    form = client.get(f"/cases/{cases[0].pk}/summary/")
    assert form.status_code == 200
    refused = client.post(
        f"/cases/{cases[0].pk}/summary/", {"text": f"{cases[0].reference} " + TEXT}
    )
    assert "identifies the case" in refused.content.decode()
    client.post(f"/cases/{cases[0].pk}/summary/", {"text": TEXT})
    summary = DecisionSummary.objects.get()
    queue = client.get("/cases/summaries/").content.decode()
    assert "another officer approves it" in queue
    client.force_login(second)
    assert "Approve for publication" in client.get("/cases/summaries/").content.decode()
    client.post(f"/cases/summaries/{summary.pk}/approve/")
    assert DecisionSummary.objects.get().state == SummaryState.APPROVED
