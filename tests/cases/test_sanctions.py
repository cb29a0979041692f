"""Suspension drives eligibility, with a review date; sanctions per rulebook; education after an
upheld protected-characteristic finding; expulsion bars readmission; a respondent who leaves
closes the case without erasing it (issue 10 item 6, R-E8)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from cases.process_world import build_process_world, grounds
from factories import ElectionFactory, MemberFactory, PostFactory, UserFactory
from moot.cases import workdays
from moot.cases.actions import sanctions
from moot.cases.errors import CaseError
from moot.cases.models import CaseEvent, EventKind, Outcome, Sanction, Stage
from moot.elections.models import Nomination
from moot.members.actions import do_resign
from moot.members.models import MemberStatus
from moot.members.queries import eligible_member_ids
from moot.units.queries import edition_in_force

pytestmark = pytest.mark.django_db


@pytest.fixture
def pw():
    return build_process_world()


def suspend(pw, case, start=None):
    return sanctions.do_suspend_respondent(
        case,
        start=start or timezone.localdate(),
        **grounds("suspension", "risk_of_harm"),
        acting_user=pw.staff,
    )


def test_a_suspension_removes_the_respondent_from_the_meeting_roll_with_no_other_step(pw):
    unit = pw.respondent.constituency
    assert pw.respondent.pk in eligible_member_ids(unit, "meeting")
    case = pw.walk_to(pw.open_case(), Stage.TRIAGE)
    event = suspend(pw, case)
    pw.respondent.refresh_from_db()
    assert pw.respondent.status == MemberStatus.SUSPENDED
    assert pw.respondent.pk not in eligible_member_ids(unit, "meeting")
    rules = edition_in_force().complaints
    assert (
        event.data["review_on"]
        == workdays.add_working_days(
            timezone.localdate(), rules.suspension_review_working_days, rules.nation
        ).isoformat()
    )
    # The register says only that the complaints process suspended them, nothing of the case.
    period = pw.respondent.periods.get(end__isnull=True)
    assert period.reason == sanctions.SUSPENDED_REASON
    assert period.reference == f"case:{case.pk}"


def test_a_suspension_needs_published_grounds(pw):
    case = pw.walk_to(pw.open_case(), Stage.TRIAGE)
    with pytest.raises(CaseError, match="published criteria"):
        sanctions.do_suspend_respondent(
            case,
            start=timezone.localdate(),
            **grounds("suspension", "breach_found"),
            acting_user=pw.staff,
        )
    pw.respondent.refresh_from_db()
    assert pw.respondent.status == MemberStatus.ACTIVE


def test_suspending_a_candidate_alerts_the_returning_officer(
    pw, django_capture_on_commit_callbacks
):
    officer = UserFactory(email="returning.officer@example.org")
    election = ElectionFactory(post=PostFactory(unit=pw.respondent.constituency))
    # Standing as a candidate (the nomination's own steps are the elections tests').
    seconder, nominator = MemberFactory(), MemberFactory()
    Nomination.objects.create(
        election=election,
        nominee=pw.respondent,
        nominator=nominator,
        seconder=seconder,
        nominated_on=timezone.localdate(),
        seconded=True,
        nominee_consent=True,
        state="standing",
    )
    election.returning_officer = officer
    election.save(update_fields=["returning_officer"])
    case = pw.walk_to(pw.open_case(), Stage.TRIAGE)
    with django_capture_on_commit_callbacks(execute=True):
        event = suspend(pw, case)
    assert event.data["open_contests"] == [election.pk]
    [alert] = [m for m in mail.outbox if officer.email in m.to]
    assert election.title in alert.subject
    assert "bullying" not in alert.body.lower()


def test_a_suspension_lapses_at_review_or_is_renewed_with_reasons(pw):
    case = pw.walk_to(pw.open_case(), Stage.TRIAGE)
    event = suspend(pw, case)
    review_on = datetime.date.fromisoformat(event.data["review_on"])
    assert sanctions.suspensions_due_for_review(review_on) == []
    assert sanctions.suspensions_due_for_review(review_on + datetime.timedelta(days=1)) == [case]
    with time_machine.travel(review_on):
        renewed = sanctions.do_renew_suspension(
            case, reasons="The investigation found more messages.", acting_user=pw.staff
        )
    assert renewed.data["review_on"] > event.data["review_on"]
    later = datetime.date.fromisoformat(renewed.data["review_on"]) + datetime.timedelta(days=1)
    with time_machine.travel(later):
        sanctions.do_end_suspension(
            case, reason="Not renewed at its review.", lapsed=True, acting_user=None
        )
        pw.respondent.refresh_from_db()
        assert pw.respondent.status == MemberStatus.ACTIVE
        assert pw.respondent.pk in eligible_member_ids(pw.respondent.constituency, "meeting")
    with pytest.raises(CaseError, match="not suspended"):
        sanctions.do_end_suspension(case, reason="again", acting_user=pw.staff)


def test_expulsion_bars_readmission_for_the_rulebooks_years(pw):
    rules = edition_in_force().complaints
    case = pw.open_case()
    case = pw.walk_to(case, Stage.PANEL)
    from moot.cases.actions import stages
    from moot.cases.models import AssignmentRole

    member = pw.panel_member(case, AssignmentRole.PANEL_MEMBER)
    stages.do_record_decision(
        case, outcome="expulsion", **grounds("decision", "breach_found"), acting_user=member
    )
    stages.do_move_case(case, to=Stage.DECIDED, acting_user=pw.staff)
    with pytest.raises(CaseError, match="not what was decided"):
        sanctions.do_impose_sanction(
            case,
            kind="warning",
            starts_on=timezone.localdate(),
            reasons="x",
            acting_user=pw.staff,
        )
    today = timezone.localdate()
    sanction = sanctions.do_impose_sanction(
        case, kind="expulsion", starts_on=today, reasons="As decided.", acting_user=pw.staff
    )
    assert sanction.readmission_barred_until == today.replace(
        year=today.year + rules.readmission_bar_years
    )
    pw.respondent.refresh_from_db()
    assert pw.respondent.status == MemberStatus.EXPELLED
    assert sanctions.readmission_bars(pw.respondent.pk) == [sanction]


def test_an_upheld_protected_characteristic_finding_brings_education_tracked_to_completion(pw):
    case = pw.walk_to(pw.open_case(category="antisemitism"), Stage.REVIEW)
    from moot.cases.actions import review
    from moot.cases.models import AssignmentRole

    with pytest.raises(CaseError, match="independent reviewer has verified"):
        sanctions.do_impose_sanction(
            pw.refresh(case),
            kind="warning",
            starts_on=timezone.localdate(),
            reasons="x",
            acting_user=pw.staff,
        )
    reviewer = pw.panel_member(case, AssignmentRole.REVIEWER)
    review.do_record_review(
        case, verdict="verified", **grounds("review", "breach_found"), acting_user=reviewer
    )
    sanctions.do_impose_sanction(
        case,
        kind="warning",
        starts_on=timezone.localdate(),
        reasons="As decided by the panel.",
        acting_user=pw.staff,
    )
    education = Sanction.objects.get(case=case, kind="education")
    assert education.completed_on is None
    sanctions.do_complete_education(
        education, completed_on=timezone.localdate(), acting_user=pw.staff
    )
    education.refresh_from_db()
    assert education.completed_on == timezone.localdate()


def test_a_sanction_the_rulebook_does_not_allow_is_refused(pw):
    case = pw.walk_to(pw.open_case(), Stage.DECIDED)
    with pytest.raises(CaseError, match="does not allow the sanction 'fine'") as refused:
        sanctions.do_impose_sanction(
            case,
            kind="fine",
            starts_on=timezone.localdate(),
            reasons="x",
            acting_user=pw.staff,
        )
    assert refused.value.field == "kind"


def test_a_respondent_who_resigns_closes_the_case_and_erases_nothing(pw):
    case = pw.walk_to(pw.open_case(), Stage.INVESTIGATION)
    with pytest.raises(CaseError, match="still a member"):
        sanctions.do_close_case_respondent_left(case, acting_user=pw.staff)
    events_before = CaseEvent.objects.filter(case=case).count()
    do_resign(
        pw.respondent,
        kind="membership",
        effective_on=timezone.localdate(),
        acting_user=pw.respondent.user,
    )
    sanctions.do_close_case_respondent_left(case, acting_user=pw.staff)
    case = pw.refresh(case)
    assert case.stage == Stage.CLOSED
    assert case.outcome == Outcome.RESPONDENT_LEFT
    assert case.closed_reason == Outcome.RESPONDENT_LEFT.label
    assert CaseEvent.objects.filter(case=case).count() > events_before
    assert CaseEvent.objects.filter(case=case, kind=EventKind.NOTICE_TO_RESPONDENT).exists()


def test_the_daily_round_lapses_unreviewed_suspensions_and_ends_served_ones(pw):
    from io import StringIO

    from django.core.management import call_command

    case = pw.walk_to(pw.open_case(), Stage.TRIAGE)
    event = suspend(pw, case)
    review_on = datetime.date.fromisoformat(event.data["review_on"])
    with time_machine.travel(review_on + datetime.timedelta(days=1)):
        out = StringIO()
        call_command("case_reminders", stdout=out)
        assert out.getvalue().startswith("1 suspension(s) lapsed, 0 suspension(s) served")
        pw.respondent.refresh_from_db()
        assert pw.respondent.status == MemberStatus.ACTIVE
    lapsed = CaseEvent.objects.get(case=case, kind=EventKind.SUSPENSION_ENDED)
    assert lapsed.data["lapsed"] is True


def test_a_suspension_for_a_period_ends_on_its_last_day(pw):
    from moot.cases.actions import stages
    from moot.cases.models import AssignmentRole

    case = pw.walk_to(pw.open_case(), Stage.PANEL)
    member = pw.panel_member(case, AssignmentRole.PANEL_MEMBER)
    stages.do_record_decision(
        case, outcome="suspension", **grounds("decision", "breach_found"), acting_user=member
    )
    stages.do_move_case(case, to=Stage.DECIDED, acting_user=pw.staff)
    today = timezone.localdate()
    until = today + datetime.timedelta(days=30)
    sanction = sanctions.do_impose_sanction(
        case,
        kind="suspension",
        starts_on=today,
        ends_on=until,
        reasons="Thirty days, as decided.",
        acting_user=pw.staff,
    )
    pw.respondent.refresh_from_db()
    assert pw.respondent.status == MemberStatus.SUSPENDED
    assert sanctions.suspension_sanctions_ended(until - datetime.timedelta(days=1)) == []
    with time_machine.travel(until):
        assert sanctions.suspension_sanctions_ended(until) == [sanction]
        sanctions.do_end_suspension_sanction(sanction, acting_user=None)
        pw.respondent.refresh_from_db()
        assert pw.respondent.status == MemberStatus.ACTIVE


def test_an_expulsion_not_upheld_on_appeal_is_undone_when_the_case_closes(pw):
    from moot.cases.actions import review, stages
    from moot.cases.models import AssignmentRole, Party

    case = pw.walk_to(pw.open_case(), Stage.PANEL)
    member = pw.panel_member(case, AssignmentRole.PANEL_MEMBER)
    stages.do_record_decision(
        case, outcome="expulsion", **grounds("decision", "breach_found"), acting_user=member
    )
    stages.do_move_case(case, to=Stage.DECIDED, acting_user=pw.staff)
    expulsion = sanctions.do_impose_sanction(
        case,
        kind="expulsion",
        starts_on=timezone.localdate(),
        reasons="As decided.",
        acting_user=pw.staff,
    )
    pw.respondent.refresh_from_db()
    assert pw.respondent.status == MemberStatus.EXPELLED
    review.do_lodge_appeal(
        case, by=Party.RESPONDENT, grounds="Out of proportion.", acting_user=pw.staff
    )
    from moot.cases.actions import assignments
    from moot.cases.models import DrawPurpose

    assignments.do_draw_panel(case, purpose=DrawPurpose.APPEAL, acting_user=pw.staff)
    stages.do_move_case(case, to=Stage.APPEAL, acting_user=pw.staff)
    appeal_member = pw.panel_member(case, AssignmentRole.APPEAL_PANEL_MEMBER)
    stages.do_record_decision(
        case,
        outcome="warning",
        **grounds("appeal", "disproportionate_sanction"),
        acting_user=appeal_member,
    )
    stages.do_move_case(case, to=Stage.CLOSED, acting_user=pw.staff)
    pw.respondent.refresh_from_db()
    assert pw.respondent.status == MemberStatus.ACTIVE
    expulsion.refresh_from_db()
    assert expulsion.completed_on == timezone.localdate()
    assert expulsion.readmission_barred_until is None
    assert sanctions.readmission_bars(pw.respondent.pk) == []
    # The appeal's own sanction is then carried out as decided.
    sanctions.do_impose_sanction(
        case,
        kind="warning",
        starts_on=timezone.localdate(),
        reasons="On appeal.",
        acting_user=pw.staff,
    )


def close_after_appeal_window(pw, case):
    from moot.cases.actions import stages

    rules = edition_in_force().complaints
    window = workdays.add_working_days(
        timezone.localdate(), rules.deadline_days("appeal_window"), rules.nation
    )
    with time_machine.travel(window + datetime.timedelta(days=1)):
        stages.do_move_case(case, to=Stage.CLOSED, acting_user=pw.staff)


def test_a_decision_that_leaves_rights_lifts_the_suspension_and_reopening_does_not_restore_it(pw):
    """Finding 6: the suspension pending investigation ends with the case (a warning leaves the
    member's rights): vote eligibility is back at once, audited; the case reopened later does not
    suspend them again without a decision."""
    from moot.audit.models import AuditEvent
    from moot.cases.actions import retention, stages
    from moot.cases.models import AssignmentRole

    unit = pw.respondent.constituency
    case = pw.walk_to(pw.open_case(), Stage.INVESTIGATION)
    suspend(pw, case)
    case = pw.walk_to(case, Stage.PANEL)
    member = pw.panel_member(case, AssignmentRole.PANEL_MEMBER)
    stages.do_record_decision(
        case, outcome="warning", **grounds("decision", "breach_found"), acting_user=member
    )
    pw.respondent.refresh_from_db()
    assert pw.respondent.status == MemberStatus.SUSPENDED
    stages.do_move_case(case, to=Stage.DECIDED, acting_user=pw.staff)
    pw.respondent.refresh_from_db()
    assert pw.respondent.status == MemberStatus.ACTIVE
    assert pw.respondent.pk in eligible_member_ids(unit, "meeting")
    assert sanctions.current_suspension(case) is None
    assert AuditEvent.objects.filter(verb="cases.end_suspension", object_id=str(case.pk)).exists()
    close_after_appeal_window(pw, case)
    retention.do_reopen_case(case.pk, reason="New evidence came to light.", acting_user=pw.staff)
    pw.respondent.refresh_from_db()
    assert pw.respondent.status == MemberStatus.ACTIVE


def test_closing_after_an_appeal_lifts_a_suspension_that_outlived_the_decision(pw):
    """A suspension still in force when the case closes (here: a decision of suspension whose
    sanction was never recorded, overturned on appeal to a warning) ends on closing."""
    from moot.cases.actions import assignments, review, stages
    from moot.cases.models import AssignmentRole, DrawPurpose, Party

    unit = pw.respondent.constituency
    case = pw.walk_to(pw.open_case(), Stage.PANEL)
    suspend(pw, case)
    member = pw.panel_member(case, AssignmentRole.PANEL_MEMBER)
    stages.do_record_decision(
        case, outcome="suspension", **grounds("decision", "breach_found"), acting_user=member
    )
    stages.do_move_case(case, to=Stage.DECIDED, acting_user=pw.staff)
    pw.respondent.refresh_from_db()
    assert pw.respondent.status == MemberStatus.SUSPENDED  # rights-removing: it stays
    review.do_lodge_appeal(
        case, by=Party.RESPONDENT, grounds="Out of proportion.", acting_user=pw.staff
    )
    assignments.do_draw_panel(case, purpose=DrawPurpose.APPEAL, acting_user=pw.staff)
    stages.do_move_case(case, to=Stage.APPEAL, acting_user=pw.staff)
    appeal_member = pw.panel_member(case, AssignmentRole.APPEAL_PANEL_MEMBER)
    stages.do_record_decision(
        case,
        outcome="warning",
        **grounds("appeal", "disproportionate_sanction"),
        acting_user=appeal_member,
    )
    stages.do_move_case(case, to=Stage.CLOSED, acting_user=pw.staff)
    pw.respondent.refresh_from_db()
    assert pw.respondent.status == MemberStatus.ACTIVE
    assert pw.respondent.pk in eligible_member_ids(unit, "meeting")


def test_lifting_the_suspension_leaves_a_suspension_imposed_as_the_sanction(pw):
    from moot.cases.actions import stages
    from moot.cases.models import AssignmentRole

    case = pw.walk_to(pw.open_case(), Stage.PANEL)
    suspend(pw, case)
    member = pw.panel_member(case, AssignmentRole.PANEL_MEMBER)
    stages.do_record_decision(
        case, outcome="suspension", **grounds("decision", "breach_found"), acting_user=member
    )
    stages.do_move_case(case, to=Stage.DECIDED, acting_user=pw.staff)
    sanctions.do_impose_sanction(
        case,
        kind="suspension",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(days=90),
        reasons="As decided.",
        acting_user=pw.staff,
    )
    close_after_appeal_window(pw, case)
    pw.respondent.refresh_from_db()
    assert pw.respondent.status == MemberStatus.SUSPENDED
