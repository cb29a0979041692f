"""Conservation of votes in every round of every STV method, on small, tie-rich elections.

``sum(tallies) + exhausted + loss == valid`` must hold in every round (model.Round). The
elections here have few candidates, small weights (many ties) and one or two seats, so that
counts often end in a round taken without iterating — "Elect remaining" or "Defeat remaining"
straight after a defeat — where Meek once dropped the defeated candidate's votes.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moot.counting import Ballots, Candidate, Election, count

pytestmark = pytest.mark.pure

METHODS = ("meek", "meek-nz", "meek-parametric", "scottish-stv", "wigm", "ers97", "gregory", "irv")


@st.composite
def small_elections(draw) -> Election:
    n = draw(st.integers(2, 4))
    seats = 1 if n == 2 else draw(st.integers(1, 2))
    rankings = draw(
        st.lists(
            st.tuples(st.permutations(range(n)), st.integers(1, n), st.integers(1, 3)),
            min_size=1,
            max_size=8,
        )
    )
    items = [(tuple((c,) for c in perm[:length]), w) for perm, length, w in rankings]
    blank = draw(st.integers(0, 2))  # empty papers: blank, or exhausted at the first rank
    items.append(((), blank))
    return Election(
        candidates=[Candidate(f"C{i}") for i in range(n)],
        seats=seats,
        ballots=Ballots.aggregate(items),
        exhausted_at_start=draw(st.integers(0, blank)),
    )


def assert_conserved(result) -> None:
    for r in result.rounds:
        held = sum(r.tallies.values(), Fraction(0))
        assert held + r.exhausted + r.loss == result.valid, (r.number, r.action)
        assert r.exhausted >= 0
        assert r.loss >= 0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_elections(), st.sampled_from(METHODS))
def test_votes_are_conserved_in_every_round_of_small_tied_counts(election, method) -> None:
    if method == "irv":
        election.seats = 1
    result = count(election, method)
    assert_conserved(result)
    assert len(result.elected) == election.seats


@pytest.mark.parametrize("method", ["meek", "meek-nz", "meek-parametric"])
def test_meek_elect_remaining_after_a_defeat_keeps_the_defeated_votes(method) -> None:
    # A 2, B 1, C 2, one seat: B then C are defeated, A is elected as the last hopeful.
    # C's two papers go nowhere, so the last round shows A 2 and 3 exhausted of 5.
    election = Election(
        candidates=[Candidate(x) for x in "ABC"],
        seats=1,
        ballots=Ballots.aggregate([(((0,),), 2), (((1,),), 1), (((2,),), 2)]),
    )
    result = count(election, method)
    assert result.elected_names == ["A"]
    last = result.rounds[-1]
    assert last.action == "Elect remaining: A"
    assert dict(last.tallies) == {0: 2}
    assert last.exhausted == 3
    assert_conserved(result)


@pytest.mark.parametrize("method", ["meek", "meek-nz"])
def test_meek_elect_remaining_after_a_defeat_shows_the_transfer(method) -> None:
    # A 3, B 2, C>B 2, two seats: A is elected, C is defeated, and B is elected as the last
    # hopeful. The last round shows C's two papers transferred to B (B 4), A as before.
    election = Election(
        candidates=[Candidate(x) for x in "ABC"],
        seats=2,
        ballots=Ballots.aggregate([(((0,),), 3), (((1,),), 2), (((2,), (1,)), 2)]),
    )
    result = count(election, method)
    assert result.elected_names == ["A", "B"]
    before, last = result.rounds[-2:]
    assert before.excluded == (2,)
    assert last.action == "Elect remaining: B"
    assert dict(last.tallies) == {0: before.tallies[0], 1: 4}
    assert last.exhausted == before.exhausted
    assert_conserved(result)
