"""Twenty simultaneous check-ins of one member (the secretary at the door and the member with
the code at the same instant, many times over) leave exactly one attendance record: the meeting
row lock serialises them and the unique constraint on (meeting, member) backs it up. Real
threads with their own connections (see tests/polls/test_concurrency.py for the SQLite file
copy)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from moot.meetings.actions import MeetingError, do_check_in
from moot.meetings.models import Attendance
from polls.test_concurrency import database_for_threads

THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_simultaneous_check_ins_record_one_attendance(
    world: Any, meeting: Any, tmp_path: Path
) -> None:
    member = world.members["member"]
    with database_for_threads(tmp_path) as connect:
        barrier = threading.Barrier(THREADS)
        outcomes: list[str] = []
        lock = threading.Lock()

        def check_in(index: int) -> None:
            connect()
            try:
                barrier.wait()
                do_check_in(
                    meeting,
                    member,
                    acting_user=None,
                    method="code" if index % 2 else "secretary",
                )
                outcome = "checked in"
            except MeetingError as exc:
                outcome = exc.code
            except Exception as exc:  # every other outcome is reported by the test
                outcome = f"{type(exc).__name__}: {exc}"
            finally:
                connections.close_all()
            with lock:
                outcomes.append(outcome)

        threads = [threading.Thread(target=check_in, args=(i,)) for i in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert outcomes.count("checked in") == 1, sorted(set(outcomes))
        assert outcomes.count("conflict") == THREADS - 1, sorted(set(outcomes))
        assert Attendance.objects.filter(meeting=meeting, member=member).count() == 1
