"""The banner `make run` prints is worked out from the demo's state (issue 9, item 4): before
the AGM it says to open it, while open where it stands, once closed where the minutes are and
how to start again (`moot demo --reset`); a chair who lost the chair's election is shown as
the former chair; an AGM called on an earlier day and never opened asks for a reset; the
branch AGM ahead says what the member can still table and nominate."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from moot.demo.banner import banner

pytestmark = pytest.mark.django_db

WEEKDAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}


@pytest.fixture
def demo() -> Any:
    from moot.demo.agm import seed_agm
    from moot.demo.seed import seed_foundation

    org = seed_foundation()
    return org, seed_agm(org)


def test_before_the_meeting_it_says_to_open_it(demo: Any) -> None:
    org, agm = demo
    text = banner(8000)
    called = timezone.localtime(agm.starts_at)
    assert f"called for {called:%H:%M} today" in text
    assert "open the meeting from the chair's" in text
    assert f"check in with the meeting code {agm.check_in_code}" in text
    assert f"{org.members['chair'].full_name} (chair@example.org)" in text
    assert "chair of Riverside & Hollow CLP" in text
    assert "former chair" not in text
    # The branch AGM ahead, with what the member can still do and until when.
    assert "Ahead: Annual general meeting" in text
    assert "member@example.org can table a motion to it until" in text
    assert "and nominate for Chair (taking nominations until" in text
    assert "december" not in text  # dates as written, not lowered
    # One format for every date (moot.dates.long_date, "Monday 11 January 2027"): the branch
    # AGM's day and the motions' deadline were written "11 January 2027" beside it.
    dates = re.findall(r"(\w+ )?(\d{1,2} [A-Z][a-z]+ \d{4})", text)
    assert len(dates) >= 3
    for weekday, day in dates:
        assert weekday.strip() in WEEKDAYS, f"{weekday}{day}"


def test_open_then_closed_then_a_new_chair(demo: Any) -> None:
    from moot.elections.actions import do_close_election, do_declare_result, do_open_election
    from moot.elections.models import Election
    from moot.meetings.actions import (
        do_check_in_with_code,
        do_close_meeting,
        do_next_item,
        do_start_meeting,
    )
    from moot.meetings.queries import current_item
    from moot.polls.actions import do_cast_ballot

    org, agm = demo
    chair = org.accounts["chair"]
    agm = do_start_meeting(agm, acting_user=chair)
    agm = do_next_item(agm, acting_user=chair)
    text = banner(8000)
    assert "Open since" in text
    assert f'at item 1, "{current_item(agm).title}"' in text
    assert "open the meeting" not in text
    assert "member@example.org has not checked in yet" in text

    # The meeting elects another chair: the demo chair is the former chair from that day.
    election = Election.objects.get(meeting=agm, post__slug="chair")
    while current_item(agm).kind != "election":
        agm = do_next_item(agm, acting_user=chair)
    # The demo chair stands: she hands the chair to the vice-chair, who runs the election.
    from moot.meetings.actions.console import do_hand_back_chair, do_hand_over_chair

    agm = do_hand_over_chair(agm, org.members["vice-chair"], acting_user=chair)
    vice = org.accounts["vice-chair"]
    election = do_open_election(election, acting_user=vice)
    # A woman, so the balance rule (clause 7.7.2) cannot pass her over for the outgoing chair.
    rival = (
        election.nominations.exclude(nominee=org.members["chair"])
        .filter(nominee__gender="woman")
        .get()
    )
    voter = org.members["member"]
    do_check_in_with_code(agm, voter, code=agm.check_in_code, acting_user=voter.user)
    assert "member@example.org is checked in" in banner(8000)
    do_cast_ballot(election.poll, voter, [rival.poll_option_id], acting_user=voter.user)
    election = do_close_election(election, acting_user=vice)
    do_declare_result(election, acting_user=vice)
    agm = do_hand_back_chair(agm, acting_user=vice)
    do_close_meeting(agm, acting_user=chair)
    text = banner(8000)
    assert "Closed at" in text
    assert "minutes: not drafted yet" in text
    assert "moot demo --reset" in text
    assert "Open since" not in text
    from moot.units.queries import holdings_on

    winner = holdings_on(org.riverside).get(post__slug="chair").member
    assert winner == rival.nominee
    winner = winner.full_name
    assert f"former chair of Riverside & Hollow CLP (the chair is now {winner})" in text


def test_an_agm_called_on_an_earlier_day_asks_for_a_reset(demo: Any) -> None:
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3), tick=False):
        text = banner(8000)
    assert "its day has passed: run `moot demo --reset`" in text
    assert "open the meeting from the chair's" not in text


def test_seeded_just_before_midnight_open_it_before_midnight_or_reset() -> None:
    import zoneinfo

    from django.conf import settings

    from moot.demo.agm import seed_agm
    from moot.demo.seed import seed_foundation

    london = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    with time_machine.travel(datetime.datetime(2026, 12, 7, 23, 50, tzinfo=london), tick=False):
        agm = seed_agm(seed_foundation())
        text = banner(8000)
    assert "called for 23:45 today" in text
    assert "Open it before midnight" in text
    assert f"check in with the meeting code {agm.check_in_code}" in text
    # do_start_meeting opens a meeting on its own day only: after midnight the banner says so.
    with time_machine.travel(datetime.datetime(2026, 12, 8, 0, 10, tzinfo=london), tick=False):
        text = banner(8000)
    assert "called for 23:45 yesterday" in text
    assert "its day has passed: run `moot demo --reset`" in text
    assert "open the meeting from the chair's" not in text
