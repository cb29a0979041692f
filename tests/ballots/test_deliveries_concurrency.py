"""Several workers given the same batch (a resumed batch while its first task still runs, or
the same task queued twice): each row is claimed by one worker only, and the server receives
each message once (SQLite: a file database with the production settings; PostgreSQL:
SELECT … FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from ballots.deliveries_sink import running_sink
from ballots.delivery_world import issued_ballot
from moot.ballots import delivery, tasks
from moot.ballots.models import Delivery, DeliveryKind
from polls.test_concurrency import database_for_threads

WORKERS = 8


def _together(job: Callable[[], Any], connect: Callable[[], None]) -> list[Any]:
    barrier = threading.Barrier(WORKERS)
    results: list[Any] = []
    lock = threading.Lock()

    def run() -> None:
        connect()
        try:
            barrier.wait()
            outcome = job()
        except Exception as exc:  # reported by the test
            outcome = f"error: {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_workers_claiming_one_batch_take_each_row_once(tmp_path: Path) -> None:
    ballot = issued_ballot(email=40, post=0)
    delivery.queue_deliveries(ballot, DeliveryKind.INVITATION)
    with database_for_threads(tmp_path) as connect:
        claims = _together(lambda: tasks._claim(ballot.pk, 1), connect)
        errors = [c for c in claims if isinstance(c, str)]
        assert errors == []
        taken = [pk for claim in claims for pk in claim]
        assert len(taken) == len(set(taken)) == 40
        assert Delivery.objects.filter(ballot=ballot, state="sending").count() == 40


@pytest.mark.django_db(transaction=True)
def test_workers_sending_one_batch_send_each_message_once(tmp_path: Path, settings: Any) -> None:
    sink = running_sink(settings)
    server = next(sink)
    try:
        ballot = issued_ballot(email=40, post=0)
        delivery.queue_deliveries(ballot, DeliveryKind.INVITATION)
        with database_for_threads(tmp_path) as connect:
            results = _together(lambda: tasks.deliver_batch(ballot.pk, 1), connect)
            assert [r for r in results if isinstance(r, str)] == []
            assert sum(r["sent"] for r in results) == 40
            assert Delivery.objects.filter(ballot=ballot, state="sent").count() == 40
        assert len(server.messages) == 40
        assert set(server.copies().values()) == {1}
    finally:
        sink.close()
