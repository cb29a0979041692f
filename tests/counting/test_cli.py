"""``moot count``: exit codes, --list-methods, JSON output, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from moot.counting.cli import main

pytestmark = pytest.mark.pure


def test_list_methods(capsys) -> None:
    assert main(["--list-methods"]) == 0
    out = capsys.readouterr().out
    for name in ("scottish-stv", "meek", "meek-nz", "wigm"):
        assert any(line.startswith(name + " ") for line in out.splitlines())


def test_json_elected_in_order(capsys, elections_data) -> None:
    path = elections_data("droop", "blt", "scotland", "Calton-2007.blt")
    assert main([str(path), "--output", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["elected"] == ["George Redmond", "Alison E Thewliss", "Ruth Simpson"]
    assert data["method"] == "scottish-stv"  # default for several seats
    assert data["rounds"]


def test_meek_with_chart_and_constraints(tmp_path, capsys, elections_data) -> None:
    path = elections_data("droop", "blt", "SC-Vm-12.blt")
    con = tmp_path / "c.con"
    # Require Z (candidate 5) by making it the only member of a group with minimum 1.
    con.write_text('"Pick" "Z" 1 1 5\n"Pick" "Rest" 0 3 1 2 3 4\n', encoding="utf-8")
    chart = tmp_path / "rounds.png"
    argv = [str(path), "--method", "meek", "--constraints", str(con), "--chart", str(chart)]
    assert main([*argv, "--output", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "Z" in data["elected"]
    assert chart.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("output", ["text", "rctab", "csv"])
def test_other_outputs(output: str, capsys, elections_data) -> None:
    path = elections_data("droop", "blt", "42t.blt")
    assert main([str(path), "--method", "meek", "--output", output]) == 0
    assert "Castor" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "argv", "expected"),
    [
        ('3 2\n1 1 4 0\n0\n"a"\n"b"\n"c"\n"t"\n', [], ":2:5: "),
        ('3 2\n1 1 2 0\n0\n"a"\n"b"\n"c"\n"t"\n', ["--seats", "5"], "5 seats but only 3"),
        ('3 2\n1 1 2 0\n0\n"a"\n"b"\n"c"\n"t"\n', ["--method", "nope"], "unknown method 'nope'"),
        ('3 2\n1 1 2 0\n0\n"a"\n"b"\n"c"\n"t"\n', ["--chart", "x.gif"], "expected a file name"),
        ('3 2\n1 1 2 0\n0\n"a"\n"b"\n"c"\n"t"\n', ["--tie-break", "random"], "needs --seed"),
    ],
)
def test_bad_input_exit_2_one_line(tmp_path, capsys, content, argv, expected) -> None:
    path = tmp_path / "bad.blt"
    path.write_text(content, encoding="utf-8")
    assert main([str(path), *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("moot count: ")
    assert expected in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_missing_file_and_bad_constraints(tmp_path, capsys, elections_data) -> None:
    assert main([str(tmp_path / "none.blt")]) == 2
    assert "file not found" in capsys.readouterr().err
    con = tmp_path / "bad.con"
    con.write_text('"Gender" "Women" 1 x 1 2\n', encoding="utf-8")
    blt = elections_data("droop", "blt", "42.blt")
    assert main([str(blt), "--constraints", str(con)]) == 2
    assert f"{con}:1:20: expected the maximum" in capsys.readouterr().err


def test_subprocess_no_traceback(tmp_path) -> None:
    path = tmp_path / "bad.blt"
    path.write_text("2 1\n1 1 2\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "moot.counting.cli", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("moot count: ")


# --- every input format -------------------------------------------------------------------

RCTAB = ("elections-data", "rctab")


@pytest.mark.parametrize(
    ("parts", "input_format", "argv", "expected"),
    [
        # References: RCTab's expected report, ranked.vote/pyrankvote, Debian's announcement.
        ((*RCTAB, "generic_csv_test", "generic_csv_test_config.json"), "auto", [], ["Cucumber"]),
        (
            (*RCTAB, "generic_csv_test", "generic_csv_test_config.json"),
            "rctab-config",
            [],
            ["Cucumber"],
        ),
        (
            (
                "elections-data",
                "ranked-vote-burlington2009",
                "us_vt_btv_2009_03_mayor.normalized.csv",
            ),
            "ranked-vote",
            [],
            ["Bob Kiss"],
        ),
        (
            ("elections-data", "debian-condorcet", "leader2007_tally.txt"),
            "debian",
            ["--method", "schulze"],
            ["Sam Hocevar"],
        ),
        (
            (
                *RCTAB,
                "test_set_multi_winner_whole_threshold",
                "test_set_multi_winner_whole_threshold_config.json",
            ),
            "auto",
            ["--method", "wigm", "--quota", "droop"],
            ["Candidate C Name", "Candidate A Name", "Candidate B Name"],
        ),
        # The CVR files on their own (the reader's default rules): checked against the library.
        ((*RCTAB, "generic_csv_test", "generic_csv_test_cvr.csv"), "rctab-csv", [], None),
        (
            (
                *RCTAB,
                "test_set_7_duplicate_skip_to_next",
                "test_set_7_duplicate_skip_to_next" + "_cvr.json",
            ),
            "cdf",
            [],
            None,
        ),
        ((*RCTAB, "2015_portland_mayor", "2015_portland_mayor_cvr.xlsx"), "ess-xlsx", [], None),
        (
            (
                *RCTAB,
                "test_set_multi_winner_whole_threshold",
                "test_set_multi_winner_whole_threshold_cvr.json",
            ),
            "auto",
            ["--seats", "3"],
            None,
        ),
    ],
)
def test_each_format_json_elected_in_order_and_rounds(
    capsys, parts, input_format, argv, expected
) -> None:
    from tests.conftest import shared_path

    from moot.counting import CountOptions, count
    from moot.counting.formats import read_election

    path = shared_path(*parts)
    assert main([str(path), "--input-format", input_format, *argv, "--output", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rounds"]
    if expected is None:
        election = read_election(path, input_format)
        seats = int(argv[argv.index("--seats") + 1]) if "--seats" in argv else election.seats
        method = "irv" if seats == 1 else "scottish-stv"
        result = count(election, method, CountOptions(seats=seats))
        expected = result.elected_names
        assert len(data["rounds"]) == len(result.rounds)
    assert data["elected"] == expected


@pytest.mark.parametrize(
    ("name", "content", "argv", "expected"),
    [
        (
            "b.normalized.csv",
            "ballot_id,rank,choice\nb1,1,Ann\nb2,1,Bob\n",
            ["--seats", "3"],
            "3 seats but only 2 candidates",
        ),
        ("b.normalized.csv", "ballot_id,rank,choice\n", [], "no ballots (empty election)"),
        ("b.normalized.csv", "ballot_id,rank,choice\nb1,x,Ann\n", [], ":2:4: expected a rank"),
        ("t_tally.txt", "Option 1-->: Ann\nV: 1 h\n", ["--input-format", "rctab-csv"], "no vote"),
        ("x.dat", "hello\n", [], "cannot tell the format"),
        ("x.json", "{\n  [\n", [], ":2:3: invalid JSON"),
        ("x.xlsx", "not a workbook", [], "not an xlsx workbook"),
    ],
)
def test_bad_input_in_any_format_exit_2(tmp_path, capsys, *, name, content, argv, expected) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert main([str(path), *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"moot count: {path}")
    assert expected in err
    assert len(err.strip().splitlines()) == 1


def test_rctab_config_rules_apply_without_flags(capsys) -> None:
    """``moot count CONFIG`` counts by the config's rules: multi-winner STV at 4 places with
    RCTab's fractional threshold, candidate-order ties; a mode moot lacks is refused."""
    from tests.conftest import shared_path

    name = "test_set_multi_winner_fractional_threshold"
    config = shared_path("elections-data", "rctab", name, f"{name}_config.json")
    assert main([str(config), "--output", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    expected = json.loads(
        (config.parent / f"{name}_expected_detailed_report.json").read_text(encoding="utf-8")
    )
    assert data["method"] == "wigm"
    assert data["elected"] == ["Candidate C Name", "Candidate A Name", "Candidate B Name"]
    assert data["quota"] == expected["results"][0]["threshold"] == "7.2501"
    name = "2013_minneapolis_park_sequential"
    config = shared_path("elections-data", "rctab", name, f"{name}_config.json")
    assert main([str(config)]) == 2
    assert "'multiPassIrv' has no moot method" in capsys.readouterr().err
