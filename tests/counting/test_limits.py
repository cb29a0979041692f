"""The limits of :mod:`moot.counting.limits` (issue 8, finding 12): every hostile file is
refused with exit 2 and one line naming the file, where, and the limit; memory stays bounded.
"""

from __future__ import annotations

import gzip
import json
import tracemalloc
import zlib
from pathlib import Path

import pytest

from moot.counting import CountError
from moot.counting.cli import main
from moot.counting.formats import read_election
from moot.counting.limits import DEFAULT, Limits, active, parse_override

pytestmark = pytest.mark.pure


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """The one-line message of a refused count (exit 2, nothing on stdout)."""
    code, out, err = _run(capsys, *argv)
    assert (code, out) == (2, ""), err
    assert err.startswith("moot count: "), err
    assert err.count("\n") == 1, err
    return err


def _blt(ncand: int, ballots: list[str], seats: int = 1) -> str:
    names = "".join(f'"C{i}"\n' for i in range(1, ncand + 1))
    return f"{ncand} {seats}\n" + "".join(b + "\n" for b in ballots) + "0\n" + names + '"T"\n'


def _gzip_bomb(size: int) -> bytes:
    """Gzip data of ``size`` zero bytes, compressed chunk by chunk (about 1000:1)."""
    pack = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\0" * (1 << 20)
    parts = [pack.compress(chunk) for _ in range(size >> 20)]
    parts.append(pack.flush())
    return b"".join(parts)


# --- gzip bombs and file size ------------------------------------------------------------


def test_a_gzip_bomb_is_refused_with_bounded_memory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bomb = tmp_path / "bomb.blt.gz"
    bomb.write_bytes(_gzip_bomb(64 << 20))
    assert bomb.stat().st_size < 200_000
    tracemalloc.start()
    try:
        err = _refused(capsys, str(bomb), "--limit", "decompressed_bytes=4M")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert f"{bomb}: the gzip data decompresses to more bytes" in err
    assert "the limit is 4,194,304" in err
    assert "--limit decompressed_bytes=N" in err
    assert peak < 16 << 20, f"peak {peak:,} bytes for a 4 MiB limit"


def test_the_default_decompressed_limit_refuses_a_bomb(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bomb = tmp_path / "bomb.gz"
    bomb.write_bytes(_gzip_bomb(DEFAULT.decompressed_bytes + (1 << 20)))
    err = _refused(capsys, str(bomb), "--input-format", "blt")
    assert f"the limit is {DEFAULT.decompressed_bytes:,}" in err


def test_gzip_with_several_members_is_read_whole(tmp_path: Path) -> None:
    text = _blt(2, ["1 1 2 0", "1 2 0"]).encode()
    cut = text.index(b"0\n")
    path = tmp_path / "two.blt.gz"
    path.write_bytes(gzip.compress(text[:cut]) + gzip.compress(text[cut:]))
    assert read_election(path, "blt").ballots.total == 2


def test_truncated_gzip_is_a_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "cut.blt.gz"
    path.write_bytes(gzip.compress(_blt(2, ["1 1 2 0"] * 50).encode())[:-12])
    with pytest.raises(CountError, match="gzip data is damaged"):
        read_election(path, "blt")


def test_file_size_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "big.blt"
    path.write_text(_blt(3, ["1 1 2 3 0"] * 1000))
    err = _refused(capsys, str(path), "--limit", "file_bytes=4K")
    assert f"{path}: the file is {path.stat().st_size:,} bytes: the limit is 4,096" in err
    assert _run(capsys, str(path))[0] == 0


# --- lines -------------------------------------------------------------------------------


def test_line_length_limit_names_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "long.blt"
    path.write_text(_blt(3, ["1 1 2 3 0", "1" + " " * 5000 + "2 0"]))
    err = _refused(capsys, str(path), "--limit", "line_chars=1000")
    assert f"{path}:3:1001: this line is 5,004 bytes long: the limit is 1,000" in err


def test_line_count_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "many.blt"
    path.write_text(_blt(3, ["1 1 2 3 0"] * 100))
    err = _refused(capsys, str(path), "--limit", "lines=50")
    assert f"{path}:51: the file has more than 50 lines: the limit is 50" in err


def test_csv_formats_have_the_line_limits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "votes.csv"
    path.write_text("ballot_id,rank,choice\n" + "".join(f"{i},1,A\n" for i in range(100)))
    err = _refused(capsys, str(path), "--limit", "lines=20")
    assert f"{path}:21:" in err


# --- candidates --------------------------------------------------------------------------


def test_ten_thousand_candidates_are_refused_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "wide.blt"
    path.write_text(_blt(10_000, ["1 " + " ".join(map(str, range(1, 10_001))) + " 0"]))
    err = _refused(capsys, str(path))
    assert f"{path}:1:1: 10,000 candidates: the limit is 1,000" in err


@pytest.mark.parametrize(
    ("method", "limit"),
    [
        ("irv", 400),
        ("meek", 150),
        ("schulze", 150),
        ("ranked-pairs", 150),
        ("wigm", 500),
        ("ers97", 300),
    ],
)
def test_each_method_refuses_more_candidates_than_it_counts_in_bounded_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], method: str, limit: int
) -> None:
    path = tmp_path / "many.blt"
    path.write_text(_blt(limit + 1, ["1 1 2 0", "1 2 1 0"]))
    err = _refused(capsys, str(path), "--method", method, "--seats", "1")
    assert f"{path}: {limit + 1:,} candidates standing is more than method {method!r}" in err
    assert f"the limit is {limit:,}" in err


def test_a_single_round_method_counts_up_to_the_reading_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "many.blt"
    path.write_text(_blt(900, ["3 1 2 0", "1 2 1 0"]))
    code, out, err = _run(capsys, str(path), "--method", "plurality", "--seats", "1")
    assert code == 0, err
    assert "C1" in out


def test_withdrawn_candidates_do_not_count_towards_a_method_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _blt(151, ["3 1 2 0", "2 2 1 0"])
    path = tmp_path / "many.blt"
    path.write_text(text)
    assert "151 candidates standing" in _refused(capsys, str(path), "--method", "meek")
    path.write_text(text.replace("151 1\n", "151 1\n-151\n", 1))
    code, out, err = _run(capsys, str(path), "--method", "meek")
    assert code == 0, err
    assert "C1" in out


def test_the_method_limit_can_be_raised_for_one_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "many.blt"
    path.write_text(_blt(160, ["2 1 2 0", "1 2 1 0"]))
    assert _run(capsys, str(path), "--method", "schulze")[0] == 2
    code, _out, err = _run(
        capsys, str(path), "--method", "schulze", "--limit", "method_candidates=160"
    )
    assert code == 0, err
    assert active() == DEFAULT  # the override lasted for that run only


# --- digits ------------------------------------------------------------------------------


def test_a_4300_digit_weight_is_refused_with_its_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "heavy.blt"
    path.write_text(_blt(2, ["1 1 2 0", "9" * 4300 + " 2 1 0"]))
    err = _refused(capsys, str(path))
    assert f"{path}:3:1: the ballot weight has 4,300 digits: the limit is 30" in err


def test_a_4300_digit_seat_count_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "seats.blt"
    path.write_text("2 " + "1" * 4300 + '\n1 1 2 0\n0\n"A"\n"B"\n"T"\n')
    err = _refused(capsys, str(path))
    assert f"{path}:1:3: the number of seats after the number of candidates has 4,300" in err


def test_a_4300_digit_number_elected_in_an_rctab_config_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_path = tmp_path / "cvr.csv"
    csv_path.write_text("id,A,B\n1,1,2\n2,2,1\n3,1,\n")
    for value in ("1" * 4300, '"' + "1" * 4300 + '"'):
        config = tmp_path / "contest_config.json"
        config.write_text(
            '{"outputSettings": {"contestName": "x"}, "cvrFileSources": [{"filePath": "cvr.csv",'
            ' "provider": "csv"}], "candidates": [{"name": "A"}, {"name": "B"}],'
            ' "rules": {"numberOfWinners": ' + value + ', "tiebreakMode": "useCandidateOrder"}}'
        )
        err = _refused(capsys, str(config))
        assert str(config) in err
        assert "4,300 digits: the limit is 30" in err


def test_a_huge_rank_in_a_cdf_report_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cvr.json"
    path.write_text('{"CVR": [{"Rank": ' + "7" * 5000 + "}]}")
    err = _refused(capsys, str(path), "--input-format", "cdf")
    assert "a number in the JSON has 5,000 digits: the limit is 30" in err


# --- --limit ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lines=10", ("lines", 10)),
        ("decompressed-bytes=2G", ("decompressed_bytes", 2 << 30)),
        ("file_bytes=64k", ("file_bytes", 64 << 10)),
        ("method_candidates=3", ("method_candidates", 3)),
    ],
)
def test_parse_override(text: str, expected: tuple[str, int]) -> None:
    assert parse_override(text) == expected


@pytest.mark.parametrize("text", ["lines", "lines=", "lines=0", "lines=-3", "colour=4", "digits=x"])
def test_a_bad_limit_option_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    path = tmp_path / "a.blt"
    path.write_text(_blt(2, ["1 1 2 0"]))
    err = _refused(capsys, str(path), "--limit", text)
    assert f"--limit {text}: expected" in err


def test_limits_replace_keeps_the_others() -> None:
    changed = Limits().replace(lines=5, method_candidates=7)
    assert (changed.lines, changed.for_method("irv"), changed.for_method("meek")) == (5, 7, 7)
    assert changed.candidates == Limits().candidates
    assert Limits().for_method("plurality") == Limits().candidates


def test_json_limits_cover_the_detected_format(tmp_path: Path) -> None:
    path = tmp_path / "odd.json"
    path.write_text(json.dumps({"x": 1}).replace("1", "1" * 40))
    with pytest.raises(CountError, match="40 digits"):
        read_election(path)
