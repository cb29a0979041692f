"""Numbered lines of a motion and the text as amended. Pure: no Django.

A motion's text is split into paragraphs (blank lines between them) and each paragraph is wrapped
at :data:`LINE_WIDTH` characters; the lines are numbered 1, 2, 3 … across the whole motion, as on
a printed agenda paper. Amendments refer to these numbers *in the text as tabled*, so several
amendments can be moved from the same paper; each one applied must touch lines that no earlier
applied amendment replaced or deleted (otherwise it has fallen).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

LINE_WIDTH = 80

_BLANK_LINES = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Line:
    number: int
    text: str
    starts_paragraph: bool


@dataclass(frozen=True)
class Edit:
    """One amendment as the line arithmetic sees it."""

    ref: str  # e.g. "amendment 2", for messages
    action: str  # "replace" | "insert" | "delete"
    line_from: int
    line_to: int | None
    text: str


class LinesError(ValueError):
    pass


def paragraphs(text: str) -> list[str]:
    """Paragraphs of ``text``: separated by blank lines; single line breaks become spaces."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not normalised:
        return []
    return [" ".join(p.split()) for p in _BLANK_LINES.split(normalised) if p.strip()]


def numbered_lines(text: str, width: int = LINE_WIDTH) -> list[Line]:
    """The motion's lines, numbered from 1."""
    lines: list[Line] = []
    for paragraph in paragraphs(text):
        wrapped = textwrap.wrap(paragraph, width=width, break_long_words=False) or [""]
        for i, chunk in enumerate(wrapped):
            lines.append(Line(len(lines) + 1, chunk, i == 0))
    return lines


def check_edit(edit: Edit, line_count: int) -> None:
    """Refuse an edit whose lines do not exist, naming the place and the fix."""
    if edit.action not in {"replace", "insert", "delete"}:
        raise LinesError(f"Unknown change {edit.action!r}: use replace, insert or delete.")
    if edit.action == "insert":
        if not 0 <= edit.line_from <= line_count:
            raise LinesError(
                f"Insert after line {edit.line_from}: the motion has lines 1–{line_count}; "
                "give 0 to insert before the first line."
            )
        if not edit.text.strip():
            raise LinesError("Write the text to insert.")
        return
    last = edit.line_to or edit.line_from
    if edit.line_from < 1 or last > line_count:
        raise LinesError(
            f"Lines {edit.line_from}–{last} are not in the motion: it has lines 1–{line_count}."
        )
    if last < edit.line_from:
        raise LinesError(
            f"The last line ({last}) comes before the first ({edit.line_from}); swap them."
        )
    if edit.action == "replace" and not edit.text.strip():
        raise LinesError("Write the replacement text, or propose to delete the lines instead.")


def _span(edit: Edit) -> range:
    if edit.action == "insert":
        return range(0)
    return range(edit.line_from, (edit.line_to or edit.line_from) + 1)


def conflict(edit: Edit, applied: Iterable[Edit]) -> Edit | None:
    """The earlier applied edit that already replaced or deleted a line this edit changes."""
    for earlier in applied:
        taken = _span(earlier)
        if edit.action == "insert":
            # Inserting after a line that was deleted or replaced (not at the end of the span
            # where the new text sits) would put the words nowhere sensible.
            if edit.line_from in taken and edit.line_from != taken[-1]:
                return earlier
            continue
        if set(_span(edit)) & set(taken):
            return earlier
    return None


def apply_edits(text: str, edits: Sequence[Edit], width: int = LINE_WIDTH) -> str:
    """The text as amended: ``edits`` (in the order they were applied) over the tabled text.

    Paragraph breaks of the original survive; a replacement takes the paragraph position of the
    first line it replaces; inserted text starts a new paragraph only when it contains one
    (a blank line) or is inserted before the first line of a paragraph."""
    lines = numbered_lines(text, width)
    replaced: dict[int, str | None] = {}  # line number → replacement (None: deleted)
    inserted: dict[int, list[str]] = {}  # after line n → texts, in order
    for position, edit in enumerate(edits):
        check_edit(edit, len(lines))
        clash = conflict(edit, edits[:position])
        if clash is not None:
            raise LinesError(
                f"{edit.ref.capitalize()} changes lines that {clash.ref} already changed."
            )
        if edit.action == "insert":
            inserted.setdefault(edit.line_from, []).append(edit.text)
            continue
        for n in _span(edit):
            replaced[n] = None
        if edit.action == "replace":
            replaced[edit.line_from] = edit.text
    # Build paragraphs: a list of lists of text pieces.
    out: list[list[str]] = []

    def add(piece: str, new_paragraph: bool) -> None:
        parts = paragraphs(piece)
        for i, part in enumerate(parts):
            if new_paragraph or i > 0 or not out:
                out.append([part])
            else:
                out[-1].append(part)

    for text_piece in inserted.get(0, []):
        add(text_piece, True)
    for line in lines:
        starts = line.starts_paragraph
        if line.number in replaced:
            replacement = replaced[line.number]
            if replacement is not None:
                add(replacement, starts)
            elif starts:
                # A deleted first line: the rest of the paragraph still begins a paragraph.
                out.append([])
        else:
            add(line.text, starts)
        for text_piece in inserted.get(line.number, []):
            add(text_piece, False)
    return "\n\n".join(" ".join(p) for p in out if p)
