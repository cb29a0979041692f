"""The published record of a declared ballot (issue 11, item 10): it re-verifies from the file
alone, the same database gives the same bytes, and each single change to it fails with a
message naming the file and what."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from moot.audit.models import AuditEvent
from moot.ballots.actions.record import do_publish_ballot_record
from moot.ballots.errors import BallotError
from moot.ballots.record import (
    record_bytes,
    record_files,
    record_name,
    stored_record,
    zip_files,
)
from moot.verify.record import (
    FILES,
    MANIFEST,
    dump_json,
    read_bundle,
    sha256_hex,
    verify_bundle,
    verify_files,
)

from .record_world import declared_ballot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_storage(settings, tmp_path) -> None:
    """Files of this test's ballots only (ballot ids repeat from test to test)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path)}},
    }


@pytest.fixture
def declared():
    return declared_ballot()


@pytest.fixture
def files(declared) -> dict[str, bytes]:
    return record_files(declared.ballot)


def remanifest(files: dict[str, bytes]) -> dict[str, bytes]:
    """Recompute the manifest's hashes, as a forger would."""
    manifest = json.loads(files[MANIFEST])
    manifest["files"] = {name: sha256_hex(files[name]) for name in FILES if name != MANIFEST}
    return {**files, MANIFEST: dump_json(manifest)}


def changed(
    files: dict[str, bytes], name: str, change: Callable[[bytes], bytes], *, forge: bool = True
) -> dict[str, bytes]:
    out = {**files, name: change(files[name])}
    assert out[name] != files[name], "the change changed nothing"
    return remanifest(out) if forge else out


def edit_json(change: Callable[[object], None]) -> Callable[[bytes], bytes]:
    def apply(data: bytes) -> bytes:
        value = json.loads(data)
        change(value)
        return dump_json(value)

    return apply


def problems_of(files: dict[str, bytes]) -> list[str]:
    report = verify_files(files)
    assert not report.ok, "the changed bundle still verified"
    return [str(problem) for problem in report.problems]


def test_the_record_verifies_from_the_file_alone(declared, tmp_path: Path) -> None:
    path = tmp_path / "record.zip"
    path.write_bytes(record_bytes(declared.ballot))
    report = verify_bundle(path)
    assert report.ok, report.lines()
    assert report.elected == declared.ballot.result["elected"]
    assert len(report.elected) == declared.ballot.seats
    text = "\n".join(report.lines())
    assert "re-derived byte for byte" in text
    assert "received" in text
    assert "counted" in text
    files, problems = read_bundle(path)
    assert not problems
    assert list(files) == list(FILES)


def test_two_builds_are_byte_identical(declared) -> None:
    first = record_bytes(declared.ballot)
    declared.ballot.refresh_from_db()
    assert record_bytes(declared.ballot) == first


def test_publishing_stores_the_zip_and_its_hash_in_the_audit_trail(declared) -> None:
    digest = do_publish_ballot_record(declared.ballot.pk)
    declared.ballot.refresh_from_db()
    assert declared.ballot.bundle_sha256 == digest
    stored = stored_record(declared.ballot)
    assert stored is not None
    assert sha256_hex(stored) == digest
    event = AuditEvent.objects.get(verb="ballots.publish_ballot_record")
    assert event.after["bundle_sha256"] == digest
    # Again: the same bytes, nothing new recorded.
    assert do_publish_ballot_record(declared.ballot.pk) == digest
    assert AuditEvent.objects.filter(verb="ballots.publish_ballot_record").count() == 1


def test_a_stored_record_altered_in_storage_is_refused(declared) -> None:
    do_publish_ballot_record(declared.ballot.pk)
    declared.ballot.refresh_from_db()
    name = record_name(declared.ballot)
    default_storage.delete(name)
    default_storage.save(name, __import__("io").BytesIO(b"PK forged"))
    with pytest.raises(BallotError, match="altered in storage"):
        stored_record(declared.ballot)


def test_a_ballot_not_declared_has_no_record(declared) -> None:
    declared.ballot.state = "counted"
    with pytest.raises(BallotError, match="published when the ballot is declared"):
        record_files(declared.ballot)


def test_the_audit_head_is_the_declarations_event(declared, files) -> None:
    head = json.loads(files["audit-head.json"])
    event = AuditEvent.objects.get(verb="ballots.declare_ballot")
    assert head["checkpoint"]["seq"] == event.seq
    assert head["checkpoint"]["hash"] == event.hash


def test_the_head_is_signed_when_the_site_has_its_key(declared, settings, tmp_path) -> None:
    from moot.audit import checkpoint as cp

    settings.MOOT_AUDIT_KEY = str(tmp_path / "audit-key.pem")
    public = cp.generate_key(tmp_path / "audit-key.pem")
    files = record_files(declared.ballot)
    head = json.loads(files["audit-head.json"])
    path = tmp_path / "checkpoint.json"
    path.write_text(json.dumps(head["checkpoint"]))
    checkpoint = cp.read_checkpoint(path)
    assert cp.signature_problem(checkpoint, public) is None
    assert head["public_key"].startswith("ed25519:")
    manifest = json.loads(files[MANIFEST])
    assert manifest["signature"]["key_id"] == cp.key_id(public)
    report = verify_files(files, public_key=cp.raw_public(public))
    assert report.holds, report.lines()
    assert report.lines()[-1].endswith(
        "the record holds and is signed by the site's key; elected: "
        + ", ".join(declared.ballot.result["elected"])
    )


# -- each single change fails, naming the file and what ----------------------------------------


def first_blt_ballot(data: bytes) -> bytes:
    """Swap the first two preferences of the first ballot line with two of them."""
    lines = data.decode().split("\n")
    for n, line in enumerate(lines):
        parts = line.split()
        if n > 0 and len(parts) >= 4 and parts[0].isdigit() and parts[-1] == "0":
            parts[1], parts[2] = parts[2], parts[1]
            lines[n] = " ".join(parts)
            return "\n".join(lines).encode()
    raise AssertionError("no ballot line with two preferences")


def test_a_changed_blt_line_fails_the_manifest(files) -> None:
    problems = problems_of(changed(files, "ballots.blt", first_blt_ballot, forge=False))
    assert any(p.startswith("ballots.blt: its SHA-256") for p in problems), problems


def test_a_changed_blt_line_with_a_forged_manifest_fails_the_cdf_and_the_recount(files) -> None:
    problems = problems_of(changed(files, "ballots.blt", first_blt_ballot))
    assert any(
        p.startswith("ballots-cdf.json: its ballots differ from ballots.blt") for p in problems
    )


def test_a_removed_blt_ballot_fails_the_returns(files) -> None:
    def drop(data: bytes) -> bytes:
        lines = data.decode().split("\n")
        first = next(n for n, line in enumerate(lines) if n > 0 and line.startswith("1 "))
        del lines[first]
        return "\n".join(lines).encode()

    problems = problems_of(changed(files, "ballots.blt", drop))
    assert any(
        re.match(r"ballots\.blt: holds \d+ ballots, returns\.json counted", p) for p in problems
    )


def test_a_changed_count_figure_fails_the_recount(files) -> None:
    def bump(value: object) -> None:
        rounds = value["rounds"]  # type: ignore[index]
        name, votes = next(iter(rounds[0]["tallies"].items()))
        rounds[0]["tallies"][name] = str(int(float(votes)) + 1)

    problems = problems_of(changed(files, "count.json", edit_json(bump)))
    assert any(
        p.startswith("count.json: differs from the recount of ballots.blt: line") for p in problems
    )


def test_a_changed_count_text_fails_the_recount(files) -> None:
    problems = problems_of(
        changed(files, "count.txt", lambda data: data.replace(b"Elected", b"Electd", 1))
    )
    assert any(p.startswith("count.txt: differs from the recount") for p in problems), problems


def test_a_changed_manifest_hash_names_the_file(files) -> None:
    def corrupt(value: object) -> None:
        value["files"]["returns.json"] = "0" * 64  # type: ignore[index]

    problems = problems_of(changed(files, MANIFEST, edit_json(corrupt), forge=False))
    assert any(
        p.startswith("returns.json: its SHA-256") and "the manifest says 0000" in p
        for p in problems
    )


def test_a_changed_returns_figure_does_not_add_up(files) -> None:
    def bump(value: object) -> None:
        value["by_channel"]["online"]["received"] += 1  # type: ignore[index]

    problems = problems_of(changed(files, "returns.json", edit_json(bump)))
    assert any(p.startswith("returns.json: received") and 'but "counted" is' in p for p in problems)
    # The events' before + after no longer add up to what was received either.
    assert any(p.startswith("events.json: event 1") for p in problems)


def test_a_changed_definition_field_is_not_the_frozen_one(files) -> None:
    def seats(value: object) -> None:
        value["seats"] += 1  # type: ignore[index,operator]

    problems = problems_of(changed(files, "definition.json", edit_json(seats)))
    assert any(
        p.startswith("definition.json: its canonical SHA-256")
        and "hash recorded at the freeze" in p
        for p in problems
    )
    # And the recount with the other number of seats does not give the declared report.
    assert any(p.startswith("count.json: differs from the recount") for p in problems)


def test_a_changed_valid_vote_in_the_scrutineers_report_fails(files) -> None:
    """Review v: the report's per-candidate votes are checked against the recount."""
    for part in ("first_preferences", "final"):

        def bump(value: object, part: str = part) -> None:
            votes = value["valid_votes"][part]  # type: ignore[index]
            name = sorted(votes)[0]
            votes[name] = str(int(float(votes[name])) + 999)

        problems = problems_of(changed(files, "scrutineer-report.json", edit_json(bump)))
        assert any(
            p.startswith(f'scrutineer-report.json: "valid_votes" {part}: ')
            and "the recount gives" in p
            for p in problems
        ), problems


def test_the_freezes_definition_hash_is_checked_and_printed(files) -> None:
    definition_sha256 = json.loads(files[MANIFEST])["definition_sha256"]
    report = verify_files(files)
    assert any(definition_sha256 in line and "freeze" in line for line in report.passed)

    def other(value: object) -> None:
        value["freeze"]["definition_sha256"] = "0" * 64  # type: ignore[index]

    problems = problems_of(changed(files, "audit-head.json", edit_json(other)))
    assert any(p.startswith('audit-head.json: "freeze" definition_sha256') for p in problems), (
        problems
    )


def test_a_manifest_not_written_as_the_site_writes_it_fails(files) -> None:
    problems = problems_of(
        changed(files, MANIFEST, lambda data: data.replace(b'\n  "', b'\n   "', 1), forge=False)
    )
    assert any(
        p.startswith("manifest.json: is not written as the site writes it") for p in problems
    )


def test_without_a_key_the_record_is_consistent_but_not_authenticated(files) -> None:
    report = verify_files(files)
    assert report.ok
    assert not report.holds
    assert "UNAUTHENTICATED" in report.lines()[-1]
    assert "the record holds" not in "\n".join(report.lines())


def test_a_changed_event_count_does_not_add_up(files) -> None:
    def bump(value: object) -> None:
        value[0]["returns_before"] += 1  # type: ignore[index]

    problems = problems_of(changed(files, "events.json", edit_json(bump)))
    assert any(
        p.startswith("events.json: event 1 (endorsement_withdrawn):") and "were received" in p
        for p in problems
    )


def test_a_changed_elected_list_is_not_the_recount(files) -> None:
    def swap(value: object) -> None:
        value["elected"] = list(reversed(value["elected"]))  # type: ignore[index]

    problems = problems_of(changed(files, MANIFEST, edit_json(swap), forge=False))
    assert any(p.startswith("manifest.json: declared elected") for p in problems), problems


def test_a_changed_roll_size_does_not_add_up(files) -> None:
    def bump(value: object) -> None:
        value["size"] += 1  # type: ignore[index,operator]

    problems = problems_of(changed(files, "roll-commitment.json", edit_json(bump)))
    assert any(p.startswith('roll-commitment.json: the "constituencies" counts') for p in problems)


def test_revocations_that_are_not_reissues_do_not_add_up(files) -> None:
    def bump(value: object) -> None:
        value["credentials"]["revoked"]["online"] = 5  # type: ignore[index]

    problems = problems_of(changed(files, "issue.json", edit_json(bump)))
    assert any(p.startswith("issue.json:") and "revoked" in p for p in problems), problems


def test_a_missing_or_extra_file_and_a_damaged_zip(files, tmp_path: Path) -> None:
    short = {k: v for k, v in files.items() if k != "events.json"}
    assert any(p == "events.json: missing from the bundle" for p in problems_of(short))
    extra = tmp_path / "extra.zip"
    import zipfile

    with zipfile.ZipFile(extra, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        archive.writestr("voters.csv", b"number,name\n")
    report = verify_bundle(extra)
    assert not report.ok
    assert any(
        str(p).startswith("voters.csv: is not a file of a ballot record") for p in report.problems
    )
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    report = verify_bundle(bad)
    assert not report.ok
    assert "not a readable zip file" in str(report.problems[0])
    assert zip_files(files) == zip_files(dict(files))


def test_the_close_count_and_declaration_publish_a_record_that_verifies(
    django_capture_on_commit_callbacks, tmp_path: Path
) -> None:
    """End to end through the actions: close, count, the scrutineer's signature, the
    declaration; then the record as published verifies."""
    from moot.ballots.actions.closing import do_declare_ballot, do_sign_scrutineer_report
    from moot.ballots.definition import definition_of, sha256_of
    from moot.ballots.scrutineer import STATEMENTS

    from .closing_world import counted_ballot

    world = counted_ballot(django_capture_on_commit_callbacks)
    ballot = world.ballot
    # What the freeze (another workstream's action) writes: the definition's hash, the roll's
    # commitment.
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
    with django_capture_on_commit_callbacks(execute=True):
        ballot = do_declare_ballot(ballot, acting_user=world.returning_officer)
    ballot.refresh_from_db()
    digest = ballot.bundle_sha256  # published by the task the declaration queued
    assert digest
    path = tmp_path / "published.zip"
    data = stored_record(ballot)
    assert data is not None
    assert sha256_hex(data) == digest
    path.write_bytes(data)
    report = verify_bundle(path)
    assert report.ok, report.lines()
    assert report.elected == ballot.result["elected"]
    assert any("set aside" in line for line in report.lines())


def test_a_scrutineer_figure_that_is_not_the_records_fails(files) -> None:
    def bump(value: object) -> None:
        value["counted"] += 1  # type: ignore[index,operator]

    problems = problems_of(changed(files, "scrutineer-report.json", edit_json(bump)))
    assert any(
        p.startswith("scrutineer-report.json: counted is") and "the record's returns say" in p
        for p in problems
    ), problems


def test_a_channel_that_does_not_add_up_is_named(files) -> None:
    def move(value: object) -> None:
        value["by_channel"]["post"]["counted"] -= 1  # type: ignore[index]
        value["by_channel"]["online"]["counted"] += 1  # type: ignore[index]

    problems = problems_of(changed(files, "returns.json", edit_json(move)))
    assert any(p.startswith("returns.json: online: received") for p in problems), problems
    assert any(p.startswith("returns.json: post: received") for p in problems), problems


def test_the_record_page_publishes_the_sites_key_and_the_command_with_it(
    declared, client, settings, tmp_path
) -> None:
    from moot.audit import checkpoint as cp

    declared.ballot.bundle_sha256 = "a" * 64
    declared.ballot.save(update_fields=["bundle_sha256"])
    settings.MOOT_AUDIT_KEY = str(tmp_path / "none.pem")
    settings.MOOT_AUDIT_PUBLIC_KEY = None
    text = client.get(f"/ballots/{declared.ballot.pk}/record/").content.decode()
    assert 'id="site-key-missing"' in text
    assert "--public-key SITE-KEY" in text

    settings.MOOT_AUDIT_KEY = str(tmp_path / "audit-key.pem")
    public = cp.generate_key(tmp_path / "audit-key.pem")
    text = client.get(f"/ballots/{declared.ballot.pk}/record/").content.decode()
    line = next(x for x in cp.public_key_text(public).splitlines() if x.startswith("ed25519:"))
    assert f'<code class="hash" id="site-public-key">{line}</code>' in text
    assert cp.fingerprint(public) in text
    assert f"record.zip --public-key {line}</code>" in text


def test_the_results_page_publishes_the_sites_key(declared, client, settings, tmp_path) -> None:
    from moot.audit import checkpoint as cp

    settings.MOOT_AUDIT_KEY = str(tmp_path / "audit-key.pem")
    public = cp.generate_key(tmp_path / "audit-key.pem")
    response = client.get(f"/ballots/{declared.ballot.pk}/results/")
    assert response.status_code == 200
    text = response.content.decode()
    line = next(x for x in cp.public_key_text(public).splitlines() if x.startswith("ed25519:"))
    assert f'id="site-public-key">{line}</code>' in text
    assert f'id="site-key-fingerprint">{cp.fingerprint(public)}</code>' in text


def test_a_cdf_left_in_the_zip_is_hashed_and_read_again_only_to_say_what_differs(
    files, tmp_path: Path
) -> None:
    """verify_bundle keeps ballots-cdf.json in the zip (hashed as read); when it is not what
    the BLT gives, it is read again and the difference named."""
    from moot.verify.record import ZipMember

    path = tmp_path / "record.zip"
    path.write_bytes(zip_files(files))
    read, problems = read_bundle(path)
    assert not problems
    assert isinstance(read["ballots-cdf.json"], ZipMember)
    assert read["ballots-cdf.json"].sha256 == sha256_hex(files["ballots-cdf.json"])
    assert verify_bundle(path).ok
    lines = files["ballots-cdf.json"].split(b"\n")
    assert len(lines) > 4
    del lines[1]
    path.write_bytes(zip_files(remanifest({**files, "ballots-cdf.json": b"\n".join(lines)})))
    report = verify_bundle(path)
    counted = json.loads(files["returns.json"])["counted"]
    assert f"ballots-cdf.json: holds {counted - 1:,} ballots, returns.json counted {counted:,}" in [
        str(p) for p in report.problems
    ], report.lines()
