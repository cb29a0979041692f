"""Countbacks in the published record (issue 11, items 9 and 10): each countback is a file of
the record (``countback-<n>.json``), covered by the signed manifest, re-published when the
countback commits, re-run by ``moot ballot verify`` and compared byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from moot.ballots.actions.closing import (
    do_countback,
    do_declare_ballot,
    do_sign_scrutineer_report,
)
from moot.ballots.record import record_files, stored_record
from moot.verify.record import MANIFEST, dump_json, sha256_hex, verify_bundle, verify_files

from .closing_world import counted_ballot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_storage(settings, tmp_path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path)}},
    }


@pytest.fixture
def site_key(settings, tmp_path) -> bytes:
    from moot.audit import checkpoint as cp

    settings.MOOT_AUDIT_KEY = str(tmp_path / "audit-key.pem")
    return cp.raw_public(cp.generate_key(tmp_path / "audit-key.pem"))


def declared_world(capture):
    """A ballot counted, signed off and declared, its record published."""
    from moot.ballots.definition import definition_of, sha256_of
    from moot.ballots.scrutineer import STATEMENTS

    world = counted_ballot(capture)
    ballot = world.ballot
    ballot.definition_hash = sha256_of(definition_of(ballot))
    size = len(world.entries)
    ballot.roll_commitment = {
        "root": "ab" * 32,
        "size": size,
        "assessed": size,
        "refused": 0,
        "constituencies": [{"unit": 1, "name": "Anywhere", "eligible": size}],
        "regions": [{"unit": None, "name": "(no region)", "eligible": size}],
        "refusals": [],
        "channels": {"online": size // 2, "post": size - size // 2},
    }
    ballot.save(update_fields=["definition_hash", "roll_commitment"])
    statements = {key: {"satisfied": True} for key in STATEMENTS}
    ballot = do_sign_scrutineer_report(ballot, statements=statements, acting_user=world.scrutineer)
    with capture(execute=True):
        world.ballot = do_declare_ballot(ballot, acting_user=world.returning_officer)
    world.ballot.refresh_from_db()
    return world


def test_a_countback_is_republished_and_its_record_verifies_with_the_key(
    django_capture_on_commit_callbacks, site_key: bytes, tmp_path: Path, client
) -> None:
    world = declared_world(django_capture_on_commit_callbacks)
    declared_digest = world.ballot.bundle_sha256
    assert declared_digest
    elected = world.ballot.result["elected"]
    departed = world.by_name(elected[0])
    with django_capture_on_commit_callbacks(execute=True):
        countback = do_countback(
            world.ballot, departed, reason="Resigned", acting_user=world.returning_officer
        )
    world.ballot.refresh_from_db()
    assert world.ballot.bundle_sha256
    assert world.ballot.bundle_sha256 != declared_digest
    data = stored_record(world.ballot)
    assert data is not None
    path = tmp_path / "record.zip"
    path.write_bytes(data)
    report = verify_bundle(path, public_key=site_key)
    assert report.holds, report.lines()
    filled = countback.filled_by.name
    assert any(
        line.startswith(f"ok   countback-1.json: the seat of {departed.name}")
        and f"filled by {filled}" in line
        for line in report.lines()
    ), report.lines()
    files = record_files(world.ballot)
    row = json.loads(files["countback-1.json"])
    assert row["departed"] == {"candidate": departed.pk, "name": departed.name}
    assert row["filled_by"]["name"] == filled
    assert row["result"] == countback.result
    assert row["report"] == countback.result_text
    assert "countback-1.json" in json.loads(files[MANIFEST])["files"]
    page = client.get(f"/ballots/{world.ballot.pk}/record/").content.decode()
    assert "countback-1.json" in page
    assert "countback-2.json" not in page
    # A second vacancy: both countbacks, the first departed still out.
    second = world.by_name(elected[1])
    with django_capture_on_commit_callbacks(execute=True):
        do_countback(world.ballot, second, reason="Died", acting_user=world.returning_officer)
    world.ballot.refresh_from_db()
    path.write_bytes(stored_record(world.ballot) or b"")
    report = verify_bundle(path, public_key=site_key)
    assert report.holds, report.lines()
    assert sum(line.startswith("ok   countback-") for line in report.lines()) == 2


def _forged(files: dict[str, bytes], name: str, data: bytes) -> dict[str, bytes]:
    """The file changed and the manifest's hash of it recomputed, as a forger would (the
    signature then no longer holds)."""
    manifest = json.loads(files[MANIFEST])
    manifest["files"][name] = sha256_hex(data)
    return {**files, name: data, MANIFEST: dump_json(manifest)}


def test_a_changed_countback_file_fails(django_capture_on_commit_callbacks, site_key) -> None:
    world = declared_world(django_capture_on_commit_callbacks)
    elected = world.ballot.result["elected"]
    do_countback(world.ballot, world.by_name(elected[0]), reason="Resigned", acting_user=None)
    files = record_files(world.ballot)
    assert verify_files(files, public_key=site_key).holds
    row = json.loads(files["countback-1.json"])
    others = [c["name"] for c in json.loads(files["definition.json"])["candidates"]]
    impostor = next(n for n in others if n not in row["result"]["elected"])
    row["result"]["elected"][-1] = impostor
    changed = dump_json(row)
    # Without the manifest's hash changed: the hash names the file.
    report = verify_files({**files, "countback-1.json": changed}, public_key=site_key)
    assert not report.ok
    assert any(str(p).startswith("countback-1.json: its SHA-256 is") for p in report.problems), (
        report.lines()
    )
    # With it forged: the recount differs byte for byte, and the signature fails.
    report = verify_files(_forged(files, "countback-1.json", changed), public_key=site_key)
    assert not report.ok
    assert not report.holds
    assert any(
        str(p).startswith('countback-1.json: "result" differs from the recount')
        for p in report.problems
    ), report.lines()
    # A changed report text, forged: its count is not the recount's.
    row = json.loads(files["countback-1.json"])
    row["report"] += "Elected on a recount by hand.\n"
    report = verify_files(_forged(files, "countback-1.json", dump_json(row)))
    assert any(
        str(p).startswith('countback-1.json: "report": its count is not the recount')
        for p in report.problems
    ), report.lines()
    # Continuing members that are not the seat holders less the departed.
    row = json.loads(files["countback-1.json"])
    row["continuing"] = row["continuing"][:-1]
    report = verify_files(_forged(files, "countback-1.json", dump_json(row)))
    assert any(str(p).startswith('countback-1.json: "continuing" is') for p in report.problems), (
        report.lines()
    )
    # A removed countback: the manifest lists a file the bundle lacks.
    short = {k: v for k, v in files.items() if k != "countback-1.json"}
    report = verify_files(short)
    assert any(
        str(p) == "countback-1.json: is listed by the manifest but missing from the bundle"
        for p in report.problems
    ), report.lines()
