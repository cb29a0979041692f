"""`moot audit keygen`, `public-key`, `checkpoint` and the checkpoint files: the key never
overwritten nor readable by others, a broken chain never signed, and every unusable file or
argument refused with a message that names it."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from audit.tamper import TABLE, moot_audit, sql, use_key_and_directory, write_events
from moot.audit import checkpoint as cp
from moot.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def keyed(settings: Any, tmp_path: Path) -> tuple[Path, Path]:
    return use_key_and_directory(settings, tmp_path)


def test_keygen_writes_a_private_key_only_its_owner_reads_and_never_overwrites_it(
    keyed: tuple[Path, Path],
) -> None:
    key, _ = keyed
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    before = key.read_bytes()
    run = moot_audit("keygen")
    assert run.code == 1
    assert f"{key} already exists; moot never overwrites a signing key" in run.err
    assert key.read_bytes() == before


def test_a_key_readable_by_others_is_refused(keyed: tuple[Path, Path]) -> None:
    key, _ = keyed
    key.chmod(0o644)
    run = moot_audit("checkpoint")
    assert run.code == 1
    assert f"is readable by others (mode 0644); run `chmod 600 {key}` first" in run.err


def test_the_public_key_is_printed_in_both_forms_and_names_its_id(
    keyed: tuple[Path, Path], tmp_path: Path
) -> None:
    run = moot_audit("public-key")
    assert run.code == 0
    lines = run.out.splitlines()
    assert lines[0] == "-----BEGIN PUBLIC KEY-----"
    one_line = next(line for line in lines if line.startswith("ed25519:"))
    key_id = lines[-1].removeprefix("key id ")
    for text in (run.out, one_line):
        path = tmp_path / "pub.txt"
        path.write_text(text)
        assert cp.key_id(cp.load_public_key(path)) == key_id


def test_a_checkpoint_signs_the_head_and_is_written_and_printed(
    keyed: tuple[Path, Path],
) -> None:
    _, directory = keyed
    events = write_events(4)
    run = moot_audit("checkpoint")
    assert run.code == 0, run.err
    (path,) = directory.glob("checkpoint-000000000004-*.json")
    data = json.loads(path.read_text())
    assert (data["seq"], data["hash"], data["events"]) == (4, events[-1].hash, 4)
    assert data["format"] == cp.FORMAT
    assert f"checkpoint of event #4 (4 events) written to {path}" in run.out
    assert json.loads(run.out.split("\n", 1)[1]) == data
    checkpoint = cp.read_checkpoint(path)
    key = cp.load_private_key().public_key()
    assert cp.signature_problem(checkpoint, key) is None


def test_a_broken_chain_is_never_signed(keyed: tuple[Path, Path]) -> None:
    _, directory = keyed
    write_events(3)
    sql(f"UPDATE {TABLE} SET reason = %s WHERE seq = %s", ["rewritten", 2])
    run = moot_audit("checkpoint")
    assert run.code == 1
    assert "FAIL edited: event #2" in run.err
    assert "no checkpoint written: the chain is not intact" in run.err
    assert not directory.exists() or not list(directory.iterdir())


def test_an_empty_chain_can_be_checkpointed_and_then_every_event_follows_it(
    keyed: tuple[Path, Path],
) -> None:
    assert moot_audit("checkpoint").code == 0
    write_events(2)
    run = moot_audit("verify")
    assert run.code == 0, run.err
    assert "at event #0" in run.out
    assert "2 events follow it" in run.out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "is not a moot audit checkpoint (not JSON"),
        ('{"seq": 1}', 'is not a moot audit checkpoint (no "format"'),
        (
            '{"format": "moot-audit-checkpoint/1", "seq": 1}',
            "the checkpoint has no hash, events, made_at, key_id, signature",
        ),
        (
            (
                '{"format": "moot-audit-checkpoint/1", "seq": "1", "hash": "", "events": 1, '
                '"made_at": "", "key_id": "", "signature": ""}'
            ),
            '"seq" must be a whole number ≥ 0',
        ),
        (
            (
                '{"format": "moot-audit-checkpoint/1", "seq": 1, "hash": "xyz", "events": 1, '
                '"made_at": "", "key_id": "", "signature": ""}'
            ),
            '"hash" must be 64 lower-case hex digits',
        ),
    ],
)
def test_an_unusable_checkpoint_file_is_refused_by_name(
    keyed: tuple[Path, Path], tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "given.json"
    path.write_text(content)
    run = moot_audit("verify", "--checkpoint", str(path))
    assert run.code == 1
    assert f"{path}" in run.err
    assert message in run.err


def test_a_stranger_or_a_renamed_file_in_the_checkpoint_directory_is_refused(
    keyed: tuple[Path, Path],
) -> None:
    _, directory = keyed
    write_events(2)
    assert moot_audit("checkpoint").code == 0
    (path,) = directory.glob("*.json")
    stranger = directory / "notes.txt"
    stranger.write_text("hello")
    run = moot_audit("verify")
    assert run.code == 1
    assert f"{stranger} is not a checkpoint file name" in run.err
    stranger.unlink()
    renamed = directory / path.name.replace("000000000002", "000000000009")
    path.rename(renamed)
    run = moot_audit("verify")
    assert run.code == 1
    assert "its name says event #9" in run.err
    assert "the file was renamed or altered" in run.err


def test_verify_without_a_key_to_check_the_signature_fails(
    keyed: tuple[Path, Path], settings: Any, tmp_path: Path
) -> None:
    write_events(1)
    assert moot_audit("checkpoint").code == 0
    settings.MOOT_AUDIT_KEY = str(tmp_path / "gone.pem")
    run = moot_audit("verify")
    assert run.code == 1
    assert "cannot check a checkpoint's signature: no public key given" in run.err


def test_a_malformed_anchor_is_refused(keyed: tuple[Path, Path]) -> None:
    run = moot_audit("verify", "--anchor", "7:abc")
    assert run.code == 1
    assert "--anchor '7:abc': write SEQ:HASH" in run.err
    assert AuditEvent.objects.count() == 0


def test_where_says_where_the_key_and_the_checkpoints_are(settings: Any, tmp_path: Path) -> None:
    settings.MOOT_AUDIT_KEY = str(tmp_path / "k.pem")
    settings.MOOT_AUDIT_CHECKPOINTS = str(tmp_path / "cps")
    settings.MOOT_POLL_KEY_DIR = str(tmp_path / "poll-keys")
    settings.VAR_DIR = tmp_path / "var"
    run = moot_audit("where")
    assert run.out.splitlines() == [
        f"Audit signing key: {tmp_path / 'k.pem'} (missing: run `moot audit ensure-key`)",
        f"Poll keys: {tmp_path / 'poll-keys'}",
        (
            f"Audit checkpoints: {tmp_path / 'cps'} (0 so far; `moot audit checkpoint` adds "
            "one; copy them elsewhere too)"
        ),
    ]
    assert moot_audit("keygen").code == 0
    assert moot_audit("checkpoint").code == 0
    run = moot_audit("where")
    assert "(present)" in run.out
    assert "(1 so far;" in run.out
