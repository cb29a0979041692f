"""Correct counts from honest input (issue 8, findings 11-13; docs/security.md §4).

The actors: someone who submits a hostile file to whoever runs ``moot count`` (to stop the
count, or to make it lie), a returning officer feeding a doctored file, and an observer
recounting the published file. ``moot count`` reads everything or refuses with one line and
exit 2; it never counts short, never counts a party as a candidate, never crashes with a
traceback nor runs out of memory. Pure: no database, so the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest

from moot.counting.cli import main
from moot.counting.formats.blt import read_blt, write_blt

pytestmark = pytest.mark.pure


def _count(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- someone submitting a hostile file ---------------------------------------------------


def test_a_gzip_bomb_cannot_exhaust_the_counting_machine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = zlib.compressobj(9, zlib.DEFLATED, 31)
    path = tmp_path / "ballots.blt.gz"
    path.write_bytes(
        b"".join(pack.compress(b"1 1 2 0\n" * (1 << 17)) for _ in range(40)) + pack.flush()
    )
    code, out, err = _count(capsys, str(path), "--limit", "decompressed_bytes=8M")
    assert (code, out) == (2, "")
    assert f"{path}: the gzip data decompresses to more bytes: the limit is 8,388,608" in err


def test_ten_thousand_candidates_cannot_stall_the_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = "".join(f'"C{i}"\n' for i in range(10_000))
    path = tmp_path / "wide.blt"
    path.write_text("10000 1\n1 1 2 0\n0\n" + names + '"T"\n')
    code, _, err = _count(capsys, str(path), "--method", "schulze")
    assert code == 2
    assert "10,000 candidates: the limit is 1,000" in err


def test_a_4300_digit_weight_is_a_refusal_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "heavy.blt"
    path.write_text("2 1\n" + "7" * 4300 + ' 1 2 0\n0\n"A"\n"B"\n"T"\n')
    code, _, err = _count(capsys, str(path))
    assert code == 2
    assert f"{path}:2:1: the ballot weight has 4,300 digits" in err


# --- a returning officer feeding a doctored file -----------------------------------------


def test_a_stale_xlsx_dimension_cannot_hide_papers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Cast Vote Record", "Choice 1"])
    for i in range(1, 11):
        sheet.append([str(i), "Ann" if i <= 3 else "Bob"])
    raw = io.BytesIO()
    book.save(raw)
    # The tag says three papers (rows 2-4, all for Ann); the sheet has ten, seven for Bob.
    src = zipfile.ZipFile(raw)
    doctored = io.BytesIO()
    with zipfile.ZipFile(doctored, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:B4"/>', data)
            dst.writestr(info, data)
    path = tmp_path / "doctored_cvr.xlsx"
    path.write_bytes(doctored.getvalue())
    code, out, err = _count(capsys, str(path), "--output", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["elected"] == ["Bob"]
    assert report["valid"] == "10"  # figures are strings in the JSON report (exact)


def test_a_party_on_the_name_line_is_never_elected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ward.blt"
    path.write_text(
        '3 1\n5 1 0\n4 2 0\n3 3 0\n0\n"Ann" "Labour"\n"Bob" "Green"\n"Cy" "Ind"\n"Ward 7"\n'
    )
    code, out, err = _count(capsys, str(path), "--output", "json")
    assert code == 0, err
    assert json.loads(out)["elected"] == ["Ann"]


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ('"Ann"\n"Ann"\n"Cy"\n"T"\n', "candidate 2 has the same name as candidate 1"),
        ('"Ann"\n""\n"Cy"\n"T"\n', "candidate 2 has an empty name"),
        ('"Ann" "Lab" "x"\n"Bob" "Con"\n"Cy"\n"T"\n', "3 quoted strings on this line"),
    ],
)
def test_names_that_cannot_be_told_apart_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], names: str, message: str
) -> None:
    path = tmp_path / "names.blt"
    path.write_text("3 1\n5 1 0\n4 2 0\n0\n" + names)
    code, out, err = _count(capsys, str(path))
    assert (code, out) == (2, "")
    assert re.match(rf"moot count: {re.escape(str(path))}:\d+:\d+: ", err)
    assert message in err


# --- an observer recounting the published file -------------------------------------------


def test_the_published_blt_recounts_to_the_same_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "count.blt"
    source.write_text(
        '3 2\n5 1 2 0\n4 2 3 0\n3 3 1 0\n2 1 3 0\n0\n"Ann" "Labour"\n"Bob ""B"""\n"Cy"\n"Ward"\n'
    )
    published = tmp_path / "published.blt"
    code, first, err = _count(
        capsys, str(source), "--output", "json", "--write-blt", str(published)
    )
    assert code == 0, err
    assert read_blt(published).candidates == read_blt(source).candidates
    assert write_blt(read_blt(published)) == published.read_text()
    code, again, err = _count(capsys, str(published), "--output", "json")
    assert code == 0, err
    assert json.loads(again)["rounds"] == json.loads(first)["rounds"]
    assert json.loads(again)["elected"] == json.loads(first)["elected"]
