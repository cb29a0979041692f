"""Ballot interpretation rules shared by the cast-vote-record readers (overvotes, skipped
rankings, repeated candidates), each on a paper small enough to check by eye, and the same
RCTab test ballots read from their CDF JSON and their ES&S xlsx giving the same election."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import shared_path

from moot.counting.formats import read_election
from moot.counting.formats._common import OVERVOTE, RankRules, Tally, interpret

pytestmark = pytest.mark.pure

A, B, C, D = 0, 1, 2, 3


def _read(positions, **rules) -> tuple:
    return interpret(positions, RankRules(**rules), Tally())


def test_overvote_exhausts_by_default() -> None:
    # A, then B and C both marked 2nd: the paper stops after A.
    assert _read([[A], [B, C], [D]]) == ((A,),)
    assert _read([[OVERVOTE], [B]]) == ()


def test_overvote_skip_passes_the_rank() -> None:
    assert _read([[A], [B, C], [D]], overvote="skip") == ((A,), (D,))
    assert _read([[OVERVOTE], [B]], overvote="skip") == ((B,),)


def test_overvote_equal_ranks_together_but_an_explicit_overvote_still_stops() -> None:
    assert _read([[A], [C, B], [D]], overvote="equal") == ((A,), (B, C), (D,))
    assert _read([[A], [OVERVOTE], [D]], overvote="equal") == ((A,),)


def test_skipped_rankings_limit() -> None:
    paper = [[A], [], [B], [], [], [C]]
    assert _read(paper) == ((A,), (B,), (C,))  # unlimited
    assert _read(paper, max_skipped=0) == ((A,),)  # one blank rank is too many
    assert _read(paper, max_skipped=1) == ((A,), (B,))  # two in a row are too many
    assert _read(paper, max_skipped=2) == ((A,), (B,), (C,))
    # Leading blanks count too (RCTab: rank - last rank, the last rank starting at 0).
    assert _read([[], [B]], max_skipped=0) == ()
    assert _read([[], [B]], max_skipped=1) == ((B,),)


def test_repeated_candidate() -> None:
    paper = [[D], [D], [A]]
    assert _read(paper) == ((D,), (A,))  # passed over
    assert _read(paper, duplicate="exhaust") == ((D,),)


def test_rules_apply_in_rctab_order() -> None:
    # The skipped-rank check comes before the overvote check at the same rank.
    assert _read([[A], [], [B, C]], max_skipped=0, overvote="skip") == ((A,),)
    # A skipped overvoted rank is not a blank rank: it does not count as skipped.
    assert _read([[A], [B, C], [D]], max_skipped=0, overvote="skip") == ((A,), (D,))


def test_max_rankings_ignores_later_ranks() -> None:
    assert _read([[A], [B], [C]], max_rankings=2) == ((A,), (B,))


def test_tally_counts_what_the_rules_did() -> None:
    tally = Tally()
    rules = RankRules(max_skipped=0)
    interpret([], rules, tally)
    interpret([[A], [B, C]], rules, tally)
    interpret([[A], [], [B]], rules, tally)
    assert (tally.papers, tally.blank) == (3, 1)
    assert tally.stopped == {"an overvote": 1, "skipped rankings": 1}


@pytest.mark.parametrize(
    "case",
    [
        "test_set_1_exhaust_at_overvote",
        "test_set_3_skipped_choice_exhaust",
        "test_set_4_skipped_choice_next",
        "test_set_5_two_skipped_choice_exhaust",
        "test_set_6_duplicate_exhaust",
        "test_set_7_duplicate_skip_to_next",
    ],
)
def test_cdf_and_xlsx_of_one_case_read_alike(case: str, tmp_path: Path) -> None:
    """RCTab ships these ballots both as CDF JSON and as an ES&S export; under the case's
    rules both must give the same papers."""
    folder = shared_path("elections-data", "rctab", case)
    config = json.loads((folder / f"{case}_config.json").read_text(encoding="utf-8"))
    cdf = read_election(folder / f"{case}_config.json")
    # The same config pointed at the xlsx export (candidate names there are A, B, C, D).
    config["cvrFileSources"] = [
        {
            "filePath": str(folder / f"{case}_cvr.xlsx"),
            "provider": "ess",
            "firstVoteColumnIndex": 2,
            "firstVoteRowIndex": 2,
            "overvoteLabel": "overvote",
            "skippedRankLabel": "undervote",
        }
    ]
    for candidate in config["candidates"]:
        candidate["aliases"] = [candidate["name"].split()[1]]
    other = tmp_path / "config.json"
    other.write_text(json.dumps(config), encoding="utf-8")
    ess = read_election(other)
    assert ess.names == cdf.names
    assert dict(zip(ess.ballots.rankings, ess.ballots.weights, strict=True)) == dict(
        zip(cdf.ballots.rankings, cdf.ballots.weights, strict=True)
    )
