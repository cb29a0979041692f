"""UK working days for the case process's deadlines (RULES.md §10 R-E5, CASES.md §7.6).

A working day is a Monday to Friday that is not a bank holiday of the nation the rulebook's
[complaints] chapter names (England and Wales, Scotland or Northern Ireland; the `holidays`
package's GB subdivisions, which carry one-off days such as the 2023 Coronation). Deadlines are
counted in working days from the day after a stage begins, and a stopped clock (a recorded
stop-the-clock reason, `ClockStop`) does not count: the days from the day it stops up to the day
before it restarts are skipped. While a stop is still open the case has no deadline.

Pure: dates in, dates out; nothing of Django or of the database.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import holidays

__all__ = [
    "NATIONS",
    "Stop",
    "add_working_days",
    "bank_holiday_name",
    "is_working_day",
    "latest_postponed_hearing",
    "working_days_between",
]

# The rulebook's names for the nations -> the `holidays` package's GB subdivision codes.
# England and Wales share their bank holidays.
NATIONS: dict[str, str] = {
    "england_wales": "ENG",
    "scotland": "SCT",
    "northern_ireland": "NIR",
}

# A deadline further than this from its start is a mistake in the input (a rulebook giving
# 10,000 working days, a stop recorded in the wrong century), not a deadline to compute.
_MAX_DAYS_SEARCHED = 366 * 20


@dataclass(frozen=True)
class Stop:
    """A stopped clock: stopped on ``started_on``, running again on ``ended_on`` (exclusive;
    ``None`` while still stopped)."""

    started_on: datetime.date
    ended_on: datetime.date | None = None

    def covers(self, day: datetime.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or day < self.ended_on)


@cache
def _calendar(nation: str) -> holidays.HolidayBase:
    try:
        subdivision = NATIONS[nation]
    except KeyError:
        raise ValueError(
            f"unknown nation {nation!r} for bank holidays; use one of {', '.join(NATIONS)}"
        ) from None
    return holidays.country_holidays("GB", subdiv=subdivision)


def bank_holiday_name(day: datetime.date, nation: str) -> str:
    """The bank holiday's name on ``day`` in ``nation`` ("" when it is not one)."""
    return str(_calendar(nation).get(day) or "")


def is_working_day(day: datetime.date, nation: str) -> bool:
    """Monday to Friday and not a bank holiday of ``nation``."""
    return day.weekday() < 5 and day not in _calendar(nation)


def _counts(day: datetime.date, nation: str, stops: tuple[Stop, ...]) -> bool:
    return is_working_day(day, nation) and not any(stop.covers(day) for stop in stops)


def add_working_days(
    start: datetime.date, days: int, nation: str, stops: Iterable[Stop] = ()
) -> datetime.date | None:
    """The day on which ``days`` working days after ``start`` have passed (``start`` itself does
    not count; 0 gives ``start``). Working days on which the clock is stopped do not count.

    ``None`` when the clock is stopped with no restart before the count is reached: a stopped
    case has no deadline until the clock runs again."""
    if days < 0:
        raise ValueError(f"a number of working days cannot be negative ({days})")
    stopped = tuple(stops)
    day = start
    counted = 0
    searched = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        searched += 1
        if any(stop.ended_on is None and stop.started_on <= day for stop in stopped):
            return None
        if searched > _MAX_DAYS_SEARCHED:
            raise ValueError(f"{days} working days from {start} is more than twenty years away")
        if _counts(day, nation, stopped):
            counted += 1
    return day


def working_days_between(
    start: datetime.date, end: datetime.date, nation: str, stops: Iterable[Stop] = ()
) -> int:
    """How many counted working days lie after ``start`` up to and including ``end`` (negative
    when ``end`` is before ``start``): ``add_working_days(start, n)`` is the first day on which
    this reaches ``n``."""
    stopped = tuple(stops)
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    if (end - start).days > _MAX_DAYS_SEARCHED:
        raise ValueError(f"{start} to {end} is more than twenty years")
    total = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        if _counts(day, nation, stopped):
            total += 1
    return sign * total


def latest_postponed_hearing(
    proposed: datetime.date, nation: str, working_days: int = 5
) -> datetime.date:
    """The latest day to which a respondent whose companion cannot come may move a hearing: within
    ``working_days`` working days beginning with the first working day after the day proposed
    (the model is s.10 Employment Relations Act 1999, five working days; the rulebook may set
    another number)."""
    if working_days < 1:
        raise ValueError(f"a postponement window needs at least one working day ({working_days})")
    latest = add_working_days(proposed, working_days, nation)
    assert latest is not None  # no stops given, so the count always ends
    return latest
