"""Write the published record of a verifiable ballot (docs/verifiable.md §12) from plain data:
the election, the board's entries and the result files. The server writes it from its
database and the simulator from memory with these very functions; ``moot verify RECORD``
(:mod:`moot.verify.vrecord`) checks what they write.

The record is a zip of, in this order:

* ``election.json``: the election, its canonical bytes (so its SHA-256 is the election hash);
* ``board.jsonl``: the board, one canonical entry a line (:mod:`moot.verify.vboard`);
* for each ranked question ``q`` (0-based): ``q<q>-ballots.blt`` (the valid rankings),
  ``q<q>-count.txt``, ``q<q>-count.json``, ``q<q>-rctab-summary.json`` (the count's report,
  :mod:`moot.verify.vresult`);
* ``manifest.json``: the SHA-256 of every other file, the election hash, the board's head and
  size, the elected; signed by the site's audit key (Ed25519) over
  :data:`MANIFEST_SIGNATURE_TAG` and the manifest without its ``signature``, as issue 11's
  record is (:mod:`moot.verify.record_keys`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from moot.verify.record_keys import fingerprint, key_id
from moot.verify.vboard import BOARD_FILE, RESULT, board_jsonl, head
from moot.verify.vboard import canonical as _canonical
from moot.verify.vresult import file_names

FORMAT = "moot-verifiable-record/1"
MANIFEST = "manifest.json"
ELECTION_FILE = "election.json"
MANIFEST_SIGNATURE_TAG = b"moot-verifiable-record/1 manifest\n"


class SigningKey(Protocol):
    """What signs the manifest: an Ed25519 private key of :mod:`cryptography`."""

    def sign(self, data: bytes) -> bytes: ...

    def public_key(self) -> Any: ...


def dump_json(data: object) -> bytes:
    """The manifest's bytes: JSON indented by 2, keys sorted, one final newline."""
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def manifest_signed_bytes(manifest: Mapping[str, Any]) -> bytes:
    """What the site's key signs: the tag, then the manifest as written without its
    ``signature`` (the manifest holds the SHA-256 of every other file)."""
    unsigned = {name: value for name, value in manifest.items() if name != "signature"}
    return MANIFEST_SIGNATURE_TAG + dump_json(unsigned)


def ranked_questions(election: Mapping[str, Any]) -> list[int]:
    """The indices of the election's ranked questions."""
    return [
        q
        for q, question in enumerate(election.get("questions") or [])
        if isinstance(question, dict) and question.get("type") == "ranked"
    ]


def result_file_names(election: Mapping[str, Any]) -> list[str]:
    """The result files the record of ``election`` holds, in the zip's order."""
    return [name for q in ranked_questions(election) for name in file_names(q).values()]


def record_order(election: Mapping[str, Any]) -> list[str]:
    return [ELECTION_FILE, BOARD_FILE, *result_file_names(election), MANIFEST]


def elected_of(entries: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    """The elected per ranked question (key: the question's index as text), from the result
    entry (empty before there is one)."""
    if not entries or entries[-1].get("type") != RESULT:
        return {}
    out: dict[str, list[str]] = {}
    for row in entries[-1].get("payload", {}).get("questions", []):
        if isinstance(row, dict) and row.get("type") == "ranked":
            out[str(row.get("question"))] = list(row.get("elected") or [])
    return out


def public_key_line(raw: bytes) -> str:
    return "ed25519:" + base64.b64encode(raw).decode()


def record_files(
    election: Mapping[str, Any],
    entries: Sequence[dict[str, Any]],
    result_files: Mapping[str, bytes],
    *,
    signing_key: SigningKey | None = None,
) -> dict[str, bytes]:
    """The record's files by name, in the zip's order (the manifest last). ``result_files``
    are the ranked questions' files (:func:`moot.verify.vresult.count_files`); with a
    ``signing_key`` (the site's audit key) the manifest is signed."""
    expected = result_file_names(election)
    if sorted(result_files) != sorted(expected):
        raise ValueError(f"the result files are {sorted(result_files)}; expected {expected}")
    files: dict[str, bytes] = {
        ELECTION_FILE: _canonical(election),
        BOARD_FILE: board_jsonl(entries),
    }
    for name in expected:
        files[name] = bytes(result_files[name])
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "uuid": election.get("uuid"),
        "title": (election.get("ballot") or {}).get("title"),
        "election_hash": hashlib.sha256(files[ELECTION_FILE]).hexdigest(),
        "board_head": head(entries),
        "board_entries": len(entries),
        "elected": elected_of(entries),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
        "verify": "moot verify RECORD.zip --public-key SITE-KEY",
    }
    if signing_key is not None:
        from cryptography.hazmat.primitives import serialization

        raw = signing_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        manifest["signature"] = {
            "key_id": key_id(raw),
            "fingerprint": fingerprint(raw),
            "public_key": public_key_line(raw),
            "signature": base64.b64encode(
                signing_key.sign(manifest_signed_bytes(manifest))
            ).decode(),
        }
    files[MANIFEST] = dump_json(manifest)
    return files


def write_record(path: str | Path, files: Mapping[str, bytes]) -> None:
    """Write ``files`` (as :func:`record_files` gives them) to a zip at ``path``, in order."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)


__all__ = [
    "ELECTION_FILE",
    "FORMAT",
    "MANIFEST",
    "MANIFEST_SIGNATURE_TAG",
    "dump_json",
    "elected_of",
    "manifest_signed_bytes",
    "public_key_line",
    "ranked_questions",
    "record_files",
    "record_order",
    "result_file_names",
    "write_record",
]
