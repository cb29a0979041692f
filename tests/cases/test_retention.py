"""Retention (issue 10 item 10): periods per record type from the rulebook, destruction only
through a list reviewed by a second person with a report, a legal hold blocks it, and reopening
never resets retention."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest
import time_machine

from factories import StaffAssignmentFactory, UnitFactory, UserFactory
from moot.audit.models import AuditEvent
from moot.cases import retention
from moot.cases.actions.retention import (
    do_draw_up_destruction_list,
    do_execute_destruction_list,
    do_lift_legal_hold,
    do_place_legal_hold,
    do_reopen_case,
    do_review_destruction_list,
    due_for_destruction,
)
from moot.cases.errors import CaseError
from moot.cases.models import (
    Case,
    CaseEvent,
    CaseRead,
    DestructionState,
    EventKind,
    Outcome,
    Sanction,
    Stage,
)

_refs = itertools.count(1)
NOW = datetime.datetime(2026, 7, 15, 12, 0, tzinfo=datetime.UTC)


def test_periods_by_record_type() -> None:
    years = {"case_file": 6, "sanction": 10, "no_further_action": 2}
    closed = datetime.date(2020, 2, 29)
    kind = retention.record_kind(
        stage="closed", outcome="warning", investigated=True, sanctioned=True
    )
    assert kind == "sanction"
    assert retention.keep_until(closed, kind, years) == datetime.date(2030, 2, 28)
    triaged = retention.record_kind(
        stage="no_further_action", outcome="", investigated=False, sanctioned=False
    )
    assert retention.keep_until(closed, triaged, years) == datetime.date(2022, 2, 28)
    dismissed = retention.record_kind(
        stage="closed", outcome="not_upheld", investigated=True, sanctioned=False
    )
    assert dismissed == "case_file"
    # a date the case already has is never brought forward
    later = datetime.date(2031, 1, 1)
    assert retention.keep_until(closed, triaged, years, already=later) == later


def test_what_may_be_destroyed() -> None:
    on = datetime.date(2026, 7, 15)
    past = datetime.date(2026, 7, 14)
    assert retention.may_destroy(
        stage="closed", keep_until_day=past, legal_hold=False, on=on
    ).destroy
    held = retention.may_destroy(stage="closed", keep_until_day=past, legal_hold=True, on=on)
    assert (held.destroy, held.reason) == (False, "a legal hold is on the case")
    assert not retention.may_destroy(
        stage="panel", keep_until_day=past, legal_hold=False, on=on
    ).destroy
    assert not retention.may_destroy(
        stage="closed", keep_until_day=on, legal_hold=False, on=on
    ).destroy


@pytest.fixture
def officers(db: Any) -> tuple[Any, Any]:
    first = StaffAssignmentFactory(role="complaints_staff", unit=None).user
    second = StaffAssignmentFactory(role="complaints_staff", unit=None).user
    return first, second


@pytest.fixture(autouse=True)
def in_july() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def closed_case(years_ago: int, *, outcome: str = Outcome.NOT_UPHELD, **extra: Any) -> Case:
    closed = NOW - datetime.timedelta(days=365 * years_ago + 2)
    case = Case.objects.create(
        reference=f"C-2019-{next(_refs):05d}",
        unit=extra.pop("unit", None) or UnitFactory(),
        category="bullying",
        stage=extra.pop("stage", Stage.CLOSED),
        outcome=outcome,
        opened_at=closed - datetime.timedelta(days=90),
        stage_since=closed,
        closed_at=closed,
        intake_channel="member_form",
        **extra,
    )
    CaseEvent.objects.create(
        case=case, at=case.opened_at, kind=EventKind.RECEIVED, stage="received"
    )
    CaseEvent.objects.create(case=case, at=closed, kind=EventKind.CLOSED, stage=case.stage)
    return case


@pytest.mark.django_db
def test_destruction_goes_through_a_reviewed_list_with_a_report(officers: tuple[Any, Any]) -> None:
    first, second = officers
    old = closed_case(7)  # case_file: 6 years, passed
    recent = closed_case(3)  # kept until 2029
    sanctioned = closed_case(7, outcome=Outcome.WARNING)  # sanction: 10 years
    Sanction.objects.create(
        case=sanctioned,
        kind="warning",
        starts_on=datetime.date(2019, 1, 1),
        clause="6.4",
        recorded_by=first,
        recorded_at=NOW,
    )
    quick = closed_case(3, stage=Stage.NO_FURTHER_ACTION, outcome="")  # 2 years: passed
    CaseRead.objects.create(
        case=old, user=first, role="complaints_staff", what="page", why="t", at=NOW
    )
    assert {case.pk for case, _ in due_for_destruction()} == {old.pk, quick.pk}

    listing = do_draw_up_destruction_list(acting_user=first)
    assert sorted(listing.items.values_list("case_reference", flat=True)) == sorted(
        [old.reference, quick.reference]
    )
    assert Case.objects.filter(pk=old.pk).exists()  # nothing destroyed by drawing up a list
    with pytest.raises(CaseError, match="approved"):
        do_execute_destruction_list(listing.pk, acting_user=first)
    with pytest.raises(CaseError, match="second person"):
        do_review_destruction_list(
            listing.pk, approve=True, reason="checked every case", acting_user=first
        )
    do_review_destruction_list(
        listing.pk, approve=True, reason="checked every case", acting_user=second
    )
    done = do_execute_destruction_list(listing.pk, acting_user=first)

    assert done.state == DestructionState.EXECUTED
    assert not Case.objects.filter(pk__in=[old.pk, quick.pk]).exists()
    assert Case.objects.filter(pk__in=[recent.pk, sanctioned.pk]).count() == 2
    assert done.report["destroyed"]["cases"] == 2
    assert done.report["destroyed"]["case_file"] == 4  # two events each
    assert done.report["destroyed"]["read_log"] == 1
    # the references stay on the list; the audit trail names them, not their contents
    assert set(done.items.values_list("case_reference", flat=True)) == {
        old.reference,
        quick.reference,
    }
    verbs = list(AuditEvent.objects.order_by("seq").values_list("verb", flat=True))
    assert verbs[-3:] == [
        "cases.draw_up_destruction_list",
        "cases.review_destruction_list",
        "cases.execute_destruction_list",
    ]


@pytest.mark.django_db
def test_a_legal_hold_blocks_destruction_even_on_an_approved_list(
    officers: tuple[Any, Any],
) -> None:
    first, second = officers
    case = closed_case(8)
    listing = do_draw_up_destruction_list(acting_user=first)
    do_review_destruction_list(
        listing.pk, approve=True, reason="all past retention", acting_user=second
    )
    hold = do_place_legal_hold(
        case.pk, reason="solicitor's letter before action", acting_user=second
    )
    done = do_execute_destruction_list(listing.pk, acting_user=first)
    assert Case.objects.filter(pk=case.pk).exists()
    assert done.report["kept"] == {case.reference: "a legal hold is on the case"}
    assert due_for_destruction() == []
    with pytest.raises(CaseError, match="nothing to list"):
        do_draw_up_destruction_list(acting_user=first)
    do_lift_legal_hold(hold.pk, reason="the claim was withdrawn", acting_user=second)
    assert [c.pk for c, _ in due_for_destruction()] == [case.pk]


@pytest.mark.django_db
def test_reopening_never_resets_retention(officers: tuple[Any, Any]) -> None:
    first, _ = officers
    case = closed_case(1)  # closed in 2025 after an investigation: kept six years, to 2031
    before = case.closed_at.date()
    reopened = do_reopen_case(case.pk, reason="new evidence from a witness", acting_user=first)
    assert reopened.stage == Stage.TRIAGE
    assert reopened.retention_until == retention.add_years(before, 6)
    event = CaseEvent.objects.get(case=case, kind=EventKind.REOPENED)
    assert event.data["retention_until"] == reopened.retention_until.isoformat()
    # closed again at once as no further action (2 years: 2028): the later date, 2031, stands
    Case.objects.filter(pk=case.pk).update(stage=Stage.NO_FURTHER_ACTION, closed_at=NOW)
    case.refresh_from_db()
    from moot.cases.actions.retention import retention_date

    assert retention_date(case, dict(retention.DEFAULT_YEARS)) == reopened.retention_until
    Case.objects.filter(pk=case.pk).update(stage=Stage.INVESTIGATION)
    with pytest.raises(CaseError, match="only a closed case"):
        do_reopen_case(case.pk, reason="new evidence again", acting_user=first)


@pytest.mark.django_db
def test_only_national_complaints_staff_keep_retention() -> None:
    case = closed_case(8)
    unit_staff = StaffAssignmentFactory(role="complaints_staff", unit=UnitFactory()).user
    for user in (
        UserFactory(),
        StaffAssignmentFactory(role="national_staff", unit=None).user,
        unit_staff,
    ):
        with pytest.raises(CaseError, match="whole organisation") as refused:
            do_place_legal_hold(case.pk, reason="a police request", acting_user=user)
        assert refused.value.code == "forbidden"
        with pytest.raises(CaseError, match="whole organisation"):
            do_draw_up_destruction_list(acting_user=user)
    assert not Case.objects.get(pk=case.pk).legal_hold


@pytest.mark.django_db
def test_a_hold_needs_a_reason(officers: tuple[Any, Any]) -> None:
    case = closed_case(8)
    with pytest.raises(CaseError, match="say why") as refused:
        do_place_legal_hold(case.pk, reason="police", acting_user=officers[0])
    assert refused.value.field == "reason"
    assert not case.legal_holds.exists()
