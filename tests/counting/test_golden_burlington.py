"""Burlington, Vermont, mayor 2009 (IRV), from ranked.vote's normalised cast-vote records.

Reference (../shared/elections-data/README.md section 7, from pyrankvote's test and
re-computed there): 5 rounds; final round Bob Kiss 4313, Kurt Wright 4060, 607 exhausted;
first choices Kurt Wright 2951, Bob Kiss 2585, Andy Montroll 2063, Dan Smith 1306, Write-in
36, James Simpson 35, overvote 4. Interpretation: an overvote exhausts the paper, skipped
rankings are passed over (the reader's defaults for this format).

The 607 "exhausted" of the reference include the 4 papers whose first choice is an overvote.
As in official US reports (and RCTab's "exhaust immediately"), moot counts such a paper as
exhausted from the first round, not as blank: the reader records them
(``Election.exhausted_at_start``), so the final round shows 607 exhausted directly and every
round accounts for all 8980 papers.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from tests.conftest import shared_path

from moot.counting import count
from moot.counting.cli import main
from moot.counting.formats import detect_format, read_election

pytestmark = pytest.mark.pure

FILE = ("elections-data", "ranked-vote-burlington2009", "us_vt_btv_2009_03_mayor.normalized.csv")


def test_irv_final_round_4313_4060_with_607_exhausted() -> None:
    path = shared_path(*FILE)
    assert detect_format(path) == "ranked-vote"
    election = read_election(path)
    assert election.ballots.total == 8980
    result = count(election, "irv")
    assert result.elected_names == ["Bob Kiss"]
    assert len(result.rounds) == 5
    final = result.rounds[-1]
    by_name = {result.candidates[i]: v for i, v in final.tallies.items() if v}
    assert by_name == {"Bob Kiss": 4313, "Kurt Wright": 4060}
    assert final.exhausted == 607
    # The 4 papers whose first choice is an overvote: exhausted from round 1, not blank.
    assert election.exhausted_at_start == 4
    assert result.rounds[0].exhausted == 4
    assert result.valid == 8980
    assert not any("blank" in note for note in result.notes)
    # Conservation in every round: candidates + exhausted = every paper.
    for r in result.rounds:
        assert sum(r.tallies.values(), Fraction(0)) + r.exhausted + r.loss == 8980


def test_first_choices_plurality() -> None:
    result = count(read_election(shared_path(*FILE)), "plurality")
    first = {result.candidates[i]: v for i, v in result.rounds[0].tallies.items()}
    assert first == {
        "Kurt Wright": 2951,
        "Bob Kiss": 2585,
        "Andy Montroll": 2063,
        "Dan Smith": 1306,
        "Write-in": 36,
        "James Simpson": 35,
    }
    assert result.elected_names == ["Kurt Wright"]


def test_command_line(capsys) -> None:
    assert main([str(shared_path(*FILE)), "--output", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["method"] == "irv"  # the default for one seat
    assert data["elected"] == ["Bob Kiss"]
    assert len(data["rounds"]) == 5
    assert data["rounds"][-1]["tallies"] == {"Bob Kiss": "4313", "Kurt Wright": "4060"}
    assert data["rounds"][-1]["exhausted"] == "607"
