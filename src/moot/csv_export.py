"""The one CSV writer for everything moot exports (members, attendance, ballots, demo files).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and a
leading tab or carriage return hides such a start), so a member named ``=HYPERLINK("http://…")``
becomes a link, or worse, in the secretary's spreadsheet (CWE-1236). Every text cell starting
with one of those characters is written with a leading apostrophe, which spreadsheets show as
text; :func:`restore_cell` undoes it for moot's own imports, so an export still round-trips.
Numbers, dates and booleans are written as they are: they cannot carry a formula.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PREFIX_SET = frozenset(FORMULA_PREFIXES)
_ESCAPE = "'"


def neutralise_cell(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula: text starting with a formula prefix gets
    a leading apostrophe; ``None`` becomes an empty cell; dates are written in ISO form."""
    if type(value) is str:  # the common case first: exports are mostly text
        return _ESCAPE + value if value[:1] in _PREFIX_SET else value
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime.date):  # datetimes too
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return _ESCAPE + text
    return text


def restore_cell(text: str) -> str:
    """The value :func:`neutralise_cell` wrote: the apostrophe it added before a formula prefix
    is dropped (an apostrophe before anything else was in the value and stays)."""
    if text.startswith(_ESCAPE) and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


class SafeWriter:
    """``csv.writer`` whose every cell goes through :func:`neutralise_cell`."""

    def __init__(self, out: TextIO, **options: Any) -> None:
        options.setdefault("lineterminator", "\n")
        self._writer = csv.writer(out, **options)
        # csv.writer leaves a lone carriage return unquoted when lines end with "\n", and a
        # reader then splits the row there: such rows are written with every cell quoted.
        self._quoting_writer = csv.writer(out, **{**options, "quoting": csv.QUOTE_ALL})

    def writerow(self, row: Iterable[Any]) -> Any:
        cells = [neutralise_cell(value) for value in row]
        if "\r" in "".join([cell for cell in cells if type(cell) is str]):
            return self._quoting_writer.writerow(cells)
        return self._writer.writerow(cells)

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: TextIO, **options: Any) -> SafeWriter:
    """A CSV writer onto ``out`` that neutralises formula prefixes (lines end with ``\\n``
    unless ``lineterminator`` says otherwise)."""
    return SafeWriter(out, **options)


def csv_text(header: Iterable[Any], rows: Iterable[Iterable[Any]], **options: Any) -> str:
    """A whole CSV document as text: the header, then the rows, every cell neutralised."""
    out = io.StringIO()
    writer = csv_writer(out, **options)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
