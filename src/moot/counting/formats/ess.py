"""ES&S cast-vote-record exports (``.xlsx``), as RCTab reads them.

One row per paper on the first worksheet; row 1 is the header. The rank columns hold, for
choice 1, 2, 3, ..., the candidate's name, ``overvote`` (more than one mark at that rank),
``undervote`` or an empty cell (nothing marked at that rank), or the undeclared write-in label
(``UWI``). Other columns (cast vote record id, precinct, ballot style) are ignored, except a
column headed ``Count``, which gives how many identical papers the row stands for.

Without an RCTab contest config the rank columns are found from the header: the first
column whose header reads like a choice (``1st Choice``, ``Choice 2``, ``For Mayor Choice 1
(45)``, ``2``) and the columns that follow it while their headers still do. Candidates are
taken in the order they first appear. With a config (:mod:`moot.counting.formats.rctab`),
``firstVoteRowIndex``, ``firstVoteColumnIndex`` and ``maxRankingsAllowed`` place the columns,
the labels come from the config, and a name the config does not list is an error.

Cells are named in errors as the spreadsheet does (``D17``) with their row and column.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moot.counting.formats._common import (
    OVERVOTE,
    RankRules,
    Roster,
    Tally,
    build_election,
    column_letter,
    interpret,
    read_bytes,
)
from moot.counting.limits import active, check_digits, is_whole, refuse
from moot.counting.model import CountError, Election, Ranking

_CHOICE_HEADER = re.compile(
    r"choice|rank|pref|^\s*\d+\s*(st|nd|rd|th)?\b|\b\d+\s*(st|nd|rd|th)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class EssLayout:
    first_row: int = 2  # 1-based row of the first paper
    first_column: int | None = None  # 1-based; None = found from the header
    ranks: int | None = None  # number of rank columns; None = found from the header
    overvote_labels: frozenset[str] = frozenset({"overvote"})
    skipped_labels: frozenset[str] = frozenset({"undervote"})


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# What openpyxl, zipfile and zlib raise on a damaged workbook: all mean "cannot be read".
_DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    struct.error,
    KeyError,
    ValueError,
    TypeError,
    OSError,
    EOFError,
    IndexError,
    AttributeError,
    SyntaxError,
    NotImplementedError,
    RuntimeError,
)


EXCEL_ROWS = 1_048_576  # rows in a worksheet (Excel 2007 and later)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else ""


def _check_unpacked_size(raw: bytes, source: str) -> None:
    """Refuse a workbook whose parts unpack to more than ``decompressed_bytes`` (a zip bomb).
    zipfile stops reading each part at its stated size and checks its CRC, so the stated
    sizes bound what openpyxl can unpack."""
    cap = active().decompressed_bytes
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except _DAMAGED as exc:
        raise CountError(
            f"the xlsx workbook cannot be read ({type(exc).__name__}: {_first_line(exc)}); "
            "re-export it from the tabulation system",
            source=source,
        ) from None
    if total > cap:
        raise refuse(
            f"the workbook unpacks to {total:,} bytes", cap, "decompressed_bytes", source=source
        )


def _rows(raw: bytes, source: str) -> Iterable[tuple[object, ...]]:
    """Rows of the first worksheet as value tuples; a damaged workbook is a CountError."""
    import openpyxl  # imported here: only this reader needs it
    from openpyxl.utils.exceptions import InvalidFileException

    if not raw.startswith(b"PK\x03\x04"):
        raise CountError(
            "not an xlsx workbook (it does not start like a zip file); "
            "export the cast vote records as .xlsx",
            source=source,
        )
    _check_unpacked_size(raw, source)
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (InvalidFileException, *_DAMAGED) as exc:
        # openpyxl reports a damaged workbook with many exception types; all mean the same.
        raise CountError(
            f"the xlsx workbook cannot be read ({type(exc).__name__}: {_first_line(exc)}); "
            "re-export it from the tabulation system",
            source=source,
        ) from None
    if not book.worksheets:
        raise CountError("the workbook has no worksheet", source=source)
    sheet = book.worksheets[0]
    # Rows with content count towards the limit; the empty rows made up for a gap in the row
    # numbers are cheap, and stop at the last row a worksheet can have.
    rows = active().rows
    filled = 0
    try:
        for number, row in enumerate(_numbered_rows(book, sheet, source), start=1):
            if number > EXCEL_ROWS:
                raise CountError(
                    f"a row numbered past {EXCEL_ROWS:,}, the last row a worksheet can have; "
                    "this is not a genuine export",
                    source=source,
                    line=number,
                )
            if any(value is not None for value in row):
                filled += 1
                if filled > rows:
                    raise refuse(
                        f"the worksheet has more than {rows:,} rows with content",
                        rows,
                        "rows",
                        source=source,
                        line=number,
                    )
            yield row
    except CountError:
        raise
    except _DAMAGED as exc:
        raise CountError(
            f"the worksheet is damaged ({type(exc).__name__}: {_first_line(exc)}); re-export it",
            source=source,
        ) from None
    finally:
        book.close()


def _numbered_rows(book: Any, sheet: Any, source: str) -> Iterable[tuple[object, ...]]:
    """The worksheet's rows as value tuples, row 1 first, an empty tuple for a row number the
    file skips. The sheet's XML is read row by row as it stands: the ``<dimension>`` tag may
    be stale or missing (openpyxl's read-only mode trusts it and stops short), and openpyxl
    silently drops a row whose number repeats or goes back, and keeps only the last of two
    cells with the same column: each of those would be a paper, or a preference, lost without
    a word. They are refused with the row (a genuine export numbers its rows and cells in
    order)."""
    from openpyxl.worksheet._reader import WorkSheetParser

    with sheet._get_source() as xml:
        parser = WorkSheetParser(
            xml,
            sheet._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        last = 0
        for number, cells in parser.parse():
            if number <= last:
                order = "twice" if number == last else f"again after row {last} (out of order)"
                raise CountError(
                    f"row {number} appears {order}: a paper would be lost; re-export the cast "
                    "vote records",
                    source=source,
                    line=number,
                )
            if number > EXCEL_ROWS:
                raise CountError(
                    f"a row numbered past {EXCEL_ROWS:,}, the last row a worksheet can have; "
                    "this is not a genuine export",
                    source=source,
                    line=number,
                )
            for _ in range(last + 1, number):
                yield ()
            last = number
            values: list[object] = []
            for cell in cells:
                column = cell["column"]
                if cell["row"] != number or column <= len(values):
                    raise CountError(
                        f"cell {column_letter(column)}{cell['row']} in row {number}: the row "
                        "names a cell twice, out of order or outside the row, so a preference "
                        "would be lost; re-export the cast vote records",
                        source=source,
                        line=number,
                        column=column,
                    )
                values.extend([None] * (column - 1 - len(values)))
                values.append(cell["value"])
            yield tuple(values)


def _find_columns(header: tuple[object, ...], source: str) -> tuple[int, int]:
    """(first rank column, number of rank columns), 1-based, from the header row."""
    texts = [_cell_text(v) for v in header]
    for i, text in enumerate(texts):
        if text and _CHOICE_HEADER.search(text) and text.lower() != "count":
            n = 1
            while i + n < len(texts) and texts[i + n] and _CHOICE_HEADER.search(texts[i + n]):
                n += 1
            return i + 1, n
    raise CountError(
        "row 1 has no column headed like a choice ('1st Choice', 'Choice 1', ...); "
        "expected the ES&S header row with one column per rank",
        source=source,
        line=1,
    )


def ess_papers(
    path: str | Path, roster: Roster, rules: RankRules, layout: EssLayout, tally: Tally
) -> list[tuple[Ranking, int]]:
    """The papers of one ES&S export, interpreted under ``rules``."""
    source = str(path)
    numbered = enumerate(_rows(read_bytes(path), source), start=1)
    header: tuple[object, ...] = ()
    if layout.first_row > 1:
        for number, row in numbered:
            if number == layout.first_row - 1:
                header = row
                break
        else:
            raise CountError(
                "the worksheet is empty; expected a header row and then one row per paper",
                source=source,
            )
    if layout.first_column is None:
        first, ranks = _find_columns(header, source)
    else:
        first = layout.first_column
        ranks = layout.ranks if layout.ranks is not None else max(len(header) - first + 1, 0)
    rank_columns = range(first - 1, first - 1 + ranks)
    count_column = next(
        (
            i
            for i, v in enumerate(header)
            if _cell_text(v).lower() == "count" and i not in rank_columns
        ),
        None,
    )
    papers: list[tuple[Ranking, int]] = []
    for number, row in numbered:
        if not any(v is not None and _cell_text(v) != "" for v in row):
            continue
        positions: list[list[int]] = []
        for col in range(first, first + ranks):
            value = row[col - 1] if col - 1 < len(row) else None
            text = _cell_text(value)
            low = text.lower()
            if not text or low in layout.skipped_labels:
                positions.append([])
            elif low in layout.overvote_labels:
                positions.append([OVERVOTE])
            else:
                index = roster.index(text)
                if index is None:
                    raise CountError(
                        f"cell {column_letter(col)}{number}: unknown candidate {text!r}; "
                        f"expected one of the config's candidates ({roster.known()}), "
                        f"or a label for overvote/undervote/write-in",
                        source=source,
                        line=number,
                        column=col,
                    )
                positions.append([index])
        weight = 1
        if count_column is not None:
            value = row[count_column] if count_column < len(row) else None
            text = _cell_text(value)
            if not is_whole(text):
                raise CountError(
                    f"cell {column_letter(count_column + 1)}{number}: expected a whole number "
                    f"of papers in the Count column, found {text!r}",
                    source=source,
                    line=number,
                    column=count_column + 1,
                )
            weight = check_digits(
                text,
                f"cell {column_letter(count_column + 1)}{number}",
                source=source,
                line=number,
                column=count_column + 1,
            )
        papers.append((interpret(positions, rules, tally, weight=weight), weight))
    return papers


def read_ess_xlsx(
    path: str | Path, *, rules: RankRules | None = None, seats: int = 1, title: str | None = None
) -> Election:
    """An ES&S export on its own (no RCTab config): rank columns from the header, candidates
    in order of first appearance, ``UWI`` = undeclared write-in, ``overvote`` exhausts the
    paper at that rank, skipped ranks are passed over (see :class:`RankRules`)."""
    rules = rules or RankRules()
    roster = Roster(undeclared=("UWI",), source=str(path))
    tally = Tally()
    papers = ess_papers(path, roster, rules, EssLayout(), tally)
    return build_election(
        names=roster.names,
        papers=papers,
        seats=seats,
        title=title or Path(path).stem,
        source=str(path),
        withdrawn=roster.withdrawn,
        comment=f"ES&S export; {rules.describe()}; {tally.note()}",
        exhausted_at_start=tally.exhausted_at_start,
    )
