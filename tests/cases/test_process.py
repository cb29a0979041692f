"""A case's way through the process by the real actions: stage gates (R-E4), grounds (R-E3),
working-day deadlines and the stopped clock (R-E5), communications (R-E6), review with veto
and a fresh panel, appeal with no overlap (R-E9)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from cases.process_world import REASONS, build_process_world, grounds
from moot.audit.models import AuditEvent
from moot.cases import workdays
from moot.cases.actions import assignments, review, stages
from moot.cases.errors import CaseError
from moot.cases.models import (
    Assignment,
    AssignmentRole,
    CaseEvent,
    Communication,
    DrawPurpose,
    EventKind,
    Outcome,
    Party,
    Stage,
)
from moot.units.queries import edition_in_force

pytestmark = pytest.mark.django_db


@pytest.fixture
def pw():
    return build_process_world()


def test_a_move_without_its_records_is_refused_naming_each_and_writes_nothing(pw):
    case = pw.open_case()
    before = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(CaseError, match="needs a case handler assigned") as refused:
        stages.do_move_case(case, to=Stage.TRIAGE, acting_user=pw.staff)
    assert refused.value.field == "to"
    assert refused.value.clause == edition_in_force().complaints.process_clause
    with pytest.raises(CaseError, match="from received it moves to triage"):
        stages.do_move_case(case, to=Stage.DECIDED, acting_user=pw.staff)
    assert CaseEvent.objects.filter(case=case).count() == before
    assert pw.refresh(case).stage == Stage.RECEIVED


def test_investigation_needs_the_triage_grounds_the_investigator_and_the_notice(pw):
    case = pw.walk_to(pw.open_case(), Stage.TRIAGE)
    with pytest.raises(CaseError) as refused:
        stages.do_move_case(case, to=Stage.INVESTIGATION, acting_user=pw.staff)
    for needed in ("triage decision", "investigator assigned", "notice of investigation"):
        assert needed in refused.value.message
    # The notice comes only after triage chose investigation.
    with pytest.raises(CaseError, match="once triage has decided to investigate"):
        stages.do_send_notice_to_respondent(case, allegation="a", basis="b", acting_user=pw.staff)


def test_a_report_needs_evidence(pw):
    case = pw.walk_to(pw.open_case(), Stage.TRIAGE)
    stages.do_triage_case(
        case,
        route=Stage.INVESTIGATION,
        **grounds("triage", "case_to_answer"),
        acting_user=pw.handler,
    )
    assignments.do_assign_to_case(
        case, user=pw.investigator, role=AssignmentRole.INVESTIGATOR, acting_user=pw.staff
    )
    stages.do_send_notice_to_respondent(case, allegation="a", basis="b", acting_user=pw.staff)
    stages.do_move_case(case, to=Stage.INVESTIGATION, acting_user=pw.staff)
    stages.do_record_report(case, report="Nothing was gathered.", acting_user=pw.investigator)
    with pytest.raises(CaseError, match="the evidence gathered") as refused:
        stages.do_move_case(case, to=Stage.REPORT, acting_user=pw.staff)
    assert "the investigation report" not in refused.value.message


def test_triage_is_the_case_handlers_and_needs_published_grounds(pw):
    case = pw.walk_to(pw.open_case(), Stage.TRIAGE)
    with pytest.raises(CaseError, match="Only the case's case handler"):
        stages.do_triage_case(
            case, route=Stage.NO_FURTHER_ACTION, **grounds("triage"), acting_user=pw.staff
        )
    bad = {**grounds("triage"), "criterion": "breach_found"}  # a decision's, not triage's
    with pytest.raises(CaseError, match="published criteria") as refused:
        stages.do_triage_case(case, route=Stage.NO_FURTHER_ACTION, **bad, acting_user=pw.handler)
    assert refused.value.field == "criterion"
    stages.do_triage_case(
        case,
        route=Stage.NO_FURTHER_ACTION,
        **grounds("triage", "insufficient_evidence"),
        acting_user=pw.handler,
    )
    case = pw.refresh(case)
    assert case.stage == Stage.NO_FURTHER_ACTION
    assert case.outcome == Outcome.NO_FURTHER_ACTION
    assert case.triaged_at is not None
    assert case.deadline is None


def test_press_interest_is_not_a_ground(pw):
    case = pw.walk_to(pw.open_case(), Stage.TRIAGE)
    with pytest.raises(CaseError, match="not a ground") as refused:
        stages.do_triage_case(
            case,
            route=Stage.INVESTIGATION,
            reasons=REASONS + " Given the press interest we must act.",
            clause="6.1",
            criterion="case_to_answer",
            acting_user=pw.handler,
        )
    assert refused.value.clause == edition_in_force().complaints.improper_reasons_clause
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.TRIAGED).exists()


def test_the_whole_way_with_deadlines_and_communications(pw, django_capture_on_commit_callbacks):
    rules = edition_in_force().complaints
    with django_capture_on_commit_callbacks(execute=True):
        case = pw.walk_to(pw.open_case(), Stage.INVESTIGATION)
    today = timezone.localdate()
    assert case.deadline == workdays.add_working_days(
        today, rules.deadline_days("investigation"), rules.nation
    )
    # The respondent was sent the notice (allegation, basis, reply date) by e-mail.
    notice = Communication.objects.get(case=case, to=Party.RESPONDENT, milestone="investigation")
    assert notice.state == "sent"
    assert any("Allegation" in m.body and pw.respondent.email in m.to for m in mail.outbox)
    case = pw.walk_to(case, Stage.DECIDED)
    assert case.outcome == Outcome.WARNING
    told = set(
        Communication.objects.filter(case=case, milestone="decided").values_list("to", flat=True)
    )
    assert told == {Party.COMPLAINANT, Party.RESPONDENT}
    # Not protected: no review; closing waits for the appeal window.
    with pytest.raises(CaseError, match="end of the time allowed for an appeal"):
        stages.do_move_case(case, to=Stage.CLOSED, acting_user=pw.staff)
    window = workdays.add_working_days(today, rules.deadline_days("appeal_window"), rules.nation)
    with time_machine.travel(window + datetime.timedelta(days=1)):
        stages.do_move_case(case, to=Stage.CLOSED, acting_user=pw.staff)
    case = pw.refresh(case)
    assert case.stage == Stage.CLOSED
    assert case.outcome == Outcome.WARNING
    assert AuditEvent.objects.filter(verb="cases.move_case", object_id=str(case.pk)).count() == 6


def test_a_decision_is_a_panel_members_with_an_allowed_outcome(pw):
    case = pw.walk_to(pw.open_case(), Stage.PANEL)
    with pytest.raises(CaseError, match="Only the case's panel member"):
        stages.do_record_decision(
            case, outcome="warning", **grounds("decision"), acting_user=pw.staff
        )
    member = pw.panel_member(case, AssignmentRole.PANEL_MEMBER)
    with pytest.raises(CaseError, match="not a decision a panel makes"):
        stages.do_record_decision(
            case, outcome="withdrawn", **grounds("decision"), acting_user=member
        )
    with pytest.raises(CaseError, match="at least 10 words"):
        stages.do_record_decision(
            case,
            outcome="warning",
            reasons="Upheld.",
            clause="6.3.5",
            criterion="breach_found",
            acting_user=member,
        )


def test_the_clock_stops_for_a_listed_reason_and_the_deadline_moves(pw):
    rules = edition_in_force().complaints
    case = pw.walk_to(pw.open_case(), Stage.INVESTIGATION)
    first = case.deadline
    with pytest.raises(CaseError, match="not a reason the rulebook gives") as refused:
        stages.do_stop_clock(case, reason="holiday", on=timezone.localdate(), acting_user=pw.staff)
    assert refused.value.clause == rules.deadlines_clause
    start = timezone.localdate()
    stages.do_stop_clock(case, reason="police_investigation", on=start, acting_user=pw.staff)
    case = pw.refresh(case)
    assert case.clock_stopped
    assert case.deadline is None
    later = start + datetime.timedelta(days=14)
    with time_machine.travel(later):
        stages.do_restart_clock(case, on=later, acting_user=pw.staff)
    case = pw.refresh(case)
    # Every working day from the stop up to the day before the restart is skipped: the count
    # starts again on the restart day.
    days = rules.deadline_days("investigation")
    assert case.deadline == workdays.add_working_days(
        later - datetime.timedelta(days=1), days, rules.nation
    )
    assert case.deadline > first
    assert not case.clock_stopped


def test_a_protected_characteristic_decision_is_reviewed_and_a_veto_brings_a_fresh_panel(pw):
    case = pw.walk_to(pw.open_case(category="antisemitism"), Stage.DECIDED)
    with pytest.raises(CaseError, match="independent reviewer's verification"):
        stages.do_move_case(case, to=Stage.CLOSED, acting_user=pw.staff)
    first_panel = set(
        Assignment.objects.filter(case=case, role=AssignmentRole.PANEL_MEMBER).values_list(
            "user_id", flat=True
        )
    )
    case = pw.walk_to(case, Stage.REVIEW)
    reviewer = pw.panel_member(case, AssignmentRole.REVIEWER)
    assert reviewer.pk not in first_panel
    review.do_record_review(
        case,
        verdict="veto",
        **grounds("review", "procedural_unfairness"),
        acting_user=reviewer,
    )
    assert not Assignment.objects.filter(
        case=case, role=AssignmentRole.PANEL_MEMBER, ended_at__isnull=True
    ).exists()
    fresh = assignments.do_draw_panel(case, purpose=DrawPurpose.PANEL, acting_user=pw.staff)
    assert not set(fresh.drawn) & first_panel
    assert reviewer.pk not in fresh.drawn
    stages.do_move_case(case, to=Stage.PANEL, acting_user=pw.staff)
    # The first decision does not count for the fresh panel: it must decide again.
    with pytest.raises(CaseError, match="the panel's decision"):
        stages.do_move_case(case, to=Stage.DECIDED, acting_user=pw.staff)
    member = pw.panel_member(case, AssignmentRole.PANEL_MEMBER)
    stages.do_record_decision(
        case,
        outcome="not_upheld",
        **grounds("decision", "insufficient_evidence"),
        acting_user=member,
    )
    stages.do_move_case(case, to=Stage.DECIDED, acting_user=pw.staff)
    stages.do_move_case(case, to=Stage.REVIEW, acting_user=pw.staff)
    review.do_record_review(
        case,
        verdict="verified",
        **grounds("review", "insufficient_evidence"),
        acting_user=reviewer,
    )
    case = pw.refresh(case)
    assert case.stage == Stage.DECIDED
    assert case.outcome == Outcome.NOT_UPHELD


def test_an_appeal_is_heard_by_a_panel_with_no_overlap_and_closes_the_case(pw):
    case = pw.walk_to(pw.open_case(), Stage.DECIDED)
    deciders = set(Assignment.objects.filter(case=case).values_list("user_id", flat=True)) - {
        pw.handler.pk
    }
    review.do_lodge_appeal(
        case, by=Party.RESPONDENT, grounds="The sanction is too harsh.", acting_user=pw.staff
    )
    with pytest.raises(CaseError, match="already lodged"):
        review.do_lodge_appeal(case, by=Party.COMPLAINANT, grounds="x", acting_user=pw.staff)
    draw = assignments.do_draw_panel(case, purpose=DrawPurpose.APPEAL, acting_user=pw.staff)
    assert not set(draw.drawn) & deciders
    stages.do_move_case(case, to=Stage.APPEAL, acting_user=pw.staff)
    member = pw.panel_member(case, AssignmentRole.APPEAL_PANEL_MEMBER)
    stages.do_record_decision(
        case,
        outcome="reminder_of_conduct",
        **grounds("appeal", "disproportionate_sanction"),
        acting_user=member,
    )
    stages.do_move_case(case, to=Stage.CLOSED, acting_user=pw.staff)
    case = pw.refresh(case)
    assert case.stage == Stage.CLOSED
    assert case.outcome == Outcome.REMINDER_OF_CONDUCT


def test_an_appeal_out_of_time_is_refused(pw):
    rules = edition_in_force().complaints
    case = pw.walk_to(pw.open_case(), Stage.DECIDED)
    window = workdays.add_working_days(
        timezone.localdate(), rules.deadline_days("appeal_window"), rules.nation
    )
    with (
        time_machine.travel(window + datetime.timedelta(days=1)),
        pytest.raises(CaseError, match="The time for an appeal ended") as refused,
    ):
        review.do_lodge_appeal(case, by=Party.RESPONDENT, grounds="Late.", acting_user=pw.staff)
    assert refused.value.clause == rules.deadlines_clause


def test_a_postponement_within_the_window_once(pw):
    rules = edition_in_force().complaints
    case = pw.walk_to(pw.open_case(), Stage.PANEL)
    hearing = timezone.localdate() + datetime.timedelta(days=7)
    latest = workdays.latest_postponed_hearing(
        hearing, rules.nation, rules.postponement_working_days
    )
    with pytest.raises(CaseError, match="no later than") as refused:
        stages.do_postpone_hearing(
            case,
            hearing_on=hearing,
            new_date=latest + datetime.timedelta(days=1),
            reason="My companion is away.",
            acting_user=pw.staff,
        )
    assert refused.value.field == "new_date"
    stages.do_postpone_hearing(
        case, hearing_on=hearing, new_date=latest, reason="Companion away.", acting_user=pw.staff
    )
    with pytest.raises(CaseError, match="postponed once already"):
        stages.do_postpone_hearing(
            case,
            hearing_on=latest,
            new_date=latest + datetime.timedelta(days=1),
            reason="Again.",
            acting_user=pw.staff,
        )


def test_a_third_party_complainant_is_told_what_third_parties_are_told(pw):
    rules = edition_in_force().complaints
    case = pw.walk_to(pw.open_case(directed=False), Stage.INVESTIGATION)
    investigation = rules.milestone("investigation")
    told = set(
        Communication.objects.filter(case=case, milestone="investigation").values_list(
            "to", flat=True
        )
    )
    expected = {Party.RESPONDENT} if "respondent" in investigation.tell else set()
    if "third_party" in investigation.tell:
        expected.add(Party.COMPLAINANT)
    assert told == expected


def test_staff_identify_a_respondent_the_public_described(pw):
    case = pw.open_case()
    case.respondent = None
    case.save(update_fields=["respondent"])
    with pytest.raises(CaseError, match="No member has the number") as refused:
        stages.do_identify_respondent(case, member_number="X999", acting_user=pw.staff)
    assert refused.value.field == "member_number"
    # Someone on the case already who shares the respondent's constituency: refused, named.
    from cases.process_world import trained_user
    from factories import MemberFactory

    neighbour = MemberFactory(constituency=pw.respondent.constituency, with_account=True)
    trained_user(pw.staff, email=neighbour.user.email)
    assignments.do_assign_to_case(
        case, user=neighbour.user, role=AssignmentRole.CASE_HANDLER, acting_user=pw.staff
    )
    with pytest.raises(CaseError, match="End that assignment first"):
        stages.do_identify_respondent(
            case, member_number=pw.respondent.number, acting_user=pw.staff
        )
    assert pw.refresh(case).respondent_id is None
    handler = Assignment.objects.get(case=case, user=neighbour.user)
    assignments.do_end_assignment(handler, reason="conflicted", acting_user=pw.staff)
    stages.do_identify_respondent(
        case, member_number=pw.respondent.number.lower(), acting_user=pw.staff
    )
    case = pw.refresh(case)
    assert case.respondent_id == pw.respondent.pk
    assert case.unit_id == pw.respondent.constituency_id
