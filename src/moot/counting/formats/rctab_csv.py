"""RCTab's generic CSV cast-vote-record format.

One row per paper after a header row. The header names the candidates: from the first vote
column on, each column is one candidate and each cell holds the rank the voter gave that
candidate (``1`` = first choice), or is empty. Columns before it (response id, precinct,
batch) are ignored. Two candidates given the same rank on one paper are an overvote at that
rank; a rank nobody holds is a skipped ranking.

Without an RCTab contest config the vote columns are the longest run of columns at the right
whose cells are all empty or whole numbers; a column headed ``Write-In`` (or ``Write-ins``,
``UWI``) is undeclared write-ins. With a config, ``firstVoteColumnIndex``,
``firstVoteRowIndex`` and ``undeclaredWriteInLabel`` say where things are and the header's
names must be the config's candidates (or aliases).

Default interpretation: an overvote exhausts the paper at that rank, skipped rankings are
passed over, a repeated candidate cannot happen (one cell per candidate).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from moot.counting.formats._common import (
    RankRules,
    Roster,
    Tally,
    build_election,
    decode,
    interpret,
    read_bytes,
)
from moot.counting.limits import is_whole
from moot.counting.model import CountError, Election, Ranking

_WRITE_IN = re.compile(r"^\s*(write[- ]?ins?|uwi|undeclared write-?ins?)\s*$", re.IGNORECASE)
MAX_RANK = 1000


def _table(path: str | Path) -> list[tuple[int, list[str]]]:
    """(line number, cells) for every non-empty row."""
    source = str(path)
    text = decode(read_bytes(path), source)
    reader = csv.reader(text.splitlines(), strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise CountError(
            f"not valid CSV ({exc}); quote cells that contain commas or quotes",
            source=source,
            line=reader.line_num,
        ) from None
    if not rows:
        raise CountError(
            "the file is empty; expected a header row naming the candidates", source=source
        )
    return rows


def _guess_first_column(rows: list[tuple[int, list[str]]]) -> int:
    """0-based index of the first vote column: the longest numeric run on the right."""
    width = len(rows[0][1])
    first = width
    for col in range(width - 1, -1, -1):
        if all(
            col >= len(cells) or cells[col].strip() == "" or is_whole(cells[col].strip())
            for _, cells in rows[1:]
        ):
            first = col
        else:
            break
    return first


def csv_papers(
    path: str | Path,
    roster: Roster,
    rules: RankRules,
    tally: Tally,
    *,
    first_column: int | None = None,
    first_row: int = 2,
) -> list[tuple[Ranking, int]]:
    """The papers of one generic CSV file. ``first_column``/``first_row`` are 1-based."""
    source = str(path)
    rows = _table(path)
    if first_row > 2:  # the header is the row just above the first paper
        rows = [(n, cells) for n, cells in rows if n >= first_row - 1] or rows[-1:]
    header_line, header = rows[0]
    start = (first_column - 1) if first_column is not None else _guess_first_column(rows)
    if start >= len(header):
        raise CountError(
            "no vote columns: expected, after the id columns, one column per candidate whose "
            "cells are ranks (whole numbers)",
            source=source,
            line=header_line,
        )
    columns: list[int] = []
    for col in range(start, len(header)):
        name = header[col].strip()
        if not name:
            raise CountError(
                f"column {col + 1} of the header has no candidate name",
                source=source,
                line=header_line,
                column=col + 1,
            )
        if not roster.fixed and _WRITE_IN.match(name):
            roster.undeclared.add(name)
        index = roster.index(name)
        if index is None:
            raise CountError(
                f"header column {col + 1}: {name!r} is not a candidate of the contest config "
                f"({roster.known()})",
                source=source,
                line=header_line,
                column=col + 1,
            )
        if index in columns:
            raise CountError(
                f"header column {col + 1}: candidate {name!r} has two columns",
                source=source,
                line=header_line,
                column=col + 1,
            )
        columns.append(index)
    papers: list[tuple[Ranking, int]] = []
    for line, cells in rows[1:]:
        if len(cells) > len(header):
            raise CountError(
                f"{len(cells)} cells but the header has {len(header)} columns",
                source=source,
                line=line,
                column=len(header) + 1,
            )
        marks: dict[int, list[int]] = {}
        for offset, index in enumerate(columns):
            col = start + offset
            cell = cells[col].strip() if col < len(cells) else ""
            if not cell:
                continue
            if not is_whole(cell) or len(cell) > 9 or not 1 <= int(cell) <= MAX_RANK:
                raise CountError(
                    f"expected a rank (a whole number 1..{MAX_RANK}) or an empty cell for "
                    f"{roster.names[index]!r}, found {cell!r}",
                    source=source,
                    line=line,
                    column=col + 1,
                )
            marks.setdefault(int(cell), []).append(index)
        top = max(marks, default=0)
        positions = [marks.get(r, []) for r in range(1, top + 1)]
        papers.append((interpret(positions, rules, tally), 1))
    return papers


def read_rctab_csv(
    path: str | Path, *, rules: RankRules | None = None, seats: int = 1, title: str | None = None
) -> Election:
    """A generic CSV file on its own (see the module docstring)."""
    rules = rules or RankRules()
    roster = Roster(source=str(path))
    tally = Tally()
    papers = csv_papers(path, roster, rules, tally)
    return build_election(
        names=roster.names,
        papers=papers,
        seats=seats,
        title=title or Path(path).stem,
        source=str(path),
        withdrawn=roster.withdrawn,
        comment=f"RCTab generic CSV; {rules.describe()}; {tally.note()}",
        exhausted_at_start=tally.exhausted_at_start,
    )
