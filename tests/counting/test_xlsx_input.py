"""ES&S xlsx exports from a hostile or careless source (issue 8, findings 11 and 12): a stale
``<dimension>`` tag is read past, never trusted (a short count would be a wrong result that
looks right); a sheet with no dimension and endless rows, or a zip bomb, is refused."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from moot.counting import CountError
from moot.counting.cli import main
from moot.counting.formats import read_election

pytestmark = pytest.mark.pure

SHEET = "xl/worksheets/sheet1.xml"


def _workbook(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Cast Vote Record", "Choice 1", "Choice 2"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rewrite_sheet(raw: bytes, change: re.Pattern[str], to: str) -> bytes:
    """The workbook with the sheet's XML edited (the rest copied as it is)."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == SHEET:
                text, n = change.subn(to, data.decode())
                assert n == 1, "the sheet has no such tag"
                data = text.encode()
            dst.writestr(info, data)
    return out.getvalue()


def _ten_papers() -> list[list[str]]:
    # 7 papers for Ann, 3 for Bob: counting only the first three rows would elect Ann 3-0,
    # counting everything elects Ann 7-3; Bob's papers are the last rows.
    return [[str(i), "Ann", "Bob"] for i in range(1, 8)] + [
        [str(i), "Bob", "Ann"] for i in range(8, 11)
    ]


def test_a_stale_dimension_is_read_whole(tmp_path: Path) -> None:
    raw = _rewrite_sheet(
        _workbook(_ten_papers()),
        re.compile(r'<dimension ref="[^"]*"\s*/>'),
        '<dimension ref="A1:C4"/>',
    )
    path = tmp_path / "stale_cvr.xlsx"
    path.write_bytes(raw)
    # openpyxl alone, trusting the tag, sees the header and three papers.
    book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True)
    assert len(list(book.worksheets[0].iter_rows(values_only=True))) == 4
    book.close()
    election = read_election(path, "ess-xlsx")
    assert election.ballots.total == 10
    first: dict[str, int] = {}
    for ranking, weight in zip(election.ballots.rankings, election.ballots.weights, strict=True):
        name = election.names[ranking[0][0]]
        first[name] = first.get(name, 0) + weight
    assert first == {"Ann": 7, "Bob": 3}


def test_a_stale_column_dimension_is_read_whole(tmp_path: Path) -> None:
    rows = [[str(i), "Ann", "Bob"] for i in range(1, 4)]
    raw = _rewrite_sheet(
        _workbook(rows), re.compile(r'<dimension ref="[^"]*"\s*/>'), '<dimension ref="A1:B4"/>'
    )
    path = tmp_path / "narrow_cvr.xlsx"
    path.write_bytes(raw)
    election = read_election(path, "ess-xlsx")
    assert election.ballots.rankings == [((0,), (1,))]  # the second choice in column C is read


def test_a_sheet_with_no_dimension_and_endless_rows_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [[str(i), "Ann", "Bob"] for i in range(1, 200)]
    raw = _rewrite_sheet(_workbook(rows), re.compile(r'<dimension ref="[^"]*"\s*/>'), "")
    path = tmp_path / "endless_cvr.xlsx"
    path.write_bytes(raw)
    assert read_election(path, "ess-xlsx").ballots.total == 199
    assert main([str(path), "--limit", "rows=100"]) == 2
    err = capsys.readouterr().err
    assert f"{path}:101: the worksheet has more than 100 rows with content: the limit is 100" in err


def test_a_row_number_far_down_the_sheet_is_refused_not_padded(tmp_path: Path) -> None:
    # A single row numbered 1,000,000,000: openpyxl would yield the empty rows before it.
    raw = _rewrite_sheet(
        _workbook([["1", "Ann", "Bob"], ["2", "Bob", "Ann"]]),
        re.compile(r'<row r="3"'),
        '<row r="1000000000"',
    )
    path = tmp_path / "far_cvr.xlsx"
    path.write_bytes(raw)
    with pytest.raises(CountError, match=r"a row numbered past 1,048,576, the last row") as caught:
        read_election(path, "ess-xlsx")
    assert caught.value.line == 1_000_000_000  # the row's own number, read as it stands


def test_an_xlsx_zip_bomb_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = _workbook(_ten_papers())
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/padding.bin", b"\0" * (32 << 20))
    path = tmp_path / "bomb_cvr.xlsx"
    path.write_bytes(out.getvalue())
    assert path.stat().st_size < 100_000
    assert main([str(path), "--limit", "decompressed_bytes=8M"]) == 2
    err = capsys.readouterr().err
    assert f"{path}: the workbook unpacks to" in err
    assert "the limit is 8,388,608" in err


def test_a_huge_count_cell_is_refused_with_its_cell(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Choice 1", "Choice 2", "Count"])
    sheet.append(["Ann", "Bob", "1" * 4300])
    path = tmp_path / "count_cvr.xlsx"
    book.save(path)
    with pytest.raises(CountError, match=r"cell C2 has 4,300 digits") as caught:
        read_election(path, "ess-xlsx")
    assert (caught.value.line, caught.value.column) == (2, 3)
