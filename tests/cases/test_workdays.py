"""Working-day deadlines across weekends, each nation's bank holidays and stopped clocks
(issue 10 item 5, R-E5). The dates are the published UK bank holidays, not read back from the
module under test."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from moot.cases.workdays import (
    NATIONS,
    Stop,
    add_working_days,
    bank_holiday_name,
    is_working_day,
    latest_postponed_hearing,
    working_days_between,
)

pytestmark = pytest.mark.pure

D = datetime.date


def test_weekends_do_not_count():
    friday = D(2026, 10, 9)
    assert add_working_days(friday, 1, "england_wales") == D(2026, 10, 12)  # Monday
    assert add_working_days(friday, 5, "england_wales") == D(2026, 10, 16)
    assert add_working_days(friday, 0, "england_wales") == friday


def test_easter_monday_counts_in_scotland_but_not_in_england():
    # Thursday 2 April 2026; Good Friday 3 April everywhere, Easter Monday 6 April not in Scotland.
    thursday = D(2026, 4, 2)
    assert add_working_days(thursday, 1, "england_wales") == D(2026, 4, 7)
    assert add_working_days(thursday, 1, "scotland") == D(2026, 4, 6)
    assert add_working_days(thursday, 1, "northern_ireland") == D(2026, 4, 7)


def test_st_patricks_day_only_in_northern_ireland():
    monday = D(2026, 3, 16)
    assert add_working_days(monday, 1, "northern_ireland") == D(2026, 3, 18)
    assert add_working_days(monday, 1, "england_wales") == D(2026, 3, 17)


def test_scotlands_own_days_and_englands_summer_holiday():
    # Scotland's summer holiday is the first Monday of August, England's the last.
    assert not is_working_day(D(2026, 8, 3), "scotland")
    assert is_working_day(D(2026, 8, 3), "england_wales")
    assert not is_working_day(D(2026, 8, 31), "england_wales")
    assert is_working_day(D(2026, 8, 31), "scotland")
    assert not is_working_day(D(2026, 11, 30), "scotland")  # St Andrew's Day (a Monday)


def test_one_off_bank_holidays_are_known():
    coronation = D(2023, 5, 8)
    for nation in NATIONS:
        assert not is_working_day(coronation, nation)
        assert bank_holiday_name(coronation, nation)
    assert bank_holiday_name(D(2023, 5, 9), "england_wales") == ""


def test_christmas_across_the_year_end():
    # Wednesday 23 Dec 2026; 25, 26 (observed 28) Dec and 1 Jan are holidays in England.
    start = D(2026, 12, 23)
    assert add_working_days(start, 1, "england_wales") == D(2026, 12, 24)
    assert add_working_days(start, 2, "england_wales") == D(2026, 12, 29)
    assert add_working_days(start, 4, "england_wales") == D(2026, 12, 31)
    assert add_working_days(start, 5, "england_wales") == D(2027, 1, 4)
    # Scotland adds 2 January (observed on Monday 4 January 2027).
    assert add_working_days(start, 5, "scotland") == D(2027, 1, 5)


def test_a_closed_stop_moves_the_deadline_by_its_working_days():
    start = D(2026, 10, 5)  # Monday
    plain = add_working_days(start, 10, "england_wales")
    assert plain == D(2026, 10, 19)
    # Stopped Wednesday 7th, running again Monday 12th: Wed, Thu, Fri do not count.
    stop = Stop(D(2026, 10, 7), D(2026, 10, 12))
    assert add_working_days(start, 10, "england_wales", [stop]) == D(2026, 10, 22)


def test_an_open_stop_means_no_deadline_until_the_clock_runs_again():
    start = D(2026, 10, 5)
    assert add_working_days(start, 10, "england_wales", [Stop(D(2026, 10, 7))]) is None
    # A stop opened after the deadline has passed does not take it away.
    assert add_working_days(start, 2, "england_wales", [Stop(D(2026, 10, 20))]) == D(2026, 10, 7)


def test_days_between_counts_and_is_signed():
    start = D(2026, 4, 2)
    assert working_days_between(start, D(2026, 4, 7), "england_wales") == 1
    assert working_days_between(D(2026, 4, 7), start, "england_wales") == -1
    assert working_days_between(start, start, "england_wales") == 0


def test_the_s10_postponement_window():
    # Hearing proposed for Thursday 2 April 2026: five working days from the first working day
    # after it (Tuesday 7 April in England) runs to Monday 13 April.
    assert latest_postponed_hearing(D(2026, 4, 2), "england_wales") == D(2026, 4, 13)
    assert latest_postponed_hearing(D(2026, 4, 2), "scotland") == D(2026, 4, 10)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: add_working_days(D(2026, 1, 1), -1, "england_wales"), "negative"),
        (lambda: add_working_days(D(2026, 1, 1), 1, "wales"), "unknown nation 'wales'"),
        (lambda: add_working_days(D(2026, 1, 1), 10**6, "england_wales"), "twenty years"),
        (lambda: latest_postponed_hearing(D(2026, 1, 1), "scotland", 0), "at least one"),
    ],
)
def test_bad_input_says_what_is_wrong(call, message):
    with pytest.raises(ValueError, match=message):
        call()


dates = st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31))
nations = st.sampled_from(sorted(NATIONS))


@given(start=dates, days=st.integers(0, 60), nation=nations)
def test_the_deadline_is_a_working_day_exactly_that_many_days_on(start, days, nation):
    deadline = add_working_days(start, days, nation)
    assert deadline is not None
    assert working_days_between(start, deadline, nation) == days
    if days:
        assert is_working_day(deadline, nation)
        assert (
            working_days_between(start, deadline - datetime.timedelta(days=1), nation) == days - 1
        )


@given(
    start=dates,
    days=st.integers(1, 40),
    nation=nations,
    offset=st.integers(0, 30),
    length=st.integers(1, 20),
)
def test_a_stop_never_brings_a_deadline_forward(start, days, nation, offset, length):
    stop_start = start + datetime.timedelta(days=offset)
    stop = Stop(stop_start, stop_start + datetime.timedelta(days=length))
    plain = add_working_days(start, days, nation)
    stopped = add_working_days(start, days, nation, [stop])
    assert plain is not None
    assert stopped is not None
    assert stopped >= plain
    assert working_days_between(start, stopped, nation, [stop]) == days
