"""``moot verify RECORD.zip``: verify the published record of a verifiable ballot from the file
alone (docs/verifiable.md §12). Pure: no Django, no database; the standard library, PyNaCl
(through :mod:`moot.verify.group`), :mod:`cryptography` for the site's signature, and
:mod:`moot.counting`.

The checks run in this order, one line each when they hold; the first that fails stops the
run and names the file, the board entry's height and the field:

1. files: every file present, nothing else; the manifest's SHA-256 of each; the site's
   signature over the manifest with a trusted key (without one: UNAUTHENTICATED, exit 3);
2. ``election.json``: its hash is the manifest's and the setup entry's election;
3. the board, read a line at a time, each entry's chain link (height, parent, the order of
   types) checked as it comes, then what it holds: the trustees' key generation (commitments,
   proofs, complaints, the joint key, the verification keys); the credential list; every
   ballot; the close entry; the homomorphic sums; every shuffle; every decryption share; the
   plaintexts and their decoding; the result and the count's report, re-derived with
   :mod:`moot.counting` byte for byte; last the board's end, its head the manifest's.

Exit 0: the record holds and is signed by the trusted key; 1: it does not hold; 3: it is
consistent but nothing shows it is the site's (no trusted key given).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moot.verify.record_keys import (
    KeyFileError,
    key_id,
    parse_public_key,
    signature_holds,
)
from moot.verify.record_keys import (
    fingerprint as key_fingerprint,
)
from moot.verify.vboard import BOARD_FILE, BoardError, iter_board_stream
from moot.verify.vcommon import ProofError, canonical
from moot.verify.vrecord_write import (
    ELECTION_FILE,
    FORMAT,
    MANIFEST,
    dump_json,
    manifest_signed_bytes,
    result_file_names,
)

UNAUTHENTICATED_EXIT = 3
MAX_FILE_BYTES = 4 * 1024**3


class RecordError(Exception):
    """The first thing that does not hold: the file, the board entry's height (if any), the
    field's path and what is wrong."""

    def __init__(
        self, file: str, message: str, *, height: int | None = None, where: str = ""
    ) -> None:
        self.file = file
        self.height = height
        self.where = where
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        place = self.file
        if self.height is not None:
            place += f", entry {self.height}"
        if self.where:
            place += f", {self.where}"
        return f"{place}: {self.message}"


def fail_at(height: int, exc: ProofError) -> RecordError:
    """A :class:`~moot.verify.vcommon.ProofError` raised inside board entry ``height``."""
    return RecordError(BOARD_FILE, exc.what, height=height, where=exc.where)


@dataclass
class Report:
    """What :func:`verify_record` found: the check groups that held (in order), the first
    failure (None when the record holds), whether a trusted key signed it, the elected."""

    source: str
    passed: list[str] = field(default_factory=list)
    failure: RecordError | None = None
    trusted_key: bytes | None = None
    fingerprint: str | None = None
    authenticated: bool = False
    elected: dict[str, list[str]] = field(default_factory=dict)
    # Processes the proofs are checked in (ballots, shuffles, decryption shares).
    workers: int = 1
    started: float = field(default_factory=time.perf_counter)

    @property
    def ok(self) -> bool:
        return self.failure is None

    @property
    def holds(self) -> bool:
        return self.ok and self.authenticated

    @property
    def exit_code(self) -> int:
        if not self.ok:
            return 1
        return 0 if self.authenticated else UNAUTHENTICATED_EXIT

    def note(self, line: str) -> None:
        """A check group that held, with the seconds it took (since the previous one)."""
        now = time.perf_counter()
        self.passed.append(f"{line} [{now - self.started:.1f} s]")
        self.started = now

    def lines(self) -> list[str]:
        out = [f"ok   {line}" for line in self.passed]
        if self.failure is not None:
            out.append(f"FAIL {self.failure}")
            out.append(f"{self.source}: the record does NOT hold")
            return out
        elected = "; ".join(
            f"question {q}: {', '.join(names) or 'nobody'}" for q, names in self.elected.items()
        )
        elected = f" (elected: {elected})" if elected else ""
        if self.authenticated:
            out.append(f"{self.source}: the record holds and is signed by the site's key{elected}")
        else:
            out.append(
                f"{self.source}: UNAUTHENTICATED: every proof and the count hold{elected}, but "
                "nothing shows this is the site's record (anyone can make a consistent one). "
                "Verify with the site's key: --public-key KEY or --key-fingerprint FINGERPRINT "
                "(the record page, `moot audit public-key`)"
            )
        return out


@dataclass(frozen=True)
class Streamed:
    """``board.jsonl`` left in the zip (some hundreds of megabytes at 500,000 ballots): its
    SHA-256 taken as it was read, its lines read again, one at a time, when checked."""

    path: str
    name: str
    sha256: str

    def lines(self) -> Iterator[bytes]:
        with zipfile.ZipFile(self.path) as archive, archive.open(self.name) as handle:
            yield from handle


def _sha256(value: bytes | Streamed) -> str:
    return value.sha256 if isinstance(value, Streamed) else hashlib.sha256(value).hexdigest()


def read_zip(path: str | Path) -> dict[str, Any]:
    """The files of the record's zip by name (bytes; ``board.jsonl`` as :class:`Streamed`).
    Raises :class:`RecordError` on a zip that cannot be read, a name twice, a file too large."""
    source = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise RecordError(source, "no such file; check the path") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise RecordError(source, f"not a readable zip file ({exc})") from None
    files: dict[str, Any] = {}
    with archive:
        for info in archive.infolist():
            if info.filename in files:
                raise RecordError(info.filename, "appears twice in the zip")
            if info.file_size > MAX_FILE_BYTES:
                raise RecordError(info.filename, f"claims {info.file_size:,} bytes; refused")
            try:
                if info.filename == BOARD_FILE:
                    digest = hashlib.sha256()
                    with archive.open(info) as handle:
                        for block in iter(lambda: handle.read(1 << 20), b""):
                            digest.update(block)
                    files[info.filename] = Streamed(source, info.filename, digest.hexdigest())
                else:
                    files[info.filename] = archive.read(info)
            except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
                raise RecordError(info.filename, f"cannot be read from the zip ({exc})") from None
    return files


def verify_record(
    path: str | Path,
    *,
    public_key: bytes | None = None,
    fingerprint: str | None = None,
    workers: int = 1,
) -> Report:
    """Verify the record zip at ``path`` with the site's public key (32 raw bytes) or its
    fingerprint (64 hex digits) when given, the proofs checked in ``workers`` processes."""
    report = Report(str(path), trusted_key=public_key, fingerprint=fingerprint, workers=workers)
    try:
        files = read_zip(path)
    except RecordError as failure:
        report.failure = failure
        return report
    return verify_files(files, report)


def verify_files(files: Mapping[str, Any], report: Report) -> Report:
    """Verify a record already read (file name → bytes; ``board.jsonl`` may be
    :class:`Streamed`)."""
    from moot.verify.vrecord_checks import check_board

    try:
        manifest = _check_files(files, report)
        election = _check_election(files, manifest, report)
        check_board(
            election,
            ctx=hashlib.sha256(files[ELECTION_FILE]).digest(),
            entries=_entries(files[BOARD_FILE]),
            files=files,
            manifest=manifest,
            report=report,
        )
    except RecordError as failure:
        report.failure = failure
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        # A shape no check above foresaw: still a failure of the record, never a traceback.
        report.failure = RecordError(
            "the record", f"malformed where it was not expected ({type(exc).__name__}: {exc})"
        )
    return report


def verify_live_board(
    board_path: str | Path,
    election_path: str | Path,
    *,
    earlier_head: str | None = None,
    workers: int = 1,
) -> tuple[Report, str, int]:
    """A board being written (``board.jsonl`` as the board page offers it, with the
    ``election.json`` of that ballot): the chain, the setup, the credentials and every ballot
    present so far, and the later entries if present (a result's count is the record's to
    check); with ``earlier_head`` (a head seen before), that the board extends it. Returns the
    report (``ok`` or its failure), the head and the number of entries."""
    report = Report(str(board_path), workers=workers)
    head, count = "", 0
    try:
        try:
            election_bytes = Path(election_path).read_bytes()
            board = Path(board_path).read_bytes()
        except OSError as exc:
            raise RecordError(
                str(exc.filename or board_path), f"cannot be read ({exc.strerror})"
            ) from None
        if earlier_head is not None and not re.fullmatch(r"[0-9a-f]{64}", earlier_head):
            raise RecordError(
                "--head", "is 64 lower-case hex digits: the head the board page showed"
            )
        try:
            election = json.loads(election_bytes.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise RecordError(ELECTION_FILE, f"is not valid JSON ({exc})") from None
        if election_bytes.rstrip(b"\n") != canonical(election):
            raise RecordError(
                ELECTION_FILE, "is not the election's canonical JSON: its bytes were edited"
            )
        from moot.verify.vballot import parse_election
        from moot.verify.vrecord_checks import check_board

        try:
            parsed = parse_election(election)
        except ProofError as exc:
            raise RecordError(ELECTION_FILE, exc.what, where=exc.where) from None
        report.note(
            f"{ELECTION_FILE}: election {parsed.uuid}, {len(parsed.questions)} question(s); "
            f"election hash {parsed.election_hash}"
        )
        head, count = check_board(
            election,
            ctx=parsed.ctx,
            entries=_entries(board),
            files={},
            manifest={},
            report=report,
            live=True,
            earlier_head=earlier_head,
        )
    except RecordError as failure:
        report.failure = failure
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        report.failure = RecordError(
            BOARD_FILE, f"malformed where it was not expected ({type(exc).__name__}: {exc})"
        )
    return report, head, count


def _entries(board: bytes | Streamed) -> Iterator[tuple[dict[str, Any], bytes]]:
    """The board's entries, each with its canonical bytes, a line at a time."""
    lines = board.lines() if isinstance(board, Streamed) else board.splitlines(keepends=True)
    try:
        for _, entry, raw in iter_board_stream(lines):
            yield entry, raw
    except BoardError as exc:
        raise RecordError(BOARD_FILE, exc.message, height=exc.height, where=exc.field) from None


# -- 1. files, manifest, signature ---------------------------------------------------------------
def _json(files: Mapping[str, Any], name: str) -> Any:
    try:
        return json.loads(files[name].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RecordError(name, f"is not valid JSON ({exc})") from None


def _check_files(files: Mapping[str, Any], report: Report) -> dict[str, Any]:
    for name in (MANIFEST, ELECTION_FILE, BOARD_FILE):
        if name not in files:
            raise RecordError(name, "missing from the record")
    manifest = _json(files, MANIFEST)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise RecordError(
            MANIFEST, f'is not a verifiable record\'s manifest (no "format": "{FORMAT}")'
        )
    if files[MANIFEST] != dump_json(manifest):
        raise RecordError(
            MANIFEST,
            "is not written as the site writes it (JSON indented by 2, keys sorted, one final "
            "newline): its bytes were edited",
        )
    listed = manifest.get("files")
    if not isinstance(listed, dict):
        raise RecordError(MANIFEST, '"files": expected an object of file name → SHA-256')
    election = _json(files, ELECTION_FILE)
    if not isinstance(election, dict):
        raise RecordError(ELECTION_FILE, "expected a JSON object")
    expected = [ELECTION_FILE, BOARD_FILE, *result_file_names(election)]
    for name in expected:
        if name not in files:
            raise RecordError(name, "missing from the record")
    for name in files:
        if name not in expected and name != MANIFEST:
            raise RecordError(
                name, "is not a file of a verifiable record; expected only " + ", ".join(expected)
            )
    if sorted(listed) != sorted(expected):
        raise RecordError(
            MANIFEST, f'"files" lists {sorted(listed)}; the record has {sorted(expected)}'
        )
    for name in expected:
        actual = _sha256(files[name])
        if listed[name] != actual:
            raise RecordError(
                name,
                f"its SHA-256 is {actual}, the manifest says {listed[name]}: the file was changed "
                "after the record was made (or the manifest was)",
            )
    report.note(f"{MANIFEST}: {len(expected)} files present, each one's SHA-256 matches")
    _check_signature(manifest, report)
    return manifest


def _check_signature(manifest: Mapping[str, Any], report: Report) -> None:
    signature = manifest.get("signature")
    signature = signature if isinstance(signature, dict) else {}
    raw = report.trusted_key
    if raw is None and report.fingerprint is not None:
        carried = signature.get("public_key")
        try:
            candidate = parse_public_key(carried) if isinstance(carried, str) else None
        except KeyFileError:
            candidate = None
        if candidate is None or key_fingerprint(candidate) != report.fingerprint:
            raise RecordError(
                MANIFEST,
                "the key in the record is not the key with the fingerprint given "
                f"({report.fingerprint}): the record was not signed by that key",
                where="signature.public_key",
            )
        raw = candidate
    if raw is None:
        report.note(
            f"{MANIFEST}: signature NOT checked (no trusted key given): the record will be "
            "UNAUTHENTICATED"
        )
        return
    if signature.get("key_id") != key_id(raw) or not signature_holds(
        raw, signature.get("signature"), manifest_signed_bytes(manifest)
    ):
        raise RecordError(
            MANIFEST,
            f"is not signed by the trusted key {key_id(raw)} (it names key "
            f"{signature.get('key_id') or 'none'}): the record was not published by the site "
            "with that key, or a byte of it was changed after",
            where="signature",
        )
    report.authenticated = True
    report.note(
        f"{MANIFEST}: signed by the trusted key {key_id(raw)} (fingerprint "
        f"{key_fingerprint(raw)}); every file's SHA-256 is under the signature"
    )


# -- 2. the election -----------------------------------------------------------------------------
def _check_election(
    files: Mapping[str, Any], manifest: Mapping[str, Any], report: Report
) -> dict[str, Any]:
    election = _json(files, ELECTION_FILE)
    if files[ELECTION_FILE] != canonical(election):
        raise RecordError(
            ELECTION_FILE, "is not the election's canonical JSON: its bytes were edited"
        )
    digest = hashlib.sha256(files[ELECTION_FILE]).hexdigest()
    if manifest.get("uuid") != election.get("uuid"):
        raise RecordError(
            MANIFEST,
            f"names election {manifest.get('uuid')!r}; election.json is {election.get('uuid')!r}",
            where="uuid",
        )
    if manifest.get("election_hash") != digest:
        raise RecordError(
            MANIFEST,
            f"names election hash {manifest.get('election_hash')!r}; election.json's is {digest}",
            where="election_hash",
        )
    from moot.verify.vballot import parse_election

    try:
        parsed = parse_election(election)
    except ProofError as exc:
        raise RecordError(ELECTION_FILE, exc.what, where=exc.where) from None
    report.note(
        f"{ELECTION_FILE}: election {parsed.uuid}, {len(parsed.questions)} question(s), "
        f"{len(parsed.trustees)} trustee(s), threshold {parsed.threshold}; election hash "
        f"{digest}"
    )
    return dict(election)


__all__ = [
    "UNAUTHENTICATED_EXIT",
    "RecordError",
    "Report",
    "Streamed",
    "fail_at",
    "read_zip",
    "verify_files",
    "verify_live_board",
    "verify_record",
]
