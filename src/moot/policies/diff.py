"""The line-based difference between two versions of a policy's text, numbered as a motion's
lines are (:func:`moot.motions.lines.numbered_lines`), for a page to show as deleted and
inserted lines. Pure: no database."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from moot.motions.lines import numbered_lines


@dataclass(frozen=True)
class DiffLine:
    op: str  # "same" | "deleted" | "inserted"
    old_number: int | None
    new_number: int | None
    text: str


def line_diff(old: str, new: str) -> list[DiffLine]:
    """Each line of ``old`` and ``new`` once: kept, deleted (with its old number) or inserted
    (with its new number), in reading order."""
    before = [line.text for line in numbered_lines(old)]
    after = [line.text for line in numbered_lines(new)]
    rows: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(
                DiffLine("same", i1 + k + 1, j1 + k + 1, before[i1 + k]) for k in range(i2 - i1)
            )
            continue
        rows.extend(DiffLine("deleted", i + 1, None, before[i]) for i in range(i1, i2))
        rows.extend(DiffLine("inserted", None, j + 1, after[j]) for j in range(j1, j2))
    return rows


def diff_counts(rows: list[DiffLine]) -> tuple[int, int]:
    """(lines deleted, lines inserted)."""
    return (
        sum(1 for r in rows if r.op == "deleted"),
        sum(1 for r in rows if r.op == "inserted"),
    )
