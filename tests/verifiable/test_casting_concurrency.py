"""Simultaneous casts (real threads, each with its own connection, against a committed ballot;
SQLite as a file database with the production settings, as issue 11's concurrency tests do):
one voting credential used by many entitlements at once, and one entitlement casting with many
credentials at once — the board takes exactly one ballot and the roll holds exactly one return,
every other attempt refused in words, with no other error and no gap or fork in the chain."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connections

from moot.ballots.models import Return
from moot.verifiable.actions import do_cast_verifiable
from moot.verifiable.errors import VerifiableError
from moot.verifiable.models import BoardEntry
from moot.verify import vboard
from polls.test_concurrency import database_for_threads
from verifiable.world import open_verifiable

THREADS = 12


def _together(jobs: list[Callable[[], str]], connect: Callable[[], None]) -> Counter[str]:
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(job: Callable[[], str]) -> None:
        connect()
        try:
            barrier.wait()
            outcome = job()
        except VerifiableError as exc:
            outcome = f"refused: {exc.message}"
        except Exception as exc:  # every other outcome is reported by the test
            outcome = f"error: {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Counter(outcomes)


def _chain_intact(election_id: int) -> None:
    entries = [json.loads(e.body) for e in BoardEntry.objects.filter(election_id=election_id)]
    head = vboard.check_chain(entries)
    from moot.verifiable.models import Election

    assert Election.objects.get(pk=election_id).board_head == head


@pytest.mark.django_db(transaction=True)
def test_one_credential_cast_by_many_entitlements_at_once(tmp_path: Path) -> None:
    world = open_verifiable(voters=THREADS)
    ballots = [world.encrypt(0, [1, 0, 0]) for _ in range(THREADS)]

    def job(n: int) -> Callable[[], str]:
        return lambda: (
            do_cast_verifiable(world.ballot, world.base.entries[n], ballots[n]) and "cast"
        )

    with database_for_threads(tmp_path) as connect:
        outcomes = _together([job(n) for n in range(THREADS)], connect)
        assert not [o for o in outcomes if o.startswith("error")], outcomes
        assert outcomes["cast"] == 1
        refused = [o for o in outcomes if o.startswith("refused")]
        assert all("already cast a ballot" in o for o in refused), outcomes
        assert BoardEntry.objects.filter(kind="ballot").count() == 1
        assert Return.objects.filter(ballot=world.ballot).count() == 1
        _chain_intact(world.election.pk)


@pytest.mark.django_db(transaction=True)
def test_one_entitlement_casting_with_many_credentials_at_once(tmp_path: Path) -> None:
    world = open_verifiable(voters=THREADS)
    ballots = [world.encrypt(n, [0, 1, 0]) for n in range(THREADS)]
    entry = world.base.entries[0]

    def job(n: int) -> Callable[[], str]:
        return lambda: do_cast_verifiable(world.ballot, entry, ballots[n]) and "cast"

    with database_for_threads(tmp_path) as connect:
        outcomes = _together([job(n) for n in range(THREADS)], connect)
        assert not [o for o in outcomes if o.startswith("error")], outcomes
        assert outcomes["cast"] == 1
        refused = [o for o in outcomes if o.startswith("refused")]
        assert all("already received for you" in o for o in refused), outcomes
        assert BoardEntry.objects.filter(kind="ballot").count() == 1
        assert Return.objects.filter(entry=entry).count() == 1
        _chain_intact(world.election.pk)
