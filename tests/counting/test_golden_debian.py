"""Debian Project Leader elections 2006, 2007, 2020 from Debian's published tally sheets.

Reference: ../shared/elections-data/README.md section 5 (Condorcet-PHP's DebianFormatTest,
Schulze; winners as announced by Debian). Unranked options rank equal below every ranked
option (Debian constitution A.6); 2006 is the case where reading them otherwise changes the
winner. Both Schulze variants give the published order on these sheets.
"""

from __future__ import annotations

import json

import pytest
from tests.conftest import shared_path

from moot.counting import CountOptions, count
from moot.counting.cli import main
from moot.counting.formats import detect_format, read_election

pytestmark = pytest.mark.pure

EXPECTED = {
    "leader2020_tally.txt": (
        339,
        "Jonathan Carter > Sruthi Chandran > Brian Gupta > None Of The Above",
    ),
    "leader2007_tally.txt": (
        482,
        (
            "Sam Hocevar > Steve McIntyre > Raphaël Hertzog > Wouter Verhelst > Anthony Towns > "
            "Gustavo Franco > None Of The Above > Simon Richter > Aigars Mahinovs"
        ),
    ),
    "leader2006_tally.txt": (
        421,
        (
            "Anthony Towns > Steve McIntyre > Andreas Schuldei = Jeroen van Wolffelaar > "
            "Bill Allombert > None of the Above > Ari Pollak > Jonathan aka Ted Walther"
        ),
    ),
}


def _order(result) -> str:
    return " > ".join(
        " = ".join(sorted(result.candidates[i] for i in level)) for level in result.ranking
    )


@pytest.mark.parametrize("method", ["schulze", "schulze-margins"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_schulze_ranking(name: str, method: str) -> None:
    path = shared_path("elections-data", "debian-condorcet", name)
    assert detect_format(path) == "debian"
    election = read_election(path)
    votes, order = EXPECTED[name]
    assert election.ballots.total == votes
    assert _order(count(election, method)) == order


def test_2006_depends_on_reading_unranked_as_last() -> None:
    election = read_election(
        shared_path("elections-data", "debian-condorcet", "leader2006_tally.txt")
    )
    ignored = count(election, "schulze-margins", CountOptions(extra={"unranked": "ignore"}))
    assert ignored.elected_names == ["Steve McIntyre"]  # Condorcet-PHP's "explicit" reading


def test_command_line(capsys) -> None:
    path = shared_path("elections-data", "debian-condorcet", "leader2020_tally.txt")
    assert main([str(path), "--method", "schulze", "--output", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["elected"] == ["Jonathan Carter"]
    assert "rounds" in data
