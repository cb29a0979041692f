"""Reading, changing and rewriting a Belenios archive for the verifier's tests, independently
of the code under test: a change made, then every file renamed by the SHA-256 of its contents and
every reference and chain link rewritten, so that only the cryptography can catch the change."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

BLOCK = 512
Entries = list[tuple[str, bytes]]


def read_entries(path: Path) -> Entries:
    blob = path.read_bytes()
    entries, pos = [], 0
    while pos + BLOCK <= len(blob) and blob[pos : pos + BLOCK] != bytes(BLOCK):
        header = blob[pos : pos + BLOCK]
        name = header[:100].split(b"\0", 1)[0].decode()
        size = int(header[124:135], 8)
        entries.append((name, blob[pos + BLOCK : pos + BLOCK + size]))
        pos += BLOCK + -(-size // BLOCK) * BLOCK
    return entries


def tar_bytes(entries: Entries) -> bytes:
    out = bytearray()
    for name, body in entries:
        header = bytearray(BLOCK)
        header[0 : len(name)] = name.encode()
        header[100:107] = b"0000644"
        header[108:115] = b"0000000"
        header[116:123] = b"0000000"
        header[124:135] = b"%011o" % len(body)
        header[136:147] = b"%011o" % 1795401181
        header[148:156] = b"        "
        header[156:157] = b"0"
        header[148:156] = b"%06o\0 " % sum(header)
        out += header + body + bytes(-len(body) % BLOCK)
    return bytes(out)


def digest_of(name: str) -> str:
    return name.split(".", 1)[0]


def events(entries: Entries) -> list[dict[str, Any]]:
    return [json.loads(body) for name, body in entries if name.endswith(".event.json")]


def body_of(entries: Entries, digest: str) -> bytes:
    return next(body for name, body in entries if digest_of(name) == digest)


def data_digest(entries: Entries, event_type: str, index: int = 0, inner: str = "") -> str:
    """The data file behind the index-th event of a type; ``inner`` follows one hash field of
    that payload (``payload`` of an owned shuffle or decryption, ``trustees`` of the setup...)."""
    event = [e for e in events(entries) if e["type"] == event_type][index]
    digest: str = event["payload"]
    if inner:
        digest = json.loads(body_of(entries, digest))[inner]
    return digest


def rehash(entries: Entries) -> Entries:
    """Renames every file by the SHA-256 of its (possibly changed) contents, and rewrites every
    reference to a renamed file (setup, owned payloads, the tally's, events' payloads and parents)
    so that all hashes and links are right again. Events are renumbered in archive order."""
    renamed: dict[str, str] = {}
    out: Entries = []
    height = 0
    previous: str | None = None
    for name, body in entries:
        if name == "BELENIOS":
            out.append((name, body))
            continue
        kind = name.split(".", 1)[1]
        text = body.decode()
        for old, new in renamed.items():
            text = text.replace(old, new)
        if kind == "event.json":
            event = json.loads(text)
            event["height"] = height
            if previous is None:
                event.pop("parent", None)
                event = {"height": height, **{k: v for k, v in event.items() if k != "height"}}
            else:
                event = {"parent": previous, **{k: v for k, v in event.items() if k != "parent"}}
            text = json.dumps(event, separators=(",", ":"))
            height += 1
        digest = hashlib.sha256(text.encode()).hexdigest()
        if digest != digest_of(name):
            renamed[digest_of(name)] = digest
        if kind == "event.json":
            previous = digest
        out.append((f"{digest}.{kind}", text.encode()))
    return out


def edit_json(entries: Entries, digest: str, change: Callable[[Any], None]) -> Entries:
    out = []
    for name, body in entries:
        if digest_of(name) == digest:
            obj = json.loads(body)
            change(obj)
            out.append((name, json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()))
        else:
            out.append((name, body))
    return out


def bump(text: str) -> str:
    """One digit changed: the last one, plus one (mod 10)."""
    return text[:-1] + str((int(text[-1]) + 1) % 10)


def at(obj: Any, path: list[Any]) -> tuple[Any, Any]:
    for key in path[:-1]:
        obj = obj[key]
    return obj, path[-1]


def bumped(path: list[Any]) -> Callable[[Any], None]:
    def change(obj: Any) -> None:
        parent, key = at(obj, path)
        parent[key] = bump(parent[key])

    return change


def resign_hash(obj: Any) -> None:
    """What a careful forger does after changing a ballot: the signed hash made consistent
    again (the signature itself cannot be redone without the voter's credential)."""
    unsigned = {k: v for k, v in obj.items() if k != "signature"}
    raw = json.dumps(unsigned, separators=(",", ":"), ensure_ascii=False).encode()
    digest = base64.b64encode(hashlib.sha256(raw).digest()).decode().rstrip("=")
    obj["signature"]["hash"] = digest
