"""Constrained STV (guard/doom): hand-derived fixtures, the verdicts, and the file readers."""

from __future__ import annotations

from fractions import Fraction

import pytest

from moot.counting import count
from moot.counting.constraints import ConstraintGuard, read_constraints
from moot.counting.model import (
    Ballots,
    Candidate,
    Constraints,
    CountError,
    CountOptions,
    Election,
    GroupConstraint,
)

pytestmark = pytest.mark.pure

STV_METHODS = ("scottish-stv", "meek")


def _election(names: str, seats: int, ballots: list[tuple[str, int]]) -> Election:
    """Candidates are single letters; a ballot "AB" ranks A then B."""
    index = {n: i for i, n in enumerate(names)}
    items = [(tuple((index[ch],) for ch in ranking), weight) for ranking, weight in ballots]
    return Election(
        candidates=[Candidate(n) for n in names],
        seats=seats,
        ballots=Ballots.aggregate(items),
        title="fixture",
    )


def _group(category: str, group: str, low: int, high: int, members: str, names: str):  # noqa: PLR0917 - a table row
    return GroupConstraint(category, group, low, high, frozenset(names.index(m) for m in members))


def _names(result) -> set[str]:
    return set(result.elected_names)


# -- at least k of n from a group --------------------------------------------------------------
MIN_NAMES = "ABCDE"
MIN_BALLOTS = [("A", 40), ("B", 30), ("C", 20), ("D", 6), ("E", 4)]
MIN_RULE = Constraints(
    (
        _group("Gender", "Men", 0, 2, "ABC", MIN_NAMES),
        _group("Gender", "Women", 1, 2, "DE", MIN_NAMES),
    )
)


@pytest.mark.parametrize("method", STV_METHODS)
def test_minimum_women(method: str) -> None:
    """2 seats, at least 1 woman (D, E); men A, B, C. 100 papers, Scottish quota 34.

    By hand: A (40) reaches the quota at stage 1. One seat is left and Women still need one,
    so that seat must go to a woman: B and C are doomed ("the 1 seat left is needed for the
    minimum of Women") and excluded first, lowest first (C 20, then B 30); their papers have
    no further preference. D (6) and E (4) are both women, so neither is guarded alone; E is
    the lowest and is excluded, and D fills the last seat. Result {A, D}.
    Without the constraint: E, D, C are excluded in turn and B (30) takes the second seat.
    """
    election = _election(MIN_NAMES, 2, MIN_BALLOTS)
    assert _names(count(election, method)) == {"A", "B"}
    result = count(election, method, CountOptions(constraints=MIN_RULE))
    assert _names(result) == {"A", "D"}
    assert result.elected_names[0] == "A"
    excluded = [result.candidates[c] for r in result.rounds for c in r.excluded]
    assert "B" in excluded
    assert "C" in excluded


# -- a maximum -------------------------------------------------------------------------------
MAX_NAMES = "ABCDE"
MAX_BALLOTS = [("AB", 30), ("B", 25), ("C", 20), ("D", 15), ("E", 10)]
MAX_RULE = Constraints(
    (
        _group("Faction", "X", 0, 1, "ABC", MAX_NAMES),
        _group("Faction", "Y", 0, 3, "DE", MAX_NAMES),
    )
)


@pytest.mark.parametrize("method", STV_METHODS)
def test_maximum_one_of_faction(method: str) -> None:
    """3 seats, at most 1 from faction X (A, B, C). 100 papers, Scottish quota 26.

    By hand: A (30) is elected at stage 1; faction X has reached its maximum, so B and C are
    doomed. A's surplus of 4 goes to B (30 papers at 4/30 = 0.13333 each -> B 28.99990), which
    is over the quota, but a doomed candidate is never elected: B and C are excluded (lowest
    first) and their papers exhaust. D (15) and E (10) are then the only continuing
    candidates for the 2 seats left and are elected. Result {A, D, E}.
    Without the constraint: A and B reach the quota; E (10) is excluded, then D (15), and
    C (20) takes the third seat: {A, B, C}.
    """
    election = _election(MAX_NAMES, 3, MAX_BALLOTS)
    assert _names(count(election, method)) == {"A", "B", "C"}
    result = count(election, method, CountOptions(constraints=MAX_RULE))
    assert _names(result) == {"A", "D", "E"}
    assert "B" not in result.elected_names


# -- two categories at once ------------------------------------------------------------------
TWO_NAMES = "ABCD"
TWO_BALLOTS = [("A", 40), ("B", 30), ("C", 20), ("D", 10)]
TWO_RULE = Constraints(
    (
        _group("Gender", "Men", 0, 2, "AB", TWO_NAMES),
        _group("Gender", "Women", 1, 2, "CD", TWO_NAMES),
        _group("Region", "North", 0, 2, "AC", TWO_NAMES),
        _group("Region", "South", 1, 2, "BD", TWO_NAMES),
    )
)


def test_two_categories_verdicts() -> None:
    """Cells: A (man, North), B (man, South), C (woman, North), D (woman, South); 2 seats,
    at least 1 woman and at least 1 from the South. Conformant pairs: {A,D}, {B,C}, {B,D},
    {C,D} — so at the start nobody is guarded or doomed. Once A (man, North) is elected the
    last seat must be a woman *and* from the South: only D. D is guarded; B (no woman) and
    C (not South) are doomed — neither category alone says so, only both together (the grid)."""
    guard = ConstraintGuard(TWO_RULE, 2, 4)
    start = guard.assess(set(), set())
    assert start.guarded == frozenset()
    assert start.doomed == frozenset()
    after_a = guard.assess({0}, set())
    assert after_a.guarded == frozenset({3})
    assert after_a.doomed == frozenset({1, 2})
    # If D is excluded instead, {B, C} is the only conformant pair: both guarded.
    without_d = guard.assess(set(), {3})
    assert without_d.guarded == frozenset({1, 2})
    assert without_d.doomed == frozenset({0})


@pytest.mark.parametrize("method", STV_METHODS)
def test_two_categories_count(method: str) -> None:
    """100 papers, quota 34: A is elected at stage 1; then (see the verdict test) B and C are
    doomed and excluded (C 20 first, then B 30), and D, guarded, fills the last seat: {A, D}.
    Without constraints D, then C, are excluded and B is elected: {A, B}."""
    election = _election(TWO_NAMES, 2, TWO_BALLOTS)
    assert _names(count(election, method)) == {"A", "B"}
    assert _names(count(election, method, CountOptions(constraints=TWO_RULE))) == {"A", "D"}


def test_single_category_rules() -> None:
    """Grey–Fitzgerald rules with one category, 4 seats, women 0,2,4,6 at least 2."""
    women, men = frozenset({0, 2, 4, 6}), frozenset({1, 3, 5, 7, 8})
    rule = Constraints(
        (GroupConstraint("G", "Women", 2, 4, women), GroupConstraint("G", "Men", 0, 4, men))
    )
    guard = ConstraintGuard(rule, 4, 9)
    # Two men elected: both remaining seats are needed for women -> all men doomed.
    verdict = guard.assess({1, 3}, set())
    assert verdict.doomed == frozenset({5, 7, 8})
    assert verdict.guarded == frozenset()
    # ... and with only two women left standing they are guarded as well.
    verdict = guard.assess({1, 3}, {0, 2})
    assert verdict.guarded == frozenset({4, 6})
    assert any("needs 2 more seat(s)" in note for note in verdict.notes)
    # Women at their maximum of 4: no one else can be elected (and the seats are full).
    assert guard.assess({0, 2, 4}, set()).doomed == frozenset()


def test_infeasible_constraints_are_refused_before_counting() -> None:
    election = _election("ABCDE", 4, MIN_BALLOTS)
    rule = Constraints(
        (
            _group("Gender", "Women", 3, 4, "DE", "ABCDE"),
            _group("Gender", "Men", 0, 4, "ABC", "ABCDE"),
        )
    )
    with pytest.raises(CountError, match=r"Women .Gender. needs at least 3 seats but only 2"):
        count(election, "scottish-stv", CountOptions(constraints=rule))
    with pytest.raises(CountError, match="cannot be met"):
        count(election, "meek", CountOptions(constraints=rule))


# -- files -----------------------------------------------------------------------------------
def test_read_con_format() -> None:
    election = _election(TWO_NAMES, 2, TWO_BALLOTS)
    text = (
        "# gender and region\n"
        '"Gender" "Men" 0 2 1 2\n'
        '"Gender" "Women" 1 2 3 4\n'
        '"Region" "North" 0 2 1 3\n'
        '"Region" "South" 1 2 2 4\n'
    )
    rule = read_constraints(text, election)
    assert set(rule.groups) == set(TWO_RULE.groups)


def test_read_toml_and_json_with_names() -> None:
    election = _election(MIN_NAMES, 2, MIN_BALLOTS)
    toml = (
        "[Gender.Men]\nmin = 0\nmax = 2\ncandidates = [1, 2, 3]\n"
        '[Gender.Women]\nmin = 1\nmax = 2\ncandidates = ["D", 5]\n'
    )
    assert set(read_constraints(toml, election).groups) == set(MIN_RULE.groups)
    json_text = (
        '{"Gender": {"Men": {"min": 0, "max": 2, "candidates": [1, 2, 3]},'
        ' "Women": {"min": 1, "max": 2, "candidates": [4, 5]}}}'
    )
    assert set(read_constraints(json_text, election).groups) == set(MIN_RULE.groups)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"Gender" "Women" x 2 4 5\n"Gender" "Men" 0 2 1 2 3\n', r":1:18: expected the minimum"),
        ('"Gender" "Women" 1 2 4 9\n', r":1:24: candidate number 9 is out of range"),
        ('"Gender" "Women" 1 2 4 5\n"Gender" "Men" 0 2 1 2 3 4\n', r":2:1: candidate 4 .D."),
        ('"Gender" "Women" 1 2 4 5\n', r"does not place candidate.s. 1 .A."),
        ('"Gender" "Women" 3 2 4 5\n', r":1:20: maximum 2 is below minimum 3"),
        ('"Gender" "Women 1 2 4 5\n', r":1:10: unclosed quotation mark"),
        ('"Gender" "Women" 1\n', r":1:18: expected \"Category\" \"Group\""),
    ],
)
def test_con_errors_name_line_and_column(text: str, expected: str) -> None:
    election = _election(MIN_NAMES, 2, MIN_BALLOTS)
    with pytest.raises(CountError, match=expected):
        read_constraints(text, election)


def test_constraints_file_path(tmp_path) -> None:
    election = _election(MIN_NAMES, 2, MIN_BALLOTS)
    path = tmp_path / "gender.con"
    path.write_text('"Gender" "Men" 0 2 1 2 3\n"Gender" "Women" 1 2 4 5\n', encoding="utf-8")
    assert set(read_constraints(path, election).groups) == set(MIN_RULE.groups)
    with pytest.raises(CountError, match="not found"):
        read_constraints(tmp_path / "missing.con", election)


def test_votes_are_conserved_under_constraints() -> None:
    election = _election(MAX_NAMES, 3, MAX_BALLOTS)
    for method in STV_METHODS:
        result = count(election, method, CountOptions(constraints=MAX_RULE))
        for rnd in result.rounds:
            total = sum(rnd.tallies.values(), Fraction(0)) + rnd.exhausted + rnd.loss
            assert total == result.valid
