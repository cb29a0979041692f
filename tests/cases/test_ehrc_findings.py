"""Each EHRC finding (RULES.md §10, R-E1..R-E10) as a named test that shows the mechanism which
prevents it happening again in moot (issue 10 item 14)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.process_world import REASONS, build_process_world, grounds
from factories import MemberFactory, OfficeHoldingFactory, PostFactory, StaffAssignmentFactory
from moot.cases import workdays
from moot.cases.actions import assignments, review, sanctions, stages
from moot.cases.errors import CaseError
from moot.cases.models import (
    Assignment,
    AssignmentRole,
    CaseEvent,
    Communication,
    DrawPurpose,
    EventKind,
    PanelDraw,
    Party,
    Sanction,
    Stage,
)
from moot.cases.process_queries import overdue_cases
from moot.units.queries import edition_in_force

pytestmark = pytest.mark.django_db


@pytest.fixture
def pw():
    return build_process_world()


def test_r_e1_political_roles_cannot_read_or_decide_a_case(client, pw):
    """Interference by the leader's office and officers (23 of 70 files): a unit officer and
    national staff get the 404 of a case that does not exist, and even complaints staff cannot
    record a decision — deciding needs a role assigned on the case."""
    case = pw.walk_to(pw.open_case(), Stage.PANEL)
    chair = OfficeHoldingFactory(
        post=PostFactory(unit=pw.respondent.constituency, slug="chair"),
        member=MemberFactory(constituency=pw.respondent.constituency, with_account=True),
    ).member.user
    national = StaffAssignmentFactory(role="national_staff").user
    for user in (chair, national):
        client.force_login(user)
        assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
        assert (
            client.post(reverse("cases:process", args=[case.pk, "decision"]), {}).status_code == 404
        )
    with pytest.raises(CaseError, match="Only the case's panel member"):
        stages.do_record_decision(
            case, outcome="warning", **grounds("decision", "breach_found"), acting_user=pw.staff
        )


def test_r_e2_conflicts_are_computed_and_panels_drawn_at_random(pw):
    """No recusal: a member of the respondent's constituency party is refused with the reason,
    and the panel is drawn by lot with the seed and the eligible list's hash recorded."""
    case = pw.walk_to(pw.open_case(), Stage.REPORT)
    neighbour = MemberFactory(constituency=pw.respondent.constituency, with_account=True)
    assignments.do_record_training(
        user=neighbour.user,
        category="all",
        completed_on=timezone.localdate(),
        provider="Equality trainers",
        acting_user=pw.staff,
    )
    with pytest.raises(CaseError, match="as the respondent does"):
        assignments.do_assign_to_case(
            case, user=neighbour.user, role=AssignmentRole.PANEL_MEMBER, acting_user=pw.staff
        )
    draw = assignments.do_draw_panel(case, purpose=DrawPurpose.PANEL, acting_user=pw.staff)
    assert len(draw.seed) == 64
    assert len(draw.eligible_hash) == 64
    assert neighbour.user.pk not in draw.drawn
    assert PanelDraw.objects.filter(case=case).count() == 1


def test_r_e3_decisions_rest_on_criteria_never_on_press_interest(pw):
    """Decisions "because of likely press interest rather than any formal criteria": a ground
    from the rulebook's improper list is refused, and so is a criterion it does not publish."""
    case = pw.walk_to(pw.open_case(), Stage.TRIAGE)
    for reasons, criterion in (
        (REASONS + " There is likely press interest.", "case_to_answer"),
        (REASONS, "the leader wants it"),
    ):
        with pytest.raises(CaseError):
            stages.do_triage_case(
                case,
                route=Stage.INVESTIGATION,
                reasons=reasons,
                clause="6.1",
                criterion=criterion,
                acting_user=pw.handler,
            )
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.TRIAGED).exists()


def test_r_e4_a_file_cannot_move_without_its_records(pw):
    """62 of 70 files had records missing: no move happens without its records, each named."""
    case = pw.walk_to(pw.open_case(), Stage.INVESTIGATION)
    with pytest.raises(CaseError) as refused:
        stages.do_move_case(case, to=Stage.REPORT, acting_user=pw.staff)
    assert "the investigation report" in refused.value.message
    assert pw.refresh(case).stage == Stage.INVESTIGATION


def test_r_e5_deadlines_in_working_days_with_recorded_stops_and_an_overdue_view(pw):
    """Delay: each stage has a working-day deadline from the rulebook, a stopped clock needs a
    listed reason, and a case past its deadline appears in the overdue view."""
    rules = edition_in_force().complaints
    case = pw.walk_to(pw.open_case(), Stage.INVESTIGATION)
    assert case.deadline == workdays.add_working_days(
        timezone.localdate(), rules.deadline_days("investigation"), rules.nation
    )
    with pytest.raises(CaseError, match="not a reason the rulebook gives"):
        stages.do_stop_clock(case, reason="busy", on=timezone.localdate(), acting_user=pw.staff)
    late = case.deadline + datetime.timedelta(days=1)
    with time_machine.travel(late):
        assert [row.reference for row in overdue_cases(late)] == [case.reference]


def test_r_e6_complainant_and_respondent_are_told_at_each_milestone(pw):
    """Complainants never told anything: every move to a milestone queues the rulebook's text
    to the parties it names, kept in the case."""
    case = pw.walk_to(pw.open_case(), Stage.DECIDED)
    milestones = set(
        Communication.objects.filter(case=case, to=Party.COMPLAINANT).values_list(
            "milestone", flat=True
        )
    )
    assert {"investigation", "decided"} <= milestones
    notice = Communication.objects.get(case=case, to=Party.RESPONDENT, milestone="investigation")
    assert notice.body_enc  # the allegation and its basis, encrypted in the case


def test_r_e7_untrained_handlers_cannot_be_assigned(pw):
    """Untrained handlers (until August 2020): no current training in the category, no role."""
    case = pw.open_case(category="antisemitism")
    untrained = MemberFactory(with_account=True).user
    with pytest.raises(CaseError, match="needs current training"):
        assignments.do_assign_to_case(
            case, user=untrained, role=AssignmentRole.CASE_HANDLER, acting_user=pw.staff
        )
    assert not Assignment.objects.filter(case=case).exists()


def test_r_e8_an_upheld_protected_characteristic_finding_requires_education(pw):
    """Everyone found to have engaged in antisemitic conduct must take an education course,
    whatever the sanction: recorded with it and tracked to completion."""
    case = pw.walk_to(pw.open_case(category="antisemitism"), Stage.REVIEW)
    reviewer = pw.panel_member(case, AssignmentRole.REVIEWER)
    review.do_record_review(
        case, verdict="verified", **grounds("review", "breach_found"), acting_user=reviewer
    )
    sanctions.do_impose_sanction(
        case,
        kind="warning",
        starts_on=timezone.localdate(),
        reasons="As decided.",
        acting_user=pw.staff,
    )
    education = Sanction.objects.get(case=case, kind="education")
    assert education.completed_on is None


def test_r_e9_review_with_veto_then_a_fresh_panel_and_appeals_without_overlap(pw):
    """Independent review: a protected-characteristic decision cannot close unreviewed; a veto
    sends it to a panel drawn afresh with nobody who decided before."""
    case = pw.walk_to(pw.open_case(category="sexual_harassment"), Stage.DECIDED)
    with pytest.raises(CaseError, match="independent reviewer's verification"):
        stages.do_move_case(case, to=Stage.CLOSED, acting_user=pw.staff)
    first = set(Assignment.objects.filter(case=case).values_list("user_id", flat=True))
    case = pw.walk_to(case, Stage.REVIEW)
    reviewer = pw.panel_member(case, AssignmentRole.REVIEWER)
    review.do_record_review(
        case, verdict="veto", **grounds("review", "procedural_unfairness"), acting_user=reviewer
    )
    fresh = assignments.do_draw_panel(case, purpose=DrawPurpose.PANEL, acting_user=pw.staff)
    assert not set(fresh.drawn) & (first | {reviewer.pk})


def test_r_e10_every_complaint_is_counted_including_those_closed_at_triage(pw):
    """Statistics that left most complaints out: the quarter counts every complaint received,
    including those staff closed at triage."""
    from moot.cases.statistics import Quarter, count_quarter

    closed = pw.walk_to(pw.open_case(), Stage.TRIAGE)
    stages.do_triage_case(
        closed, route=Stage.CLOSED, **grounds("triage", "no_case_to_answer"), acting_user=pw.handler
    )
    pw.walk_to(pw.open_case(), Stage.INVESTIGATION)
    counted = count_quarter(Quarter.of(timezone.localdate()))
    assert sum(counted.breakdowns["category"].values()) == 2
    assert counted.breakdowns["stage"].get(Stage.CLOSED) == 1
