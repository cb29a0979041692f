"""What an attacker with write access to the database does to the audit trail, and how the tests
run `moot audit`. Tampering goes around the model's guards with SQL, as a DBA would."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from moot.audit.actions import record
from moot.audit.chain import GENESIS, event_hash
from moot.audit.models import AuditEvent
from moot.audit.queries import _fields

TABLE = AuditEvent._meta.db_table


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    @property
    def fail_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.startswith("FAIL ")]


def moot_audit(*args: str) -> Run:
    """`moot audit ...` as the operator runs it: exit code, standard output and error."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return Run(1, out.getvalue(), err.getvalue() + f"CommandError: {exc}\n")
    return Run(0, out.getvalue(), err.getvalue())


def use_key_and_directory(settings: Any, tmp_path: Path) -> tuple[Path, Path]:
    """Point the signing key and the checkpoint directory at ``tmp_path`` and make the key."""
    key = tmp_path / "keys" / "audit-key.pem"
    directory = tmp_path / "checkpoints"
    settings.MOOT_AUDIT_KEY = str(key)
    settings.MOOT_AUDIT_CHECKPOINTS = str(directory)
    settings.MOOT_AUDIT_PUBLIC_KEY = None
    run = moot_audit("keygen")
    assert run.code == 0, run.err
    return key, directory


def write_events(n: int, *, start: int = 0) -> list[AuditEvent]:
    events = []
    for i in range(start, start + n):
        with transaction.atomic():
            events.append(
                record(
                    actor=None,
                    verb="test.step",
                    object_type="tests.thing",
                    object_id=i,
                    object_repr=f"thing {i}",
                    after={"step": i},
                    reason=f"step {i}",
                )
            )
    return events


def sql(statement: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def delete_newest(n: int) -> None:
    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    sql(f"DELETE FROM {TABLE} WHERE seq > %s", [last - n])


def delete_all() -> None:
    sql(f"DELETE FROM {TABLE}")


def reseal_after_editing(seq: int, reason: str) -> None:
    """Edit event ``seq`` and recompute its hash and every later link and hash, so that the
    chain agrees with itself again (what the hash chain alone cannot catch)."""
    sql(f"UPDATE {TABLE} SET reason = %s WHERE seq = %s", [reason, seq])
    prev = GENESIS
    for event in AuditEvent.objects.order_by("seq"):
        if event.seq >= seq:
            fields = {**_fields(event), "prev_hash": prev}
            digest = event_hash(fields)
            sql(
                f"UPDATE {TABLE} SET prev_hash = %s, hash = %s WHERE id = %s",
                [prev, digest, event.pk],
            )
            prev = digest
        else:
            prev = event.hash


def insert_forged(row_id: int, seq: int, *, verb: str = "members.change_status") -> None:
    """A row written straight into the table with a chosen id and seq."""
    last = AuditEvent.objects.order_by("-seq").first()
    prev = last.hash if last else GENESIS
    sql(
        f"INSERT INTO {TABLE} (id, seq, occurred_at, actor_label, verb, object_type, object_id, "
        "object_repr, clause, reason, prev_hash, hash) "
        "VALUES (%s, %s, CURRENT_TIMESTAMP, %s, %s, %s, %s, %s, '', %s, %s, %s)",
        [
            row_id,
            seq,
            "Forged Officer <forger@example.org>",
            verb,
            "members.member",
            "1",
            "forged row",
            "forged for the test",
            prev,
            f"{abs(row_id):064x}",
        ],
    )
