"""BLT ballot files: reading (every common variant) and writing.

The format (Hill, Wichmann & Woodall, Algorithm 123; extended by OpenSTV, Droop, OpenTally)::

    <ncand> <nseats>
    [-k ...]                  withdrawn candidates as negative numbers
    [withdrawn k ...] [tie k ...] [nick a b ...] [droop ...] [undeclared ...]
    <weight> <pref> ... 0     one line per (multiplied) ballot
    (<id>) <pref> ... 0       a ballot id instead of a weight (weight 1)
    0                         end of ballots
    "Candidate name"          ncand quoted names, in number order
    "Title"                   the last line: anything after it is refused with its line,
                              unless read with ``keep_after_title`` (kept in the comment)

A preference is a candidate number 1..ncand or a ``[nick]`` nickname; ``a=b`` ranks several
candidates equally. Names are double-quoted; ``\\"`` and ``\\\\`` escape a quote and a backslash.
Files may be gzip-compressed (``.gz``, or detected by their magic bytes) and may start with a
UTF-8 byte-order mark.

Conventions kept so that counts match the published reference implementations:

* Ballot lines: each ballot ends with its own ``0`` on the same line; a ballot that runs onto
  the next line is reported as a missing terminator (the usual mistake) rather than silently
  merged with the next ballot.
* ``[tie a b c]`` (Droop, STV-rs): when a tie has to be settled by lot, the candidate listed
  **first** is the one picked to lose. Without a ``[tie]`` line, ballot order is used the same
  way (the earlier candidate loses). ``Election.tie_order`` is "most favoured first", so the
  reader stores the reverse of the ``[tie]`` list (or of ballot order).
* Withdrawn candidates stay in the rankings as cast (so writing the file back loses nothing);
  every counting method skips them.
* ``[droop ...]`` and ``[undeclared ...]`` options are accepted and recorded in
  ``Election.comment`` as ignored: the count's rule set comes from ``moot count --method``.

Errors are :class:`~moot.counting.model.CountError` with source, line and column.
"""

from __future__ import annotations

import bisect
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np

from moot.counting._packed import PackedBallots, aggregate_matrix
from moot.counting.formats._common import decode, gunzip, read_bytes
from moot.counting.limits import active, check_candidates, check_digits, is_whole, refuse
from moot.counting.model import Ballots, Candidate, CountError, Election, Level, Ranking

_TOKEN = re.compile(
    r'"(?P<q>(?:[^"\\\n]|\\.|"")*)"'  # quoted string, \" or "" escapes, one line
    r"|(?P<open>\[)|(?P<close>\])"
    r"|(?P<word>[^\s\[\]\"]+)"
    r'|(?P<bad>")'  # an unterminated quote
)
_CandidateOf = Callable[[str, int], int]
_END_OF_BALLOTS = re.compile(r"^[ \t]*0[ \t]*\r?$", re.MULTILINE)


@dataclass(frozen=True)
class _Token:
    kind: str  # "q", "open", "close", "word", "bad"
    text: str
    offset: int


class _Source:
    """The text with its line starts, to turn offsets into line and column numbers."""

    def __init__(self, text: str, name: str) -> None:
        self.text = text
        self.name = name
        self._line_starts: list[int] | None = None

    @property
    def line_starts(self) -> list[int]:
        # Built on first use: the fast path never needs line numbers.
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        return self._line_starts

    def where(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def error(self, offset: int, message: str) -> CountError:
        line, column = self.where(offset)
        return CountError(message, source=self.name, line=line, column=column)

    def tokens(self, start: int, end: int | None = None) -> Iterator[_Token]:
        for m in _TOKEN.finditer(self.text, start, len(self.text) if end is None else end):
            kind = m.lastgroup or "word"
            text = m.group("q") if kind == "q" else m.group(0)
            yield _Token(kind, text, m.start())


def _read_bytes(source: str | Path | TextIO) -> tuple[str, str]:
    """Return (text, display name); gzip is recognised by its magic bytes. The limits on
    size, decompressed size and lines apply (:mod:`moot.counting.limits`)."""
    if isinstance(source, (str, Path)):
        name = str(source)
        return decode(read_bytes(source), name), name
    name = str(getattr(source, "name", "<input>"))
    cap = active().file_bytes
    data = source.read(cap + 1)
    if len(data) > cap:
        raise refuse("the input is larger", cap, "file_bytes", source=name)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if raw[:2] == b"\x1f\x8b":
        raw = gunzip(raw, name)
    return decode(raw, name), name


def read_blt(
    source: str | Path | TextIO, *, name: str | None = None, keep_after_title: bool = False
) -> Election:
    """Read a BLT file (path, or an open text/binary file) into an :class:`Election`."""
    text, display = _read_bytes(source)
    return parse_blt(text, source=name or display, keep_after_title=keep_after_title)


def _int_token(src: _Source, tok: _Token | None, what: str, at: int) -> int:
    if tok is None:
        raise src.error(at, f"expected {what}, found the end of the file")
    if tok.kind != "word" or not re.fullmatch(r"-?[0-9]+", tok.text):
        raise src.error(tok.offset, f"expected {what}, found {tok.text!r}")
    line, column = src.where(tok.offset)
    return check_digits(tok.text, what, source=src.name, line=line, column=column)


def parse_blt(text: str, *, source: str = "<input>", keep_after_title: bool = False) -> Election:
    """Parse BLT text. See the module docstring for the accepted variants.

    The title ends the file: a line after it is refused, since it may be a candidate the
    header does not count. ``keep_after_title`` accepts the lines some published files put
    there (a source, a comment, notes): quoted strings after the title of a one-name-per-line
    file are kept in ``Election.comment``, other text is noted there as ignored. Even then
    the names-on-one-line layout takes nothing after its title."""
    src = _Source(text, source)
    tokens = src.tokens(0)
    first = next(tokens, None)
    if first is None:
        raise CountError(
            "the file is empty; a BLT file starts with '<candidates> <seats>'", source=source
        )
    ncand = _int_token(src, first, "the number of candidates (header '<candidates> <seats>')", 0)
    seats_tok = next(tokens, None)
    seats = _int_token(src, seats_tok, "the number of seats after the number of candidates", 0)
    if ncand < 1:
        raise src.error(first.offset, f"the election has no candidates (header says {ncand})")
    assert seats_tok is not None
    if seats < 1:
        raise src.error(seats_tok.offset, f"the number of seats must be at least 1, got {seats}")
    check_candidates(ncand, source=source, line=1, column=src.where(first.offset)[1])

    withdrawn: set[int] = set()
    nick: dict[str, int] = {}
    tie: list[int] | None = None
    notes: list[str] = []
    pending_options: list[tuple[str, list[_Token], int]] = []

    # Header options: negative ids and [bracketed] options, until the first ballot token.
    tok = next(tokens, None)
    while tok is not None:
        if tok.kind == "word" and re.fullmatch(r"-[0-9]+", tok.text):
            number = -int(tok.text) if len(tok.text) <= len(str(ncand)) + 1 else ncand + 1
            if not 1 <= number <= ncand:
                raise src.error(
                    tok.offset, f"withdrawn candidate {tok.text} is not between -1 and -{ncand}"
                )
            withdrawn.add(number - 1)
            tok = next(tokens, None)
            continue
        if tok.kind == "open":
            opened = tok.offset
            head = next(tokens, None)
            if head is None or head.kind != "word":
                raise src.error(opened, "expected an option name after '['")
            args: list[_Token] = []
            tok = next(tokens, None)
            while tok is not None and tok.kind != "close":
                if tok.kind in ("open", "bad"):
                    raise src.error(tok.offset, f"expected ']' to close the [{head.text} option")
                args.append(tok)
                tok = next(tokens, None)
            if tok is None:
                raise src.error(opened, f"the [{head.text} option is never closed with ']'")
            pending_options.append((head.text.lower(), args, head.offset))
            tok = next(tokens, None)
            continue
        break
    if tok is None:
        raise src.error(len(text), "expected ballots after the header, found the end of the file")
    ballots_start = tok.offset

    # [nick] first: the other options may use nicknames.
    for option, args, at in pending_options:
        if option == "nick":
            if len(args) != ncand:
                raise src.error(at, f"[nick] gives {len(args)} nicknames for {ncand} candidates")
            for i, a in enumerate(args):
                if a.text in nick:
                    raise src.error(a.offset, f"nickname {a.text!r} is used twice")
                nick[a.text] = i

    def candidate_of(word: str, offset: int) -> int:
        if is_whole(word):
            number = int(word) if len(word) <= len(str(ncand)) else ncand + 1
            if not 1 <= number <= ncand:
                raise src.error(offset, f"preference {word} is out of range: expected 1..{ncand}")
            return number - 1
        if word in nick:
            return nick[word]
        raise src.error(
            offset,
            f"unknown candidate {word!r}: expected a number 1..{ncand}"
            + (" or a [nick] nickname" if nick else ""),
        )

    for option, args, at in pending_options:
        if option == "nick":
            continue
        if option == "withdrawn":
            for a in args:
                withdrawn.add(candidate_of(a.text, a.offset))
        elif option == "tie":
            order = [candidate_of(a.text, a.offset) for a in args]
            if len(set(order)) != len(order):
                raise src.error(at, "[tie] names a candidate twice")
            tie = order
        elif option in ("droop", "undeclared"):
            shown = " ".join(a.text for a in args)
            notes.append(f"[{option} {shown}] ignored: the rule set is chosen by --method")
        else:
            raise src.error(
                at,
                f"unknown option [{option} ...]; expected [withdrawn], [tie], [nick], [droop] "
                "or [undeclared]",
            )

    ballots, end_offset = _parse_ballots(src, ballots_start, ncand, nick, candidate_of)
    if ballots.total == 0:
        raise src.error(ballots_start, "the election has no ballots (empty election)")

    # Names and title; nothing may follow the title.
    strings: list[_Token] = []
    stray: _Token | None = None
    for t in src.tokens(end_offset):
        if t.kind == "bad":
            raise src.error(t.offset, "a quoted name is not closed with '\"' on the same line")
        if t.kind != "q":
            if len(strings) <= ncand:
                raise src.error(
                    t.offset,
                    f"expected {ncand} quoted candidate names and a quoted title after the "
                    f'end-of-ballots 0; found {t.text!r} (put each name in "double quotes")',
                )
            stray = t  # refused below, unless a string before it is refused first
            if keep_after_title:
                notes.append("text after the title ignored")
                stray = None
            break
        strings.append(t)
    if len(strings) < ncand + 1:
        raise src.error(
            len(text),
            f"expected {ncand} candidate names and a title after the ballots, found "
            f"{len(strings)} quoted string(s): the header says {ncand} candidates",
        )
    layout = _name_layout(src, strings, ncand, keep_after_title=keep_after_title)
    if stray is not None:
        raise src.error(
            stray.offset,
            f"unexpected {stray.text!r} after the candidate names and the title; a BLT file "
            "ends with the title: remove this line (or keep it as a note with "
            "--blt-keep-after-title)",
        )
    names = [_unescape(t.text) for t in layout.names]
    _check_names(src, layout.names, names)
    extra = [_unescape(t.text) for t in layout.extra]
    inverse_nick = {i: n for n, i in nick.items()}
    affiliations = [None if t is None else _unescape(t.text) for t in layout.affiliations]
    candidates = [
        Candidate(
            names[i],
            nickname=inverse_nick.get(i),
            withdrawn=i in withdrawn,
            affiliation=affiliations[i],
        )
        for i in range(ncand)
    ]
    standing = ncand - len(withdrawn)
    if seats > standing:
        raise src.error(
            seats_tok.offset,
            f"{seats} seats but only {standing} candidates standing; fix the header",
        )
    favoured = list(reversed(tie)) if tie is not None else list(range(ncand - 1, -1, -1))
    if tie is not None:
        # Real files list every candidate; any left out lose ties before those listed.
        listed = set(tie)
        favoured = favoured + [i for i in range(ncand - 1, -1, -1) if i not in listed]
    comment_parts = extra + notes
    return Election(
        candidates=candidates,
        seats=seats,
        ballots=ballots,
        title=_unescape(layout.title.text),
        tie_order=tuple(favoured),
        source=source,
        comment="; ".join(comment_parts) if comment_parts else None,
    )


def _unescape(text: str) -> str:
    """A quoted string's text: ``\\x`` is ``x`` and a doubled quote ``""`` is one quote."""
    return re.sub(r'\\(.)|""', lambda m: m.group(1) or '"', text)


@dataclass(frozen=True)
class _Layout:
    names: list[_Token]
    affiliations: list[_Token | None]
    title: _Token
    extra: list[_Token]  # strings after the title: only with keep_after_title


def _name_layout(
    src: _Source, strings: list[_Token], ncand: int, *, keep_after_title: bool = False
) -> _Layout:
    """Which quoted string is a name, an affiliation, the title; the layouts accepted:

    * one string per line: the names, then the title;
    * two or more candidates' names all on the first line (D. Hill's files): exactly as many
      strings as candidates, then the title on the next line, or the title last on that line;
    * one candidate per line with a name and an affiliation (``"Name" "Party"``; a line may
      hold the name alone), then the title on a line of its own, as some councils publish.

    The title ends the file in every layout: a string after it is refused with its line (it
    may be a name the header does not count, and the count would be of shifted names). A
    file that fits none of the layouts, or two of them in different ways, is refused with the
    line and column where the layouts part."""
    lines: list[list[_Token]] = []
    last = -1
    for tok in strings:
        line = src.where(tok.offset)[0]
        if line != last:
            lines.append([])
            last = line
        lines[-1].append(tok)
    readings: dict[str, _Layout] = {}
    # Layouts that fit but for strings after their title: the first such string of each. The
    # file is refused there, or as ambiguous if another layout reads it differently (a line
    # after the title may be a name the header does not count: the names would be shifted).
    after_title: dict[str, _Token] = {}
    if all(len(line) == 1 for line in lines):
        flat = [line[0] for line in lines]
        if len(flat) == ncand + 1 or keep_after_title:
            readings["one per line"] = _Layout(
                flat[:ncand], [None] * ncand, flat[ncand], flat[ncand + 1 :]
            )
        else:
            after_title["one per line"] = flat[ncand + 1]
    first = lines[0]
    if ncand >= 2 and len(first) in (ncand, ncand + 1):
        title_line = 0 if len(first) == ncand + 1 else 1
        if title_line == 1 and len(lines) > 1 and len(lines[1]) == 1:
            title = lines[1][0]
        elif title_line == 0:
            title = first[ncand]
        else:
            title = None
        rest = [tok for line in lines[title_line + 1 :] for tok in line]
        if title is not None and not rest:
            readings["names on one line"] = _Layout(first[:ncand], [None] * ncand, title, [])
        elif title is not None:
            after_title["names on one line"] = rest[0]
    if (
        len(lines) > ncand
        and all(len(line) <= 2 for line in lines[:ncand])
        and any(len(line) == 2 for line in lines[:ncand])
        and len(lines[ncand]) == 1
    ):
        if len(lines) == ncand + 1 or (
            keep_after_title and all(len(line) == 1 for line in lines[ncand:])
        ):
            readings["name and affiliation"] = _Layout(
                [line[0] for line in lines[:ncand]],
                [line[1] if len(line) == 2 else None for line in lines[:ncand]],
                lines[ncand][0],
                [line[0] for line in lines[ncand + 1 :]],
            )
        else:
            after_title["name and affiliation"] = lines[ncand + 1][0]
    distinct = {
        (tuple(r.names), tuple(r.affiliations), r.title, tuple(r.extra)): name
        for name, r in readings.items()
    }
    if len(distinct) == 1 and not after_title:
        return next(iter(readings.values()))
    if not distinct and after_title:
        extra = min(after_title.values(), key=lambda tok: tok.offset)
        raise src.error(
            extra.offset,
            f"a quoted string after the title: a BLT file ends with the title, after the "
            f"{ncand} candidate names the header counts; if this is a candidate's name, the "
            "header's number of candidates is wrong; otherwise remove the line (or, for a "
            "source or comment line, read the file with --blt-keep-after-title)",
        )
    if distinct:
        at = next(line[1] for line in lines if len(line) > 1)
        raise src.error(
            at.offset,
            "the candidate names can be read as "
            + " or as ".join(
                sorted(
                    [*readings, *(f"{name} (with a line after its title)" for name in after_title)]
                )
            )
            + '; put each name on a line of its own ("Name" or "Name" "Affiliation") and '
            "the title on the line after the last name",
        )
    allowed = [2 if i < ncand else 1 for i in range(len(lines))]
    crowded = next(
        (i for i, line in enumerate(lines) if len(line) > allowed[i]),
        next(i for i, line in enumerate(lines) if len(line) > 1),
    )
    crowd = lines[crowded]
    raise src.error(
        crowd[min(allowed[crowded], len(crowd) - 1)].offset,
        f"{len(crowd)} quoted strings on this line; expected one candidate per line "
        '("Name", or "Name" "Affiliation"), or all the names on the first line, then the '
        f"title on a line of its own (the header says {ncand} candidates)",
    )


def _check_names(src: _Source, tokens: list[_Token], names: list[str]) -> None:
    """Refuse an empty name, or a name given to two candidates (a count by name would be
    ambiguous, and a shifted list often shows this way)."""
    seen: dict[str, int] = {}
    for number, (tok, name) in enumerate(zip(tokens, names, strict=True), start=1):
        key = " ".join(name.split())
        if not key:
            raise src.error(tok.offset, f"candidate {number} has an empty name")
        if key in seen:
            raise src.error(
                tok.offset,
                f"candidate {number} has the same name as candidate {seen[key]} ({name!r}); "
                "each candidate needs a name of their own",
            )
        seen[key] = number


def _parse_ballots(
    src: _Source, start: int, ncand: int, nick: dict[str, int], candidate_of: _CandidateOf
) -> tuple[Ballots, int]:
    """Parse ballot lines from ``start`` to the end-of-ballots ``0``; returns the ballots and
    the offset just after that ``0``. Tries the numpy fast path for plain numeric files."""
    text = src.text
    if not nick:
        # The end-of-ballots line is nearly always exactly "0"; str.find beats a regex scan.
        found = text.find("\n0\n", max(start - 1, 0))
        if found >= 0:
            region_end, after = found + 1, found + 2
        else:
            end_match = _END_OF_BALLOTS.search(text, start)
            region_end, after = (end_match.start(), end_match.end()) if end_match else (-1, -1)
        if region_end >= start:
            try:
                region = text[start:region_end].encode("ascii")
            except UnicodeEncodeError:
                region = b"x"
            if not region.translate(None, b"0123456789 \t\r\n"):
                packed = _fast_ballots(region, ncand)
                if packed is not None:
                    return packed, after
    return _slow_ballots(src, start, ncand, candidate_of)


def _fast_ballots(region: bytes, ncand: int) -> PackedBallots | None:
    """Vectorised parse of lines of plain integers ``w c c ... 0`` (one ballot per line, no
    blank lines). Returns None whenever anything is unusual, so that the careful parser finds
    and reports the problem with its line and column."""
    data = np.frombuffer(region, dtype=np.uint8)
    if data.size == 0 or data[-1] != 10:
        return None
    is_digit = data >= 48
    starts = np.flatnonzero(is_digit[1:] & ~is_digit[:-1]) + 1
    if is_digit[0]:
        starts = np.concatenate(([0], starts))
    if starts.size == 0:
        return None
    # Token values, one digit position at a time (ballot files have short numbers).
    values = (data[starts] - 48).astype(np.int64)
    live = np.flatnonzero(is_digit[starts + 1])
    digits = 1
    while live.size:
        digits += 1
        if digits > 15:
            return None
        pos = starts[live] + digits - 1
        values[live] = values[live] * 10 + (data[pos] - 48)
        live = live[is_digit[pos + 1]]
    # Terminators: the only zeros; each must end its line, and there must be one per line.
    zeros = np.flatnonzero(values == 0)
    if zeros.size != np.count_nonzero(data == 10):
        return None
    after = starts[zeros] + 1
    while True:
        spaces = (data[after] == 32) | (data[after] == 9) | (data[after] == 13)
        if not spaces.any():
            break
        after = after + spaces
    if np.any(data[after] != 10):
        return None
    first = np.concatenate(([0], zeros[:-1] + 1))  # weight token of each ballot
    lengths = zeros - first - 1
    if np.any(lengths < 0):
        return None
    if int(values[first].max()) * first.size >= 2**62:
        return None  # the total might not fit in 64 bits: Python ints, ballot by ballot
    inner_max = values.max()
    weights = values[first]
    if inner_max > ncand and np.any(np.delete(values, first) > ncand):
        return None
    width = int(lengths.max())
    dtype = np.uint8 if ncand < 255 else np.int32
    prefs = np.zeros((first.size, width), dtype=dtype)
    for j in range(width):
        rows = np.flatnonzero(lengths > j)
        prefs[rows, j] = values[first[rows] + 1 + j]
    # Duplicate preference inside a ballot: count distinct candidates per row.
    if ncand <= 62:
        masks = np.zeros(first.size, dtype=np.uint64)
        one = np.uint64(1)
        for j in range(width):
            col = prefs[:, j].astype(np.uint64)
            masks |= np.where(col > 0, one << col, np.uint64(0))
        if np.any(np.bitwise_count(masks) != lengths):
            return None
    else:
        ordered = np.sort(prefs, axis=1)
        if np.any((ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] > 0)):
            return None
    return aggregate_matrix(prefs, weights, ncand)


def _slow_ballots(
    src: _Source, start: int, ncand: int, candidate_of: _CandidateOf
) -> tuple[Ballots, int]:
    """Token-by-token ballot parser with exact error positions."""
    items: dict[Ranking, int] = {}
    tokens = src.tokens(start)
    for tok in tokens:
        if tok.kind != "word":
            if tok.kind == "q":
                raise src.error(
                    tok.offset,
                    "expected the end-of-ballots line '0' before the candidate names",
                )
            raise src.error(tok.offset, f"expected a ballot weight, found {tok.text!r}")
        line, _ = src.where(tok.offset)
        if tok.text == "0":
            return Ballots(list(items), list(items.values())), tok.offset + 1
        if re.fullmatch(r"\(\S*\)", tok.text):
            weight = 1
        elif is_whole(tok.text):
            weight = check_digits(
                tok.text,
                "the ballot weight",
                source=src.name,
                line=line,
                column=src.where(tok.offset)[1],
            )
        else:
            raise src.error(
                tok.offset,
                f"expected a ballot weight (a whole number) or a ballot id '(id)', "
                f"found {tok.text!r}",
            )
        levels: list[Level] = []
        seen: set[int] = set()
        for pref in tokens:
            if src.where(pref.offset)[0] != line or pref.kind != "word":
                raise src.error(
                    pref.offset if src.where(pref.offset)[0] == line else tok.offset,
                    f"the ballot on line {line} has no terminating 0 at the end of its line",
                )
            if pref.text == "0":
                break
            level: list[int] = []
            column_offset = pref.offset
            for part in pref.text.split("="):
                if part == "":
                    raise src.error(column_offset, f"empty preference in {pref.text!r}")
                candidate = candidate_of(part, column_offset)
                if candidate in seen:
                    raise src.error(
                        column_offset,
                        f"duplicate preference: candidate {part} appears twice in this ballot",
                    )
                seen.add(candidate)
                level.append(candidate)
                column_offset += len(part) + 1
            levels.append(tuple(sorted(level)))
        else:
            raise src.error(
                tok.offset,
                f"the ballot on line {line} has no terminating 0 and the file ends",
            )
        ranking = tuple(levels)
        items[ranking] = items.get(ranking, 0) + weight
    raise src.error(
        len(src.text),
        "missing the end-of-ballots line '0' (and the candidate names after it)",
    )


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_blt(election: Election) -> str:
    """The election as BLT text (withdrawn as ``[withdrawn]``, ``[tie]`` when the tie order
    is not the BLT default, equal rankings as ``a=b``). Reading it back gives the same
    election."""
    out = io.StringIO()
    n = len(election.candidates)
    out.write(f"{n} {election.seats}\n")
    withdrawn = sorted(election.withdrawn)
    if withdrawn:
        out.write("[withdrawn " + " ".join(str(i + 1) for i in withdrawn) + "]\n")
    # BLT's default (no [tie] line) favours later candidates; write [tie] for anything else.
    favoured = tuple(election.tie_order) if election.tie_order is not None else tuple(range(n))
    if favoured != tuple(range(n - 1, -1, -1)):
        out.write("[tie " + " ".join(str(i + 1) for i in reversed(favoured)) + "]\n")
    ballots = election.ballots
    for ranking, weight in zip(ballots.rankings, ballots.weights, strict=True):
        prefs = " ".join("=".join(str(c + 1) for c in level) for level in ranking)
        out.write(f"{weight} {prefs} 0\n" if prefs else f"{weight} 0\n")
    out.write("0\n")
    for c in election.candidates:
        party = f" {_quote(c.affiliation)}" if c.affiliation is not None else ""
        out.write(_quote(c.name) + party + "\n")
    out.write(_quote(election.title) + "\n")
    return out.getvalue()
