"""Fifty simultaneous votes for one member leave exactly one ballot (issue 4, item 10), in a
poll with a frozen electorate and in a poll at a meeting (present and eligible through the
attendance register).

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
from moot.polls.models import Entitlement, Participation, SecretBallot

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
    poll: Any, voters: list[Any], choice: list[int], connect: Callable[[], None]
) -> list[str]:
    """One thread per entry of ``voters`` (a member may appear many times), all released at
    once to cast ``choice``; the outcome of each: "cast", the refusal's message, or the error."""
    barrier = threading.Barrier(len(voters))
    outcomes: list[str] = []
    lock = threading.Lock()

    def vote(voter: Any) -> None:
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

    threads = [threading.Thread(target=vote, args=(voter,)) for voter in voters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def fifty_threads_give_one_ballot(
    poll: Any, voter: Any, choice: list[int], tmp_path: Path, *, secret: bool
) -> None:
    """THREADS threads cast ``choice`` for ``voter`` at once: one ballot, every other refused
    as a second vote, and nothing else written."""
    with database_for_threads(tmp_path) as connect:
        outcomes = cast_together(poll, [voter] * THREADS, choice, connect)
        assert outcomes.count("cast") == 1, sorted(set(outcomes))
        assert outcomes.count(ALREADY_VOTED) == THREADS - 1, sorted(set(outcomes))
        assert Participation.objects.filter(poll=poll, member=voter).count() == 1
        assert Participation.objects.filter(poll=poll).count() == 1
        if secret:
            assert SecretBallot.objects.filter(poll=poll).count() == 1
        else:
            assert poll.named_votes.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("secret", [True, False], ids=["secret", "named"])
def test_fifty_threads_casting_for_one_member_give_one_ballot(
    open_poll: Any, voters: list[Any], secret: bool, tmp_path: Path
) -> None:
    poll = open_poll(secret=secret)
    voter = voters[0]
    choice = [poll.options.get(label="Ben").pk]
    fifty_threads_give_one_ballot(poll, voter, choice, tmp_path, secret=secret)


# ---------------------------------------------------------------------------------------------
# A poll at a meeting: the voter's right comes from the attendance register (present and
# eligible), not from a frozen electorate.


@pytest.fixture
def meeting_poll(unit: Any, manager: Any, make_voter: Callable[..., Any]) -> Callable[..., Any]:
    """meeting_poll(members, secret=True) -> an open IRV poll at tonight's open AGM of ``unit``
    where ``members`` were checked in (each one present and eligible by the rulebook), with
    other members of ``unit`` checked in too if the quorum needs them."""
    import datetime

    from django.utils import timezone

    from moot.meetings.actions import (
        do_add_agenda_item,
        do_check_in,
        do_create_meeting,
        do_start_meeting,
    )
    from moot.meetings.queries import quorum_state
    from moot.polls.actions import do_create_poll, do_open_poll

    def make(members: list[Any], *, secret: bool = True) -> Any:
        today = timezone.localdate()
        meeting = do_create_meeting(
            unit=unit,
            kind="agm",
            starts_at=timezone.make_aware(datetime.datetime.combine(today, datetime.time(19))),
            location="Hollow Community Hall",
            notice_sent_on=today - datetime.timedelta(days=30),
            acting_user=manager,
        )
        item = do_add_agenda_item(
            meeting, kind="election", title="Election of officers", acting_user=manager
        )
        for member in members:
            attendance = do_check_in(meeting, member, acting_user=manager)
            assert attendance.eligible, attendance.reason
        while quorum_state(meeting).shortfall:
            do_check_in(meeting, make_voter(unit), acting_user=manager)
        meeting = do_start_meeting(meeting, acting_user=manager)
        poll = do_create_poll(
            title="Election of the chair",
            kind="election",
            method="irv",
            options=["Ada", "Ben", "Cal"],
            secret=secret,
            meeting=meeting,
            agenda_item=item,
            acting_user=manager,
        )
        return do_open_poll(poll, acting_user=manager)

    return make


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("secret", [True, False], ids=["secret", "named"])
def test_fifty_threads_at_a_meeting_give_one_ballot(
    meeting_poll: Callable[..., Any], voters: list[Any], secret: bool, tmp_path: Path
) -> None:
    from moot.polls.queries import voter_standing

    poll = meeting_poll(voters[:3], secret=secret)
    voter = voters[0]
    assert poll.meeting_id is not None
    assert not Entitlement.objects.filter(poll=poll).exists()  # no frozen electorate
    assert voter_standing(poll, voter).allowed
    assert not voter_standing(poll, voters[4]).allowed  # not checked in
    choice = [poll.options.get(label="Cal").pk, poll.options.get(label="Ada").pk]
    fifty_threads_give_one_ballot(poll, voter, choice, tmp_path, secret=secret)


@pytest.mark.django_db(transaction=True)
def test_members_at_a_meeting_voting_at_once_each_get_one_ballot(
    meeting_poll: Callable[..., Any], unit: Any, make_voter: Callable[..., Any], tmp_path: Path
) -> None:
    """25 members present, each voting from two devices at the same instant (50 threads): 25
    ballots, 25 refusals, and no other error (no lock timeout, no refusal of a present voter)."""
    members = [make_voter(unit) for _ in range(THREADS // 2)]
    poll = meeting_poll(members)
    choice = [poll.options.get(label="Ben").pk]
    with database_for_threads(tmp_path) as connect:
        outcomes = cast_together(poll, members + members, choice, connect)
        assert outcomes.count("cast") == len(members), sorted(set(outcomes))
        assert outcomes.count(ALREADY_VOTED) == len(members), sorted(set(outcomes))
        participations = Participation.objects.filter(poll=poll)
        assert sorted(participations.values_list("member_id", flat=True)) == sorted(
            m.pk for m in members
        )
        assert SecretBallot.objects.filter(poll=poll).count() == len(members)
