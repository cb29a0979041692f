"""Insiders and the published record and print files (docs/security.md, "Ballots: the published
record and print files"): the record names nobody; the print files (names and addresses) are
for the ballot's managers only, each download logged; a record re-derived from changed ballots
fails against the site's signature and the published SHA-256."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client
from django.utils import timezone

from ballots.casting_world import open_ballot
from ballots.record_world import declared_ballot
from factories import UserFactory
from moot.audit import checkpoint as cp
from moot.audit.models import AuditEvent
from moot.ballots import credentials
from moot.ballots.actions.printing import do_prepare_print_files
from moot.ballots.actions.record import do_publish_ballot_record
from moot.ballots.models import Delivery
from moot.ballots.record import record_files, zip_files
from moot.counting.formats.blt import parse_blt, write_blt
from moot.counting.formats.cdf import write_cdf
from moot.counting.model import Ballots
from moot.verify.ballot_count import count_record, render_record
from moot.verify.record import (
    FILES,
    MANIFEST,
    content_digest,
    dump_json,
    sha256_hex,
    verify_files,
)
from moot.verify.record_keys import checkpoint_signed_bytes, key_id, manifest_signed_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_storage(settings, tmp_path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path / "m")}},
    }


def test_the_record_names_no_voter() -> None:
    """No member number, name, e-mail, credential (in the clear or hashed), roll leaf, paper
    number or check code in any file of the record."""
    declared = declared_ballot()
    files = record_files(declared.ballot)
    text = "\n".join(data.decode("utf-8") for data in files.values())
    secrets_of_voters: list[str] = []
    for entry, member in zip(declared.entries, declared.members, strict=True):
        secrets_of_voters += [
            member.number,
            member.email,
            f"{member.first_name} {member.last_name}",
            member.last_name,
            declared.codes[entry.pk],
            entry.credential_hash,
            entry.leaf,
            credentials.paper_check(declared.ballot, entry.paper_number),
        ]
    found = [s for s in secrets_of_voters if s and s in text]
    assert not found, f"the record holds personal data: {found[:5]}"
    for name in FILES:
        if name.endswith(".json"):
            keys = set(re.findall(r'"([a-z_]+)":', files[name].decode()))
            assert not keys & {"paper_number", "member", "email", "credential", "address"}, name


def _roles(world):
    ballot = world.ballot
    ballot.returning_officer = UserFactory()
    ballot.scrutineer = UserFactory()
    ballot.save(update_fields=["returning_officer", "scrutineer"])
    return {
        "returning_officer": ballot.returning_officer,
        "scrutineer": ballot.scrutineer,
        "teller": world.tellers[0],
        "voter": world.entries[0].member.user,
        "someone": UserFactory(),
    }


def test_the_print_files_are_for_the_ballots_managers_only(
    django_capture_on_commit_callbacks,
) -> None:
    world = open_ballot(voters=4)
    for entry in world.entries:
        if entry.channel == "post":
            Delivery.objects.create(
                ballot=world.ballot,
                entry=entry,
                kind="invitation",
                channel="post",
                queued_at=timezone.now(),
            )
    roles = _roles(world)
    with django_capture_on_commit_callbacks(execute=True):
        run = do_prepare_print_files(world.ballot, acting_user=roles["returning_officer"])
    url = f"/ballots/{world.ballot.pk}/papers/print/{run}/papers-0001.csv"
    page = f"/ballots/{world.ballot.pk}/papers/print/"
    for role, user in roles.items():
        client = Client()
        client.force_login(user)
        response = client.get(url)
        if role == "returning_officer":
            assert response.status_code == 200, role
            assert b"paper_number,check_code,name" in b"".join(response.streaming_content)
            assert client.get(page).status_code == 200
        else:
            assert response.status_code == 403, role
            assert client.get(page).status_code == 403, role
    assert Client().get(url).status_code == 302  # to the sign-in
    downloads = AuditEvent.objects.filter(verb="ballots.download_print_file")
    assert [e.actor_id for e in downloads] == [roles["returning_officer"].pk]
    # A path outside the run's files is a 404, never a file of the storage.
    client = Client()
    client.force_login(roles["returning_officer"])
    for name in ("..%2F..%2Frun.json", "run.json", "papers-0001.csv.sha256"):
        assert client.get(f"/ballots/{world.ballot.pk}/papers/print/{run}/{name}").status_code in (
            404,
        ), name


def test_the_record_is_public_only_after_the_declaration() -> None:
    declared = declared_ballot()
    declared.ballot.state = "counted"
    declared.ballot.save(update_fields=["state"])
    assert Client().get(f"/ballots/{declared.ballot.pk}/record.zip").status_code == 404
    declared.ballot.state = "declared"
    declared.ballot.save(update_fields=["state"])
    digest = do_publish_ballot_record(declared.ballot.pk)
    response = Client().get(f"/ballots/{declared.ballot.pk}/record.zip")
    assert response.status_code == 200
    assert sha256_hex(b"".join(response.streaming_content)) == digest
    page = Client().get(f"/ballots/{declared.ballot.pk}/record/").content.decode()
    assert digest in page
    assert "moot ballot verify" in page


def _forge(files: dict[str, bytes]) -> dict[str, bytes]:
    """Change one ballot's first preference and re-derive everything from it, as an insider
    with the code but without the site's key would."""
    election = parse_blt(files["ballots.blt"].decode(), source="ballots.blt")
    rankings = list(election.ballots.rankings)
    weights = list(election.ballots.weights)
    first = next(i for i, r in enumerate(rankings) if len(r) >= 2)
    rankings[first] = (rankings[first][1], rankings[first][0], *rankings[first][2:])
    election.ballots = Ballots.aggregate(zip(rankings, weights, strict=True))
    blt = write_blt(election)
    definition = json.loads(files["definition.json"])
    events = json.loads(files["events.json"])
    text, data, rctab = render_record(count_record(definition, blt, events))
    forged = {
        **files,
        "ballots.blt": blt.encode(),
        "ballots-cdf.json": write_cdf(parse_blt(blt)).encode(),
        "count.txt": text.encode(),
        "count.json": dump_json(data),
        "rctab-summary.json": dump_json(rctab),
    }
    report = json.loads(files["scrutineer-report.json"])
    rounds = data["rounds"]
    report["valid_votes"].update(
        elected=data["elected"],
        quota=data.get("quota"),
        first_preferences={n: rounds[0]["tallies"].get(n, "0") for n in data["candidates"]},
        final={n: rounds[-1]["tallies"].get(n, "0") for n in data["candidates"]},
    )
    forged["scrutineer-report.json"] = dump_json(report)
    head = json.loads(files["audit-head.json"])
    head["record"]["content_sha256"] = content_digest(forged)
    forged["audit-head.json"] = dump_json(head)
    manifest = json.loads(files[MANIFEST])
    manifest["elected"] = data["elected"]
    manifest["files"] = {n: sha256_hex(forged[n]) for n in FILES if n != MANIFEST}
    forged[MANIFEST] = dump_json(manifest)
    assert forged["ballots.blt"] != files["ballots.blt"]
    return forged


def test_a_re_derived_forgery_fails_the_sites_signature(settings, tmp_path) -> None:
    key_file = tmp_path / "audit-key.pem"
    settings.MOOT_AUDIT_KEY = str(key_file)
    public = cp.generate_key(key_file)
    (tmp_path / "public.txt").write_text(
        "ed25519:" + base64.b64encode(cp.raw_public(public)).decode()
    )
    declared = declared_ballot()
    files = record_files(declared.ballot)
    forged = _forge(files)
    # The figures of a careful forgery add up: the file alone cannot tell, and says so.
    unkeyed = verify_files(forged)
    assert unkeyed.ok
    assert not unkeyed.holds
    assert "UNAUTHENTICATED" in unkeyed.lines()[-1]
    assert "the record holds" not in "\n".join(unkeyed.lines())
    genuine_zip, forged_zip = tmp_path / "genuine.zip", tmp_path / "forged.zip"
    genuine_zip.write_bytes(zip_files(files))
    forged_zip.write_bytes(zip_files(forged))
    moot = str(Path(sys.executable).with_name("moot"))
    key = str(tmp_path / "public.txt")
    env = {"DJANGO_SETTINGS_MODULE": "moot.site.settings", "MOOT_HTTPS": "0", "PATH": ""}
    env["DATABASE_URL"] = "postgres://nobody:x@127.0.0.1:9/none"
    env["MOOT_VAR_DIR"] = str(tmp_path / "var")
    env["MOOT_KEYS_DIR"] = str(tmp_path / "keys")
    good = subprocess.run(
        [moot, "ballot", "verify", str(genuine_zip), "--public-key", key],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert good.returncode == 0, good.stderr
    assert "signed by the trusted key" in good.stdout
    bad = subprocess.run(
        [moot, "ballot", "verify", str(forged_zip), "--public-key", key],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert bad.returncode == 1
    assert "FAIL manifest.json: is not signed by the trusted key" in bad.stderr
    # And its SHA-256 is not the one the site published and recorded in the audit trail.
    digest = do_publish_ballot_record(declared.ballot.pk)
    assert sha256_hex(forged_zip.read_bytes()) != digest
    assert (
        AuditEvent.objects.get(verb="ballots.publish_ballot_record").after["bundle_sha256"]
        == digest
    )


def _resign(files: dict[str, bytes], forger: Ed25519PrivateKey) -> dict[str, bytes]:
    """Sign a forged bundle with the forger's own key and carry that key, as review v did."""
    head = json.loads(files["audit-head.json"])
    checkpoint = head["checkpoint"]
    checkpoint["key_id"] = key_id(cp.raw_public(forger.public_key()))
    checkpoint["signature"] = base64.b64encode(
        forger.sign(checkpoint_signed_bytes(checkpoint))
    ).decode()
    head["public_key"] = "ed25519:" + base64.b64encode(cp.raw_public(forger.public_key())).decode()
    forged = {**files, "audit-head.json": dump_json(head)}
    head["record"]["content_sha256"] = content_digest(forged)
    forged["audit-head.json"] = dump_json(head)
    manifest = json.loads(files[MANIFEST])
    manifest["files"] = {n: sha256_hex(forged[n]) for n in FILES if n != MANIFEST}
    manifest["signature"] = {
        "key_id": key_id(cp.raw_public(forger.public_key())),
        "signature": base64.b64encode(forger.sign(manifest_signed_bytes(manifest))).decode(),
    }
    forged[MANIFEST] = dump_json(manifest)
    return forged


def test_a_forgery_signed_with_the_forgers_own_key_fails_with_the_sites_key(
    settings, tmp_path
) -> None:
    """Review v's forgery: everything re-derived, re-signed with the forger's key, which the
    bundle carries. The site's key (or its fingerprint) refuses it; without a key the verifier
    never says the record holds."""
    settings.MOOT_AUDIT_KEY = str(tmp_path / "audit-key.pem")
    site = cp.generate_key(tmp_path / "audit-key.pem")
    files = record_files(declared_ballot().ballot)
    forged = _resign(_forge(files), Ed25519PrivateKey.generate())
    site_raw = cp.raw_public(site)
    assert verify_files(files, public_key=site_raw).holds
    assert verify_files(files, fingerprint=cp.fingerprint(site)).holds

    with_key = verify_files(forged, public_key=site_raw)
    assert not with_key.ok
    assert any("not signed by the trusted key" in str(p) for p in with_key.problems)
    pinned = verify_files(forged, fingerprint=cp.fingerprint(site))
    assert not pinned.ok
    assert any("not the key with the fingerprint given" in str(p) for p in pinned.problems)
    unkeyed = verify_files(forged)
    assert unkeyed.ok
    assert not unkeyed.authenticated
    assert not unkeyed.holds
    assert "the record holds" not in "\n".join(unkeyed.lines())


@pytest.mark.parametrize("name", FILES)
def test_any_byte_changed_in_any_file_fails_with_the_sites_key(settings, tmp_path, name) -> None:
    """With the site's key, changing any byte of any file (the manifest's title or date, the
    audit head's carried key included) fails: the manifest lists every other file's SHA-256
    and the key signs the manifest's every byte."""
    settings.MOOT_AUDIT_KEY = str(tmp_path / "audit-key.pem")
    site = cp.raw_public(cp.generate_key(tmp_path / "audit-key.pem"))
    files = record_files(declared_ballot().ballot)
    data = files[name]
    for at in sorted({0, len(data) // 3, len(data) // 2, len(data) - 2}):
        for flip in (0x01, 0x20):
            changed = bytearray(data)
            changed[at] ^= flip
            report = verify_files({**files, name: bytes(changed)}, public_key=site)
            assert not report.ok, (name, at, flip)
    # Fields outside the count: changed and the manifest re-hashed, the signature fails.
    manifest = json.loads(files[MANIFEST])
    for field_name, value in (("title", "Forged"), ("declared_at", "2020-01-01T00:00:00Z")):
        bad = dump_json({**manifest, field_name: value})
        report = verify_files({**files, MANIFEST: bad}, public_key=site)
        assert any("not signed by the trusted key" in str(p) for p in report.problems)
