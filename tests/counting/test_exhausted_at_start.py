"""Papers exhausted before their first preference (an overvote at rank 1) are exhausted from
the first round, not blank: ``Election.exhausted_at_start``, set by the cast-vote-record
readers and counted by irv and the STV methods (official US reports and RCTab count them as
inactive/exhausted). Truly blank papers (no mark at all) stay blank."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from tests.conftest import shared_path

from moot.counting import count
from moot.counting.formats import read_election
from moot.counting.formats._common import OVERVOTE, RankRules, Tally, interpret
from moot.counting.formats.ranked_vote import read_ranked_vote
from moot.counting.formats.rctab import rctab_plan
from moot.counting.model import Ballots, Candidate, CountError, CountOptions, Election

pytestmark = pytest.mark.pure

STV = ("scottish-stv", "wigm", "ers97", "gregory", "meek")

# ranked.vote CSV: 1 A>B, 2 B, 3 an overvote at rank 1, 4 nothing marked, 5 C then an
# overvote, 6 a skipped rank 1 then an overvote at rank 2, 7 A, 8 C.
CSV = """ballot_id,rank,choice
1,1,A
1,2,B
2,1,B
3,1,$OVERVOTE
3,2,A
4,1,$UNDERVOTE
4,2,$UNDERVOTE
5,1,C
5,2,$OVERVOTE
6,1,$UNDERVOTE
6,2,$OVERVOTE
7,1,A
8,1,C
"""


def _read(tmp_path: Path) -> Election:
    path = tmp_path / "small.normalized.csv"
    path.write_text(CSV, encoding="utf-8")
    return read_ranked_vote(path)


def test_the_reader_tells_exhausted_from_blank(tmp_path: Path) -> None:
    """Papers 3 and 6 have marks but no preference (their first mark that counts is an
    overvote): exhausted at the start. Paper 4 has no mark: blank. Paper 5 has a preference
    (C) and stops later, as any exhausted paper."""
    election = _read(tmp_path)
    ballots = election.ballots
    empty = sum(w for r, w in zip(ballots.rankings, ballots.weights, strict=True) if not r)
    assert empty == 3
    assert election.exhausted_at_start == 2
    assert "1 blank" in election.comment
    assert "2 exhausted before a first preference" in election.comment


def test_interpret_counts_by_weight() -> None:
    tally = Tally()
    assert interpret([[OVERVOTE], [0]], RankRules(), tally, weight=5) == ()
    assert interpret([[], []], RankRules(), tally, weight=3) == ()
    assert interpret([[0], [OVERVOTE]], RankRules(), tally, weight=2) == ((0,),)
    # Under "skip" an overvote is passed over: a paper holding only overvotes has marks
    # but no preference either.
    assert interpret([[0, 1]], RankRules(overvote="skip"), tally, weight=7) == ()
    assert tally.exhausted_at_start == 12
    assert tally.blank == 1


def test_irv_counts_them_exhausted_from_round_one(tmp_path: Path) -> None:
    """7 papers counted (8 less the blank one). Round 1: A 2 (papers 1, 7), B 1, C 2
    (papers 5, 8), exhausted 2 (papers 3, 6); majority needs 3 of 5. B is excluded: paper 2
    has no further choice -> exhausted 3. A and C tie at 2; the backwards rule finds no
    earlier difference and the candidate order excludes C; papers 5 and 8 exhaust -> A 2,
    exhausted 5, A elected as the last continuing candidate."""
    election = _read(tmp_path)
    result = count(election, "irv")
    assert result.valid == 7
    first = result.rounds[0]
    assert first.exhausted == 2
    assert dict(first.tallies) == {0: 2, 1: 1, 2: 2}
    assert result.rounds[1].exhausted == 3
    for r in result.rounds:
        assert sum(r.tallies.values(), Fraction(0)) + r.exhausted + r.loss == result.valid
    assert any("2 papers exhausted before their first preference" in n for n in result.notes)
    assert any("1 blank papers" in n for n in result.notes)


@pytest.mark.parametrize("method", ["plurality", "schulze", "schulze-margins", "ranked-pairs"])
def test_single_round_methods_report_them_exhausted(method: str, tmp_path: Path) -> None:
    """Plurality and the Condorcet methods (first preferences, for information) read the same
    8 papers as irv's first round: 7 valid, A 2, B 1, C 2 and 2 exhausted (papers 3 and 6);
    the blank paper 4 is not counted."""
    election = _read(tmp_path)
    result = count(election, method)
    irv = count(election, "irv").rounds[0]
    assert result.valid == 7
    (round_one,) = result.rounds
    assert dict(round_one.tallies) == dict(irv.tallies) == {0: 2, 1: 1, 2: 2}
    assert round_one.exhausted == irv.exhausted == 2
    assert sum(round_one.tallies.values(), Fraction(0)) + round_one.exhausted == result.valid
    assert any("2 papers exhausted before their first preference" in n for n in result.notes)
    assert any(n.startswith("1 blank papers") for n in result.notes)


@pytest.mark.parametrize("method", ["block", "approval"])
def test_block_and_approval_report_them_exhausted(method: str, tmp_path: Path) -> None:
    """Papers that vote for several candidates: the 2 exhausted papers are valid and vote for
    nobody (A 1+7, B 1+2, C 5+8 under approval; block with 1 seat is plurality)."""
    election = _read(tmp_path)
    result = count(election, method)
    assert result.valid == 7
    assert result.rounds[0].exhausted == 2
    assert any("2 papers exhausted before their first preference" in n for n in result.notes)


@pytest.mark.parametrize("method", STV)
def test_stv_counts_them_exhausted_but_not_in_the_quota(method: str, tmp_path: Path) -> None:
    """The same papers with 2 seats: valid 7, exhausted 2 from the first stage; the quota is
    the one of the 5 papers with a preference (the exhausted papers give no vote to anyone),
    exactly as if those papers had been left out: 5/3 (Scottish floor(5/3) + 1 = 2), so A (2)
    and C (2) are elected at the first stage."""
    election = _read(tmp_path)
    two = CountOptions(seats=2)
    result = count(election, method, two)
    assert result.valid == 7
    assert set(result.elected_names) == {"A", "C"}
    assert result.rounds[0].exhausted == 2
    for r in result.rounds:
        assert sum(r.tallies.values(), Fraction(0)) + r.exhausted + r.loss == result.valid
    without = Election(
        candidates=election.candidates,
        seats=election.seats,
        ballots=election.ballots,
        title=election.title,
    )
    plain = count(without, method, two)
    assert plain.valid == 5
    assert result.rounds[0].quota == plain.rounds[0].quota
    assert result.elected == plain.elected


def test_a_claim_beyond_the_empty_papers_is_refused() -> None:
    election = Election(
        candidates=[Candidate("A"), Candidate("B")],
        seats=1,
        ballots=Ballots.aggregate([(((0,),), 3), ((), 1)]),
        exhausted_at_start=2,
    )
    for method in ("irv", "wigm", "meek"):
        with pytest.raises(CountError, match="only 1 papers have no preference"):
            count(election, method)


# RCTab reports the inactive ballots of each round. With the overvote-exhausted papers counted
# as exhausted from the start, moot's first-round exhausted figure is RCTab's (its first tally
# state: the round after the undeclared write-ins' own round when RCTab gives them one).
# In the Minneapolis mayor contests papers ranking only undeclared write-ins (a withdrawn
# candidate) are counted exhausted from round 1, as RCTab counts them inactive.
RCTAB_ROUND_ONE = (
    "2013_minneapolis_mayor",
    "2017_minneapolis_mayor",
    "2013_minneapolis_park",
    "2013_minneapolis_park_hare",
    "2015_portland_mayor",
    "minneapolis_multi_seat_threshold",
    "multi_seat_uwi_test",
    "test_set_1_exhaust_at_overvote",
    "test_set_2_overvote_skip_to_next",
    "test_set_3_skipped_choice_exhaust",
    "test_set_multi_winner_fractional_threshold",
    "test_set_multi_winner_whole_threshold",
)


@pytest.mark.parametrize("name", RCTAB_ROUND_ONE)
def test_first_round_exhausted_matches_rctab_inactive(name: str) -> None:
    config = shared_path("elections-data", "rctab", name, f"{name}_config.json")
    expected = json.loads(
        (config.parent / f"{name}_expected_detailed_report.json").read_text(encoding="utf-8")
    )
    rounds = expected["results"]
    if [t.get("eliminated") for t in rounds[0]["tallyResults"]] == ["Undeclared Write-ins"]:
        rounds = rounds[1:]
    inactive = sum(Fraction(v) for v in rounds[0]["inactiveBallots"].values())
    election = read_election(config)
    plan = rctab_plan(config)
    result = count(election, plan.method, plan.options)
    assert result.rounds[0].exhausted == inactive
    assert inactive > 0 or election.exhausted_at_start == 0


@pytest.mark.parametrize(
    ("name", "first", "at_start", "withdrawn_only"),
    [("2013_minneapolis_mayor", 187, 150, 37), ("2017_minneapolis_mayor", 161, 75, 86)],
)
def test_minneapolis_mayor_exhausted_equals_rctab_inactive_in_every_round(
    name: str, first: int, at_start: int, withdrawn_only: int
) -> None:
    config = shared_path("elections-data", "rctab", name, f"{name}_config.json")
    expected = json.loads(
        (config.parent / f"{name}_expected_detailed_report.json").read_text(encoding="utf-8")
    )
    rounds = expected["results"]
    assert [t.get("eliminated") for t in rounds[0]["tallyResults"]] == ["Undeclared Write-ins"]
    inactive = [sum(Fraction(v) for v in r["inactiveBallots"].values()) for r in rounds[1:]]
    election = read_election(config)
    plan = rctab_plan(config)
    result = count(election, plan.method, plan.options)
    assert [r.exhausted for r in result.rounds] == inactive
    assert result.rounds[0].exhausted == first
    assert election.exhausted_at_start == at_start
    assert f"{withdrawn_only} papers rank only withdrawn candidates" in " ".join(result.notes)


@pytest.mark.parametrize("method", ["wigm", "meek"])
def test_blank_papers_are_counted_once_with_equal_rankings(method: str) -> None:
    """With a paper ranking A=B the Gregory engine splits every paper into 2 orders (factor
    2); the one blank paper is still one blank paper (it was reported as 9)."""
    election = Election(
        candidates=[Candidate("A"), Candidate("B"), Candidate("C")],
        seats=1,
        ballots=Ballots.aggregate([(((0, 1),), 3), (((2,),), 4), ((), 1)]),
    )
    result = count(election, method)
    assert result.valid == 7
    assert any(note.startswith("1 blank papers") for note in result.notes)
