"""The audit trail is append-only and hash-chained: verify finds edits, deletions and reordering."""

from __future__ import annotations

import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from moot.accounts.models import User
from moot.audit.actions import record
from moot.audit.models import AuditEvent
from moot.audit.queries import history_of, verify_chain

pytestmark = pytest.mark.django_db


def write_events(n: int) -> list[AuditEvent]:
    actor = User.objects.create_user("clerk", email="clerk@example.org", first_name="Ada")
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(
                record(
                    actor=actor,
                    verb="member.status_changed",
                    obj=actor,
                    before={"status": "active"},
                    after={"status": f"state-{i}"},
                    clause="2.3",
                    reason=f"reason {i}",
                )
            )
    return events


def raw(sql: str, params: list[object]) -> None:
    # Tampering goes around the model's guards, as an attacker with database access would.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_a_fresh_chain_verifies_and_links_each_event_to_the_one_before() -> None:
    events = write_events(4)
    checked, problems = verify_chain()
    assert (checked, problems) == (4, [])
    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert events[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    call_command("audit", "verify")


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_run_outside_a_transaction() -> None:
    with pytest.raises(RuntimeError, match="inside the action's transaction"):
        record(actor=None, verb="x", object_type="t", object_id=1)


def test_the_orm_cannot_update_or_delete_events() -> None:
    event = write_events(1)[0]
    event.verb = "forged"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(verb="forged")


def test_an_edited_event_is_named() -> None:
    write_events(5)
    raw(f"UPDATE {AuditEvent._meta.db_table} SET reason = %s WHERE seq = %s", ["rewritten", 3])
    _, problems = verify_chain()
    assert [(p.seq, p.kind) for p in problems] == [(3, "edited")]
    assert "event #3" in problems[0].message
    with pytest.raises(CommandError, match="NOT intact"):
        call_command("audit", "verify")


def test_a_deleted_event_is_named() -> None:
    write_events(5)
    raw(f"DELETE FROM {AuditEvent._meta.db_table} WHERE seq = %s", [2])
    _, problems = verify_chain()
    assert ("missing", 3) in [(p.kind, p.seq) for p in problems]
    assert any("#2 is missing" in p.message for p in problems)


def test_deleting_the_newest_event_and_forging_a_replacement_breaks_the_link() -> None:
    events = write_events(3)
    table = AuditEvent._meta.db_table
    raw(f"UPDATE {table} SET prev_hash = %s WHERE seq = %s", [events[0].hash, 3])
    _, problems = verify_chain()
    kinds = {(p.seq, p.kind) for p in problems}
    assert (3, "edited") in kinds
    assert (3, "broken-link") in kinds


def test_reordered_events_are_named() -> None:
    write_events(4)
    table = AuditEvent._meta.db_table
    # Swap the storage positions of events 2 and 3 (their content moves with them).
    rows = {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, seq FROM {table} ORDER BY id")
        rows = dict(cursor.fetchall())
    id2 = next(i for i, s in rows.items() if s == 2)
    id3 = next(i for i, s in rows.items() if s == 3)
    raw(f"UPDATE {table} SET id = %s WHERE id = %s", [10_000, id2])
    raw(f"UPDATE {table} SET id = %s WHERE id = %s", [id2, id3])
    raw(f"UPDATE {table} SET id = %s WHERE id = %s", [id3, 10_000])
    _, problems = verify_chain()
    assert "reordered" in {p.kind for p in problems}


def test_history_of_an_object_lists_its_events_oldest_first() -> None:
    write_events(3)
    other = User.objects.create_user("other", email="other@example.org")
    with transaction.atomic():
        record(actor=None, verb="user.created", obj=other)
    clerk = User.objects.get(username="clerk")
    assert [e.seq for e in history_of(clerk)] == [1, 2, 3]
    assert [e.actor_label for e in history_of(other)] == ["system"]
