"""`moot backup PATH`: a consistent copy of the database, safe while moot is running.

SQLite: the online backup API (the copy is one snapshot of the database, whatever is written
meanwhile) with a busy timeout and retries, so a writer holding the database makes the backup
wait, never fail with "database is locked". PostgreSQL: prints the pg_dump command to run (moot
does not hold the dump tools or the password).

The keys directory (MOOT_KEYS_DIR: the audit signing key and the poll keys) is never copied:
back it up apart, to another place, and the audit checkpoints to a third (docs/security.md §2).
"""

from __future__ import annotations

import os
import shlex
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

BUSY_TIMEOUT_S = 30.0
ATTEMPTS = 5


def backup_sqlite(
    source: Path, target: Path, *, timeout: float = BUSY_TIMEOUT_S, attempts: int = ATTEMPTS
) -> int:
    """Copy the SQLite database ``source`` to the new file ``target`` with the backup API and
    return the number of attempts it took. Each attempt waits up to ``timeout`` seconds for a
    writer to let go (busy timeout); a busy or locked database is tried again, the partial copy
    removed first. The copy is written beside ``target`` and renamed into place only once it is
    whole and passes SQLite's integrity check."""
    partial = target.with_name(target.name + ".partial")
    for attempt in range(1, attempts + 1):
        partial.unlink(missing_ok=True)
        try:
            with (
                closing(_connect(f"{source.as_uri()}?mode=ro", timeout)) as src,
                closing(_connect(partial.as_uri(), timeout)) as dst,
            ):
                # A read transaction first: it waits for a writer up to the busy timeout (then
                # "locked", tried again), where the backup API alone would retry without end.
                src.execute("BEGIN")
                src.execute("SELECT count(*) FROM sqlite_master").fetchone()
                src.backup(dst)  # every page in one step: one consistent snapshot
                src.execute("COMMIT")
                (check,) = dst.execute("PRAGMA integrity_check").fetchone()
            if check != "ok":
                partial.unlink(missing_ok=True)
                raise CommandError(f"the copy of {source} fails SQLite's integrity check: {check}")
            os.replace(partial, target)
            return attempt
        except sqlite3.OperationalError as exc:
            busy = "locked" in str(exc) or "busy" in str(exc)
            if not busy or attempt == attempts:
                partial.unlink(missing_ok=True)
                raise CommandError(
                    f"cannot back up {source}: {exc} (after {attempt} attempt(s) of "
                    f"{timeout:g} s each); nothing written to {target}"
                ) from exc
            time.sleep(min(2.0 * attempt, 10.0))
    raise AssertionError("unreachable: the last attempt returns or raises")


def _connect(uri: str, timeout: float) -> sqlite3.Connection:
    connection = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    return connection


def pg_dump_command(database: dict[str, Any], target: Path) -> str:
    """The pg_dump command for ``database`` (its password is not printed: use PGPASSWORD or
    ~/.pgpass)."""
    words = ["pg_dump", "--format=custom", f"--file={target}"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            words.append(f"{option}={database[key]}")
    words.append(str(database["NAME"]))
    return shlex.join(words)


def keys_reminder() -> list[str]:
    from moot.audit.checkpoint import checkpoint_dir, key_path
    from moot.audit.management.commands.audit import poll_key_dir

    return [
        "Not copied, on purpose — back these up apart from the database:",
        (
            f"  the keys directory {Path(settings.MOOT_KEYS_DIR)} (audit signing key "
            f"{key_path()}, poll keys {poll_key_dir()}): to another place than this copy"
        ),
        f"  the audit checkpoints {checkpoint_dir()}: to a third place",
    ]


class Command(BaseCommand):
    help = (
        "Back up the database to PATH while moot runs (SQLite: the backup API, waiting for "
        "writers; PostgreSQL: prints the pg_dump command). Never copies the keys directory."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the backup file to write (must not exist)")
        parser.add_argument(
            "--timeout",
            type=float,
            default=BUSY_TIMEOUT_S,
            help=f"seconds to wait for a writer, per attempt ({BUSY_TIMEOUT_S:g})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        target: Path = options["path"].expanduser().resolve()
        database = settings.DATABASES["default"]
        engine = str(database["ENGINE"])
        if "postgresql" in engine:
            self.stdout.write("PostgreSQL: moot does not dump it itself; run")
            self.stdout.write(f"  {pg_dump_command(database, target)}")
            self.stdout.write(
                "(the password from PGPASSWORD or ~/.pgpass; it is safe while moot runs)"
            )
        elif "sqlite" in engine:
            source = Path(str(database["NAME"])).resolve()
            if not source.is_file():
                raise CommandError(f"no SQLite database at {source}; nothing written")
            if target.exists():
                raise CommandError(f"{target} already exists; choose a new file name")
            if not target.parent.is_dir():
                raise CommandError(f"{target.parent} is not a directory; create it first")
            keys = Path(settings.MOOT_KEYS_DIR).resolve()
            if target.is_relative_to(keys):
                raise CommandError(
                    f"{target} is inside the keys directory {keys}: a backup of the database "
                    "must be kept apart from the keys; choose another place"
                )
            attempts = backup_sqlite(source, target, timeout=options["timeout"])
            waited = f" ({attempts} attempts: the database was busy)" if attempts > 1 else ""
            self.stdout.write(
                f"backed up {source} to {target}, {target.stat().st_size:,} bytes{waited}"
            )
        else:
            raise CommandError(f"moot backup knows SQLite and PostgreSQL, not {engine}")
        for line in keys_reminder():
            self.stdout.write(line)
