"""Fifty simultaneous votes for one member leave exactly one ballot (issue 4, item 10).

Real threads, each with its own database connection, against a committed poll: on SQLite the
IMMEDIATE transactions serialise the writers; on PostgreSQL the poll row lock and the unique
constraint on Participation(poll, member) do it."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from moot.polls.actions import ALREADY_VOTED, PollError, do_cast_ballot
from moot.polls.models import Participation, SecretBallot

THREADS = 50


@contextmanager
def database_for_threads(tmp_path: Path) -> Iterator[Callable[[], None]]:
    """Yield a function each thread calls to connect to the test database.

    pytest-django keeps the SQLite test database in memory (shared cache), where concurrent
    writers fail at once with "table is locked" instead of waiting: not how moot runs. So on
    SQLite the committed test data is copied to a file database opened with the production
    settings (WAL, IMMEDIATE transactions, busy timeout), and every thread — the main one
    included — uses that file. On PostgreSQL threads simply open their own connections.
    """
    original = connections["default"]
    if original.vendor != "sqlite" or not original.is_in_memory_db():
        yield lambda: None
        return
    original.ensure_connection()
    target = tmp_path / "concurrency.sqlite3"
    copy = sqlite3.connect(target)
    original.connection.backup(copy)
    copy.close()
    settings = {**original.settings_dict, "NAME": str(target)}

    def use_file() -> None:
        connections["default"] = original.__class__(settings, "default")

    use_file()
    try:
        yield use_file
    finally:
        connections["default"].close()
        connections["default"] = original


def cast_together(
    poll: Any, voter: Any, choice: list[int], connect: Callable[[], None]
) -> list[str]:
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def vote() -> None:
        connect()
        try:
            barrier.wait()
            do_cast_ballot(poll, voter, choice, acting_user=voter.user)
            outcome = "cast"
        except PollError as exc:
            outcome = exc.message
        except Exception as exc:  # every other outcome is reported by the test
            outcome = f"{type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=vote) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("secret", [True, False], ids=["secret", "named"])
def test_fifty_threads_casting_for_one_member_give_one_ballot(
    open_poll: Any, voters: list[Any], secret: bool, tmp_path: Path
) -> None:
    poll = open_poll(secret=secret)
    voter = voters[0]
    choice = [poll.options.get(label="Ben").pk]
    with database_for_threads(tmp_path) as connect:
        outcomes = cast_together(poll, voter, choice, connect)
        assert outcomes.count("cast") == 1, sorted(set(outcomes))
        assert outcomes.count(ALREADY_VOTED) == THREADS - 1, sorted(set(outcomes))
        assert Participation.objects.filter(poll=poll, member=voter).count() == 1
        assert Participation.objects.filter(poll=poll).count() == 1
        if secret:
            assert SecretBallot.objects.filter(poll=poll).count() == 1
        else:
            assert poll.named_votes.count() == 1
