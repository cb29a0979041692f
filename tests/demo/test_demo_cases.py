"""The demo's complaints (issue 10 item 13): cases at every stage through the real actions, the
suspension that takes a member off tonight's AGM register, an expulsion, an appeal, a refused
conflicted investigator, an anonymous public complaint followed with its receipt code, and the
complaints officer's and panel member's accounts."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture
def demo(db: Any) -> Any:
    from moot.demo.agm import seed_agm
    from moot.demo.cases import seed_cases
    from moot.demo.seed import seed_foundation

    org = seed_foundation()
    meeting = seed_agm(org)
    return org, meeting, seed_cases(org)


def test_the_demo_has_a_case_at_every_stage(demo: Any, client: Any) -> None:
    from moot.cases.actions.intake import receipt_hash
    from moot.cases.models import (
        Assignment,
        AssignmentRole,
        Case,
        CaseEvent,
        EventKind,
        Sanction,
        Stage,
    )
    from moot.cases.queries import case_by_receipt
    from moot.demo.cases import DEMO_RECEIPT_CODE
    from moot.members.models import MemberStatus
    from moot.members.queries import eligible_member_ids

    org, meeting, cases = demo
    assert set(Case.objects.values_list("stage", flat=True)) == set(Stage.values)
    # the anonymous public complaint, found by the code the banner prints
    public = case_by_receipt(receipt_hash(DEMO_RECEIPT_CODE))
    assert public is not None
    assert public.intake_channel == "public_form"
    assert public.complainant_member_id is None
    # suspended today: off tonight's AGM register with no other step
    suspended = cases.suspended
    assert suspended.status == MemberStatus.SUSPENDED
    assert suspended.constituency_id == meeting.unit_id
    assert suspended.pk not in eligible_member_ids(meeting.unit, "meeting")
    # an expulsion, an appeal, a refused conflicted investigator
    assert Sanction.objects.filter(kind="expulsion").exists()
    assert Case.objects.filter(stage=Stage.APPEAL).exists()
    refusal = CaseEvent.objects.get(kind=EventKind.ASSIGNMENT_REFUSED)
    assert refusal.case.stage == Stage.INVESTIGATION
    # the demo panel member sits on a panel; the officer handles the cases
    assert Assignment.objects.filter(
        user=cases.panel_user, role=AssignmentRole.PANEL_MEMBER
    ).exists()
    officer = org.accounts["complaints_staff"]
    assert Assignment.objects.filter(user=officer, role=AssignmentRole.CASE_HANDLER).count() >= 10


def test_the_banner_names_the_complaints_demo(demo: Any) -> None:
    from moot.demo.banner import banner
    from moot.demo.cases import DEMO_RECEIPT_CODE

    text = banner(8000)
    assert DEMO_RECEIPT_CODE in text
    assert "panel@example.org" in text
    assert "http://127.0.0.1:8000/complain/follow-up/" in text
    assert "http://127.0.0.1:8000/cases/statistics/" in text
