"""Insiders against the case process (docs/security.md, "Complaints and cases": the process).
Each test is one abuse by an officer or staff member of either faction and what stops it; they
run on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cases.process_world import REASONS, build_process_world, grounds
from factories import MemberFactory
from moot.audit.models import AuditEvent
from moot.cases.actions import assignments, sanctions, stages
from moot.cases.errors import CaseError
from moot.cases.models import Assignment, AssignmentRole, DrawPurpose, PanelDraw, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def pw():
    return build_process_world()


def test_staff_cannot_put_a_friend_of_the_respondent_on_the_case(pw):
    """A complaints officer sympathetic to the respondent assigns a member of the respondent's
    own constituency party as investigator: refused, the reason named."""
    case = pw.open_case()
    friend = MemberFactory(constituency=pw.respondent.constituency, with_account=True)
    assignments.do_record_training(
        user=friend.user,
        category="all",
        completed_on=timezone.localdate(),
        provider="Equality trainers",
        acting_user=pw.staff,
    )
    with pytest.raises(CaseError, match="as the respondent does"):
        assignments.do_assign_to_case(
            case, user=friend.user, role=AssignmentRole.INVESTIGATOR, acting_user=pw.staff
        )


def test_staff_cannot_choose_the_panel_or_redraw_it_quietly(pw):
    """The draw takes no seed from anyone; a second draw is refused while a panel sits, and
    every draw (with its seed and list hash) is in the case and the audit trail."""
    case = pw.walk_to(pw.open_case(), Stage.REPORT)
    assert "seed" not in assignments.do_draw_panel.__code__.co_varnames[:4]
    assignments.do_draw_panel(case, purpose=DrawPurpose.PANEL, acting_user=pw.staff)
    with pytest.raises(CaseError, match="already has its"):
        assignments.do_draw_panel(case, purpose=DrawPurpose.PANEL, acting_user=pw.staff)
    # Ending the panel to draw again leaves both draws on the record.
    for assignment in Assignment.objects.filter(case=case, role=AssignmentRole.PANEL_MEMBER):
        assignments.do_end_assignment(assignment, reason="redraw", acting_user=pw.staff)
    assignments.do_draw_panel(case, purpose=DrawPurpose.PANEL, acting_user=pw.staff)
    assert PanelDraw.objects.filter(case=case).count() == 2
    assert AuditEvent.objects.filter(verb="cases.draw_panel", object_id=str(case.pk)).count() == 2


def test_staff_cannot_decide_in_the_panels_place(pw):
    case = pw.walk_to(pw.open_case(), Stage.PANEL)
    with pytest.raises(CaseError, match="Only the case's panel member"):
        stages.do_record_decision(
            case, outcome="expulsion", **grounds("decision", "breach_found"), acting_user=pw.staff
        )


def test_a_suspension_cannot_be_backdated_to_undo_a_vote(pw):
    """Suspending a rival 'as from last week' would strip them of a vote already cast or a
    nomination already made: the suspension starts on the day it is recorded."""
    case = pw.walk_to(pw.open_case(), Stage.TRIAGE)
    with pytest.raises(CaseError, match="cannot be backdated") as refused:
        sanctions.do_suspend_respondent(
            case,
            start=timezone.localdate() - datetime.timedelta(days=7),
            **grounds("suspension", "risk_of_harm"),
            acting_user=pw.staff,
        )
    assert refused.value.field == "start"
    pw.respondent.refresh_from_db()
    assert pw.respondent.status == "active"


def test_nothing_of_the_case_reaches_the_audit_trail_or_the_register(pw):
    """The audit trail and the member register are read far more widely than a case file: the
    process writes ids, slugs and dates there, never the reasons or what the case is about."""
    pw.walk_to(pw.open_case(category="antisemitism"), Stage.DECIDED)
    sanctions.do_suspend_respondent(
        pw.walk_to(pw.open_case(), Stage.TRIAGE),
        start=timezone.localdate(),
        **grounds("suspension", "risk_of_harm"),
        acting_user=pw.staff,
    )
    for event in AuditEvent.objects.filter(verb__startswith="cases."):
        text = f"{event.after} {event.before} {event.reason}"
        assert REASONS[:40] not in text
        assert "antisemitism" not in text
    period = pw.respondent.periods.get(end__isnull=True)
    assert "antisemitism" not in period.reason
    assert REASONS[:40] not in period.reason
