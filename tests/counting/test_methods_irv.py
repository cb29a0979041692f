"""irv: hand-derived fixtures (derivations in the tests) and the Tideman A3 data."""

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
from moot.counting.reports import render_json, render_text

pytestmark = pytest.mark.pure


def make(names: str, papers: list[tuple[str, int]], *, seats: int = 1) -> Election:
    """One-letter candidates; '>' separates levels, '=' joins candidates at one level."""
    index = {name: i for i, name in enumerate(names)}
    items = []
    for text, weight in papers:
        levels = tuple(
            tuple(sorted(index[c] for c in level.split("="))) for level in text.split(">") if level
        )
        items.append((levels, weight))
    return Election([Candidate(n) for n in names], seats, Ballots.aggregate(items))


def table(result) -> list[dict[str, Fraction]]:
    return [{result.candidates[c]: v for c, v in r.tallies.items()} for r in result.rounds]


def assert_conserved(result) -> None:
    for rnd in result.rounds:
        assert sum(rnd.tallies.values()) + rnd.exhausted + rnd.loss == result.valid
        assert rnd.loss == 0


def test_irv_later_preferences_overtake_the_first_round_leader() -> None:
    # 20 papers: A 8 | B>C 5 | C>B 4 | D>C 2 | D 1.  A majority is more than 10 (11).
    # Round 1: A 8, B 5, C 4, D 3 -> nobody has 11; D is lowest.
    # Round 2: D's "D>C" 2 go to C, "D" 1 exhausts: A 8, B 5, C 6, exhausted 1. Continuing
    #          votes 19, majority 10: nobody; B is lowest.
    # Round 3: B's 5 papers go to C: A 8, C 11 of 19 -> C elected.
    e = make("ABCD", [("A", 8), ("B>C", 5), ("C>B", 4), ("D>C", 2), ("D", 1)])
    result = count(e, "irv")
    assert table(result) == [
        {"A": 8, "B": 5, "C": 4, "D": 3},
        {"A": 8, "B": 5, "C": 6},
        {"A": 8, "C": 11},
    ]
    assert [r.exhausted for r in result.rounds] == [0, 1, 1]
    assert [r.quota for r in result.rounds] == [11, 10, 10]
    assert [r.excluded for r in result.rounds] == [(), (3,), (1,)]
    assert result.elected_names == ["C"]
    assert result.rounds[-1].elected == (2,)
    assert result.ties == ()
    assert_conserved(result)
    # The transfers of round 2: D -> C 2, D -> exhausted 1.
    moved = {(t.source, t.target): t.votes for t in result.rounds[1].transfers}
    assert moved == {(3, 2): 2, (3, None): 1}


def test_irv_stops_at_a_majority_in_round_one() -> None:
    e = make("ABC", [("A", 6), ("B", 3), ("C", 2)])
    result = count(e, "irv")
    assert len(result.rounds) == 1
    assert result.elected_names == ["A"]


def test_irv_equal_rankings_split_or_exhaust() -> None:
    # 13 papers: A=B>C 6 | C 5 | B 2.
    # split (default): round 1 gives A 3 and B 3 of the six equal papers: A 3, B 5, C 5; a
    #   majority of 13 is 7; A is lowest and excluded; the six papers' level {A, B} still has
    #   B, so B now holds all six: B 8, C 5 -> B elected.
    # exhaust: the six papers rank two continuing candidates equally first: exhausted at once.
    #   A 0, B 2, C 5, exhausted 6; majority of 7 continuing votes is 4: C elected.
    e = make("ABC", [("A=B>C", 6), ("C", 5), ("B", 2)])
    split = count(e, "irv")
    assert table(split) == [{"A": 3, "B": 5, "C": 5}, {"B": 8, "C": 5}]
    assert split.elected_names == ["B"]
    moved = {(t.source, t.target): t.votes for t in split.rounds[1].transfers}
    assert moved == {(0, 1): 3}
    assert_conserved(split)
    exhaust = count(e, "irv", CountOptions(extra={"equal_rankings": "exhaust"}))
    assert table(exhaust) == [{"A": 0, "B": 2, "C": 5}]
    assert exhaust.rounds[0].exhausted == 6
    assert exhaust.elected_names == ["C"]
    assert_conserved(exhaust)


def test_irv_split_shares_are_exact_fractions() -> None:
    # A=B=C 1 | D 1: thirds. Round 1: A, B, C 1/3 each, D 1; majority of 2 is more than 1.
    # A, B, C tie at 1/3 with no earlier stage: candidate order excludes C; the paper is
    # shared by A and B (1/2 each), who tie again: B goes. Then A 1 and D 1 tie in round 3;
    # looking back, A had 1/2 < 1 in round 2, so A is excluded and D elected.
    e = make("ABCD", [("A=B=C", 1), ("D", 1)])
    result = count(e, "irv")
    assert table(result)[0] == {
        "A": Fraction(1, 3),
        "B": Fraction(1, 3),
        "C": Fraction(1, 3),
        "D": 1,
    }
    assert table(result)[1] == {"A": Fraction(1, 2), "B": Fraction(1, 2), "D": 1}
    assert result.rounds[0].quota == Fraction(7, 6)  # least multiple of 1/6 above 1
    assert_conserved(result)
    assert len(result.ties) == 3
    assert result.elected_names == ["D"]


def test_irv_tie_for_exclusion_looks_back() -> None:
    # 21 papers: A 10 | B 5 | C>B 4 | D>C 1 | D 1. Majority: 11.
    # Round 1: A 10, B 5, C 4, D 2 -> D excluded; "D>C" -> C, "D" exhausts.
    # Round 2: A 10, B 5, C 5 (exhausted 1): B and C tie. Backwards: in round 1 C had 4 < 5,
    #          so C is excluded; "C>B" 4 -> B, "D>C" 1 exhausts.
    # Round 3: A 10, B 9, exhausted 2; majority of 19 is 10: A elected.
    # By candidate order with C most favoured (C, B, A, D), B would be excluded instead.
    e = make("ABCD", [("A", 10), ("B", 5), ("C>B", 4), ("D>C", 1), ("D", 1)])
    result = count(e, "irv")
    assert table(result)[1] == {"A": 10, "B": 5, "C": 5}
    assert result.rounds[2].excluded == (2,)
    (tie,) = result.ties
    assert tie.round == 3
    assert tie.purpose == "exclude"
    assert tie.tied == (1, 2)
    assert tie.chosen == 2
    assert tie.method == "backwards"
    assert "stage 1" in tie.detail
    assert result.elected_names == ["A"]
    assert_conserved(result)
    order = CountOptions(tie_break=TieBreakSpec(name="candidate-order", order=(2, 1, 0, 3)))
    other = count(e, "irv", order)
    assert other.rounds[2].excluded == (1,)
    assert "Ties:" in render_text(result)
    assert render_json(result)["ties"][0]["chosen"] == "C"


def test_irv_batch_elimination_is_off_by_default() -> None:
    # 22 papers: A 10 | B 8 | C>B 2 | D>B 1 | E>B 1. Majority 12.
    # Batch: D 1 + E 1 + C 2 = 4 < B 8, so D, E and C go together in round 2: B 8 + 4 = 12
    #   -> elected in two rounds, no tie.
    # One at a time (default): D and E tie at 1 at every stage: candidate order (A first)
    #   excludes E, then D, then C; B reaches 12 in round 4.
    e = make("ABCDE", [("A", 10), ("B", 8), ("C>B", 2), ("D>B", 1), ("E>B", 1)])
    single = count(e, "irv")
    assert [r.excluded for r in single.rounds] == [(), (4,), (3,), (2,)]
    assert single.elected_names == ["B"]
    assert len(single.ties) == 1
    batch = count(e, "irv", CountOptions(extra={"batch_elimination": True}))
    assert [sorted(r.excluded) for r in batch.rounds] == [[], [2, 3, 4]]
    assert table(batch)[1] == {"A": 10, "B": 12}
    assert batch.elected_names == ["B"]
    assert batch.ties == ()
    # Each source's transfers are kept apart (for the RCTab summary).
    moved = {(t.source, t.target): t.votes for t in batch.rounds[1].transfers}
    assert moved == {(2, 1): 2, (3, 1): 1, (4, 1): 1}
    assert_conserved(batch)


def test_irv_withdrawn_candidates_and_blank_papers() -> None:
    # B withdrew: "B>A" counts for A from the start; "B" alone is a valid paper exhausted from
    # round 1 (as in the STV methods and RCTab); an empty paper is blank (not valid).
    e = make("ABC", [("A", 3), ("B>A", 2), ("C", 4), ("B", 1), ("", 2)])
    e.candidates[1] = Candidate("B", withdrawn=True)
    # With an equal ranking the group-by-group reading counts: the same figures.
    split = make("ABC", [("A", 3), ("B>A", 2), ("C", 4), ("B", 1), ("", 2), ("B>A=C", 2)])
    split.candidates[1] = Candidate("B", withdrawn=True)
    for election, first in ((e, {"A": 5, "C": 4}), (split, {"A": 6, "C": 5})):
        result = count(election, "irv")
        assert table(result)[0] == first
        assert result.rounds[0].exhausted == 1
        assert result.valid == sum(first.values()) + 1
        assert any("1 papers rank only withdrawn" in note for note in result.notes)
        assert any("2 blank" in note for note in result.notes)
        assert_conserved(result)
    for method in ("wigm", "meek"):
        stv = count(e, method)
        assert stv.valid == 10
        assert stv.rounds[0].exhausted == 1


def test_irv_refuses_several_seats_and_bad_options() -> None:
    e = make("ABC", [("A", 3), ("B", 2)], seats=2)
    with pytest.raises(CountError, match="irv fills one seat"):
        count(e, "irv")
    assert count(e, "irv", CountOptions(seats=1)).elected_names == ["A"]
    with pytest.raises(CountError, match="equal_rankings"):
        count(e, "irv", CountOptions(seats=1, extra={"equal_rankings": "maybe"}))


def test_irv_tideman_a3_exclusion_order(elections_data) -> None:
    # Condorcet-PHP asserts the IRV order 6 > 8 > 4 > 11 > 2 > 5 > 14 > 1 = 7 > 12 > 3 > 9 > 10
    # > 15 > 13 for A3: the exclusions come in reverse, 1 and 7 tied, and 6 beats 8.
    election = read_blt(elections_data("tideman-hil", "A3.HIL"))
    result = count(election, "irv", CountOptions(seats=1))
    excluded = [result.candidates[c] for r in result.rounds for c in r.excluded]
    assert excluded[:6] == ["13", "15", "10", "9", "3", "12"]
    assert set(excluded[6:8]) == {"1", "7"}
    assert excluded[8:] == ["14", "5", "2", "11", "4"]
    assert {result.candidates[c] for c in result.rounds[-1].tallies} == {"6", "8"}
    assert result.elected_names == ["6"]
    assert any(
        t.tied == tuple(sorted((election.index_of("1"), election.index_of("7"))))
        for t in result.ties
    )
    assert_conserved(result)


@pytest.mark.parametrize("name", ["A1.HIL", "A60.HIL", "A77.HIL"])
def test_irv_on_tideman_data_conserves_votes(elections_data, name) -> None:
    election = read_blt(elections_data("tideman-hil", name), keep_after_title=True)
    result = count(election, "irv", CountOptions(seats=1))
    assert_conserved(result)
    final = result.rounds[-1]
    (winner,) = result.elected
    assert final.tallies[winner] > sum(final.tallies.values()) / 2 or len(final.tallies) == 1


def test_irv_counts_past_int64() -> None:
    # 2**62 papers each: A, B>A, C>B. Round 1: A, B, C 2**62 each (3 * 2**62 > int64).
    # Ties at every stage: candidate order excludes C, whose papers go to B: B 2 * 2**62
    # of 3 * 2**62 is more than half.
    big = 2**62
    e = Election(
        [Candidate("A"), Candidate("B"), Candidate("C")],
        1,
        Ballots(rankings=[((0,),), ((1,), (0,)), ((2,), (1,))], weights=[big, big, big]),
    )
    result = count(e, "irv")
    assert table(result) == [{"A": big, "B": big, "C": big}, {"A": big, "B": 2 * big}]
    assert result.elected_names == ["B"]
