"""``moot count``: exit codes, --list-methods, JSON output, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from moot.counting.cli import main


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
