"""Tie-breaks: backwards/forwards (narrowing), candidate order, seeded draws, recorded lot."""

from __future__ import annotations

import hashlib
from fractions import Fraction

import pytest

from moot.counting import Ballots, Candidate, CountError, Election, TieBreakSpec
from moot.counting.tiebreak import TieBreaker, draw_index

pytestmark = pytest.mark.pure

ELECTION = Election([Candidate(n) for n in "ABCD"], 1, Ballots())
# Stage 1: A 1, B 1, C 5, D 9; stage 2: A 4, B 3, C 5, D 4; now A, B, D tied on 6.
HISTORY = [
    {0: Fraction(1), 1: Fraction(1), 2: Fraction(5), 3: Fraction(9)},
    {0: Fraction(4), 1: Fraction(3), 2: Fraction(5), 3: Fraction(4)},
    {0: Fraction(6), 1: Fraction(6), 2: Fraction(7), 3: Fraction(6)},
]


def choose(spec: TieBreakSpec, tied=(0, 1, 3), want="lowest") -> tuple[int, TieBreaker]:
    breaker = TieBreaker(spec, ELECTION)
    chosen = breaker.choose(tied, want=want, history=HISTORY, round_number=4, purpose="exclude")
    return chosen, breaker


def test_backwards_uses_the_most_recent_stage_with_a_difference() -> None:
    chosen, breaker = choose(TieBreakSpec("backwards"))
    assert chosen == 1  # stage 2: B 3 is lowest
    record = breaker.records[0]
    assert record.tied == (0, 1, 3)
    assert "stage 2: A 4, B 3, D 4" in record.detail


def test_backwards_narrows_stage_by_stage() -> None:
    """Highest wanted: at stage 2 A and D share the top (4); narrowing keeps both and goes
    back to stage 1, where D (9) beats A (1). The "all unequal" reading would skip stage 2."""
    chosen, _ = choose(TieBreakSpec("backwards"), want="highest")
    assert chosen == 3


def test_forwards_uses_the_earliest_stage() -> None:
    chosen, _ = choose(TieBreakSpec("forwards"))  # stage 1: A 1, B 1, D 9 -> A, B; stage 2 B
    assert chosen == 1
    chosen, _ = choose(TieBreakSpec("forwards"), want="highest")
    assert chosen == 3


def test_equal_history_falls_back_to_candidate_order() -> None:
    breaker = TieBreaker(TieBreakSpec("backwards"), ELECTION)
    flat = [{0: Fraction(2), 1: Fraction(2)}]
    assert breaker.choose([0, 1], want="lowest", history=flat, round_number=2, purpose="x") == 1
    assert breaker.choose([0, 1], want="highest", history=flat, round_number=2, purpose="x") == 0
    assert breaker.records[0].method == "backwards, then candidate-order"


def test_candidate_order_given_explicitly() -> None:
    chosen, _ = choose(TieBreakSpec("candidate-order", order=(3, 1, 0, 2)))
    assert chosen == 0  # least favoured of A, B, D in the order D, B, A


def test_random_is_reproducible_and_published() -> None:
    first, breaker = choose(TieBreakSpec("random", seed=42))
    again, _ = choose(TieBreakSpec("random", seed=42))
    assert first == again
    assert "seed 42, draw 1" in breaker.records[0].detail
    picks = {choose(TieBreakSpec("random", seed=s))[0] for s in range(40)}
    assert picks == {0, 1, 3}
    # Anyone can recompute a draw from the documented recipe (no rejection needed for these).
    for seed, counter, size in [(42, 1, 3), (7, 5, 10), (2024, 3, 2)]:
        digest = hashlib.sha256(f"moot-tiebreak:{seed}:{counter}:0".encode()).hexdigest()
        assert draw_index(seed, counter, size) == (int(digest, 16) % size, digest)


def test_random_needs_a_seed() -> None:
    with pytest.raises(CountError, match="seed"):
        TieBreaker(TieBreakSpec("random"), ELECTION)


def test_lot_uses_recorded_decisions_in_order() -> None:
    breaker = TieBreaker(TieBreakSpec("lot", decisions=(3, 0)), ELECTION)
    kwargs = {"want": "lowest", "history": HISTORY, "round_number": 4, "purpose": "exclude"}
    assert breaker.choose([0, 1, 3], **kwargs) == 3
    assert breaker.choose([0, 1], **kwargs) == 0
    with pytest.raises(CountError, match="no decision by lot is recorded"):
        breaker.choose([0, 1], **kwargs)


def test_lot_decision_must_name_a_tied_candidate() -> None:
    breaker = TieBreaker(TieBreakSpec("lot", decisions=(2,)), ELECTION)
    with pytest.raises(CountError, match="not among the tied"):
        breaker.choose([0, 1], want="lowest", history=[], round_number=1, purpose="exclude")


def test_unknown_method_and_descriptions() -> None:
    with pytest.raises(CountError, match="unknown tie-break"):
        TieBreaker(TieBreakSpec("coin"), ELECTION)
    assert "seed 9" in TieBreaker(TieBreakSpec("random", seed=9), ELECTION).describe()
    assert "backwards" in TieBreaker(TieBreakSpec(), ELECTION).describe()
