"""The candidate names of a BLT file (issue 8, finding 13): real published files put a party
inside the name line (a doubled quote, ``"Name ""Party"" "``, or two strings,
``"Name" "Party"``). Each variant is read as the
file intends, or refused with its line and column; never a shifted list of names. Empty and
duplicate names are refused. Every real BLT file under ../shared/elections-data reads and
counts exactly as it did before (tests/counting/data/blt_golden.json, written by the reader
as it was before this change)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from tests.counting.conftest import DATA, data_path

from moot.counting import CountError, CountOptions, count
from moot.counting.cli import main
from moot.counting.formats.blt import parse_blt, read_blt, write_blt

pytestmark = pytest.mark.pure

BALLOTS = "3 2\n4 1 2 0\n3 2 3 0\n2 3 1 0\n0\n"
GOLDEN = Path(__file__).parent / "data" / "blt_golden.json"


def _read(names: str, ballots: str = BALLOTS) -> Any:
    return parse_blt(ballots + names, source="names.blt")


def _refusal(names: str, ballots: str = BALLOTS) -> CountError:
    with pytest.raises(CountError) as caught:
        _read(names, ballots)
    return caught.value


def test_one_name_per_line() -> None:
    election = _read('"Ann"\n"Bob"\n"Cy"\n"Title"\n')
    assert election.names == ("Ann", "Bob", "Cy")
    assert [c.affiliation for c in election.candidates] == [None, None, None]
    assert (election.title, election.comment) == ("Title", None)


def test_a_doubled_quote_is_a_quote_in_the_name() -> None:
    election = _read('"Ann ""Labour"""\n"Bob ""Green"""\n"Cy"\n"Title"\n')
    assert election.names == ('Ann "Labour"', 'Bob "Green"', "Cy")
    assert election.title == "Title"


def test_name_and_affiliation_on_one_line() -> None:
    election = _read('"Ann" "Labour"\n"Bob" "Green"\n"Cy"\n"Title"\n')
    assert election.names == ("Ann", "Bob", "Cy")
    assert [c.affiliation for c in election.candidates] == ["Labour", "Green", None]
    assert election.title == "Title"


def test_a_party_is_never_reported_elected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before: names Ann, Labour, Bob and title "Green"; Labour was elected.
    path = tmp_path / "ward.blt"
    path.write_text(BALLOTS + '"Ann" "Labour"\n"Bob" "Green"\n"Cy" "Ind"\n"Ward 1"\n')
    assert main([str(path), "--output", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["elected"] == ["Ann", "Bob"]
    assert report["title"] == "Ward 1"


def test_all_names_on_one_line_as_in_hills_files() -> None:
    election = _read('"Ann" "Bob" "Cy" "Title"\n')
    assert (election.names, election.title) == (("Ann", "Bob", "Cy"), "Title")
    election = _read('"Ann" "Bob" "Cy"\n"Title"\n')
    assert (election.names, election.title, election.comment) == (
        ("Ann", "Bob", "Cy"),
        "Title",
        None,
    )


def test_backslash_escapes_still_work() -> None:
    election = _read('"Ann \\"the Axe\\""\n"Bob\\\\"\n"Cy"\n"T"\n')
    assert election.names == ('Ann "the Axe"', "Bob\\", "Cy")


def test_a_line_with_too_many_strings_is_refused_where_it_is() -> None:
    error = _refusal('"Ann" "Labour" "Leeds"\n"Bob" "Green"\n"Cy"\n"Title"\n')
    assert (error.line, error.column) == (6, 16)
    assert "3 quoted strings on this line" in error.message


def test_a_title_line_with_two_strings_is_refused() -> None:
    error = _refusal('"Ann" "Labour"\n"Bob"\n"Cy"\n"Title" "More"\n')
    assert (error.line, error.column) == (9, 9)


def test_an_ambiguous_layout_is_refused() -> None:
    ballots = "2 1\n3 1 2 0\n0\n"
    error = _refusal('"Ann" "Bob"\n"Cy"\n"Title"\n', ballots)
    assert (error.line, error.column) == (4, 7)
    assert "name and affiliation or as names on one line" in error.message
    # Without the third line only one reading fits: names on one line, then the title.
    assert _read('"Ann" "Bob"\n"Title"\n', ballots).names == ("Ann", "Bob")


@pytest.mark.parametrize(
    ("names", "where", "message"),
    [
        ('"Ann"\n""\n"Cy"\n"T"\n', (7, 1), "candidate 2 has an empty name"),
        ('"Ann"\n"  "\n"Cy"\n"T"\n', (7, 1), "candidate 2 has an empty name"),
        ('"Ann"\n"Bob"\n"Ann"\n"T"\n', (8, 1), "candidate 3 has the same name as candidate 1"),
        ('"Ann" "Lab"\n"Ann " "Con"\n"Cy"\n"T"\n', (7, 1), "same name as candidate 1"),
    ],
)
def test_empty_and_duplicate_names_are_refused(
    names: str, where: tuple[int, int], message: str
) -> None:
    error = _refusal(names)
    assert (error.source, error.line, error.column) == ("names.blt", *where)
    assert message in error.message


def test_affiliations_are_written_back() -> None:
    election = _read('"Ann" "Labour"\n"Bob ""B"""\n"Cy"\n"Title"\n')
    again = parse_blt(write_blt(election))
    assert again.candidates == election.candidates
    assert again.title == election.title


def _golden() -> dict[str, Any]:
    return dict(json.loads(GOLDEN.read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", sorted(_golden()))
def test_real_files_read_and_count_as_before(name: str) -> None:
    expected = _golden()[name]
    path = data_path(*Path(name).parts)
    election = read_blt(path, keep_after_title=True)
    ballots = sorted(zip(election.ballots.rankings, election.ballots.weights, strict=True))
    assert {
        "names": list(election.names),
        "title": election.title,
        "seats": election.seats,
        "withdrawn": sorted(election.withdrawn),
        "comment": election.comment,
        "ballots": hashlib.sha256(repr(ballots).encode()).hexdigest(),
    } == {k: v for k, v in expected.items() if k != "elected"}
    if "elected" not in expected:
        return
    method = "irv" if election.seats == 1 else "scottish-stv"
    if isinstance(expected["elected"], str):  # "error: <the refusal>"
        with pytest.raises(CountError) as caught:
            count(election, method, CountOptions())
        assert expected["elected"] == "error: " + caught.value.message
    else:
        assert count(election, method, CountOptions()).elected_names == expected["elected"]


def test_the_golden_list_covers_every_blt_file() -> None:
    if not DATA.exists():
        pytest.skip("test data not found")
    found = {
        str(p.relative_to(DATA))
        for pattern in ("*.blt", "*.blt.gz", "*.HIL")
        for p in DATA.rglob(pattern)
    }
    assert found == set(_golden())
