"""Constrained STV: several candidates over the quota at one stage are elected one at a time,
and the guard/doom verdict is taken again after each election (a regression: the Gregory
engine used to check the constraints once per stage and elected them all)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from moot.counting import count
from moot.counting.model import (
    Ballots,
    Candidate,
    Constraints,
    CountOptions,
    Election,
    GroupConstraint,
    TieBreakSpec,
)

pytestmark = pytest.mark.pure

GREGORY_FAMILY = ("scottish-stv", "wigm", "gregory", "ers97")
ALL_STV = (*GREGORY_FAMILY, "meek")

NAMES = "ABCDE"  # A, B, C men; D, E women


def _election() -> Election:
    """100 papers: 30 A>D, 27 B>E, 26 C>D, 10 D, 7 E; 3 seats."""
    index = {n: i for i, n in enumerate(NAMES)}
    ballots = [("AD", 30), ("BE", 27), ("CD", 26), ("D", 10), ("E", 7)]
    items = [(tuple((index[ch],) for ch in ranking), weight) for ranking, weight in ballots]
    return Election(
        candidates=[Candidate(n) for n in NAMES],
        seats=3,
        ballots=Ballots.aggregate(items),
        title="three men over the quota",
    )


AT_LEAST_ONE_WOMAN = Constraints(
    (
        GroupConstraint("Gender", "Men", 0, 3, frozenset({0, 1, 2})),
        GroupConstraint("Gender", "Women", 1, 3, frozenset({3, 4})),
    )
)


def _excluded(result) -> list[str]:
    return [result.candidates[c] for r in result.rounds for c in r.excluded]


@pytest.mark.parametrize("method", ALL_STV)
def test_without_constraints_the_three_men_win(method: str) -> None:
    result = count(_election(), method)
    assert set(result.elected_names) == {"A", "B", "C"}


def test_scottish_stv_elects_one_at_a_time_and_dooms_the_third_man() -> None:
    """3 seats, at least 1 woman (D, E). 100 valid papers, Scottish quota floor(100/4)+1 = 26.

    Stage 1 (first preferences): A 30, B 27, C 26, D 10, E 7. A, B and C are all at or over
    the quota. They are elected one at a time, highest first, asking the constraints before
    each election:
      * before A: 3 seats left, Women need 1 -> nobody doomed; A (30) is elected;
      * before B: 2 seats left, Women need 1 -> a man may still take one; B (27) is elected;
      * before C: 1 seat left and Women still need 1 -> that seat must go to a woman, so C is
        doomed: he reached the quota but is not elected.
    The stage ends with A and B elected; surpluses A 4, B 1.
    Stage 2: A's surplus, 4/30 per paper = 0.13333 (5 places, remainder ignored): 30 papers
      to D, +3.99990 -> D 13.99990; 0.00010 lost to rounding.
    Stage 3: B's surplus, 1/27 = 0.03703 per paper: 27 papers to E, +0.99981 -> E 7.99981;
      0.00019 lost.
    Stage 4: the doomed C is excluded before anyone else; his 26 papers go on at full value
      to D: D 13.99990 + 26 = 39.99990 >= 26, so D is elected. Result A, B, D.
    Check: A 26 + B 26 + D 39.99990 + E 7.99981 + loss 0.00029 = 100.
    """
    result = count(_election(), "scottish-stv", CountOptions(constraints=AT_LEAST_ONE_WOMAN))
    assert result.elected_names == ["A", "B", "D"]
    first, second, third, fourth = result.rounds
    assert [result.candidates[c] for c in first.elected] == ["A", "B"]
    assert any("C reached the quota but cannot be elected" in note for note in first.notes)
    assert second.tallies[3] == Fraction("13.9999")
    assert third.tallies[4] == Fraction("7.99981")
    assert [result.candidates[c] for c in fourth.excluded] == ["C"]
    assert [result.candidates[c] for c in fourth.elected] == ["D"]
    assert fourth.tallies[3] == Fraction("39.9999")
    assert fourth.loss == Fraction("0.00029")


@pytest.mark.parametrize("method", ALL_STV)
def test_every_stv_method_elects_a_woman_and_passes_the_doomed_man_on(method: str) -> None:
    """The same count by every STV rule set: A and B first, C doomed and excluded, D (who gets
    C's papers) takes the third seat; the votes are conserved in every round."""
    result = count(_election(), method, CountOptions(constraints=AT_LEAST_ONE_WOMAN))
    assert result.elected_names[:2] == ["A", "B"]
    assert set(result.elected_names) == {"A", "B", "D"}
    assert "C" in _excluded(result)
    for rnd in result.rounds:
        assert sum(rnd.tallies.values(), Fraction(0)) + rnd.exhausted + rnd.loss == result.valid


@pytest.mark.parametrize("method", ALL_STV)
def test_a_maximum_reached_within_the_stage(method: str) -> None:
    """At most 1 of A, B, C: A (30) is elected first; that fills the group's maximum, so B
    (27) and C (26), though over the quota at the same stage, are doomed and excluded; their
    papers go to E and D, who fill the two seats left. Result A, D, E (A first)."""
    at_most_one_man = Constraints(
        (
            GroupConstraint("Gender", "Men", 0, 1, frozenset({0, 1, 2})),
            GroupConstraint("Gender", "Women", 0, 3, frozenset({3, 4})),
        )
    )
    result = count(_election(), method, CountOptions(constraints=at_most_one_man))
    assert result.elected_names[0] == "A"
    assert set(result.elected_names) == {"A", "D", "E"}


@pytest.mark.parametrize("method", ALL_STV)
@pytest.mark.parametrize(("order", "winner"), [((0, 1, 2), "A"), ((1, 0, 2), "B")])
def test_a_tie_over_the_quota_is_broken_by_the_rule_when_only_one_may_win(
    method: str, order: tuple[int, ...], winner: str
) -> None:
    """2 seats, at least 1 woman: men A 40 and B 40 are both over the quota, woman D has 20.
    Only one man may be elected, so who goes first decides: the tie rule (here the candidate
    order given) chooses, the tie is recorded, and the other man is doomed; D takes the
    second seat."""
    names = "ABD"
    election = Election(
        candidates=[Candidate(n) for n in names],
        seats=2,
        ballots=Ballots.aggregate([(((0,),), 40), (((1,),), 40), (((2,),), 20)]),
    )
    rule = Constraints(
        (
            GroupConstraint("Gender", "Men", 0, 2, frozenset({0, 1})),
            GroupConstraint("Gender", "Women", 1, 2, frozenset({2})),
        )
    )
    options = CountOptions(constraints=rule, tie_break=TieBreakSpec(order=order))
    result = count(election, method, options)
    assert result.elected_names == [winner, "D"]
    assert [(t.tied, t.purpose) for t in result.ties] == [((0, 1), "elect")]
