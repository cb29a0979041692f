"""Assignments: conflicts computed from the register refuse a person with the reason (R-E2),
expired or missing training blocks assignment (R-E7), a declaration takes effect at once, and a
panel draw can be repeated from its seed and the eligible list."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cases.process_world import build_process_world, trained_user
from factories import MemberFactory, OfficeHoldingFactory, PostFactory, UserFactory
from moot.cases import draw as draws
from moot.cases.actions import assignments
from moot.cases.errors import CaseError
from moot.cases.models import (
    Assignment,
    AssignmentRole,
    CaseEvent,
    DrawPurpose,
    EventKind,
    PanelDraw,
    Stage,
)
from moot.units.queries import edition_in_force

pytestmark = pytest.mark.django_db


@pytest.fixture
def pw():
    return build_process_world()


def member_with_account(pw, **kwargs):
    member = MemberFactory(with_account=True, **kwargs)
    assignments.do_record_training(
        user=member.user,
        category="all",
        completed_on=timezone.localdate() - datetime.timedelta(days=3),
        provider="Equality trainers",
        acting_user=pw.staff,
    )
    return member


def test_someone_from_the_respondents_constituency_is_refused_with_the_reason(pw):
    case = pw.open_case()
    neighbour = member_with_account(pw, constituency=pw.respondent.constituency)
    with pytest.raises(CaseError) as refused:
        assignments.do_assign_to_case(
            case, user=neighbour.user, role=AssignmentRole.INVESTIGATOR, acting_user=pw.staff
        )
    assert "Northby CLP" in refused.value.message
    assert "as the respondent does" in refused.value.message
    assert refused.value.clause == edition_in_force().complaints.conflicts_clause
    assert not Assignment.objects.filter(case=case, user=neighbour.user).exists()


def test_an_office_shared_with_a_party_and_the_same_address(pw):
    case = pw.open_case()
    post = PostFactory(unit=pw.respondent.constituency)
    OfficeHoldingFactory(post=post, member=pw.respondent)
    officer = member_with_account(pw)
    OfficeHoldingFactory(post=PostFactory(unit=pw.respondent.constituency), member=officer)
    found = assignments.conflicts_for(
        case, officer.user, AssignmentRole.PANEL_MEMBER, timezone.localdate()
    )
    assert {c.rule for c in found} == {"office_with"}
    pw.respondent.address, pw.respondent.postcode = "14 Mill Lane\nNorthby", "NB1 2CD"
    pw.respondent.save()
    housemate = member_with_account(pw, address="14 Mill Lane", postcode="nb1 2cd")
    found = assignments.conflicts_for(
        case, housemate.user, AssignmentRole.PANEL_MEMBER, timezone.localdate()
    )
    assert {c.rule for c in found} == {"same_address"}


def test_the_complainant_cannot_sit_on_their_own_case(pw):
    case = pw.open_case()
    assignments.do_record_training(
        user=pw.complainant.user,
        category="all",
        completed_on=timezone.localdate(),
        provider="Equality trainers",
        acting_user=pw.staff,
    )
    with pytest.raises(CaseError, match="they are the complainant"):
        assignments.do_assign_to_case(
            case,
            user=pw.complainant.user,
            role=AssignmentRole.PANEL_MEMBER,
            acting_user=pw.staff,
        )


def test_training_missing_or_expired_blocks_assignment(pw):
    rules = edition_in_force().complaints
    case = pw.open_case(category="antisemitism")
    untrained = UserFactory()
    with pytest.raises(CaseError, match="no training is recorded") as refused:
        assignments.do_assign_to_case(
            case, user=untrained, role=AssignmentRole.INVESTIGATOR, acting_user=pw.staff
        )
    assert refused.value.clause == rules.training_clause
    # Training in another category does not count; expired training does not either.
    other = trained_user(pw.staff, category="bullying")
    with pytest.raises(CaseError, match="no training is recorded"):
        assignments.do_assign_to_case(
            case, user=other, role=AssignmentRole.INVESTIGATOR, acting_user=pw.staff
        )
    lapsed = UserFactory()
    long_ago = timezone.localdate() - datetime.timedelta(
        days=31 * (rules.training_validity_months + 1)
    )
    training = assignments.do_record_training(
        user=lapsed,
        category="antisemitism",
        completed_on=long_ago,
        provider="Equality trainers",
        acting_user=pw.staff,
    )
    assert training.expires_on < timezone.localdate()
    with pytest.raises(CaseError, match="training expired on"):
        assignments.do_assign_to_case(
            case, user=lapsed, role=AssignmentRole.INVESTIGATOR, acting_user=pw.staff
        )
    specialist = trained_user(pw.staff, category="antisemitism")
    assignments.do_assign_to_case(
        case, user=specialist, role=AssignmentRole.INVESTIGATOR, acting_user=pw.staff
    )


def test_training_bad_input(pw):
    with pytest.raises(CaseError, match="not a category") as refused:
        assignments.do_record_training(
            user=UserFactory(),
            category="gossip",
            completed_on=timezone.localdate(),
            provider="x",
            acting_user=pw.staff,
        )
    assert refused.value.field == "category"
    with pytest.raises(CaseError, match="before it is completed"):
        assignments.do_record_training(
            user=UserFactory(),
            category="all",
            completed_on=timezone.localdate() + datetime.timedelta(days=1),
            provider="x",
            acting_user=pw.staff,
        )


def test_a_declaration_ends_the_assignment_at_once_and_bars_another(pw):
    case = pw.walk_to(pw.open_case(), Stage.INVESTIGATION)
    assignments.do_declare_conflict(
        case,
        user=pw.investigator,
        reason="I campaigned with the respondent last year.",
        acting_user=pw.investigator,
    )
    assert not Assignment.objects.filter(
        case=case, user=pw.investigator, ended_at__isnull=True
    ).exists()
    assert CaseEvent.objects.filter(case=case, kind=EventKind.CONFLICT_DECLARED).exists()
    with pytest.raises(CaseError, match="a declaration: I campaigned"):
        assignments.do_assign_to_case(
            case, user=pw.investigator, role=AssignmentRole.INVESTIGATOR, acting_user=pw.staff
        )


def test_a_standing_declaration_covers_every_case(pw):
    first, second = pw.walk_to(pw.open_case(), Stage.TRIAGE), pw.open_case()
    assignments.do_declare_conflict(
        None, user=pw.handler, reason="I am standing for election.", acting_user=pw.handler
    )
    assert not Assignment.objects.filter(user=pw.handler, ended_at__isnull=True).exists()
    with pytest.raises(CaseError, match="a standing declaration"):
        assignments.do_assign_to_case(
            second, user=pw.handler, role=AssignmentRole.CASE_HANDLER, acting_user=pw.staff
        )
    assert first.pk != second.pk


def test_a_panel_draw_can_be_repeated_from_its_record(pw):
    case = pw.walk_to(pw.open_case(), Stage.REPORT)
    panel = assignments.do_draw_panel(case, purpose=DrawPurpose.PANEL, acting_user=pw.staff)
    rules = edition_in_force().complaints
    assert len(panel.drawn) == rules.panel_size
    eligible = assignments.eligible_for_draw(case, DrawPurpose.PANEL, timezone.localdate())
    # The eligible list now excludes the people drawn (they are on the case); the list at the
    # time was this one plus them, which the recorded hash confirms.
    at_the_time = sorted(set(eligible) | set(panel.drawn))
    assert draws.eligible_hash(at_the_time) == panel.eligible_hash
    assert draws.draw(at_the_time, rules.panel_size, panel.seed).drawn == tuple(panel.drawn)
    # The investigator and the handler were never in the pool.
    assert pw.investigator.pk not in at_the_time
    assert pw.handler.pk not in at_the_time
    with pytest.raises(CaseError, match="already has its"):
        assignments.do_draw_panel(case, purpose=DrawPurpose.PANEL, acting_user=pw.staff)


def test_a_draw_from_too_small_a_pool_is_refused_and_writes_nothing():
    pw = build_process_world(pool_size=1)
    case = pw.walk_to(pw.open_case(), Stage.REPORT)
    with pytest.raises(CaseError, match="cannot be drawn: only 1 eligible"):
        assignments.do_draw_panel(case, purpose=DrawPurpose.PANEL, acting_user=pw.staff)
    assert not PanelDraw.objects.filter(case=case).exists()


def test_review_is_only_for_protected_characteristic_decisions(pw):
    case = pw.walk_to(pw.open_case(category="bullying"), Stage.DECIDED)
    with pytest.raises(CaseError, match="Only decisions on protected-characteristic"):
        assignments.do_draw_panel(case, purpose=DrawPurpose.REVIEW, acting_user=pw.staff)
