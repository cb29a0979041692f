"""The demo works at any hour (issue 9, item 4): seeded at 00:05, 12:36 or 23:50, the README's
walk runs through the real actions without a refusal — the chair opens the AGM minutes after
the time it was called for (never hours before), the member checks in with the code and
votes, the chair declares and closes, the minutes say so — and the member can table a motion
to their branch's AGM and nominate for its chair, while the AGM itself offers neither."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from moot.audit.queries import verify_chain

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _branch_members(member: Any, count: int) -> list[Any]:
    """Long-standing active members of the demo member's branch (nominee, seconders)."""
    from moot.members.models import Member

    cutoff = timezone.localdate() - datetime.timedelta(days=3 * 365)
    return list(
        Member.objects.filter(branch=member.branch, status="active", joined_on__lte=cutoff)
        .exclude(pk=member.pk)
        .exclude(user__isnull=False)
        .order_by("number")[:count]
    )


def _walk(traveller: Any, first: int) -> dict[str, Any]:
    """Seed the demo and follow README.md's walk, the chair opening the meeting ``first``
    minutes after seeding, then a few minutes a step."""
    from moot.demo.agm import seed_agm
    from moot.demo.seed import seed_foundation
    from moot.elections.actions import (
        do_close_election,
        do_declare_result,
        do_nominate,
        do_open_election,
        nomination_window,
    )
    from moot.elections.models import Election
    from moot.meetings.actions import (
        do_check_in_with_code,
        do_close_meeting,
        do_draft_minutes,
        do_next_item,
        do_start_meeting,
    )
    from moot.meetings.actions.minutes import do_approve_minutes
    from moot.meetings.models import Meeting
    from moot.meetings.queries import current_item, minutes_awaiting_approval
    from moot.motions.actions import do_table_motion, tabling_window
    from moot.polls.actions import do_cast_ballot

    def later(minutes: int = 4) -> None:
        traveller.shift(datetime.timedelta(minutes=minutes))

    org = seed_foundation()
    meeting = seed_agm(org)
    seeded_at = timezone.now()
    chair, member = org.accounts["chair"], org.members["member"]
    branch_agm = Meeting.objects.get(unit=member.branch, kind="agm")
    branch_election = Election.objects.get(meeting=branch_agm)
    # The AGM takes no more motions or nominations; the branch's AGM takes both.
    assert not tabling_window(meeting, timezone.localdate()).open
    assert tabling_window(branch_agm, timezone.localdate()).open
    assert nomination_window(branch_election, timezone.localdate()).open

    later(first)
    meeting = do_start_meeting(meeting, acting_user=chair)
    later(1)
    do_check_in_with_code(meeting, member, code=meeting.check_in_code, acting_user=member.user)
    later()
    meeting = do_next_item(meeting, acting_user=chair)
    meeting = do_next_item(meeting, acting_user=chair)
    assert current_item(meeting).kind == "minutes"
    last = minutes_awaiting_approval(meeting)
    do_approve_minutes(last, at_meeting=meeting, acting_user=chair)
    while current_item(meeting).kind != "election":
        later()
        meeting = do_next_item(meeting, acting_user=chair)
    election = Election.objects.get(meeting=meeting, post__slug="chair")
    later()
    # The demo chair stands in it: the vice-chair takes the chair and runs the election.
    from moot.meetings.actions.console import do_hand_back_chair, do_hand_over_chair

    meeting = do_hand_over_chair(meeting, org.members["vice-chair"], acting_user=chair)
    vice = org.accounts["vice-chair"]
    election = do_open_election(election, acting_user=vice)
    later(2)
    option = election.nominations.filter(state="standing").order_by("pk").first().poll_option_id
    do_cast_ballot(election.poll, member, [option], acting_user=member.user)
    later(3)
    election = do_close_election(election, acting_user=vice)
    election = do_declare_result(election, acting_user=vice)
    meeting = do_hand_back_chair(meeting, acting_user=vice)
    later(10)
    meeting = do_close_meeting(meeting, acting_user=chair)
    minutes = do_draft_minutes(meeting, acting_user=org.accounts["secretary"])

    # The member brings business to the branch's AGM.
    later()
    nominee, seconder, second = _branch_members(member, 3)
    motion = do_table_motion(
        branch_agm,
        title="A bench at the Weir Fields bus stop",
        text="This branch asks the council for a bench at the Weir Fields bus stop.",
        mover=member,
        seconder=seconder,
        acting_user=member.user,
    )
    nomination = do_nominate(
        branch_election,
        nominee=nominee,
        nominator=member,
        seconder=second,
        acting_user=member.user,
    )
    return {
        "org": org,
        "meeting": meeting,
        "seeded_at": seeded_at,
        "minutes": minutes,
        "motion": motion,
        "nomination": nomination,
    }


@pytest.mark.parametrize(
    ("hour", "minute", "first"),
    # Seeded at 23:50 and opened before midnight, the walk goes on after it (the banner
    # warns that a meeting opens on its own day only: tests/demo/test_banner.py).
    [(0, 5, 3), (12, 36, 3), (23, 50, 3), (23, 50, 9)],
)
def test_the_readme_walk_is_valid_at_any_hour(hour: int, minute: int, first: int) -> None:
    start = datetime.datetime(2026, 12, 7, hour, minute, tzinfo=LONDON)
    with time_machine.travel(start, tick=False) as traveller:
        done = _walk(traveller, first)
        meeting = done["meeting"]
        called = timezone.localtime(meeting.starts_at)
        assert called.date() == start.date()
        assert (called.hour, called.minute) == (hour, minute - minute % 15)
        opened = meeting.opened_at - meeting.starts_at
        assert datetime.timedelta(0) <= opened < datetime.timedelta(minutes=first + 15), opened
        text = " ".join(p for s in done["minutes"].sections for p in s["paragraphs"])
        assert "before the time called" not in text
        assert done["motion"].number == 1
        assert done["nomination"].state == "awaiting_seconder"  # the seconder confirms next
        checked, problems = verify_chain()
        assert checked > 0
        assert problems == []
