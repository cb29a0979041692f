"""plurality, block and approval: hand-derived fixtures (each derivation in the test)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from moot.counting import (
    Ballots,
    Candidate,
    CountError,
    CountOptions,
    Election,
    TieBreakSpec,
    count,
)
from moot.counting.formats.blt import read_blt
from moot.counting.tiebreak import draw_index

pytestmark = pytest.mark.pure


def make(names: str, papers: list[tuple[str, int]], *, seats: int = 1, kind: str = "ranked"):
    """``make("ABC", [("A>B", 5), ("A=B>C", 2), ("", 1)])``: one-letter candidates; '>' separates
    preference levels, '=' joins candidates at one level (approval papers: "A=B")."""
    index = {name: i for i, name in enumerate(names)}
    items = []
    for text, weight in papers:
        levels = tuple(
            tuple(sorted(index[c] for c in level.split("="))) for level in text.split(">") if level
        )
        items.append((levels, weight))
    return Election(
        candidates=[Candidate(n) for n in names],
        seats=seats,
        ballots=Ballots.aggregate(items),
        kind=kind,  # type: ignore[arg-type]
    )


def votes(result) -> dict[str, int]:
    (rnd,) = result.rounds
    return {result.candidates[c]: int(v) for c, v in rnd.tallies.items()}


# -- plurality -------------------------------------------------------------------------------
def test_plurality_counts_first_preferences_only() -> None:
    # A: 5 first preferences, B: 3 + 1, C: 3. Later preferences (A>B's B) count for nothing.
    e = make("ABC", [("A>B", 5), ("B", 3), ("B>A", 1), ("C>B", 3)])
    result = count(e, "plurality")
    assert votes(result) == {"A": 5, "B": 4, "C": 3}
    assert result.elected_names == ["A"]
    assert result.valid == 12
    assert result.ties == ()
    # One round, and it conserves: the votes add up to the valid papers.
    assert sum(result.rounds[0].tallies.values()) == result.valid


def test_plurality_several_seats_is_most_votes() -> None:
    # Two seats: the two highest, A (5) then B (4); C (3) is not elected.
    e = make("ABC", [("A", 5), ("B", 4), ("C", 3)], seats=2)
    assert count(e, "plurality").elected_names == ["A", "B"]


def test_plurality_overvote_and_blank_are_not_counted() -> None:
    # "A=B" first (two marks on a single-choice paper) spoils 2 papers: invalid, not counted.
    # A paper whose only choice withdrew is blank. C's withdrawn first preference on "C>B" passes
    # to B: B 1 + 3 = 4 beats A 3.
    e = make("ABC", [("A", 3), ("B", 1), ("A=B", 2), ("C>B", 3), ("C", 1)])
    e.candidates[2] = Candidate("C", withdrawn=True)
    result = count(e, "plurality")
    assert votes(result) == {"A": 3, "B": 4}
    assert result.elected_names == ["B"]
    assert result.valid == 7
    assert result.invalid == 2
    assert any("2 spoilt" in n for n in result.notes)
    assert any("1 blank" in n for n in result.notes)


def test_plurality_tie_for_the_seat_is_broken_and_recorded() -> None:
    # A 4, B 4, C 1: a tie for one seat. No earlier stage exists, so "backwards" falls back to
    # candidate order (A most favoured): A. With the order reversed (C, B, A): B.
    e = make("ABC", [("A", 4), ("B", 4), ("C", 1)])
    result = count(e, "plurality")
    assert result.elected_names == ["A"]
    (tie,) = result.ties
    assert tie.tied == (0, 1)
    assert tie.chosen == 0
    assert tie.purpose == "elect"
    assert "candidate-order" in tie.method
    reverse = CountOptions(tie_break=TieBreakSpec(name="candidate-order", order=(2, 1, 0)))
    assert count(e, "plurality", reverse).elected_names == ["B"]


def test_plurality_random_tie_is_reproducible_from_the_seed() -> None:
    e = make("ABC", [("A", 4), ("B", 4), ("C", 1)])
    options = CountOptions(tie_break=TieBreakSpec(name="random", seed=2026))
    first = count(e, "plurality", options)
    again = count(e, "plurality", options)
    assert first.elected == again.elected
    index, digest = draw_index(2026, 1, 2)  # the first draw of seed 2026 among [A, B]
    assert first.elected == ((0, 1)[index],)
    assert digest[:16] in first.ties[0].detail


def test_plurality_lot_decision() -> None:
    e = make("ABC", [("A", 4), ("B", 4), ("C", 1)])
    result = count(e, "plurality", CountOptions(tie_break=TieBreakSpec(name="lot", decisions=(1,))))
    assert result.elected_names == ["B"]
    assert result.ties[0].method == "lot"
    with pytest.raises(CountError, match="no decision by lot"):
        count(e, "plurality", CountOptions(tie_break=TieBreakSpec(name="lot")))


def test_plurality_ties_that_do_not_decide_a_seat_are_not_ties() -> None:
    # A 5, B 3, C 3 with three seats: B and C are equal but both are elected, so nothing is
    # decided by a tie-break and no tie is recorded.
    e = make("ABC", [("A", 5), ("B", 3), ("C", 3)], seats=3)
    result = count(e, "plurality")
    assert result.elected_names == ["A", "B", "C"]
    assert result.ties == ()


# -- block -----------------------------------------------------------------------------------
def test_block_vote_with_approval_papers() -> None:
    # Two seats, each paper up to two marks.
    #   {A,B} x4 -> A 4, B 4      {A,C} x3 -> A 3, C 3      {B} x2 -> B 2
    #   {A,B,C} x1: three marks for two seats -> spoilt, not counted
    # A 7, B 6, C 3: A and B elected.
    e = make("ABC", [("A=B", 4), ("A=C", 3), ("B", 2), ("A=B=C", 1)], seats=2, kind="approval")
    result = count(e, "block")
    assert votes(result) == {"A": 7, "B": 6, "C": 3}
    assert result.elected_names == ["A", "B"]
    assert result.valid == 9
    assert result.invalid == 1


def test_block_vote_with_ranked_papers_takes_the_first_n() -> None:
    # Two seats: "A>C>B" counts A and C; "B>C" counts B, C; "C" counts C;
    # "A=B=C" cannot fit its first level in two votes: nothing counted (blank).
    # A 3, B 2, C 3+2+1 = 6.
    e = make("ABC", [("A>C>B", 3), ("B>C", 2), ("C", 1), ("A=B=C", 1)], seats=2)
    result = count(e, "block")
    assert votes(result) == {"A": 3, "B": 2, "C": 6}
    assert result.elected_names == ["C", "A"]


def test_block_vote_matches_stv_rs_simulated_pbv(elections_data) -> None:
    # STV-rs plurality_block_voting/vegetables.fixed9.log: Jalapeno 17, Hazelnut 15, Grape 13,
    # Apple 10, Eggplant 9, Date 7, Cherry 5 (banana and fig withdrawn).
    election = read_blt(elections_data("stv-rs", "ballots", "vegetables.blt"))
    result = count(election, "block")
    assert result.elected_names == ["Jalapeno", "Hazelnut", "Grape", "Apple"]
    got = {result.candidates[c]: v for c, v in result.rounds[0].tallies.items()}
    assert got == {
        "Jalapeno": 17,
        "Hazelnut": 15,
        "Grape": 13,
        "Apple": 10,
        "Eggplant": 9,
        "Date": 7,
        "Cherry": 5,
    }


# -- approval --------------------------------------------------------------------------------
def test_approval_counts_every_mark() -> None:
    # {A,B} x3, {B,C} x2, {C} x2, {A} x1 -> A 3+1 = 4, B 3+2 = 5, C 2+2 = 4.
    e = make("ABC", [("A=B", 3), ("B=C", 2), ("C", 2), ("A", 1)], kind="approval")
    result = count(e, "approval")
    assert votes(result) == {"A": 4, "B": 5, "C": 4}
    assert result.elected_names == ["B"]
    assert result.valid == 8
    # Two seats: B, then A and C tie at 4 for the second: broken (candidate order: A).
    two = count(e, "approval", CountOptions(seats=2))
    assert two.elected_names == ["B", "A"]
    assert two.ties[0].tied == (0, 2)


def test_approval_of_ranked_papers_approves_every_ranked_candidate() -> None:
    e = make("ABC", [("A>B", 2), ("C", 1)])
    assert votes(count(e, "approval")) == {"A": 2, "B": 2, "C": 1}


def test_every_figure_is_exact() -> None:
    e = make("ABC", [("A=B", 3), ("C", 2)], kind="approval")
    for method in ("plurality", "block", "approval"):
        result = count(e, method, CountOptions(seats=2))
        for value in result.rounds[0].tallies.values():
            assert isinstance(value, Fraction)


def test_no_valid_papers_is_a_clear_error() -> None:
    e = make("AB", [("", 3)])
    with pytest.raises(CountError, match="no valid papers"):
        count(e, "plurality")
