"""The moves between stages, the records each needs (R-E4) and the grounds a decision must
give (R-E3): pure rules, no database."""

from __future__ import annotations

import pytest

from moot.cases.models.choices import Stage
from moot.cases.stages import (
    MOVES,
    RECORDS,
    allowed_moves,
    check_reasons,
    missing_records,
)

pytestmark = pytest.mark.pure

REASONS = "The messages of 3 and 5 May were sent by the respondent and meet the criterion"


def test_every_move_joins_real_stages_and_names_known_records():
    for (frm, to), needed in MOVES.items():
        assert frm in Stage.values
        assert to in Stage.values
        assert needed
        assert set(needed) <= RECORDS.keys()


def test_every_stage_but_the_final_ones_leads_somewhere():
    for stage in Stage.values:
        if stage in {"no_further_action", "reminder_of_conduct", "closed"}:
            assert allowed_moves(stage) == []
        else:
            assert allowed_moves(stage), stage


def test_a_move_lists_what_is_missing_in_order():
    assert missing_records("triage", "investigation", set()) == [
        "triage_reasons",
        "investigator",
        "notice",
    ]
    assert missing_records("triage", "investigation", {"investigator"}) == [
        "triage_reasons",
        "notice",
    ]
    assert missing_records("triage", "investigation", MOVES["triage", "investigation"]) == []


def test_no_decision_without_a_decision_and_no_closing_before_the_review():
    assert "decision" in missing_records("panel", "decided", set())
    assert missing_records("decided", "closed", {"decision", "appeal_window"}) == ["reviewed"]


def test_a_move_the_process_does_not_have_is_refused_with_the_way_on():
    with pytest.raises(ValueError, match="from received it moves to triage"):
        missing_records("received", "decided", set())
    with pytest.raises(ValueError, match="nowhere"):
        missing_records("closed", "triage", set())


def grounds(reasons=REASONS, clause="6.3", criterion="conduct_breach"):
    return check_reasons(
        reasons,
        clause,
        criterion,
        improper=["press interest", "political advantage"],
        criteria=["conduct_breach", "insufficient_evidence"],
        min_words=8,
    )


def test_sound_grounds_pass():
    assert grounds() is None


@pytest.mark.parametrize(
    ("kwargs", "field", "says"),
    [
        ({"clause": " "}, "clause", "cite the rule"),
        ({"criterion": "gut_feeling"}, "criterion", "conduct_breach, insufficient_evidence"),
        ({"reasons": "upheld"}, "reasons", "at least 8 words (1 given)"),
        (
            {"reasons": REASONS + " and given the PRESS-interest in this story"},
            "reasons",
            "'press interest' is not a ground",
        ),
        ({"reasons": "For politicál  advantage " + REASONS}, "reasons", "political advantage"),
    ],
)
def test_grounds_that_do_not_stand_are_named(kwargs, field, says):
    problem = grounds(**kwargs)
    assert problem is not None
    assert problem.field == field
    assert says in problem.message


def test_a_phrase_inside_another_word_is_not_matched():
    assert grounds(reasons=REASONS + " despite the impressive interest shown") is None
