"""schulze, schulze-margins, ranked-pairs: hand-derived fixtures (derivations in the tests)."""

from __future__ import annotations

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
from moot.counting.methods.condorcet import schulze_paths

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


def ranking(result) -> str:
    return " > ".join("=".join(result.candidates[c] for c in level) for level in result.ranking)


# Schulze's own example (Schulze 2011, section 3.1; also the Wikipedia article): 45 papers.
SCHULZE_EXAMPLE = [
    ("A>C>B>E>D", 5),
    ("A>D>E>C>B", 5),
    ("B>E>D>A>C", 8),
    ("C>A>B>E>D", 3),
    ("C>A>E>B>D", 7),
    ("C>B>A>D>E", 2),
    ("D>C>E>B>A", 7),
    ("E>B>A>D>C", 8),
]


def test_pairwise_matrix_of_schulzes_example() -> None:
    # d[A][B]: papers with A above B: ACBED 5 + ADECB 5 + CABED 3 + CAEBD 7 = 20; and so on.
    result = count(make("ABCDE", SCHULZE_EXAMPLE), "schulze")
    assert [list(row) for row in result.pairwise] == [
        [0, 20, 26, 30, 22],
        [25, 0, 16, 33, 18],
        [19, 29, 0, 17, 24],
        [15, 12, 28, 0, 14],
        [23, 27, 21, 31, 0],
    ]
    # Every pair of candidates is separated by every paper (full rankings): d[a][b]+d[b][a]=45.
    for a in range(5):
        for b in range(5):
            if a != b:
                assert result.pairwise[a][b] + result.pairwise[b][a] == 45


def test_schulze_winning_votes_on_schulzes_example() -> None:
    # Strongest paths (winning votes), as in Schulze's paper:
    #   A: - 28 28 30 24 | B: 25 - 28 33 24 | C: 25 29 - 29 24 | D: 25 28 28 - 24
    #   E: 25 28 28 31 -
    # E beats everyone (25>24, 28>24, 28>24, 31>24); A beats C (28>25), B (28>25), D (30>25);
    # C beats B (29>28) and D (29>28); B beats D (33>28): E > A > C > B > D.
    result = count(make("ABCDE", SCHULZE_EXAMPLE), "schulze")
    p = schulze_paths([list(r) for r in result.pairwise], range(5), margins=False)
    assert [[p[a][b][0] for b in range(5) if b != a] for a in range(5)] == [
        [28, 28, 30, 24],
        [25, 28, 33, 24],
        [25, 29, 29, 24],
        [25, 28, 28, 24],
        [25, 28, 28, 31],
    ]
    assert ranking(result) == "E > A > C > B > D"
    assert result.elected_names == ["E"]
    assert result.notes[0].startswith("no Condorcet winner")
    assert count(make("ABCDE", SCHULZE_EXAMPLE, seats=2), "schulze").elected_names == ["E", "A"]


def test_ranked_pairs_on_schulzes_example() -> None:
    # Majorities, strongest first (winning votes): B>D 33, E>D 31, A>D 30, C>B 29, D>C 28,
    # E>B 27, A>C 26, B>A 25, C>E 24, E>A 23.
    # Lock B>D, E>D, A>D, C>B; D>C would close D>C>B>D: skipped; lock E>B, A>C; B>A closes
    # A>C>B>A: skipped; lock C>E; E>A closes A>C>E>A: skipped.
    # Locked graph: A>C>E>B>D (and the rest), so A > C > E > B > D: A wins, not E.
    result = count(make("ABCDE", SCHULZE_EXAMPLE), "ranked-pairs")
    assert ranking(result) == "A > C > E > B > D"
    assert result.elected_names == ["A"]
    skipped = [n for n in result.notes if n.startswith("not locked")]
    assert skipped == [
        "not locked (would close a cycle): D > C",
        "not locked (would close a cycle): B > A",
        "not locked (would close a cycle): E > A",
    ]


# A cycle where winning votes and margins disagree (22 papers; unranked candidates last):
#   B>C>A 9 | C>A>B 2 | B 1 | A 10
# d[A][B] = 2 + 10 = 12, d[B][A] = 9 + 1 = 10   -> A>B, winning votes 12, margin 2
# d[B][C] = 9 + 1 = 10,  d[C][B] = 2            -> B>C, winning votes 10, margin 8
# d[C][A] = 9 + 2 = 11,  d[A][C] = 10           -> C>A, winning votes 11, margin 1
CYCLE = [("B>C>A", 9), ("C>A>B", 2), ("B", 1), ("A", 10)]


def test_winning_votes_and_margins_differ() -> None:
    # Winning votes: the weakest link of the cycle is B>C (10): p[C][B] = min(11, 12) = 11 > 10,
    # p[A][B] = 12 > min(10, 11), p[C][A] = 11 > min(12, 10): C > A > B.
    # Margins: the weakest link is C>A (1): p[A][C] = min(2, 8) = 2 > 1, p[A][B] = 2 > 1,
    # p[B][C] = 8 > min(1, 2): A > B > C.
    e = make("ABC", CYCLE)
    assert ranking(count(e, "schulze")) == "C > A > B"
    assert ranking(count(e, "schulze-margins")) == "A > B > C"
    # Ranked pairs, winning votes: lock A>B 12, C>A 11; B>C closes a cycle: C > A > B.
    # By margins: lock B>C 8, A>B 2; C>A closes a cycle: A > B > C.
    assert ranking(count(e, "ranked-pairs")) == "C > A > B"
    margins = CountOptions(extra={"strength": "margins"})
    assert ranking(count(e, "ranked-pairs", margins)) == "A > B > C"


def test_unranked_candidates_ignored() -> None:
    # With unranked candidates not compared, the bullet votes "B" and "A" say nothing:
    # d[B][A] = 9 > 2, d[B][C] = 9 > 2, d[C][A] = 11 > 0: B is the Condorcet winner, B > C > A.
    result = count(make("ABC", CYCLE), "schulze", CountOptions(extra={"unranked": "ignore"}))
    assert ranking(result) == "B > C > A"
    assert result.notes[0] == "Condorcet winner: B"
    with pytest.raises(CountError, match="unranked"):
        count(make("ABC", CYCLE), "schulze", CountOptions(extra={"unranked": "maybe"}))


def test_a_simple_cycle_is_broken_at_its_weakest_link() -> None:
    # A>B>C 4 | B>C>A 3 | C>A>B 2: A>B 6-3, B>C 7-2, C>A 5-4. All three methods drop C>A
    # (weakest by winning votes 5 and by margin 1): A > B > C.
    e = make("ABC", [("A>B>C", 4), ("B>C>A", 3), ("C>A>B", 2)])
    for method in ("schulze", "schulze-margins", "ranked-pairs"):
        assert ranking(count(e, method)) == "A > B > C"


def test_equal_rankings_do_not_compare() -> None:
    # A=B>C 4 | C>A 3: the four papers say nothing about A against B.
    # d[A][B] = 3 (C>A puts A above the unranked B), d[B][A] = 0; A>C 4-3, B>C 4-3.
    result = count(make("ABC", [("A=B>C", 4), ("C>A", 3)]), "schulze")
    assert result.pairwise[0][1] == 3
    assert result.pairwise[1][0] == 0
    assert ranking(result) == "A > B > C"


def test_a_tie_for_the_seat_is_broken_and_recorded() -> None:
    # A 1 | B 1: A and B tie 1-1, both beat C: ranking A=B > C. One seat: the tie-break
    # (no earlier stage: candidate order, A first) elects A and records it.
    e = make("ABC", [("A", 1), ("B", 1)])
    result = count(e, "schulze")
    assert ranking(result) == "A=B > C"
    assert result.elected_names == ["A"]
    (tie,) = result.ties
    assert tie.purpose == "elect"
    assert tie.tied == (0, 1)
    two = count(e, "schulze", CountOptions(seats=2))
    assert two.elected_names == ["A", "B"]
    assert two.ties == ()
    lot = CountOptions(tie_break=TieBreakSpec(name="lot", decisions=(1,)))
    assert count(e, "ranked-pairs", lot).elected_names == ["B"]


def test_ranked_pairs_equal_strength_cycle_uses_a_tie_breaking_ranking() -> None:
    # A>B>C 1 | B>C>A 1 | C>A>B 1: A>B, B>C and C>A are all 2-1, equally strong, and
    # together a cycle: the order among them decides. The tie-breaking ranking (candidate
    # order A, B, C) takes A>B first (its winner ranks highest), then B>C; C>A is skipped:
    # A > B > C. With the order C, B, A: C>A, then B>C; A>B is skipped: B > C > A.
    e = make("ABC", [("A>B>C", 1), ("B>C>A", 1), ("C>A>B", 1)])
    result = count(e, "ranked-pairs")
    assert ranking(result) == "A > B > C"
    assert [t.purpose for t in result.ties] == ["order", "order"]
    assert any("tie-breaking ranking: A > B > C" in n for n in result.notes)
    reverse = CountOptions(tie_break=TieBreakSpec(name="candidate-order", order=(2, 1, 0)))
    assert ranking(count(e, "ranked-pairs", reverse)) == "B > C > A"
    # Schulze finds every path equally strong: all three tie; one seat goes by the tie-break.
    schulze = count(e, "schulze")
    assert ranking(schulze) == "A=B=C"
    assert len(schulze.ties) == 1


def test_withdrawn_candidates_are_left_out() -> None:
    e = make("ABC", [("C>B>A", 5), ("A>B", 4)])
    e.candidates[2] = Candidate("C", withdrawn=True)
    result = count(e, "schulze")
    assert ranking(result) == "B > A"
    assert result.withdrawn == (2,)


def test_voting_matters_12_from_blt(elections_data) -> None:
    # SC-Vm-12 (Voting Matters 12): A and B tie 1001-1001 and beat everyone; X > Y > Z.
    election = read_blt(elections_data("droop", "blt", "SC-Vm-12.blt"))
    for method in ("schulze", "schulze-margins", "ranked-pairs"):
        result = count(election, method)
        assert ranking(result) == "A=B > X > Y > Z"
        # A and B both fit in the three seats: listed in the BLT tie order (the candidate
        # listed first is least favoured), which decides nothing.
        assert result.elected_names == ["B", "A", "X"]
        assert result.ties == ()


def test_counts_stay_exact_past_int64() -> None:
    # 2**62 papers each of A>B, A and B: 3 * 2**62 papers, more than int64 holds.
    # d[A][B] = 2 * 2**62 = 2**63 (one more than the largest int64), d[B][A] = 2**62.
    big = 2**62
    e = Election(
        [Candidate("A"), Candidate("B")],
        1,
        Ballots(rankings=[((0,), (1,)), ((0,),), ((1,),)], weights=[big, big, big]),
    )
    result = count(e, "schulze")
    assert result.pairwise == ((0, 2 * big), (big, 0))
    assert result.valid == 3 * big
    assert result.rounds[0].tallies == {0: 2 * big, 1: big}
    assert result.elected_names == ["A"]
    approval = count(e, "approval")
    assert approval.rounds[0].tallies == {0: 2 * big, 1: 2 * big}
    assert count(e, "plurality").rounds[0].tallies == {0: 2 * big, 1: big}


def test_equal_winning_votes_are_told_apart_by_the_opposition() -> None:
    # ABC 5 | BCA 5 | CAB 4 | A 1 | C 2 (17 papers, unranked last):
    #   A>B 10-5, B>C 10-6, C>A 11-6: a cycle whose two weakest links have 10 winning votes.
    # Schulze 2011 §2.1 compares links by winning votes, then by the smaller opposition:
    #   A>B (10, 5) is stronger than B>C (10, 6).
    #   p[A][B] = (10, 5) > p[B][A] = min(B>C, C>A) = (10, 6): A above B;
    #   p[C][B] = min(C>A, A>B) = (10, 5) > p[B][C] = (10, 6): C above B;
    #   p[C][A] = (11, 6) > p[A][C] = min(A>B, B>C) = (10, 6): C above A.  C > A > B.
    # (By winning votes alone A/B and B/C would both tie: B = C > A.)
    e = make("ABC", [("A>B>C", 5), ("B>C>A", 5), ("C>A>B", 4), ("A", 1), ("C", 2)])
    result = count(e, "schulze")
    assert [list(row) for row in result.pairwise] == [[0, 10, 6], [5, 0, 10], [11, 6, 0]]
    assert ranking(result) == "C > A > B"
    # Margins (A>B 5, B>C 4, C>A 5) and ranked pairs agree here.
    assert ranking(count(e, "schulze-margins")) == "C > A > B"
    assert ranking(count(e, "ranked-pairs")) == "C > A > B"
