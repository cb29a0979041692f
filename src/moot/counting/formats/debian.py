"""Debian tally sheets (devotee's ``*_tally.txt``), as published for every Debian vote.

Free text at the top; the options as lines ``Option 1---->: Name`` (numbered 1..n in order,
possibly behind the ``|/`` drawing); then one line per voter ``V: <vote> <hash>`` where the
vote has one character per option, in option order: ``1``..``9`` (then ``A``..``Z`` for 10..35,
either case) is the rank the voter gave that option and ``-`` leaves it unranked. Equal
characters are equal rankings; gaps in the numbers carry no meaning (only the order counts).

Unranked options are left off the ranking. Debian's constitution (A.6) counts them as ranked
equal, below every option the voter ranked; the Condorcet methods read a ranking that way.
Files that are not UTF-8 are read as ISO-8859-1 (the 2007 sheet is). One seat.
"""

from __future__ import annotations

import re
from pathlib import Path

from moot.counting.formats._common import build_election, decode, read_bytes
from moot.counting.limits import check_digits
from moot.counting.model import CountError, Election, Level, Ranking

_OPTION = re.compile(r"^[\s|/]*Option\s+(\d+)\s*-*>?\s*:\s*(.*?)\s*$", re.IGNORECASE)
_VOTE = re.compile(r"^V:[ \t]*(\S*)")
_RANKS = "123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def read_debian(path: str | Path, *, title: str | None = None) -> Election:
    source = str(path)
    text = decode(read_bytes(path), source, latin1=True)
    names: list[str] = []
    papers: list[tuple[Ranking, int]] = []
    first_vote_line = None
    for line_number, line in enumerate(text.splitlines(), start=1):
        option = _OPTION.match(line)
        if option:
            if first_vote_line is not None:
                raise CountError(
                    "an Option line after the votes; the options come first",
                    source=source,
                    line=line_number,
                    column=1,
                )
            number = check_digits(
                option.group(1), "the option number", source=source, line=line_number
            )
            if number != len(names) + 1:
                raise CountError(
                    f"expected Option {len(names) + 1}, found Option {number}",
                    source=source,
                    line=line_number,
                    column=line.index(option.group(1)) + 1,
                )
            if not option.group(2):
                raise CountError(
                    f"Option {number} has no name",
                    source=source,
                    line=line_number,
                    column=len(line) + 1,
                )
            names.append(option.group(2))
            continue
        vote = _VOTE.match(line)
        if not vote:
            continue
        if first_vote_line is None:
            first_vote_line = line_number
        if not names:
            raise CountError(
                "a vote line before any 'Option N--->: name' line; expected the options first",
                source=source,
                line=line_number,
                column=1,
            )
        marks = vote.group(1)
        start = vote.start(1)
        if len(marks) != len(names):
            raise CountError(
                f"the vote {marks!r} has {len(marks)} characters; expected {len(names)}, "
                "one per option ('-' for unranked)",
                source=source,
                line=line_number,
                column=start + 1,
            )
        by_rank: dict[int, list[int]] = {}
        for i, ch in enumerate(marks):
            if ch == "-":
                continue
            rank = _RANKS.find(ch.upper())
            if rank < 0 or rank >= max(9, len(names)):
                raise CountError(
                    f"expected a rank 1-9 (A-Z for 10-35) or '-' for option {i + 1}, found {ch!r}",
                    source=source,
                    line=line_number,
                    column=start + i + 1,
                )
            by_rank.setdefault(rank, []).append(i)
        ranking: tuple[Level, ...] = tuple(tuple(by_rank[r]) for r in sorted(by_rank))
        papers.append((ranking, 1))
    if not names:
        raise CountError(
            "no 'Option N--->: name' lines: this is not a Debian tally sheet", source=source
        )
    if not papers:
        raise CountError("no 'V: ...' vote lines (empty election)", source=source)
    return build_election(
        names=names,
        papers=papers,
        seats=1,
        title=title or Path(path).stem,
        source=source,
        comment="Debian tally sheet; unranked options rank equal below every ranked one",
    )
