"""Each reader on small files written here: what it accepts, and for bad input a CountError
naming the file, the line (or cell, or JSON path), the column and what was expected."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from tests.conftest import shared_path

from moot.counting import CountError
from moot.counting.formats import detect_format, read_election

pytestmark = pytest.mark.pure


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _xlsx(tmp_path: Path, rows: list[list[object]], name: str = "cvr.xlsx") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def _error(path: Path, fmt: str = "auto") -> CountError:
    with pytest.raises(CountError) as caught:
        read_election(path, fmt)
    assert caught.value.source == str(path)
    return caught.value


def _pairs(election) -> dict:
    return dict(zip(election.ballots.rankings, election.ballots.weights, strict=True))


# --- RCTab generic CSV -------------------------------------------------------------------


CSV = "id,precinct,Ann,Bob,Cy,Write-In\nr1,p1,1,2,,\nr2,p1,,1,2,\nr3,p2,2,,,1\nr4,p2,1,1,2,\n"


def test_rctab_csv_columns_found_and_write_in_withdrawn(tmp_path: Path) -> None:
    path = _write(tmp_path, "cvr.csv", CSV)
    assert detect_format(path) == "rctab-csv"
    election = read_election(path)
    assert election.names == ("Ann", "Bob", "Cy", "Undeclared Write-ins")
    assert election.withdrawn == frozenset({3})
    # r4 ranks Ann and Bob both first: an overvote at rank 1 exhausts it at once.
    assert _pairs(election) == {((0,), (1,)): 1, ((1,), (2,)): 1, ((3,), (0,)): 1, (): 1}


@pytest.mark.parametrize(
    ("text", "line", "column", "expected"),
    [
        ("id,p,Ann,Bob\nr1,p,1,2\nr2,p,1,0\n", 3, 4, "expected a rank"),
        ("id,p,Ann,Bob\nr1,p,1,2,3\n", 2, 5, "header has 4 columns"),
        ("id,p,Ann,Ann\nr1,p,1,2\n", 1, 4, "has two columns"),
        ('id,p,Ann,Bob\nr1,"p,1,2\n', None, None, "not valid CSV"),
    ],
)
def test_rctab_csv_errors(tmp_path: Path, text, line, column, expected) -> None:
    path = _write(tmp_path, "bad.csv", text)
    error = _error(path, "rctab-csv")
    assert expected in error.message
    if line is not None:
        assert (error.line, error.column) == (line, column)


def test_rctab_csv_id_column_only_is_refused(tmp_path: Path) -> None:
    error = _error(_write(tmp_path, "bad.csv", "id,precinct\nr1,p1\n"), "rctab-csv")
    assert "no vote columns" in error.message
    assert error.line == 1


# --- ES&S xlsx ---------------------------------------------------------------------------


def test_ess_reads_labels_and_count_column(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path,
        [
            ["Cast Vote Record", "Precinct", "1st Choice", "2nd Choice", "3rd Choice", "Count"],
            [1, "P1", "Ann ", "Bob", "undervote", 2],
            [2, "P1", "overvote", "Bob", None, 1],
            [3, "P2", "UWI", "Cy", "Ann", 1],
            [4, "P2", None, None, None, 1],
            [None, None, None, None, None, None],
        ],
    )
    assert detect_format(path) == "ess-xlsx"
    election = read_election(path)
    assert election.names == ("Ann", "Bob", "Undeclared Write-ins", "Cy")
    assert election.withdrawn == frozenset({2})
    assert _pairs(election) == {((0,), (1,)): 2, (): 2, ((2,), (3,), (0,)): 1}


def test_ess_errors_name_the_cell(tmp_path: Path) -> None:
    path = _xlsx(tmp_path, [["Id", "Choice 1", "Count"], [1, "Ann", "two"]])
    error = _error(path)
    assert "cell C2" in error.message
    assert (error.line, error.column) == (2, 3)


def test_ess_without_choice_columns(tmp_path: Path) -> None:
    error = _error(_xlsx(tmp_path, [["Id", "Name"], [1, "Ann"]]))
    assert "no column headed like a choice" in error.message
    assert error.line == 1


def test_ess_unknown_candidate_under_a_config(tmp_path: Path) -> None:
    _xlsx(tmp_path, [["Id", "Choice 1"], [1, "Ann"], [2, "Zed"]])
    config = {
        "cvrFileSources": [
            {
                "filePath": "cvr.xlsx",
                "provider": "ess",
                "firstVoteColumnIndex": "2",
                "firstVoteRowIndex": "2",
            }
        ],
        "candidates": [{"name": "Ann"}, {"name": "Bob"}],
        "rules": {"numberOfWinners": "1", "overvoteRule": "exhaustImmediately"},
    }
    path = _write(tmp_path, "c_config.json", json.dumps(config))
    assert detect_format(path) == "rctab-config"
    with pytest.raises(CountError) as caught:
        read_election(path)
    error = caught.value
    assert error.source == str(tmp_path / "cvr.xlsx")
    assert "cell B3: unknown candidate 'Zed'" in error.message
    assert (error.line, error.column) == (3, 2)


def test_ess_damaged_workbook(tmp_path: Path) -> None:
    path = tmp_path / "cvr.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    assert "cannot be read" in _error(path).message
    path.write_bytes(b"not a zip")
    assert "not an xlsx workbook" in _error(path, "ess-xlsx").message


# --- NIST CDF ----------------------------------------------------------------------------


def _cdf(cvrs: list[list[tuple[str, int]]], contests: int = 1) -> dict:
    selections = [{"@id": f"cs-{c}", "CandidateIds": [f"c-{c}"]} for c in "ab"]
    return {
        "@type": "CVR.CastVoteRecordReport",
        "Election": [
            {
                "Candidate": [{"@id": "c-a", "Name": "Ann"}, {"@id": "c-b", "Name": "Bob"}],
                "Contest": [
                    {
                        "@id": f"k{k}",
                        "@type": "CandidateContest",
                        "Name": f"Contest {k}",
                        "ContestSelection": selections,
                    }
                    for k in range(contests)
                ],
            }
        ],
        "CVR": [
            {
                "CurrentSnapshotId": "s",
                "CVRSnapshot": [
                    {
                        "@id": "s",
                        "CVRContest": [
                            {
                                "ContestId": "k0",
                                "CVRContestSelection": [
                                    {
                                        "ContestSelectionId": sel,
                                        "SelectionPosition": [
                                            {"Rank": rank, "HasIndication": "yes"}
                                        ],
                                    }
                                    for sel, rank in marks
                                ],
                            }
                        ],
                    }
                ],
            }
            for marks in cvrs
        ],
    }


def test_cdf_ranks_overvotes_and_blank(tmp_path: Path) -> None:
    data = _cdf([[("cs-a", 1), ("cs-b", 2)], [("cs-b", 1), ("cs-a", 1)], [("cs-b", 3)], []])
    path = _write(tmp_path, "cvr.json", json.dumps(data))
    assert detect_format(path) == "cdf"
    election = read_election(path)
    assert election.names == ("Ann", "Bob")
    assert election.title == "Contest 0"
    assert _pairs(election) == {((0,), (1,)): 1, (): 2, ((1,),): 1}


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["CVR"][1]["CVRSnapshot"][0]["CVRContest"][0]["CVRContestSelection"][
                0
            ].update(ContestSelectionId="cs-z"),
            "CVR[1].CVRSnapshot[0].CVRContest[0].CVRContestSelection[0]: ContestSelectionId 'cs-z'",
        ),
        (
            lambda d: d["CVR"][0]["CVRSnapshot"][0]["CVRContest"][0]["CVRContestSelection"][1][
                "SelectionPosition"
            ][0].update(Rank="second"),
            "SelectionPosition[0].Rank: expected a whole number",
        ),
        (
            lambda d: d["Election"][0]["Contest"][0]["ContestSelection"][0].update(
                CandidateIds=["c-q"]
            ),
            "candidate id 'c-q' is not in Election[].Candidate",
        ),
        (lambda d: d.pop("CVR"), "missing 'CVR'"),
    ],
)
def test_cdf_errors_name_the_json_path(tmp_path: Path, mutate, expected) -> None:
    data = _cdf([[("cs-a", 1), ("cs-b", 2)], [("cs-b", 1)]])
    mutate(data)
    path = _write(tmp_path, "cvr.json", json.dumps(data))
    assert expected in _error(path, "cdf").message


def test_cdf_several_contests_must_be_named(tmp_path: Path) -> None:
    path = _write(tmp_path, "cvr.json", json.dumps(_cdf([[("cs-a", 1)]], contests=2)))
    assert "2 candidate contests" in _error(path, "cdf").message
    election = read_election(path, contest="Contest 0")
    assert _pairs(election) == {((0,),): 1}
    assert read_election(path, contest="k1").title == "Contest 1"
    with pytest.raises(CountError, match="no contest named 'Mayor'"):
        read_election(path, contest="Mayor")


def test_json_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "cvr.json", '{\n  "CVR": [\n    {,\n')
    error = _error(path)
    assert (error.line, error.column) == (3, 6)
    assert "invalid JSON" in error.message


# --- RCTab contest config ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"rules": {"overvoteRule": "exhaustIfMultipleContinuing"}}, "is not supported"),
        ({"rules": {"numberOfWinners": "0"}}, "numberOfWinners is 0"),
        ({"rules": {"maxSkippedRanksAllowed": "many"}}, "maxSkippedRanksAllowed: expected"),
        ({"cvrFileSources": [{"filePath": "x.xml", "provider": "hart"}]}, "'hart' is not"),
        (
            {"cvrFileSources": [{"filePath": "gone.csv", "provider": "genericCsv"}]},
            "file not found",
        ),
        ({"candidates": []}, "no 'candidates'"),
    ],
)
def test_rctab_config_errors(tmp_path: Path, change: dict, expected: str) -> None:
    _write(tmp_path, "cvr.csv", "id,Ann,Bob\nr1,1,2\n")
    config = {
        "cvrFileSources": [
            {"filePath": "cvr.csv", "provider": "genericCsv", "firstVoteColumnIndex": "2"}
        ],
        "candidates": [{"name": "Ann"}, {"name": "Bob"}],
        "rules": {"numberOfWinners": "1", "overvoteRule": "exhaustImmediately"},
    }
    for key, value in change.items():
        config[key] = {**config[key], **value} if isinstance(value, dict) else value
    path = _write(tmp_path, "c_config.json", json.dumps(config))
    with pytest.raises(CountError) as caught:
        read_election(path)
    assert expected in caught.value.message


def test_rctab_config_excluded_and_aliases(tmp_path: Path) -> None:
    _write(tmp_path, "cvr.csv", "id,A,B,C\nr1,1,2,3\nr2,2,1,\n")
    config = {
        "cvrFileSources": [
            {"filePath": "cvr.csv", "provider": "genericCsv", "firstVoteColumnIndex": "2"}
        ],
        "candidates": [
            {"name": "Ann", "aliases": ["A"]},
            {"name": "Bob", "code": "B"},
            {"name": "Cy", "aliases": ["C"], "excluded": True},
        ],
        "rules": {"numberOfWinners": "1"},
        "outputSettings": {"contestName": "Chair"},
    }
    election = read_election(_write(tmp_path, "c_config.json", json.dumps(config)))
    assert election.names == ("Ann", "Bob", "Cy")
    assert election.withdrawn == frozenset({2})
    assert election.title == "Chair"
    assert _pairs(election) == {((0,), (1,), (2,)): 1, ((1,), (0,)): 1}


# --- ranked.vote -------------------------------------------------------------------------


def test_ranked_vote_reads_specials(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "x.normalized.csv",
        "ballot_id,rank,choice\nb1,1,Ann\nb1,2,$UNDERVOTE\nb1,3,Bob\nb2,2,Bob\nb2,1,$OVERVOTE\n"
        "b3,1,Bob\nb1,4,Ann\n",
    )
    assert detect_format(path) == "ranked-vote"
    election = read_election(path)
    assert election.names == ("Ann", "Bob")
    assert _pairs(election) == {((0,), (1,)): 1, (): 1, ((1,),): 1}


@pytest.mark.parametrize(
    ("text", "line", "column", "expected"),
    [
        ("ballot,rank,choice\n", 1, 1, "expected the header"),
        ("ballot_id,rank,choice\nb1,one,Ann\n", 2, 4, "expected a rank"),
        ("ballot_id,rank,choice\nb1,1,Ann\nb1,1,Bob\n", 3, 4, "has rank 1 twice"),
        ("ballot_id,rank,choice\nb1,1\n", 2, 5, "expected 3 cells"),
        ("ballot_id,rank,choice\nb1,1,$SKIP\n", 2, 6, "unknown special"),
        ("ballot_id,rank,choice\nb1,1,\n", 2, 6, "empty choice"),
    ],
)
def test_ranked_vote_errors(tmp_path: Path, text, line, column, expected) -> None:
    error = _error(_write(tmp_path, "x.csv", text), "ranked-vote")
    assert expected in error.message
    assert (error.line, error.column) == (line, column)


# --- Debian ------------------------------------------------------------------------------


DEBIAN = (
    "Tally Sheet\n     Option 1--->: Ann\n   /  Option 2-->: Bob\n   |/  Option 3->: Cy\n"
    "   ||/\nV: 12- \t\tabc\nV: 211 \t\tdef\nV: --- \t\t0\n"
)


def test_debian_equal_and_unranked(tmp_path: Path) -> None:
    path = _write(tmp_path, "t_tally.txt", DEBIAN)
    assert detect_format(path) == "debian"
    election = read_election(path)
    assert election.names == ("Ann", "Bob", "Cy")
    assert _pairs(election) == {((0,), (1,)): 1, ((1, 2), (0,)): 1, (): 1}


@pytest.mark.parametrize(
    ("text", "line", "column", "expected"),
    [
        (DEBIAN.replace("V: 211", "V: 21"), 7, 4, "has 2 characters; expected 3"),
        (DEBIAN.replace("V: 211", "V: 2x1"), 7, 5, "expected a rank 1-9"),
        (DEBIAN.replace("Option 2", "Option 4"), 3, 14, "expected Option 2"),
        ("V: 12\n", 1, 1, "expected the options first"),
        ("Nothing here\n", None, None, "not a Debian tally sheet"),
    ],
)
def test_debian_errors(tmp_path: Path, text, line, column, expected) -> None:
    error = _error(_write(tmp_path, "t_tally.txt", text), "debian")
    assert expected in error.message
    if line is not None:
        assert (error.line, error.column) == (line, column)


def test_debian_latin1_sheet() -> None:
    election = read_election(
        shared_path("elections-data", "debian-condorcet", "leader2007_tally.txt")
    )
    assert "Raphaël Hertzog" in election.names


# --- detection ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "fmt"),
    [
        (("rctab", "generic_csv_test", "generic_csv_test_cvr.csv"), "rctab-csv"),
        (("rctab", "generic_csv_test", "generic_csv_test_config.json"), "rctab-config"),
        (
            ("rctab", "test_set_1_exhaust_at_overvote", "test_set_1_exhaust_at_overvote_cvr.json"),
            "cdf",
        ),
        (("rctab", "_shared", "simple_ess_cvr.xlsx"), "ess-xlsx"),
        (("ranked-vote-burlington2009", "us_vt_btv_2009_03_mayor.normalized.csv"), "ranked-vote"),
        (("debian-condorcet", "leader2020_tally.txt"), "debian"),
        (("droop", "blt", "42.blt"), "blt"),
        (("tideman-hil", "A1.HIL"), "blt"),
    ],
)
def test_detect_real_files(parts: tuple[str, ...], fmt: str) -> None:
    assert detect_format(shared_path("elections-data", *parts)) == fmt


def test_detect_says_when_it_cannot(tmp_path: Path) -> None:
    assert "cannot tell the format" in _error(_write(tmp_path, "x.dat", "hello\n")).message
    assert "neither an RCTab" in _error(_write(tmp_path, "x.json", '{"a": 1}')).message
    assert "unknown input format" in _error(_write(tmp_path, "x.blt", "1 1\n"), "xml").message


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert "file not found" in _error(tmp_path / "none.csv").message
    with pytest.raises(CountError, match="is a folder"):
        read_election(tmp_path)


def test_empty_files(tmp_path: Path) -> None:
    assert "no ballots" in _error(_write(tmp_path, "x.csv", "ballot_id,rank,choice\n")).message
    assert "empty" in _error(_write(tmp_path, "e.csv", "")).message


def test_every_blt_in_the_data_set_is_detected_as_blt() -> None:
    """Droop, STV-rs, Tideman (.HIL) and the synthetic gzip file: withdrawn lines, options,
    nicknames and ballot ids do not mislead the detection."""
    root = shared_path("elections-data")
    files = [p for p in root.rglob("*") if p.suffix.lower() in (".blt", ".hil", ".gz")]
    assert len(files) >= 60
    assert {p.name: detect_format(p) for p in files} == {p.name: "blt" for p in files}
