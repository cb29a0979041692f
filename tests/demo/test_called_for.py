"""The demo AGM is called for the quarter hour in which the demo is seeded, in local time and
across a change of the clocks (issue 9 fix round, item 14: seeded at 01:50 GMT on the night the
clocks go back, it was called for 01:45 BST, an hour and five minutes before)."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from moot.demo.agm import called_for

LONDON = zoneinfo.ZoneInfo("Europe/London")
UTC = datetime.UTC


@pytest.mark.parametrize(
    ("now_utc", "expected_utc"),
    [
        # 25 October 2026: 01:50 BST (the first 01:50) and 01:50 GMT (the second, an hour later).
        (datetime.datetime(2026, 10, 25, 0, 50, tzinfo=UTC), (0, 45)),
        (datetime.datetime(2026, 10, 25, 1, 50, tzinfo=UTC), (1, 45)),
        (datetime.datetime(2026, 10, 25, 1, 7, tzinfo=UTC), (1, 0)),  # 01:07 GMT
        # 29 March 2026: the clocks go forward at 01:00 GMT to 02:00 BST.
        (datetime.datetime(2026, 3, 29, 1, 4, tzinfo=UTC), (1, 0)),  # 02:04 BST -> 02:00 BST
        (datetime.datetime(2026, 3, 29, 0, 59, tzinfo=UTC), (0, 45)),  # 00:59 GMT
        (datetime.datetime(2026, 12, 7, 12, 36, 59, 5, tzinfo=UTC), (12, 30)),
    ],
)
@pytest.mark.pure
def test_called_for_is_the_quarter_hour_before_now(
    now_utc: datetime.datetime, expected_utc: tuple[int, int]
) -> None:
    with timezone.override(LONDON):
        today = timezone.localdate(now_utc)
        called = called_for(now_utc, today)
    assert called.astimezone(UTC).timetuple()[3:6] == (*expected_utc, 0)
    assert datetime.timedelta(0) <= now_utc - called < datetime.timedelta(minutes=15)


def test_on_another_day_it_keeps_the_local_time() -> None:
    now = datetime.datetime(2026, 12, 7, 18, 52, tzinfo=UTC)
    with timezone.override(LONDON):
        called = called_for(now, datetime.date(2026, 12, 8))
    assert called.astimezone(LONDON).replace(tzinfo=None) == datetime.datetime(2026, 12, 8, 18, 45)
