"""The keys apart from the data (findings C and L; docs/security.md §2 and §5).

Someone who gets one copy of the database's directory (a backup, a disk image, a stolen
laptop's var/) must not get the poll keys that unseal the ballots, nor the key that signs the
audit trail's checkpoints. By default the keys live in MOOT_KEYS_DIR, outside MOOT_VAR_DIR;
`moot serve` and `moot audit where` warn loudly when a key directory is inside the database's
directory; `moot backup` copies the database while a writer holds it and never the keys."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from moot.audit.management.commands.audit import poll_key_dir, where_lines
from moot.polls import sealing

REPO = Path(__file__).resolve().parents[2]

PRINT_PATHS = (
    "import django; django.setup(); from django.conf import settings; "
    "from moot.audit import checkpoint; from moot.polls import sealing; "
    "print(settings.VAR_DIR); print(settings.MOOT_KEYS_DIR); print(checkpoint.key_path()); "
    "print(sealing.key_dir())"
)


def _clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("MOOT_") and k not in {"XDG_CONFIG_HOME", "DATABASE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="moot.site.settings",
        SECRET_KEY="x" * 50,
        HOME=str(tmp_path / "home"),
        MOOT_VAR_DIR=str(tmp_path / "var"),
        MOOT_HTTPS="0",
    )
    env.update(extra)
    return env


def _paths(tmp_path: Path, **extra: str) -> list[Path]:
    out = subprocess.run(
        [sys.executable, "-c", PRINT_PATHS],
        env=_clean_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    return [Path(line) for line in out.stdout.split()]


@pytest.mark.pure
def test_by_default_the_keys_are_outside_the_database_directory(tmp_path: Path) -> None:
    var, keys, audit_key, poll_keys = _paths(tmp_path)
    assert keys == (tmp_path / "home" / ".config" / "moot" / "keys").resolve()
    assert audit_key == keys / "audit-key.pem"
    assert poll_keys == keys / "poll-keys"
    for secret in (keys, audit_key, poll_keys):
        assert not secret.is_relative_to(var)


PRINT_SECRET_KEY = (
    "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"
)


def _secret_key(tmp_path: Path) -> str:
    env = _clean_env(tmp_path, MOOT_KEYS_DIR=str(tmp_path / "keys"))
    del env["SECRET_KEY"]
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            PRINT_SECRET_KEY,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    return out.stdout.strip()


@pytest.mark.pure
def test_the_generated_secret_key_lives_with_the_keys_not_beside_the_database(
    tmp_path: Path,
) -> None:
    """Second hostile review: var/secret_key beside the database let anyone with one copy of
    var/ mint a password-reset link for any account on the live server."""
    key = _secret_key(tmp_path)
    stored = tmp_path / "keys" / "secret_key"
    assert stored.read_text() == key
    assert stored.stat().st_mode & 0o777 == 0o600
    assert not (tmp_path / "var" / "secret_key").exists()
    assert _secret_key(tmp_path) == key  # read again, not made anew


@pytest.mark.pure
def test_a_secret_key_left_in_var_by_an_earlier_moot_is_moved_with_the_keys(
    tmp_path: Path,
) -> None:
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "secret_key").write_text("an-earlier-key-" + "k" * 40 + "\n")
    assert _secret_key(tmp_path) == "an-earlier-key-" + "k" * 40
    assert not (tmp_path / "var" / "secret_key").exists()
    assert (tmp_path / "keys" / "secret_key").stat().st_mode & 0o777 == 0o600


@pytest.mark.pure
def test_xdg_config_home_and_moot_keys_dir_choose_the_keys_directory(tmp_path: Path) -> None:
    config = tmp_path / "config"
    _, keys, audit_key, poll_keys = _paths(tmp_path, XDG_CONFIG_HOME=str(config))
    assert keys == (config / "moot" / "keys").resolve()
    chosen = tmp_path / "vault"
    _, keys, audit_key, poll_keys = _paths(tmp_path, MOOT_KEYS_DIR=str(chosen))
    assert (keys, audit_key, poll_keys) == (
        chosen,
        chosen / "audit-key.pem",
        chosen / "poll-keys",
    )


def test_the_audit_commands_view_of_the_poll_keys_is_the_polls_own(
    settings: Any, tmp_path: Path
) -> None:
    settings.MOOT_POLL_KEY_DIR = None
    settings.MOOT_KEYS_DIR = tmp_path / "keys"
    assert poll_key_dir() == sealing.key_dir() == tmp_path / "keys" / "poll-keys"
    settings.MOOT_POLL_KEY_DIR = str(tmp_path / "elsewhere")
    assert poll_key_dir() == sealing.key_dir() == tmp_path / "elsewhere"


def test_where_and_serve_warn_when_a_key_directory_is_inside_the_database_directory(
    settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path / "var"
    settings.MOOT_AUDIT_KEY = None
    settings.MOOT_POLL_KEY_DIR = None
    settings.MOOT_KEYS_DIR = tmp_path / "keys"
    assert not [line for line in where_lines() if line.startswith("WARNING")]
    settings.MOOT_KEYS_DIR = tmp_path / "var" / "keys"  # the old layout
    warnings = [line for line in where_lines() if line.startswith("WARNING")]
    assert [line.split(" (")[0] for line in warnings] == [
        "WARNING the audit signing key",
        "WARNING the poll keys",
    ]
    assert f"): inside the database's directory {tmp_path / 'var'}" in warnings[0]
    out = io.StringIO()
    call_command("audit", "where", stdout=out)
    assert out.getvalue().startswith("WARNING the audit signing key")
    # Only the poll keys beside the database (MOOT_POLL_KEY_DIR into var/) is warned of too.
    settings.MOOT_KEYS_DIR = tmp_path / "keys"
    settings.MOOT_POLL_KEY_DIR = str(tmp_path / "var" / "poll-keys")
    warnings = [line for line in where_lines() if line.startswith("WARNING")]
    assert [line.split(" (")[0] for line in warnings] == ["WARNING the poll keys"]


# --- finding L: moot backup -------------------------------------------------------------------


def _database(path: Path, *, wal: bool) -> None:
    with sqlite3.connect(path) as db:
        if wal:
            db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE ballot (id INTEGER PRIMARY KEY, box TEXT)")
        db.executemany("INSERT INTO ballot (box) VALUES (?)", [("paper",)] * 500)
    db.close()


def _hold_the_write_lock(path: Path, seconds: float, held: threading.Event) -> threading.Thread:
    """A writer in the middle of a vote: an exclusive transaction held for ``seconds``."""

    def writer() -> None:
        db = sqlite3.connect(path, timeout=0, isolation_level=None)
        db.execute("BEGIN EXCLUSIVE")
        db.execute("INSERT INTO ballot (box) VALUES ('cast during the backup')")
        held.set()
        time.sleep(seconds)
        db.execute("COMMIT")
        db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    assert held.wait(5)
    return thread


def _moot_backup(tmp_path: Path, database: Path, target: Path, keys: Path) -> Any:
    env = _clean_env(tmp_path, DATABASE_URL=f"sqlite:///{database}", MOOT_KEYS_DIR=str(keys))
    return subprocess.run(
        [sys.executable, "-m", "moot.cli", "backup", str(target)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        timeout=120,
    )


@pytest.mark.pure
@pytest.mark.parametrize("wal", [False, True], ids=["rollback-journal", "wal"])
def test_backup_while_a_writer_holds_the_database(tmp_path: Path, wal: bool) -> None:
    database = tmp_path / "moot.sqlite3"
    _database(database, wal=wal)
    keys = tmp_path / "keys"
    (keys / "poll-keys").mkdir(parents=True)
    (keys / "audit-key.pem").write_text("secret")
    (tmp_path / "backups").mkdir()
    target = tmp_path / "backups" / "moot-backup.sqlite3"
    held = threading.Event()
    writer = _hold_the_write_lock(database, 2.0, held)
    try:
        run = _moot_backup(tmp_path, database, target, keys)
    finally:
        writer.join()
    assert run.returncode == 0, run.stderr
    assert "database is locked" not in run.stderr
    assert f"backed up {database} to {target}" in run.stdout
    with sqlite3.connect(target) as copy:
        (check,) = copy.execute("PRAGMA integrity_check").fetchone()
        (papers,) = copy.execute("SELECT count(*) FROM ballot").fetchone()
    copy.close()
    assert check == "ok"
    assert papers in (500, 501)  # one snapshot: before the writer's commit, or after it
    # Only the database was written; the keys are named, not copied.
    assert sorted(p.name for p in (tmp_path / "backups").iterdir()) == ["moot-backup.sqlite3"]
    assert b"secret" not in target.read_bytes()
    assert f"the keys directory {keys}" in run.stdout
    assert "to a third place" in run.stdout


@pytest.mark.pure
def test_backup_refuses_an_existing_file_and_a_place_inside_the_keys_directory(
    tmp_path: Path,
) -> None:
    database = tmp_path / "moot.sqlite3"
    _database(database, wal=True)
    keys = tmp_path / "keys"
    keys.mkdir()
    existing = tmp_path / "old.sqlite3"
    existing.write_text("an older backup")
    run = _moot_backup(tmp_path, database, existing, keys)
    assert run.returncode == 1
    assert f"{existing} already exists; choose a new file name" in run.stderr
    assert existing.read_text() == "an older backup"
    run = _moot_backup(tmp_path, database, keys / "db.sqlite3", keys)
    assert run.returncode == 1
    assert "inside the keys directory" in run.stderr
    assert list(keys.iterdir()) == []


def test_backup_on_postgresql_prints_the_pg_dump_command(tmp_path: Path) -> None:
    from moot.site.management.commands.backup import pg_dump_command

    command = pg_dump_command(
        {"NAME": "moot", "HOST": "db.example", "PORT": 5433, "USER": "moot", "PASSWORD": "pw"},
        tmp_path / "moot.dump",
    )
    assert command == (
        f"pg_dump --format=custom --file={tmp_path / 'moot.dump'} --host=db.example "
        "--port=5433 --username=moot moot"
    )
    assert "pw" not in command


def test_keys_left_in_var_by_an_earlier_moot_are_warned_of_and_moved_by_ensure_key(
    settings: Any, tmp_path: Path
) -> None:
    """An installation from before MOOT_KEYS_DIR keeps var/audit-key.pem and var/poll-keys/:
    `moot serve` says so, and `make run`'s `moot audit ensure-key` moves them (the same key, so
    old checkpoints still verify and open polls keep their ballots)."""
    var = tmp_path / "var"
    (var / "poll-keys").mkdir(parents=True)
    (var / "poll-keys" / "poll-7-1.key").write_text("open poll's key")
    settings.VAR_DIR = var
    settings.MOOT_KEYS_DIR = tmp_path / "keys"
    settings.MOOT_POLL_KEY_DIR = None
    settings.MOOT_AUDIT_KEY = None
    call_command("audit", "keygen", "--key", str(var / "audit-key.pem"), stdout=io.StringIO())
    old_key = (var / "audit-key.pem").read_bytes()
    warnings = [line for line in where_lines() if line.startswith("WARNING")]
    assert [line.split(" is where")[0] for line in warnings] == [
        f"WARNING {var / 'audit-key.pem'}",
        f"WARNING {var / 'poll-keys'}",
    ]
    out = io.StringIO()
    call_command("audit", "ensure-key", stdout=out, stderr=io.StringIO())
    keys = tmp_path / "keys"
    assert f"moved {var / 'audit-key.pem'} to {keys / 'audit-key.pem'}" in out.getvalue()
    assert f"moved {var / 'poll-keys'} to {keys / 'poll-keys'}" in out.getvalue()
    assert (keys / "audit-key.pem").read_bytes() == old_key
    assert oct((keys / "audit-key.pem").stat().st_mode & 0o777) == oct(0o600)
    assert (keys / "poll-keys" / "poll-7-1.key").read_text() == "open poll's key"
    assert oct((keys / "poll-keys").stat().st_mode & 0o777) == oct(0o700)
    assert not (var / "audit-key.pem").exists()
    assert not (var / "poll-keys").exists()
    assert not [line for line in where_lines() if line.startswith("WARNING")]
