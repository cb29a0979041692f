"""How ``seq`` is assigned: from 1, with no gaps and no forks, however many actions append at
once (on PostgreSQL an advisory transaction lock serialises appends; on SQLite the IMMEDIATE
write transaction does), and an action that rolls back leaves no hole."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path

import pytest
from django.db import connections, transaction

from moot.audit.actions import record
from moot.audit.chain import GENESIS
from moot.audit.models import AuditEvent
from moot.audit.queries import verify_chain
from polls.test_concurrency import database_for_threads

THREADS = 24
EACH = 5


def append(i: int) -> None:
    with transaction.atomic():
        record(actor=None, verb="test.append", object_type="tests.thing", object_id=i)


def failing_action(i: int) -> None:
    with transaction.atomic():
        record(actor=None, verb="test.append", object_type="tests.thing", object_id=i)
        raise RuntimeError("the action failed")


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_give_one_contiguous_chain_from_one(tmp_path: Path) -> None:
    errors: list[str] = []
    with database_for_threads(tmp_path) as connect:
        barrier = threading.Barrier(THREADS)

        def writer(n: int) -> None:
            connect()
            try:
                barrier.wait()
                for k in range(EACH):
                    append(n * EACH + k)
            except Exception as exc:  # reported by the assertion below
                errors.append(f"{type(exc).__name__}: {exc}")
            finally:
                connections.close_all()

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        events = list(AuditEvent.objects.order_by("seq"))
        assert [e.seq for e in events] == list(range(1, THREADS * EACH + 1))
        assert events[0].prev_hash == GENESIS
        assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
        assert sorted(int(e.object_id) for e in events) == list(range(THREADS * EACH))
        assert verify_chain() == (THREADS * EACH, [])


@pytest.mark.django_db
def test_a_rolled_back_action_leaves_no_gap() -> None:
    append(1)
    with pytest.raises(RuntimeError, match="the action failed"):
        failing_action(2)
    append(3)
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "object_id")) == [
        (1, "1"),
        (2, "3"),
    ]
    assert verify_chain() == (2, [])
