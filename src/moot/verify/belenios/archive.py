"""A Belenios public-data archive: an old-style tar of a ``BELENIOS`` header, then JSON files
named ``<sha256 hex>.data.json`` and ``<sha256 hex>.event.json``.

Read strictly here: every 512-byte tar header's checksum, every file's size and padding, every
name equal to the SHA-256 of its contents, no name twice, nothing but zero blocks after the last
file. The events form a hash chain: event k has height k and names event k-1 (by its hash) as its
parent; the first has no parent. An event's payload must already be in the archive.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moot.verify.belenios.errors import VerifyError

BLOCK = 512
_NAME = re.compile(r"([0-9a-f]{64})\.(data|event)\.json\Z")
_EVENT_KEYS = ("parent", "height", "type", "payload")
EVENT_TYPES = (
    "Setup",
    "Ballot",
    "EndBallots",
    "EncryptedTally",
    "Shuffle",
    "EndShuffles",
    "PartialDecryption",
    "Result",
)
_WITHOUT_PAYLOAD = ("EndBallots", "EndShuffles")


@dataclass(frozen=True)
class Event:
    hash: str
    height: int
    type: str
    parent: str | None
    payload: str | None


@dataclass
class Archive:
    header: dict[str, Any]
    events: list[Event]
    data: dict[str, bytes]
    files: int

    def get(self, digest: str, *, group: str, height: int | None, field: str) -> bytes:
        body = self.data.get(digest)
        if body is None:
            raise VerifyError(
                group, f"missing data file {digest}.data.json", height=height, field=field
            )
        return body


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def load_json(body: bytes, *, group: str, file: str, height: int | None = None) -> Any:
    """Parses UTF-8 JSON, refusing duplicate keys and non-finite numbers."""

    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    try:
        return json.loads(
            body.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=constant
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise VerifyError(group, f"not valid JSON: {exc}", file=file, height=height) from None


def _octal(raw: bytes, where: str) -> int:
    text = raw.rstrip(b"\0 ").lstrip(b" ")
    if not re.fullmatch(rb"[0-7]+", text):
        raise VerifyError("archive", f"tar header: bad octal number in {where}")
    return int(text, 8)


def _entries(blob: bytes) -> list[tuple[str, bytes]]:
    entries = []
    pos = 0
    while pos < len(blob):
        if len(blob) - pos < BLOCK:
            raise VerifyError("archive", f"truncated archive: {len(blob) - pos} stray bytes at end")
        header = blob[pos : pos + BLOCK]
        if header == bytes(BLOCK):
            if blob[pos:].count(0) != len(blob) - pos:
                raise VerifyError("archive", f"data after the end-of-archive blocks at {pos}")
            break
        name = header[:100].split(b"\0", 1)[0].decode("ascii", "replace")
        expected = _octal(header[148:156], f"checksum of {name}")
        actual = sum(header[:148]) + 8 * 32 + sum(header[156:])
        if expected != actual:
            raise VerifyError("archive", f"tar header checksum wrong for {name!r} at offset {pos}")
        if header[156:157] not in (b"0", b"\0"):
            raise VerifyError("archive", f"{name!r} is not a regular file")
        size = _octal(header[124:136], f"size of {name}")
        start = pos + BLOCK
        body = blob[start : start + size]
        padded = -(-size // BLOCK) * BLOCK
        if start + padded > len(blob):
            raise VerifyError("archive", f"truncated archive: {name!r} is cut short")
        entries.append((name, body))
        pos = start + padded
    return entries


def read_archive(path: Path) -> Archive:
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise VerifyError("archive", f"cannot read {path}: {exc.strerror}") from None
    entries = _entries(blob)
    if not entries or entries[0][0] != "BELENIOS":
        raise VerifyError("archive", "the archive does not start with its BELENIOS header")
    header = load_json(entries[0][1], group="archive", file="BELENIOS")
    if not isinstance(header, dict) or set(header) != {"version", "timestamp"}:
        raise VerifyError("archive", "expected {version, timestamp}", file="BELENIOS")
    if header["version"] != 1:
        raise VerifyError("archive", "unsupported archive header", file="BELENIOS", field="version")
    data: dict[str, bytes] = {}
    events: list[Event] = []
    seen: set[str] = set()
    for name, body in entries[1:]:
        match = _NAME.match(name)
        if not match:
            raise VerifyError("archive", f"unexpected file name {name!r}")
        digest, kind = match.groups()
        if name in seen:
            raise VerifyError("archive", "file appears twice", file=digest)
        seen.add(name)
        if hashlib.sha256(body).hexdigest() != digest:
            raise VerifyError(
                "archive", "file name is not the SHA-256 of its contents", file=digest
            )
        if kind == "data":
            data[digest] = body
        else:
            events.append(_event(digest, body, len(events), events, data))
    if not events:
        raise VerifyError("archive", "the archive has no events")
    return Archive(header=header, events=events, data=data, files=len(entries))


def _event(
    digest: str, body: bytes, height: int, events: list[Event], data: dict[str, bytes]
) -> Event:
    raw = load_json(body, group="archive", file=digest)
    if not isinstance(raw, dict) or any(key not in _EVENT_KEYS for key in raw):
        raise VerifyError("archive", "not an event", file=digest)
    if raw.get("height") != height or isinstance(raw.get("height"), bool):
        raise VerifyError(
            "archive",
            f"event out of order: height {raw.get('height')!r} where {height} was expected",
            file=digest,
            height=height,
            field="height",
        )
    parent = raw.get("parent")
    expected_parent = events[-1].hash if events else None
    if parent != expected_parent:
        what = "the first event has a parent" if not events else "parent is not the previous event"
        raise VerifyError("archive", what, file=digest, height=height, field="parent")
    kind = raw.get("type")
    if kind not in EVENT_TYPES:
        raise VerifyError("archive", f"unknown event type {kind!r}", file=digest, height=height)
    payload = raw.get("payload")
    if kind in _WITHOUT_PAYLOAD:
        if payload is not None:
            raise VerifyError("archive", f"{kind} has a payload", file=digest, height=height)
    elif not isinstance(payload, str) or payload not in data:
        raise VerifyError(
            "archive",
            f"payload {payload!r} is not a data file earlier in the archive",
            file=digest,
            height=height,
            field="payload",
        )
    return Event(hash=digest, height=height, type=str(kind), parent=parent, payload=payload)
