"""The bulletin board of a verifiable ballot: an append-only list of hash-chained entries
(docs/verifiable.md §12). Pure: the standard library only, so the server that writes the board
and anyone who checks it run this very code.

Entry ``k`` is ``{"height": k, "parent": P, "type": T, "payload": {...}}`` where ``P`` is the
SHA-256 (64 hex digits) of entry ``k−1``'s canonical bytes (64 zeros for entry 0). The board's
*head* is the SHA-256 of its last entry's canonical bytes (64 zeros for an empty board).
``board.jsonl`` holds one entry per line, each line exactly the entry's canonical bytes.

The types come in this order (:data:`ORDER`): one ``setup``, one ``credentials``, any number of
``ballot``, one ``close``, one ``tally``, any number of ``shuffle``, any number of
``decryption``, one ``result``. A board being written is a prefix of that.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

GENESIS = "0" * 64
BOARD_FILE = "board.jsonl"
SETUP = "setup"
CREDENTIALS = "credentials"
BALLOT = "ballot"
CLOSE = "close"
TALLY = "tally"
SHUFFLE = "shuffle"
DECRYPTION = "decryption"
RESULT = "result"
# Each type, and whether it may repeat; in this order.
ORDER: tuple[tuple[str, bool], ...] = (
    (SETUP, False),
    (CREDENTIALS, False),
    (BALLOT, True),
    (CLOSE, False),
    (TALLY, False),
    (SHUFFLE, True),
    (DECRYPTION, True),
    (RESULT, False),
)
TYPES = tuple(name for name, _ in ORDER)
_RANK = {name: n for n, name in enumerate(TYPES)}
ENTRY_KEYS = frozenset({"height", "parent", "type", "payload"})
# One line of board.jsonl may not be larger than this (a shuffle of 500,000 ranked ballots of
# five chunks is some hundreds of megabytes; a line claiming more is refused).
MAX_LINE_BYTES = 2 * 1024**3


class BoardError(ValueError):
    """An entry that breaks the board: its height, the field and what is wrong."""

    def __init__(self, height: int | None, field: str, message: str) -> None:
        self.height = height
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = "the board" if self.height is None else f"entry {self.height}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


def canonical(obj: object) -> bytes:
    """Canonical JSON (docs/verifiable.md §3): keys sorted, no spaces, UTF-8."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def entry_bytes(entry: dict[str, Any]) -> bytes:
    return canonical(entry)


def entry_hash(entry: dict[str, Any]) -> str:
    """The SHA-256 of the entry's canonical bytes (the next entry's ``parent``)."""
    return hashlib.sha256(entry_bytes(entry)).hexdigest()


def head(entries: Sequence[dict[str, Any]]) -> str:
    """The board's head: the hash of its last entry (64 zeros when it is empty)."""
    return entry_hash(entries[-1]) if entries else GENESIS


def make_entry(height: int, parent: str, type_: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"height": height, "parent": parent, "type": type_, "payload": payload}


def append(entries: list[dict[str, Any]], type_: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Append an entry of ``type_`` to ``entries`` (in place) and return it. Refuses a type out
    of :data:`ORDER` (a ballot after the close, a second setup): the board never holds it."""
    if type_ not in _RANK:
        raise BoardError(len(entries), "type", f"{type_!r} is not one of {', '.join(TYPES)}")
    if not isinstance(payload, dict):
        raise BoardError(len(entries), "payload", "a payload is a JSON object")
    if entries:
        check_follows(entries[-1].get("type"), type_, len(entries))
    elif type_ != SETUP:
        raise BoardError(0, "type", f"the board opens with a setup entry, not {type_!r}")
    entry = make_entry(len(entries), head(entries), type_, payload)
    entries.append(entry)
    return entry


def check_follows(previous: Any, type_: str, height: int) -> None:
    """Whether an entry of ``type_`` at ``height`` may follow one of type ``previous`` (the
    server checks each append with this); raises :class:`BoardError`."""
    before = _RANK.get(previous) if isinstance(previous, str) else None
    now = _RANK[type_]
    if before is None:
        raise BoardError(height - 1, "type", f"{previous!r} is not an entry type")
    if now == before and ORDER[now][1]:
        return
    if now <= before:
        raise BoardError(
            height,
            "type",
            f"a {type_} entry cannot follow a {previous} entry (order: " + ", ".join(TYPES) + ")",
        )
    # Skipping is allowed only over the types that may be absent (ballots, shuffles,
    # decryptions are "any number").
    for skipped in TYPES[before + 1 : now]:
        if not ORDER[_RANK[skipped]][1]:
            raise BoardError(
                height, "type", f"a {type_} entry after {previous}: no {skipped} entry"
            )


class ChainChecker:
    """The chain checked one entry at a time (a board of some hundreds of megabytes is never
    held whole): :meth:`feed` each entry in order (with its canonical bytes when at hand),
    then :meth:`finish` for the head."""

    def __init__(self) -> None:
        self.parent = GENESIS
        self.previous: str | None = None
        self.count = 0

    def feed(self, entry: Any, raw: bytes | None = None) -> None:
        k = self.count
        if not isinstance(entry, dict):
            raise BoardError(k, "", "an entry is a JSON object")
        keys = set(entry)
        if keys != ENTRY_KEYS:
            extra = sorted(keys - ENTRY_KEYS)
            missing = sorted(ENTRY_KEYS - keys)
            raise BoardError(
                k, "", f"has fields {sorted(keys)}; missing {missing}, unexpected {extra}"
            )
        height = entry["height"]
        if not isinstance(height, int) or isinstance(height, bool) or height != k:
            raise BoardError(k, "height", f"is {height!r}; entry {k} of the board has height {k}")
        if entry["parent"] != self.parent:
            raise BoardError(
                k,
                "parent",
                f"is {str(entry['parent'])[:64]!r}, the previous entry's hash is {self.parent}: "
                "the chain is broken (an entry was removed, inserted, moved or changed before it)",
            )
        type_ = entry["type"]
        if not isinstance(type_, str) or type_ not in _RANK:
            raise BoardError(k, "type", f"{type_!r} is not one of {', '.join(TYPES)}")
        if not isinstance(entry["payload"], dict):
            raise BoardError(k, "payload", "a payload is a JSON object")
        if self.previous is None:
            if type_ != SETUP:
                raise BoardError(k, "type", f"the board opens with a setup entry, not {type_!r}")
        else:
            check_follows(self.previous, type_, k)
        self.previous = type_
        self.parent = hashlib.sha256(raw).hexdigest() if raw is not None else entry_hash(entry)
        self.count += 1

    def finish(self, *, complete: bool = False) -> str:
        """The head; with ``complete``, the board must end with its ``result``."""
        if complete and self.previous != RESULT:
            raise BoardError(
                None,
                "",
                f"ends with a {self.previous or 'nothing'} entry at height {self.count - 1}; a "
                "complete board ends with its result (it was truncated)",
            )
        return self.parent


def check_chain(entries: Sequence[Any], *, complete: bool = False) -> str:
    """Check the entries' shape, heights, parents and the order of types, and return the head.
    With ``complete``, the board must end with its ``result``. Raises :class:`BoardError`."""
    chain = ChainChecker()
    for entry in entries:
        chain.feed(entry)
    return chain.finish(complete=complete)


def board_jsonl(entries: Iterable[dict[str, Any]]) -> bytes:
    """``board.jsonl``: each entry's canonical bytes, one a line, each line ended by ``\\n``."""
    return b"".join(entry_bytes(entry) + b"\n" for entry in entries)


def iter_board_lines(data: bytes) -> Iterator[tuple[int, dict[str, Any]]]:
    """The entries of ``board.jsonl`` bytes, each with its line number (1-based). A line that
    is not an entry's canonical bytes is refused (the file is the chain's bytes: written one way
    only)."""
    for line, entry, _ in iter_board_stream(data.splitlines(keepends=True)):
        yield line, entry


def iter_board_stream(
    lines: Iterable[bytes],
) -> Iterator[tuple[int, dict[str, Any], bytes]]:
    """The entries of ``board.jsonl`` read a line at a time (from a zip member: the file is
    never held whole), each with its line number and its canonical bytes."""
    for line, chunk in enumerate(lines, start=1):
        if not chunk.endswith(b"\n"):
            raise BoardError(
                line - 1, BOARD_FILE, f"line {line} does not end with a newline (truncated?)"
            )
        raw = chunk[:-1]
        try:
            entry = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BoardError(line - 1, f"{BOARD_FILE} line {line}", f"not JSON ({exc})") from None
        if not isinstance(entry, dict):
            raise BoardError(line - 1, f"{BOARD_FILE} line {line}", "not a JSON object")
        if canonical(entry) != raw:
            raise BoardError(
                line - 1,
                f"{BOARD_FILE} line {line}",
                "is not the entry's canonical JSON (keys sorted, no spaces, UTF-8): the line's "
                "bytes were edited",
            )
        yield line, entry, raw


def read_board(data: bytes) -> list[dict[str, Any]]:
    """The entries of ``board.jsonl`` (see :func:`iter_board_lines`), not yet checked."""
    return [entry for _, entry in iter_board_lines(data)]


def entries_of(entries: Sequence[dict[str, Any]], type_: str) -> list[dict[str, Any]]:
    return [entry for entry in entries if entry.get("type") == type_]


__all__ = [
    "BALLOT",
    "BOARD_FILE",
    "CLOSE",
    "CREDENTIALS",
    "DECRYPTION",
    "GENESIS",
    "ORDER",
    "RESULT",
    "SETUP",
    "SHUFFLE",
    "TALLY",
    "TYPES",
    "BoardError",
    "ChainChecker",
    "append",
    "board_jsonl",
    "canonical",
    "check_chain",
    "check_follows",
    "entries_of",
    "entry_bytes",
    "entry_hash",
    "head",
    "iter_board_lines",
    "iter_board_stream",
    "make_entry",
    "read_board",
]
