"""An audit trail nobody rewrites unseen (issue 8, finding 8; docs/security.md §5).

Someone with write access to the database (a DBA, an operator with the database password, or
whoever restores a doctored backup) deletes the newest event, the newest twenty, every event,
edits one event and recomputes every later hash, or slips in a row with id -1. The hash chain
alone agrees with itself after each of these; the signed checkpoint kept outside the database,
and the heads printed on results, do not. Each case fails `moot audit verify` with exit 1 and
its own line. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from accounts.world import World, build_world
from audit.tamper import (
    TABLE,
    delete_all,
    delete_newest,
    insert_forged,
    moot_audit,
    reseal_after_editing,
    sql,
    use_key_and_directory,
    write_events,
)
from moot.audit.models import AuditEvent
from moot.audit.queries import verify_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def checkpointed(settings: Any, tmp_path: Path) -> Path:
    """Thirty events and a signed checkpoint of their head; returns the checkpoint directory."""
    _, directory = use_key_and_directory(settings, tmp_path)
    write_events(30)
    run = moot_audit("checkpoint")
    assert run.code == 0, run.err
    return directory


def test_an_untampered_chain_passes_and_counts_the_events_after_the_checkpoint(
    checkpointed: Path,
) -> None:
    run = moot_audit("verify")
    assert run.code == 0, run.err
    assert "audit trail intact: 30 events" in run.out
    assert "0 events follow it" in run.out
    write_events(3, start=30)
    run = moot_audit("verify")
    assert run.code == 0, run.err
    assert "checkpoint of" in run.out
    assert "at event #30" in run.out
    assert "3 events follow it (not yet covered by a checkpoint)" in run.out


def test_deleting_the_newest_event_is_a_truncation(checkpointed: Path) -> None:
    delete_newest(1)
    assert verify_chain()[1] == []  # the chain alone cannot tell
    run = moot_audit("verify")
    assert run.code == 1
    assert run.fail_lines == [
        (
            "FAIL truncated: the chain ends at event #29, but the checkpoint of "
            f"{_made_at(checkpointed)} at event #30 reached #30: the newest event (#30) was deleted"
        )
    ]


def test_deleting_the_newest_twenty_is_a_truncation(checkpointed: Path) -> None:
    delete_newest(20)
    assert verify_chain()[1] == []
    run = moot_audit("verify")
    assert run.code == 1
    assert len(run.fail_lines) == 1
    assert run.fail_lines[0].startswith("FAIL truncated: the chain ends at event #10")
    assert run.fail_lines[0].endswith("the newest 20 events (#11–#30) were deleted")


def test_deleting_every_event_is_named(checkpointed: Path) -> None:
    delete_all()
    assert verify_chain() == (0, [])
    run = moot_audit("verify")
    assert run.code == 1
    assert len(run.fail_lines) == 1
    assert run.fail_lines[0].startswith("FAIL deleted: the audit trail is empty")
    assert "counted 30 events: every event was deleted" in run.fail_lines[0]


def test_editing_an_event_and_recomputing_every_later_hash_is_a_reseal(
    checkpointed: Path,
) -> None:
    reseal_after_editing(12, "a reason nobody gave")
    assert verify_chain()[1] == []  # re-sealed: the chain agrees with itself again
    run = moot_audit("verify")
    assert run.code == 1
    assert len(run.fail_lines) == 1
    assert run.fail_lines[0].startswith("FAIL resealed: event #30 has hash")
    assert "events up to #30 were rewritten and their hashes recomputed" in run.fail_lines[0]


def test_cutting_the_end_and_letting_moot_write_it_anew_is_a_reseal(checkpointed: Path) -> None:
    delete_newest(5)
    write_events(8, start=100)  # moot carries on from #25: #26..#33, #30 now another event
    assert verify_chain()[1] == []
    run = moot_audit("verify")
    assert run.code == 1
    assert [line.split(":")[0] for line in run.fail_lines] == ["FAIL resealed"]


def test_a_forged_row_with_id_minus_one_fails_and_is_not_shown_on_the_trail(
    checkpointed: Path, client: Any
) -> None:
    world: World = build_world()
    insert_forged(-1, 31)
    run = moot_audit("verify")
    assert run.code == 1
    assert len(run.fail_lines) == 1
    assert run.fail_lines[0].startswith("FAIL forged: row id -1 (seq 31, members.change_status")

    client.force_login(world.users["auditor"])
    page = client.get("/audit/").content.decode()
    assert "forged row" not in page
    assert "Forged Officer" not in page
    assert "Forged rows:" in page
    assert "1 row with an id or number of 0 or less" in page
    history = client.get("/audit/?object=members.member:1").content.decode()
    assert "Forged Officer" not in history
    dashboard = client.get("/")
    assert dashboard.status_code == 200
    assert "Forged Officer" not in dashboard.content.decode()
    # Whatever reads events through the model never meets the row.
    assert AuditEvent.objects.filter(pk=-1).count() == 0
    assert AuditEvent.every_row.filter(pk=-1).count() == 1


def test_a_row_with_seq_zero_fails(checkpointed: Path) -> None:
    insert_forged(5_000, 0)
    run = moot_audit("verify")
    assert run.code == 1
    assert [line.split(":")[0] for line in run.fail_lines] == ["FAIL forged"]
    assert "row id 5000 (seq 0," in run.fail_lines[0]


def test_a_gap_in_seq_fails(checkpointed: Path) -> None:
    sql(f"DELETE FROM {TABLE} WHERE seq = %s", [7])
    run = moot_audit("verify")
    assert run.code == 1
    kinds = [line.split(":")[0] for line in run.fail_lines]
    assert "FAIL missing" in kinds
    assert any("event #7 is missing (deleted) before event #8" in line for line in run.fail_lines)


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="SQLite cannot drop the unique index it built into the table",
)
def test_a_duplicated_seq_fails() -> None:
    write_events(3)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks before ALTER TABLE
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'u'",
            [TABLE],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'ALTER TABLE {TABLE} DROP CONSTRAINT "{name}"')
    sql(
        f"INSERT INTO {TABLE} (seq, occurred_at, actor_label, verb, object_type, object_id, "
        "object_repr, before, after, clause, reason, prev_hash, hash) SELECT seq, occurred_at, "
        "actor_label, verb, object_type, object_id, object_repr, before, after, clause, reason, "
        "prev_hash, hash "
        f"FROM {TABLE} WHERE seq = 2"
    )
    _, problems = verify_chain()
    assert [(p.seq, p.kind) for p in problems] == [(2, "duplicate")]
    assert "seq #2 is held by 2 events" in problems[0].message


def test_a_checkpoint_altered_after_signing_fails(checkpointed: Path) -> None:
    reseal_after_editing(3, "rewritten")
    # The re-sealer also edits the checkpoint to the new head; the signature no longer holds.
    (path,) = checkpointed.glob("*.json")
    data = json.loads(path.read_text())
    data["hash"] = AuditEvent.objects.get(seq=30).hash
    path.write_text(json.dumps(data))
    run = moot_audit("verify")
    assert run.code == 1
    assert len(run.fail_lines) == 1
    assert run.fail_lines[0].startswith("FAIL signature:")
    assert "has a bad signature: the file was altered after signing or forged" in run.fail_lines[0]


def test_a_checkpoint_signed_with_another_key_fails(
    checkpointed: Path, settings: Any, tmp_path: Path
) -> None:
    trusted = settings.MOOT_AUDIT_KEY
    reseal_after_editing(3, "rewritten")
    # The re-sealer makes their own key and signs the new head with it.
    settings.MOOT_AUDIT_KEY = str(tmp_path / "forger.pem")
    assert moot_audit("keygen").code == 0
    forged_dir = tmp_path / "forged"
    assert moot_audit("checkpoint", "--dir", str(forged_dir)).code == 0
    settings.MOOT_AUDIT_KEY = trusted
    (forged,) = forged_dir.glob("*.json")
    run = moot_audit("verify", "--checkpoint", str(forged))
    assert run.code == 1
    assert len(run.fail_lines) == 1
    assert run.fail_lines[0].startswith("FAIL signature:")
    assert "it was not signed by this site's key" in run.fail_lines[0]


def test_a_third_party_checks_with_the_public_key_alone(
    checkpointed: Path, settings: Any, tmp_path: Path
) -> None:
    public = tmp_path / "moot-audit.pub"
    public.write_text(moot_audit("public-key").out)
    (path,) = checkpointed.glob("*.json")
    settings.MOOT_AUDIT_KEY = str(tmp_path / "not-here.pem")  # no private key on this machine
    run = moot_audit("verify", "--checkpoint", str(path), "--public-key", str(public))
    assert run.code == 0, run.err
    assert f"signature checked with {public}" in run.out
    delete_newest(1)
    run = moot_audit("verify", "--checkpoint", str(path), "--public-key", str(public))
    assert [line.split(":")[0] for line in run.fail_lines] == ["FAIL truncated"]


def test_a_head_printed_on_a_result_catches_a_reseal_without_any_checkpoint(
    settings: Any, tmp_path: Path
) -> None:
    settings.MOOT_AUDIT_CHECKPOINTS = str(tmp_path / "none")
    # No signing key either: another test of the session (a demo seed) may have made one in
    # the shared keys directory, and a key without checkpoints is a failure of its own.
    settings.MOOT_AUDIT_KEY = str(tmp_path / "no-audit-key.pem")
    events = write_events(10)
    printed = f"{events[6].seq}:{events[6].hash}"
    run = moot_audit("verify", "--anchor", printed)
    assert run.code == 0, run.err
    assert "printed head #7 matches" in run.out
    assert "WARNING no checkpoint" in run.err
    reseal_after_editing(2, "rewritten")
    run = moot_audit("verify", "--anchor", printed)
    assert run.code == 1
    assert len(run.fail_lines) == 1
    assert run.fail_lines[0].startswith("FAIL anchor: event #7 has hash")


def test_no_checkpoint_is_said_loudly(settings: Any, tmp_path: Path) -> None:
    settings.MOOT_AUDIT_CHECKPOINTS = str(tmp_path / "empty")
    # No signing key either: another test of the session (a demo seed) may have made one in
    # the shared keys directory, and a key without checkpoints is a failure of its own.
    settings.MOOT_AUDIT_KEY = str(tmp_path / "no-audit-key.pem")
    write_events(2)
    run = moot_audit("verify")
    assert run.code == 0
    assert run.err.startswith("WARNING no checkpoint in ")
    assert "cannot be detected" in run.err


def test_the_trail_page_shows_the_checkpoint_state(checkpointed: Path, client: Any) -> None:
    world: World = build_world()
    client.force_login(world.users["auditor"])
    page = client.get("/audit/").content.decode()
    assert "Matches the signed checkpoint" in page
    delete_newest(20)
    page = client.get("/audit/").content.decode()
    assert "Does not match the signed checkpoint" in page
    assert "the newest 20 events (#11–#30) were deleted" in page


def _made_at(directory: Path) -> str:
    (path,) = directory.glob("*.json")
    return str(json.loads(path.read_text())["made_at"])


def test_the_trail_page_checks_with_the_public_key_alone_or_says_it_cannot(
    checkpointed: Path, client: Any, settings: Any, tmp_path: Path
) -> None:
    world: World = build_world()
    client.force_login(world.users["auditor"])
    public = tmp_path / "moot-audit.pub"
    public.write_text(moot_audit("public-key").out)
    settings.MOOT_AUDIT_KEY = str(tmp_path / "not-on-the-web-server.pem")
    page = client.get("/audit/").content.decode()
    assert "The signed checkpoint cannot be checked" in page
    assert "no public key given and no signing key" in page
    settings.MOOT_AUDIT_PUBLIC_KEY = str(public)
    page = client.get("/audit/").content.decode()
    assert "Matches the signed checkpoint" in page


def test_a_scheduled_check_that_requires_a_checkpoint_fails_without_one(
    checkpointed: Path,
) -> None:
    for path in checkpointed.glob("*.json"):
        path.unlink()  # the checkpoints removed along with the newest events
    delete_newest(5)
    run = moot_audit("verify")  # the signing key exists: a missing checkpoint fails (finding C)
    assert run.code == 1
    assert [line.split(":")[0] for line in run.fail_lines] == ["FAIL no-checkpoint"]
    run = moot_audit("verify", "--require-checkpoint")
    assert run.code == 1
    assert run.fail_lines == [
        (
            f"FAIL no-checkpoint: no checkpoint in {checkpointed}, and --require-checkpoint: a cut "
            "at the end of the chain, its deletion or re-sealing cannot be ruled out"
        )
    ]


# --- finding C: the keys apart from the data, and a verify that fails rather than warns -------


def test_with_a_signing_key_but_no_checkpoint_verify_fails_on_an_emptied_trail(
    settings: Any, tmp_path: Path
) -> None:
    """Out of the box (a key made by `make run`), emptying the trail and its checkpoint
    directory passed with a WARNING ("intact: 0 events", exit 0)."""
    key, directory = use_key_and_directory(settings, tmp_path)
    write_events(5)
    delete_all()
    run = moot_audit("verify")
    assert run.code == 1
    assert run.fail_lines == [
        (
            f"FAIL no-checkpoint: no checkpoint in {directory}, but the signing key {key} "
            "exists: the checkpoints were removed or moved, and a cut at the end of the chain, "
            "its deletion or re-sealing cannot be ruled out (a new installation: run `moot "
            "audit checkpoint` once)"
        )
    ]


def test_with_only_a_public_key_configured_a_missing_checkpoint_fails(
    settings: Any, tmp_path: Path
) -> None:
    use_key_and_directory(settings, tmp_path)
    public = tmp_path / "moot-audit.pub"
    public.write_text(moot_audit("public-key").out)
    settings.MOOT_AUDIT_KEY = str(tmp_path / "kept-elsewhere.pem")
    settings.MOOT_AUDIT_PUBLIC_KEY = str(public)
    write_events(2)
    run = moot_audit("verify")
    assert run.code == 1
    assert [line.split(":")[0] for line in run.fail_lines] == ["FAIL no-checkpoint"]
    assert "a public key is configured" in run.fail_lines[0]


def test_the_checkpoint_directory_moved_away_fails(checkpointed: Path, settings: Any) -> None:
    settings.MOOT_AUDIT_CHECKPOINTS = str(checkpointed.parent / "moved")
    run = moot_audit("verify")
    assert run.code == 1
    assert [line.split(":")[0] for line in run.fail_lines] == ["FAIL no-checkpoint"]


def test_an_emptied_trail_fails_when_a_checkpoint_exists(checkpointed: Path) -> None:
    delete_all()
    run = moot_audit("verify")
    assert run.code == 1
    assert [line.split(":")[0] for line in run.fail_lines] == ["FAIL deleted"]


def test_a_dropped_audit_table_is_one_fail_line_not_a_traceback(checkpointed: Path) -> None:
    if connection.vendor == "postgresql":
        sql("SET CONSTRAINTS ALL IMMEDIATE")  # the events' deferred checks, before the drop
    sql(f"DROP TABLE {TABLE}")
    run = moot_audit("verify")
    assert run.code == 1
    assert len(run.fail_lines) == 1
    assert run.fail_lines[0].startswith("FAIL no-table: the audit trail cannot be read: ")
    assert "Traceback" not in run.err
    assert "CommandError: audit trail is NOT intact: its table cannot be read" in run.err


def test_ensure_key_makes_the_key_once_in_a_private_directory(
    settings: Any, tmp_path: Path
) -> None:
    keys = tmp_path / "keys"
    settings.MOOT_KEYS_DIR = keys
    settings.MOOT_AUDIT_KEY = None
    run = moot_audit("ensure-key")
    assert run.code == 0, run.err
    key = keys / "audit-key.pem"
    assert f"wrote a new Ed25519 signing key to {key}" in run.out
    assert oct(key.stat().st_mode & 0o777) == oct(0o600)
    assert oct(keys.stat().st_mode & 0o777) == oct(0o700)
    first = key.read_bytes()
    run = moot_audit("ensure-key")
    assert run.code == 0, run.err
    assert run.out.strip() == f"audit signing key: {key} (present)"
    assert key.read_bytes() == first


def test_make_runs_steps_leave_a_checkpoint_so_an_emptied_trail_fails(
    settings: Any, tmp_path: Path
) -> None:
    """`make run`: ensure-key, seed, checkpoint --if-new; a second start writes no second
    checkpoint of the same head; then the trail emptied fails verify."""
    settings.MOOT_KEYS_DIR = tmp_path / "keys"
    settings.MOOT_AUDIT_KEY = None
    settings.MOOT_AUDIT_CHECKPOINTS = str(tmp_path / "checkpoints")
    assert moot_audit("ensure-key").code == 0
    write_events(4)  # the seed
    run = moot_audit("checkpoint", "--if-new")
    assert run.code == 0, run.err
    assert "checkpoint of event #" in run.out
    run = moot_audit("checkpoint", "--if-new")
    assert run.code == 0, run.err
    assert "already signs the head; none written" in run.out
    assert len(list((tmp_path / "checkpoints").glob("*.json"))) == 1
    assert moot_audit("verify").code == 0
    delete_all()
    run = moot_audit("verify")
    assert run.code == 1
    assert [line.split(":")[0] for line in run.fail_lines] == ["FAIL deleted"]
