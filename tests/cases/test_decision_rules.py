"""A panel's decision as the rulebook allows it (issue 10 fix round, finding 7): the whole panel
sits (a conflict leaves it short until redrawn), it decides once per stage, the criterion
supports the outcome, the clause is one the edition has, and the improper grounds are caught
in their plain forms ("newspapers' coverage")."""

from __future__ import annotations

import pytest

from cases.process_world import REASONS, build_process_world, grounds
from moot.cases.actions import assignments, stages
from moot.cases.errors import CaseError
from moot.cases.models import Assignment, AssignmentRole, CaseEvent, DrawPurpose, EventKind, Stage
from moot.cases.stages import check_reasons
from moot.errors import RefusalCode
from moot.units.queries import edition_in_force

pytestmark = pytest.mark.django_db


@pytest.fixture
def pw():
    return build_process_world()


def _decisions(case) -> int:
    return CaseEvent.objects.filter(case=case, kind=EventKind.DECISION).count()


def test_a_panel_decides_once_a_second_decision_is_refused_409(pw):
    case = pw.walk_to(pw.open_case(), Stage.PANEL)
    member = pw.panel_member(case, AssignmentRole.PANEL_MEMBER)
    stages.do_record_decision(
        case, outcome="warning", **grounds("decision", "breach_found"), acting_user=member
    )
    other = (
        Assignment.objects.filter(case=case, role=AssignmentRole.PANEL_MEMBER)
        .exclude(user=member)
        .first()
        .user
    )
    with pytest.raises(CaseError, match="a panel decides once") as refused:
        stages.do_record_decision(
            case, outcome="expulsion", **grounds("decision", "breach_found"), acting_user=other
        )
    assert refused.value.code == RefusalCode.STATE
    assert refused.value.status == 409
    assert _decisions(case) == 1


def test_a_panel_short_of_a_member_after_a_conflict_does_not_decide(pw):
    case = pw.walk_to(pw.open_case(), Stage.PANEL)
    seats = list(
        Assignment.objects.filter(case=case, role=AssignmentRole.PANEL_MEMBER, ended_at=None)
    )
    assert len(seats) == edition_in_force().complaints.panel_size
    assignments.do_declare_conflict(
        case, user=seats[0].user, reason="Shares a flat with the respondent", acting_user=pw.staff
    )
    with pytest.raises(CaseError, match="short panel does not decide") as refused:
        stages.do_record_decision(
            case,
            outcome="warning",
            **grounds("decision", "breach_found"),
            acting_user=seats[1].user,
        )
    assert refused.value.code == RefusalCode.STATE
    assert _decisions(case) == 0
    # Refilled by a draw of the empty seat, the full panel decides.
    refill = assignments.do_draw_panel(case, purpose=DrawPurpose.PANEL, acting_user=pw.staff)
    assert len(refill.drawn) == 1
    assert seats[0].user.pk not in refill.drawn
    assert not {s.user.pk for s in seats[1:]} & set(refill.drawn)
    with pytest.raises(CaseError, match="hearing panel is drawn when"):
        assignments.do_draw_panel(case, purpose=DrawPurpose.PANEL, acting_user=pw.staff)
    member = pw.panel_member(case, AssignmentRole.PANEL_MEMBER)
    stages.do_record_decision(
        case, outcome="warning", **grounds("decision", "breach_found"), acting_user=member
    )
    assert _decisions(case) == 1


def test_no_case_to_answer_does_not_ground_an_expulsion(pw):
    case = pw.walk_to(pw.open_case(), Stage.PANEL)
    member = pw.panel_member(case, AssignmentRole.PANEL_MEMBER)
    with pytest.raises(CaseError, match="supports only: not upheld") as refused:
        stages.do_record_decision(
            case,
            outcome="expulsion",
            **grounds("decision", "no_case_to_answer"),
            acting_user=member,
        )
    assert refused.value.field == "criterion"
    assert refused.value.clause == "6.3.5"
    assert _decisions(case) == 0
    stages.do_record_decision(
        case,
        outcome="not_upheld",
        **grounds("decision", "no_case_to_answer"),
        acting_user=member,
    )


def test_a_clause_the_edition_does_not_have_is_refused_naming_those_near(pw):
    case = pw.walk_to(pw.open_case(), Stage.PANEL)
    member = pw.panel_member(case, AssignmentRole.PANEL_MEMBER)
    with pytest.raises(CaseError, match=r"no clause '99\.9'") as refused:
        stages.do_record_decision(
            case,
            outcome="warning",
            reasons=REASONS,
            clause="99.9",
            criterion="breach_found",
            acting_user=member,
        )
    assert refused.value.field == "clause"
    assert _decisions(case) == 0


@pytest.mark.parametrize(
    "reasons",
    [
        "Given the newspapers' coverage and media attention the respondent must be expelled now.",
        "The headlines this week leave the panel no choice but to expel the respondent at once.",
        "Reputational harm to the party from this affair means the respondent is expelled today.",
        "The outrage on social media about the respondent means that expulsion is the only way.",
    ],
)
def test_improper_grounds_in_their_plain_forms_are_refused(pw, reasons):
    case = pw.walk_to(pw.open_case(), Stage.PANEL)
    member = pw.panel_member(case, AssignmentRole.PANEL_MEMBER)
    rules = edition_in_force().complaints
    with pytest.raises(CaseError, match="not a ground for a decision") as refused:
        stages.do_record_decision(
            case,
            outcome="expulsion",
            reasons=reasons,
            clause="6.3.5",
            criterion="breach_found",
            acting_user=member,
        )
    assert refused.value.clause == rules.improper_reasons_clause
    assert _decisions(case) == 0


def test_a_longer_word_is_not_an_improper_ground():
    problem = check_reasons(
        "The respondent put pressure on the complainant and expressed it twice in writing.",
        "6.3.5",
        "breach_found",
        improper=["press", "newspaper"],
        criteria=["breach_found"],
        min_words=5,
    )
    assert problem is None
    caught = check_reasons(
        "Two newspapers ran the story, so the panel expels the respondent from the party.",
        "6.3.5",
        "breach_found",
        improper=["press", "newspaper"],
        criteria=["breach_found"],
        min_words=5,
    )
    assert caught is not None
    assert "newspaper" in caught.message
