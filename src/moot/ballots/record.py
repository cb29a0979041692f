"""The published record of a declared ballot (issue 11, item 10): one zip anyone can re-run with
``moot ballot verify BUNDLE`` (:mod:`moot.verify.record`, which lists its files).

It holds aggregates and anonymous ballots only: no member, no member number, no address, no
credential, no paper number. The same database gives the same bytes: the files are written in
a fixed order with a fixed time, JSON with sorted keys, ballots in sorted order, and the audit
head is the declaration's own event, signed with the site's key (Ed25519 signatures are
deterministic) at that event's time.

:func:`record_bytes` builds it; ``actions.record.do_publish_ballot_record`` (called on the
declaration's commit) stores it in the default storage and its SHA-256 in
``Ballot.bundle_sha256``, with an audit event that carries the hash.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC
from typing import Any, BinaryIO

from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models import Count

from moot.audit.chain import GENESIS
from moot.ballots import hooks
from moot.ballots.count import ballots_blt
from moot.ballots.errors import BallotError, RefusalCode
from moot.ballots.models import (
    Ballot,
    BallotEvent,
    BallotState,
    BallotVersion,
    Countback,
    Delivery,
    DeliveryKind,
    RevokedCredential,
    RollEntry,
)
from moot.counting.formats.blt import parse_blt
from moot.counting.formats.cdf import cdf_chunks
from moot.counting.model import Election
from moot.verify.ballot_count import count_record, render_record
from moot.verify.record import (
    COUNTBACK_FORMAT,
    FORMAT,
    MANIFEST,
    content_digest_of,
    countback_name,
    dump_json,
    record_order,
    sha256_hex,
)
from moot.verify.record_keys import manifest_signed_bytes

RECORDS_DIR = "ballot-records"
AUDIT_HEAD_FORMAT = "moot-ballot-audit-head/1"
DECLARE_VERB = "ballots.declare_ballot"
FREEZE_VERB = "ballots.freeze_ballot"
# A zip entry's time: the zip format's earliest, the same for every file and every build.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _stamp(moment: Any) -> str | None:
    if moment is None:
        return None
    return moment.isoformat().replace("+00:00", "Z")


def frozen_definition(ballot: Ballot) -> dict[str, Any]:
    """The definition hashed at the freeze (the version whose hash is ``definition_hash``)."""
    version = (
        BallotVersion.objects.filter(ballot=ballot, sha256=ballot.definition_hash)
        .order_by("-version")
        .first()
    )
    if version is not None:
        return dict(version.definition)
    from moot.ballots.definition import definition_of, sha256_of

    definition = definition_of(ballot)
    if sha256_of(definition) != ballot.definition_hash:
        raise BallotError(
            "The ballot's definition no longer hashes to the hash recorded at its freeze, and "
            "no saved version does: the record cannot be published (report it to the operator).",
            code=RefusalCode.CONFLICT,
        )
    return definition


def counted_election(ballot: Ballot, definition: Mapping[str, Any]) -> tuple[str, Election]:
    """The counted ballots as the count read them: the BLT the server counted
    (``count.ballots_blt``: merged, sorted, ballot order) and the election it holds."""
    blt = ballots_blt(ballot, dict(definition))
    return blt, parse_blt(blt, source="ballots.blt")


def _by_channel(rows: Any, key: str) -> dict[str, int]:
    return {row[key]: row["n"] for row in rows.values(key).annotate(n=Count("id")).order_by(key)}


def issue_figures(ballot: Ballot) -> dict[str, Any]:
    """Credentials issued, reissued and revoked by channel; deliveries by kind, channel and
    state. Whole-ballot aggregates: no cell names anyone."""
    issued = _by_channel(
        RollEntry.objects.filter(ballot=ballot, eligible=True).exclude(credential_hash=""),
        "channel",
    )
    reissued = _by_channel(
        Delivery.objects.filter(ballot=ballot, kind=DeliveryKind.REISSUE), "channel"
    )
    revoked = _by_channel(RevokedCredential.objects.filter(ballot=ballot), "entry__channel")
    deliveries: dict[str, dict[str, dict[str, int]]] = {}
    rows = (
        Delivery.objects.filter(ballot=ballot)
        .values("kind", "channel", "state")
        .annotate(n=Count("id"))
        .order_by("kind", "channel", "state")
    )
    for row in rows:
        deliveries.setdefault(row["kind"], {}).setdefault(row["channel"], {})[row["state"]] = row[
            "n"
        ]
    return {
        "format": "moot-ballot-issue/1",
        "ballot": ballot.pk,
        "issued_at": _stamp(ballot.opened_at),
        "credentials": {"issued": issued, "reissued": reissued, "revoked": revoked},
        "deliveries": deliveries,
    }


def received_total(returns: Mapping[str, Any]) -> int:
    return sum(int(row.get("received", 0)) for row in returns.get("by_channel", {}).values())


def event_rows(ballot: Ballot, returns: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The post-issue events, oldest first, with the returns received before and after each."""
    received = received_total(returns)
    rows = []
    for event in BallotEvent.objects.filter(ballot=ballot).select_related(
        "candidate", "endorsement__organisation"
    ):
        endorsement = event.endorsement
        rows.append(
            {
                "kind": event.kind,
                "candidate": event.candidate_id,
                "candidate_name": event.candidate.name,
                "organisation": endorsement.organisation.name if endorsement else None,
                "authority": event.authority,
                "clause": event.clause,
                "notice": event.notice,
                "occurred_at": _stamp(event.occurred_at),
                "returns_before": event.returns_before,
                "returns_after": received - event.returns_before,
            }
        )
    return rows


def countback_rows(ballot: Ballot, definition: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The ballot's countbacks in the order they were recorded (``countback-<n>.json``): the
    departed, the reason, the time, the members who keep their seats (candidate ids, as
    ``do_countback`` passed them to the count), who fills the seat, the result and report."""
    ids = {str(c["name"]): c["id"] for c in definition["candidates"]}
    holders = [str(name) for name in (ballot.result or {}).get("elected") or []]
    rows = []
    countbacks = (
        Countback.objects.filter(ballot=ballot)
        .select_related("departed", "filled_by")
        .order_by("requested_at", "id")
    )
    for number, countback in enumerate(countbacks, start=1):
        remaining = [name for name in holders if name != countback.departed.name]
        filled = countback.filled_by
        rows.append(
            {
                "format": COUNTBACK_FORMAT,
                "ballot": ballot.pk,
                "number": number,
                "departed": {"candidate": countback.departed_id, "name": countback.departed.name},
                "reason": countback.reason,
                "occurred_at": _stamp(countback.requested_at),
                "continuing": [ids[name] for name in remaining if name in ids],
                "filled_by": {
                    "candidate": countback.filled_by_id,
                    "name": filled.name if filled else None,
                },
                "result": countback.result,
                "report": countback.result_text,
            }
        )
        holders = [str(name) for name in (countback.result or {}).get("elected") or []]
    return rows


def site_key() -> Any:
    """The site's audit signing key, or None when the site has none (the record is then
    unsigned, and the verifier says it cannot be authenticated)."""
    from moot.audit import checkpoint as cp

    try:
        return cp.load_private_key()
    except cp.CheckpointError:
        return None


def public_key_line(public: Any) -> str:
    from moot.audit import checkpoint as cp

    return "ed25519:" + base64.b64encode(cp.raw_public(public)).decode()


def site_public_key() -> dict[str, str] | None:
    """The site's audit public key as the record and results pages show it (the one line, the
    fingerprint, the key id), or None when the site has no key: MOOT_AUDIT_PUBLIC_KEY, else the
    public half of MOOT_AUDIT_KEY."""
    from moot.audit import checkpoint as cp

    try:
        public, _ = cp.trusted_public_key()
    except cp.CheckpointError:
        return None
    return {
        "line": public_key_line(public),
        "fingerprint": cp.fingerprint(public),
        "key_id": cp.key_id(public),
    }


def audit_head(ballot: Ballot, content_sha256: str) -> dict[str, Any]:
    """The audit chain's head at the declaration: the declaration's own event (it was the head
    when it was written), signed like a checkpoint of ``moot audit checkpoint`` when the site
    has its signing key, so ``moot audit verify --checkpoint`` can check the chain still
    reaches it; and the freeze's event with the definition's hash it recorded. The key's
    public half is carried for convenience only: the verifier uses it only when the caller
    pins it by its fingerprint. The manifest (which lists this file's SHA-256) is what the key
    signs for the record (:func:`record_files`)."""
    from moot.audit import checkpoint as cp
    from moot.audit.queries import genuine_events, sealing_event

    event = sealing_event(ballot, DECLARE_VERB)
    if event is None:
        raise BallotError(
            "The ballot has no declaration in the audit trail: the record is published at the "
            "declaration.",
            code=RefusalCode.STATE,
        )
    events = genuine_events().filter(seq__lte=event.seq).count()
    public_key = None
    freeze = sealing_event(ballot, FREEZE_VERB)
    key = site_key()
    if key is None:
        checkpoint: dict[str, Any] = {
            "format": cp.FORMAT,
            "seq": event.seq,
            "hash": event.hash,
            "events": events,
            "made_at": event.occurred_at.astimezone(UTC)
            .isoformat(timespec="seconds")
            .replace("+00:00", "Z"),
            "key_id": "",
            "signature": "",
        }
    else:
        signed = cp.sign_head(
            key, seq=event.seq, head_hash=event.hash, events=events, at=event.occurred_at
        )
        checkpoint = json.loads(signed.to_json())
        public_key = public_key_line(key.public_key())
    return {
        "format": AUDIT_HEAD_FORMAT,
        "ballot": ballot.pk,
        "verb": event.verb,
        "genesis": GENESIS,
        "checkpoint": checkpoint,
        "freeze": {
            "verb": FREEZE_VERB,
            "seq": freeze.seq if freeze else None,
            "hash": freeze.hash if freeze else None,
            # As the freeze's event recorded it (the verifier compares it with the manifest's).
            "definition_sha256": (freeze.after or {}).get("definition_sha256")
            if freeze
            else ballot.definition_hash,
        },
        "record": {"content_sha256": content_sha256},
        "public_key": public_key,
        "check_with": 'moot audit verify --checkpoint FILE (the "checkpoint" object saved '
        "as FILE) --public-key KEYFILE",
    }


class StreamedPart:
    """A file of the record given as pieces (the CDF: some hundreds of megabytes at 500,000
    ballots), hashed as the writer takes them: its SHA-256 is in ``hashes`` once read."""

    def __init__(self, name: str, pieces: Iterable[str], hashes: dict[str, str]) -> None:
        self.name, self.pieces, self.hashes = name, pieces, hashes

    def __iter__(self) -> Iterator[bytes]:
        digest = hashlib.sha256()
        pending: list[str] = []
        for piece in self.pieces:
            pending.append(piece)
            if len(pending) >= 4096:
                block = "".join(pending).encode()
                pending.clear()
                digest.update(block)
                yield block
        block = "".join(pending).encode()
        digest.update(block)
        yield block
        self.hashes[self.name] = digest.hexdigest()


Part = bytes | StreamedPart


def record_parts(ballot: Ballot) -> Iterator[tuple[str, Part]]:
    """The files of the record, by name, one at a time in the zip's order (``manifest.json``
    last), so a writer can let go of each before the next is made: at 500,000 ballots the BLT
    and the CDF are some hundreds of megabytes. The CDF is a :class:`StreamedPart`, to be
    read through before the next part is asked for."""
    if ballot.state != BallotState.DECLARED:
        raise BallotError(
            "The record is published when the ballot is declared; this one is "
            f"{ballot.get_state_display().lower()}.",
            code=RefusalCode.STATE,
        )
    definition = frozen_definition(ballot)
    returns = ballot.returns or {}
    hashes: dict[str, str] = {}

    def part(name: str, data: bytes) -> tuple[str, bytes]:
        hashes[name] = sha256_hex(data)
        return name, data

    yield part("definition.json", dump_json(definition))
    yield part("roll-commitment.json", dump_json(ballot.roll_commitment or {}))
    yield part("issue.json", dump_json(issue_figures(ballot)))
    events = event_rows(ballot, returns)
    yield part("events.json", dump_json(events))
    yield part("returns.json", dump_json(returns))
    blt, election = counted_election(ballot, definition)
    rctab = render_record(count_record(definition, blt, events))[2]
    yield part("ballots.blt", blt.encode())
    del blt
    yield "ballots-cdf.json", StreamedPart("ballots-cdf.json", cdf_chunks(election), hashes)
    del election
    yield part("count.txt", ballot.result_text.encode())
    yield part("count.json", dump_json(ballot.result))
    yield part("rctab-summary.json", dump_json(rctab))
    yield part("scrutineer-report.json", dump_json(ballot.scrutineer_report or {}))
    yield part("audit-head.json", dump_json(audit_head(ballot, content_digest_of(hashes))))
    for row in countback_rows(ballot, definition):
        yield part(countback_name(row["number"]), dump_json(row))
    for name, data in hooks.record_parts(ballot):  # a verifiable ballot's verifiable/ files
        yield part(name, data)
    result = ballot.result if isinstance(ballot.result, dict) else {}
    manifest = {
        "format": FORMAT,
        "ballot": ballot.pk,
        "title": ballot.title,
        "declared_at": _stamp(ballot.declared_at),
        "definition_sha256": ballot.definition_hash,
        "elected": list(result.get("elected", [])),
        "files": dict(hashes),
        "verify": "moot ballot verify BUNDLE.zip --public-key SITE-KEY",
    }
    key = site_key()
    if key is not None:
        from moot.audit import checkpoint as cp

        manifest["signature"] = {
            "key_id": cp.key_id(key.public_key()),
            "signature": base64.b64encode(key.sign(manifest_signed_bytes(manifest))).decode(),
        }
    yield MANIFEST, dump_json(manifest)


def record_files(ballot: Ballot) -> dict[str, bytes]:
    """The files of the record, by name (``manifest.json`` last), all in memory (tests)."""
    return {
        name: data if isinstance(data, bytes) else b"".join(data)
        for name, data in record_parts(ballot)
    }


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3
    return info


def write_zip(parts: Iterable[tuple[str, Part]], out: BinaryIO) -> None:
    """Write the files as a zip in the record's order, every entry with the same time and mode,
    to ``out`` (a file), one file at a time (a :class:`StreamedPart` a block at a time: the
    same bytes as if it were given whole)."""
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts:
            if isinstance(data, bytes):
                archive.writestr(_entry(name), data, compresslevel=6)
            else:
                info = _entry(name)
                info._compresslevel = 6  # type: ignore[attr-defined]  # what writestr sets
                with archive.open(info, "w") as entry:
                    for block in data:
                        entry.write(block)
            del data


def zip_files(files: Mapping[str, bytes]) -> bytes:
    """The files as a zip in the record's order (in memory: tests and small records)."""
    out = io.BytesIO()
    write_zip(((name, files[name]) for name in record_order(files)), out)
    return out.getvalue()


def write_record(ballot: Ballot, out: BinaryIO) -> None:
    """Write the record of a declared ballot to ``out`` as a zip, streaming: at most one of its
    files is held in memory at a time (the same bytes each time)."""
    write_zip(record_parts(ballot), out)


def record_bytes(ballot: Ballot) -> bytes:
    """The record of a declared ballot as zip bytes (the same bytes each time)."""
    out = io.BytesIO()
    write_record(ballot, out)
    return out.getvalue()


def file_sha256(handle: BinaryIO | File[Any]) -> str:
    """The SHA-256 of an open file, read in blocks from its start."""
    handle.seek(0)
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    handle.seek(0)
    return digest.hexdigest()


def record_name(ballot: Ballot) -> str:
    return f"{RECORDS_DIR}/ballot-{ballot.pk}-{ballot.bundle_sha256}.zip"


def open_stored_record(ballot: Ballot) -> File[Any] | None:
    """The published zip as stored, open for reading and checked against
    ``Ballot.bundle_sha256`` block by block; None when none was published (or the file is
    missing). The caller closes it."""
    if not ballot.bundle_sha256:
        return None
    name = record_name(ballot)
    if not default_storage.exists(name):
        return None
    handle = default_storage.open(name, "rb")
    if file_sha256(handle) != ballot.bundle_sha256:
        handle.close()
        raise BallotError(
            f"The stored record {name} does not match the SHA-256 published for it: it was "
            "altered in storage. Rebuild it with `moot ballot export`.",
            code=RefusalCode.CONFLICT,
        )
    return handle


def stored_record(ballot: Ballot) -> bytes | None:
    """The published zip as stored, checked against ``Ballot.bundle_sha256``; None when none
    was published (or the stored file is missing)."""
    if not ballot.bundle_sha256:
        return None
    name = record_name(ballot)
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as handle:
        data = handle.read()
    if sha256_hex(data) != ballot.bundle_sha256:
        raise BallotError(
            f"The stored record {name} does not match the SHA-256 published for it: it was "
            "altered in storage. Rebuild it with `moot ballot export`.",
            code=RefusalCode.CONFLICT,
        )
    return data
