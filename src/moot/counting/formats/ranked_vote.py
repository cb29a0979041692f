"""ranked.vote normalised cast-vote records (``*.normalized.csv``).

A header ``ballot_id,rank,choice`` (other columns after these are ignored), then one row per
mark: the paper's id, the rank (1, 2, ...) and the candidate's name. Specials:
``$UNDERVOTE`` (nothing marked at that rank) and ``$OVERVOTE`` (several marks at that rank).
``Write-in`` is kept as the candidate the data calls it (ranked.vote merges write-ins into
one). The rows of one paper may be anywhere in the file; a rank missing between two given
ranks is a skipped ranking.

Default interpretation, the one ranked.vote and the published Burlington 2009 analysis use:
an overvote exhausts the paper at that rank; skipped rankings are passed over; a candidate
ranked again is passed over. A paper ranking the same rank twice (two rows with the same
ballot id and rank) is an error, as is a rank that is not a whole number 1..1000.
"""

from __future__ import annotations

import csv
from pathlib import Path

from moot.counting.formats._common import (
    OVERVOTE,
    RankRules,
    Roster,
    Tally,
    build_election,
    decode,
    interpret,
    read_bytes,
)
from moot.counting.limits import is_whole
from moot.counting.model import CountError, Election

HEADER = ("ballot_id", "rank", "choice")
MAX_RANK = 1000


def read_ranked_vote(
    path: str | Path, *, rules: RankRules | None = None, seats: int = 1, title: str | None = None
) -> Election:
    source = str(path)
    rules = rules or RankRules()
    text = decode(read_bytes(path), source)
    reader = csv.reader(text.splitlines(), strict=True)
    roster = Roster(source=source)
    marks: dict[str, dict[int, tuple[int, int]]] = {}  # ballot -> rank -> (candidate, line)
    try:
        header = next(reader, None)
        if header is None or tuple(c.strip().lower() for c in header[:3]) != HEADER:
            raise CountError(
                "expected the header 'ballot_id,rank,choice' (ranked.vote normalised CSV)",
                source=source,
                line=1,
                column=1,
            )
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) < 3:
                raise CountError(
                    f"expected 3 cells 'ballot_id,rank,choice', found {len(row)}",
                    source=source,
                    line=line,
                    column=len(",".join(row)) + 1,
                )
            ballot, rank_text, choice = row[0].strip(), row[1].strip(), row[2].strip()
            if not ballot:
                raise CountError("empty ballot_id", source=source, line=line, column=1)
            if not is_whole(rank_text) or len(rank_text) > 9 or not 1 <= int(rank_text) <= MAX_RANK:
                raise CountError(
                    f"expected a rank (a whole number 1..{MAX_RANK}), found {rank_text!r}",
                    source=source,
                    line=line,
                    column=len(row[0]) + 2,
                )
            column = len(row[0]) + len(row[1]) + 3
            if not choice:
                raise CountError(
                    "empty choice; expected a candidate name, $UNDERVOTE or $OVERVOTE",
                    source=source,
                    line=line,
                    column=column,
                )
            if choice == "$OVERVOTE":
                index = OVERVOTE
            elif choice == "$UNDERVOTE":
                index = -2
            elif choice.startswith("$"):
                raise CountError(
                    f"unknown special {choice!r}; expected $UNDERVOTE or $OVERVOTE",
                    source=source,
                    line=line,
                    column=column,
                )
            else:
                found = roster.index(choice)  # an open roster always gives an index
                assert found is not None
                index = found
            ranks = marks.setdefault(ballot, {})
            rank = int(rank_text)
            if rank in ranks:
                raise CountError(
                    f"ballot {ballot!r} has rank {rank} twice (first on line {ranks[rank][1]})",
                    source=source,
                    line=line,
                    column=len(row[0]) + 2,
                )
            ranks[rank] = (index, line)
    except csv.Error as exc:
        raise CountError(f"not valid CSV ({exc})", source=source, line=reader.line_num) from None
    tally = Tally()
    papers = []
    for ranks in marks.values():
        top = max(ranks)
        positions = []
        for r in range(1, top + 1):
            index = ranks.get(r, (-2, 0))[0]
            positions.append([] if index == -2 else [index])
        papers.append((interpret(positions, rules, tally), 1))
    return build_election(
        names=roster.names,
        papers=papers,
        seats=seats,
        title=title or Path(path).name.removesuffix(".csv").removesuffix(".normalized"),
        source=source,
        comment=f"ranked.vote normalised CSV; {rules.describe()}; {tally.note()}",
        exhausted_at_start=tally.exhausted_at_start,
    )
