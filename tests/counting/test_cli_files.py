"""``moot count`` with several files, and the default method for a Debian tally (issue 9)."""

from __future__ import annotations

import json

import pytest

from moot.counting.cli import main

pytestmark = pytest.mark.pure


def _debian(elections_data, name: str) -> str:
    return str(elections_data("debian-condorcet", name))


def test_debian_tally_defaults_to_schulze(capsys, elections_data) -> None:
    assert main([_debian(elections_data, "leader2006_tally.txt"), "--output", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["method"] == "schulze"
    assert data["elected"] == ["Anthony Towns"]  # Debian's published winner
    # Debian publishes a full order of the options; IRV (the old default) gives none.
    assert data["ranking"][:2] == [["Anthony Towns"], ["Steve McIntyre"]]
    assert data["pairwise"]["Anthony Towns"]["Steve McIntyre"] > 0


def test_explicit_method_still_wins_over_the_debian_default(capsys, elections_data) -> None:
    path = _debian(elections_data, "leader2020_tally.txt")
    assert main([path, "--method", "irv", "--output", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["method"] == "irv"


def test_several_files_one_report_each(capsys, elections_data) -> None:
    first = _debian(elections_data, "leader2020_tally.txt")
    second = _debian(elections_data, "leader2007_tally.txt")
    assert main([first, second]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"==> {first} <==\n")
    head, tail = out.split(f"\n==> {second} <==\n")
    assert "Elected: Jonathan Carter" in head
    assert "Sam Hocevar" not in head
    assert "Elected: Sam Hocevar" in tail
    # each report is exactly the one the file gets alone
    assert main([second]) == 0
    assert tail == capsys.readouterr().out


def test_several_files_json_is_one_array(capsys, elections_data) -> None:
    first = _debian(elections_data, "leader2020_tally.txt")
    second = _debian(elections_data, "leader2007_tally.txt")
    assert main([first, second, "--output", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [item["file"] for item in data] == [first, second]
    assert [item["report"]["elected"] for item in data] == [["Jonathan Carter"], ["Sam Hocevar"]]


def test_a_bad_file_does_not_stop_the_others_and_sets_the_status(
    tmp_path, capsys, elections_data
) -> None:
    good = _debian(elections_data, "leader2020_tally.txt")
    bad = tmp_path / "bad.blt"
    bad.write_text("3 1\n1 1 9 0\n0\n", encoding="utf-8")
    missing = str(tmp_path / "missing.blt")
    assert main([str(bad), good, missing, "--output", "json"]) == 2
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert "report" not in data[0]
    assert data[0]["error"].startswith(str(bad))
    assert data[1]["report"]["elected"] == ["Jonathan Carter"]
    assert "file not found" in data[2]["error"]
    errors = captured.err.strip().splitlines()
    assert len(errors) == 2
    assert errors[0].startswith(f"moot count: {bad}")
    assert errors[1] == f"moot count: {missing}: file not found; check the path"


def test_nothing_counted_writes_nothing(tmp_path, capsys) -> None:
    out = tmp_path / "report.txt"
    missing = [str(tmp_path / "a.blt"), str(tmp_path / "b.blt")]
    assert main([*missing, "--output-file", str(out)]) == 2
    assert not out.exists()
    assert len(capsys.readouterr().err.strip().splitlines()) == 2


@pytest.mark.parametrize(
    ("extra", "option"),
    [
        (["--chart", "x.svg"], "--chart"),
        (["--write-blt", "x.blt"], "--write-blt"),
        (["--output", "csv"], "--output csv"),
    ],
)
def test_one_file_options_refuse_several(tmp_path, capsys, elections_data, extra, option) -> None:
    files = [_debian(elections_data, "leader2020_tally.txt")] * 2
    assert main([*files, *[str(tmp_path / e) if "." in e else e for e in extra]]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"moot count: {option} takes one ballot file, got 2")
    assert not list(tmp_path.iterdir())
