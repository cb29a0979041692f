"""The clauses an edition cites (moot.rulebook.clauses): listed in order with the rule's words,
a typed clause checked against them, and the nearest valid clauses named when it is unknown."""

from __future__ import annotations

import pytest

from moot import rulebook
from moot.rulebook.clauses import check_clause, clause_key, clauses_of, nearby, normalise

pytestmark = pytest.mark.pure


@pytest.fixture
def edition() -> rulebook.Edition:
    return rulebook.preset("party")


def test_every_clause_the_preset_cites_is_listed_once_in_order(edition: rulebook.Edition) -> None:
    clauses = clauses_of(edition)
    numbers = list(clauses)
    assert numbers == sorted(numbers, key=clause_key)
    assert len(numbers) == len(set(numbers))
    # A rule's own clause, a "<x>_clause" beside it, and the words of the rule.
    assert clauses["15.6.1"].text.startswith("It is not competent business")
    assert "7.7.2" in clauses  # officers' balance_clause
    category = edition.competence_category("individual_disciplinary_case")
    assert clauses[category.clause].text == category.text


def test_clause_order_is_numeric_not_alphabetical() -> None:
    assert sorted(["7.10", "7.9", "15.1", "7.9.2"], key=clause_key) == [
        "7.9",
        "7.9.2",
        "7.10",
        "15.1",
    ]


@pytest.mark.parametrize(
    "typed", ["15.6.1", " 15.6.1 ", "clause 15.6.1", "Clause 15.6.1.", "§15.6.1"]
)
def test_a_clause_as_typed_is_found(edition: rulebook.Edition, typed: str) -> None:
    assert normalise(typed) == "15.6.1"
    assert check_clause(edition, typed) == "15.6.1"


def test_an_unknown_clause_is_refused_naming_the_nearest(edition: rulebook.Edition) -> None:
    with pytest.raises(rulebook.RulebookError) as caught:
        check_clause(edition, "99.9")
    assert "There is no clause '99.9'" in caught.value.message
    assert caught.value.path == "clause"
    with pytest.raises(rulebook.RulebookError) as caught:
        check_clause(edition, "15.6.9")
    assert "the nearest are clauses 15.6.1, 15.6.2, 15.6.3" in caught.value.message


def test_nearby_prefers_the_same_section_then_the_nearest_chapter() -> None:
    known = ["2.1", "7.2", "7.5.1", "7.5.2", "15.6.1"]
    assert nearby("7.5.9", known, limit=3) == ["7.5.1", "7.5.2", "7.2"]
    assert nearby("14.1", known, limit=1) == ["15.6.1"]
