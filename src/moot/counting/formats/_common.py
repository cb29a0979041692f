"""What the cast-vote-record readers share: reading the file, turning the marks at each rank
of a paper into a ranking under named rules, and building the :class:`Election`.

A paper is read as a list of *rank positions* (position ``k`` holds what the voter marked as
choice ``k + 1``). Each position is a list of marks: candidate indices, or :data:`OVERVOTE`
for an explicit "overvote" cell. An empty position is a skipped ranking. :func:`interpret`
applies :class:`RankRules` (overvotes, skipped rankings, repeated candidates) in the order
RCTab's tabulator applies them, and gives the ranking the counting methods see.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Final

import numpy as np

from moot.counting.limits import active, check_candidates, refuse
from moot.counting.model import Ballots, Candidate, CountError, Election, Level, Ranking

OVERVOTE: Final = -1  # an explicit overvote mark (ES&S "overvote", ranked.vote "$OVERVOTE")


@dataclass(frozen=True)
class RankRules:
    """How the marks on a paper become a ranking.

    ``overvote``: what a rank with more than one candidate (or an explicit overvote) does:
    ``"exhaust"`` — the paper stops there (RCTab ``exhaustImmediately``, the usual US statute);
    ``"skip"`` — that rank is passed over (RCTab ``alwaysSkipToNextRank``); ``"equal"`` — the
    candidates are ranked equally (``a=b``), an explicit overvote mark still exhausts.
    ``max_skipped``: a paper stops at a rank that follows more than this many consecutive
    skipped ranks (RCTab ``maxSkippedRanksAllowed``); ``None`` = unlimited.
    ``duplicate``: a candidate ranked again later is ``"skip"``-ped (that rank is passed over)
    or makes the paper ``"exhaust"`` there (RCTab ``exhaustOnDuplicateCandidate``).
    ``max_rankings``: ranks beyond this are ignored; ``None`` = all.
    """

    overvote: str = "exhaust"
    max_skipped: int | None = None
    duplicate: str = "skip"
    max_rankings: int | None = None

    def describe(self) -> str:
        skipped = "unlimited" if self.max_skipped is None else str(self.max_skipped)
        return (
            f"overvote: {self.overvote}; skipped rankings allowed: {skipped}; "
            f"repeated candidate: {self.duplicate}"
        )


@dataclass
class Tally:
    """Counts of what the rules did, reported in ``Election.comment``."""

    papers: int = 0
    blank: int = 0
    stopped: dict[str, int] = field(default_factory=dict)
    # Papers (by weight) with marks but no preference: exhausted before their first valid
    # preference, e.g. an overvote at rank 1 (``Election.exhausted_at_start``).
    exhausted_at_start: int = 0

    def note(self) -> str:
        parts = [f"{self.papers} papers", f"{self.blank} blank"]
        if self.exhausted_at_start:
            parts.append(f"{self.exhausted_at_start} exhausted before a first preference")
        parts += [f"{n} stop at {why}" for why, n in sorted(self.stopped.items())]
        return ", ".join(parts)


def interpret(
    positions: Sequence[Sequence[int]], rules: RankRules, tally: Tally, *, weight: int = 1
) -> Ranking:
    """The ranking a paper's rank positions give under ``rules`` (see :class:`RankRules`).

    Order of the checks at each marked rank, as in RCTab: too many skipped ranks before it;
    a repeated candidate (when repeats exhaust); an overvote; otherwise the candidate is
    ranked (a candidate already ranked is passed over).

    A paper with no mark at all is blank. A paper with marks whose ranking comes out empty
    (e.g. an overvote at rank 1 under "exhaust") was exhausted before its first preference:
    ``tally.exhausted_at_start`` counts it (``weight`` papers), and the reader passes that
    count on to the :class:`Election` so the counts report it as exhausted, not blank.
    """
    levels: list[Level] = []
    seen: set[int] = set()
    last = 0
    stopped = None
    limit = len(positions) if rules.max_rankings is None else rules.max_rankings
    for rank, marks in enumerate(positions[:limit], start=1):
        if not marks:
            continue
        if rules.max_skipped is not None and rank - last > rules.max_skipped + 1:
            stopped = "skipped rankings"
            break
        candidates = list(dict.fromkeys(m for m in marks if m != OVERVOTE))
        if rules.duplicate == "exhaust" and any(c in seen for c in candidates):
            stopped = "a repeated candidate"
            break
        seen.update(candidates)
        last = rank
        if OVERVOTE in marks or len(candidates) > 1:
            if rules.overvote == "exhaust" or (rules.overvote == "equal" and OVERVOTE in marks):
                stopped = "an overvote"
                break
            if rules.overvote == "skip":
                continue
        fresh = tuple(sorted(c for c in candidates if not any(c in lv for lv in levels)))
        if fresh:
            levels.append(fresh)
    tally.papers += 1
    if stopped:
        tally.stopped[stopped] = tally.stopped.get(stopped, 0) + 1
    if not any(positions):
        tally.blank += 1
    elif not levels:
        tally.exhausted_at_start += weight
    return tuple(levels)


def read_bytes(path: str | Path) -> bytes:
    """The file's bytes (gzip-compressed files are opened), or a CountError naming it.

    The file may be at most ``file_bytes`` long and decompress to at most
    ``decompressed_bytes`` (:mod:`moot.counting.limits`); decompression is streamed and
    stops at the limit, so a gzip bomb costs no more memory than the limit."""
    path = Path(path)
    source = str(path)
    limits = active()
    try:
        if path.is_dir():
            raise CountError("is a folder, expected a ballot file", source=source)
        size = path.stat().st_size
        if size > limits.file_bytes:
            raise refuse(
                f"the file is {size:,} bytes", limits.file_bytes, "file_bytes", source=source
            )
        with path.open("rb") as handle:
            raw = _read_capped(handle, limits.file_bytes)
    except FileNotFoundError:
        raise CountError("file not found; check the path", source=source) from None
    except OSError as exc:
        raise CountError(f"cannot read the file: {exc.strerror}", source=source) from None
    if len(raw) > limits.file_bytes:
        raise refuse("the file is larger", limits.file_bytes, "file_bytes", source=source)
    if raw[:2] == b"\x1f\x8b":
        raw = gunzip(raw, source)
    return raw


def _read_capped(handle: BinaryIO, cap: int) -> bytes:
    """Everything in ``handle``, or the first ``cap + 1`` bytes when there are more (read in
    slices: ``read(n)`` would set aside ``n`` bytes at once)."""
    chunks: list[bytes] = []
    total = 0
    while total <= cap:
        chunk = handle.read(min(1 << 20, cap + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def gunzip(raw: bytes, source: str) -> bytes:
    """The decompressed gzip data (every member), at most ``decompressed_bytes`` of it."""
    cap = active().decompressed_bytes
    chunks: list[bytes] = []
    total = 0
    data = raw
    try:
        while data:
            unpack = zlib.decompressobj(wbits=31)
            while True:
                chunk = unpack.decompress(data, 1 << 20)
                total += len(chunk)
                if total > cap:
                    raise refuse(
                        "the gzip data decompresses to more bytes",
                        cap,
                        "decompressed_bytes",
                        source=source,
                    )
                chunks.append(chunk)
                data = unpack.unconsumed_tail
                if unpack.eof:
                    break
                if not data and not chunk:
                    raise CountError(
                        "the gzip data is damaged (it ends before the end of the compressed data)",
                        source=source,
                    )
            # A gzip file may hold several members one after another; padding is zeros.
            data = unpack.unused_data.lstrip(b"\x00")
    except zlib.error as exc:
        raise CountError(f"the gzip data is damaged ({exc})", source=source) from None
    return b"".join(chunks)


def check_lines(raw: bytes, source: str) -> None:
    """Refuse a text file with more than ``lines`` lines or a line longer than
    ``line_chars`` bytes (naming the first such line)."""
    limits = active()
    count = raw.count(b"\n")
    if count > limits.lines:
        raise refuse(
            f"the file has more than {limits.lines:,} lines",
            limits.lines,
            "lines",
            source=source,
            line=limits.lines + 1,
        )
    data = np.frombuffer(raw, dtype=np.uint8)
    step = 1 << 24  # in slices, so that the scan needs no more than 16 MiB of scratch
    breaks = np.concatenate(
        [np.flatnonzero(data[at : at + step] == 10) + at for at in range(0, len(raw), step)]
        + [np.array([len(raw)], dtype=np.int64)]
    )
    lengths = np.diff(np.concatenate(([-1], breaks))) - 1
    long = np.flatnonzero(lengths > limits.line_chars)
    if long.size:
        line = int(long[0])
        raise refuse(
            f"this line is {int(lengths[line]):,} bytes long",
            limits.line_chars,
            "line_chars",
            source=source,
            line=line + 1,
            column=limits.line_chars + 1,
        )


def decode(raw: bytes, source: str, *, latin1: bool = False, lines: bool = True) -> str:
    """UTF-8 text (a byte-order mark is dropped). With ``latin1``, bytes that are not UTF-8
    are read as ISO-8859-1 (old Debian tally sheets); otherwise they are an error naming the
    line and column. With ``lines`` (not for JSON) the line limits are checked first
    (:func:`check_lines`)."""
    if lines:
        check_lines(raw, source)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if latin1:
            return raw.decode("latin-1")
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise CountError(
            "this byte is not valid UTF-8; save the file as UTF-8",
            source=source,
            line=line,
            column=column,
        ) from None
    if "\x00" in text:
        at = text.index("\x00")
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        raise CountError(
            "a NUL byte: this is not a text file", source=source, line=line, column=column
        )
    return text.removeprefix("\ufeff")


def column_letter(column: int) -> str:
    """Spreadsheet column name of a 1-based column number (1 -> A, 27 -> AA)."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def build_election(
    *,
    names: Sequence[str],
    papers: Iterable[tuple[Ranking, int]],
    seats: int,
    title: str,
    source: str,
    withdrawn: Iterable[int] = (),
    tie_order: tuple[int, ...] | None = None,
    comment: str | None = None,
    invalid: int = 0,
    exhausted_at_start: int = 0,
) -> Election:
    """The election, with the checks every reader needs (no candidates, no papers, seats)."""
    check_candidates(len(names), source=source)
    ballots = Ballots.aggregate(papers)
    if ballots.total == 0:
        raise CountError("the election has no ballots (empty election)", source=source)
    if not names:
        raise CountError("the election has no candidates", source=source)
    out = set(withdrawn)
    candidates = [Candidate(name, withdrawn=i in out) for i, name in enumerate(names)]
    standing = len(candidates) - len(out)
    if seats < 1:
        raise CountError(f"the number of seats must be at least 1, got {seats}", source=source)
    if seats > standing:
        raise CountError(f"{seats} seats but only {standing} candidates standing", source=source)
    return Election(
        candidates=candidates,
        seats=seats,
        ballots=ballots,
        title=title,
        tie_order=tie_order,
        source=source,
        comment=comment,
        invalid=invalid,
        exhausted_at_start=exhausted_at_start,
    )


UNDECLARED = "Undeclared Write-ins"


class Roster:
    """Candidate names to indices.

    A *fixed* roster (from an RCTab contest config) knows every candidate and its aliases; a
    name it does not know is an error at that cell. An *open* roster adds candidates in the
    order they first appear. Names are compared after stripping surrounding spaces (ES&S
    exports pad names with a trailing space). Marks equal to one of ``undeclared`` (e.g.
    ``UWI``, ``Write-In``) go to one candidate, "Undeclared Write-ins", which the reader
    marks withdrawn: as in RCTab, undeclared write-ins never win and their papers pass to
    the next ranked candidate (RCTab shows them as a candidate eliminated after round 1;
    here they are skipped from the first round).
    """

    def __init__(
        self,
        names: Sequence[str] = (),
        *,
        aliases: dict[str, int] | None = None,
        fixed: bool = False,
        undeclared: Iterable[str] = (),
        source: str | None = None,
    ) -> None:
        self.source = source
        self.names: list[str] = [n.strip() for n in names]
        self.lookup: dict[str, int] = {n: i for i, n in enumerate(self.names)}
        for alias, i in (aliases or {}).items():
            self.lookup.setdefault(alias.strip(), i)
        self.fixed = fixed
        self.undeclared = {u.strip() for u in undeclared if u and u.strip()}
        self.undeclared_index: int | None = None

    def index(self, name: str) -> int | None:
        """The candidate's index; None when a fixed roster does not know the name."""
        key = name.strip()
        if key in self.undeclared:
            if self.undeclared_index is None:
                self.undeclared_index = len(self.names)
                self.names.append(UNDECLARED)
            return self.undeclared_index
        found = self.lookup.get(key)
        if found is not None:
            return found
        if self.fixed:
            return None
        check_candidates(len(self.names) + 1, source=self.source)
        self.lookup[key] = len(self.names)
        self.names.append(key)
        return self.lookup[key]

    def known(self) -> str:
        shown = ", ".join(repr(n) for n in self.names[:8])
        return shown + (", ..." if len(self.names) > 8 else "")

    @property
    def withdrawn(self) -> set[int]:
        return set() if self.undeclared_index is None else {self.undeclared_index}
