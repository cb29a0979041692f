"""Every format read, written as BLT and read back gives the same election (names, withdrawn
candidates, papers) and the same count: the readers lose nothing a count uses, and
``moot count --write-blt`` hands any of these files to BLT tools."""

from __future__ import annotations

import pytest
from tests.conftest import shared_path

from moot.counting import count
from moot.counting.formats import read_election
from moot.counting.formats.blt import parse_blt, write_blt

pytestmark = pytest.mark.pure

FILES = [
    ("rctab", "generic_csv_test", "generic_csv_test_config.json"),
    ("rctab", "generic_csv_test", "generic_csv_test_cvr.csv"),
    ("rctab", "test_set_6_duplicate_exhaust", "test_set_6_duplicate_exhaust_cvr.json"),
    ("rctab", "2015_portland_mayor", "2015_portland_mayor_config.json"),
    ("rctab", "multi_seat_uwi_test", "multi_seat_uwi_test_config.json"),
    ("ranked-vote-burlington2009", "us_vt_btv_2009_03_mayor.normalized.csv"),
    ("debian-condorcet", "leader2006_tally.txt"),
]


def _papers(election) -> dict:
    return dict(zip(election.ballots.rankings, election.ballots.weights, strict=True))


@pytest.mark.parametrize("parts", FILES, ids=lambda p: p[-1])
def test_written_as_blt_and_read_back(parts: tuple[str, ...]) -> None:
    election = read_election(shared_path("elections-data", *parts))
    again = parse_blt(write_blt(election))
    assert again.names == election.names
    assert again.withdrawn == election.withdrawn
    assert again.seats == election.seats
    assert _papers(again) == _papers(election)
    method = (
        "schulze" if parts[0] == "debian-condorcet" else "irv" if election.seats == 1 else "wigm"
    )
    first, second = count(election, method), count(again, method)
    assert first.elected_names == second.elected_names
    assert [r.tallies for r in first.rounds] == [r.tallies for r in second.rounds]
