"""Insider tests for the chair's console (docs/security.md §3, "The chair's console"): a chair
of either faction who closes early to avoid business, adjourns to block it, or refuses to hand
over the chair for their own election. Each is possible as an act — the chair runs the meeting —
but never silent: the business left, the adjournment and a chair who chaired their own election
are in the minutes and the audit trail, the rest of the meeting's officers can resume an
adjourned meeting or hand the chair over, and nobody else takes the chair from a chair who does
not stand."""

from __future__ import annotations

from typing import Any

import pytest

from meetings.conftest import make_meeting, make_members, make_quorate  # noqa: F401 (fixtures)
from meetings.test_console import Running, running  # noqa: F401 (the fixture)
from moot.audit.models import AuditEvent
from moot.meetings import console
from moot.meetings.actions import do_close_meeting, do_set_current_item
from moot.meetings.actions.console import (
    check_may_chair,
    do_adjourn_meeting,
    do_hand_over_chair,
    do_resume_meeting,
)
from moot.meetings.errors import MeetingError
from moot.meetings.models import ChairRecord, ChairRecordKind

pytestmark = pytest.mark.django_db


def test_a_chair_closing_early_leaves_the_business_in_the_minutes(
    world: Any,
    running: Running,  # noqa: F811
) -> None:
    meeting = running.meeting
    # Straight through the action, as a script would: no confirmation page to skip.
    do_close_meeting(meeting, acting_user=world.users["chair"])
    left = list(
        ChairRecord.objects.filter(meeting=meeting, kind=ChairRecordKind.NOT_TAKEN).values_list(
            "text", flat=True
        )
    )
    assert "Item 2: Motions (never taken) — not taken." in left
    assert any("never opened" in line for line in left)
    event = AuditEvent.objects.get(verb="meetings.close_meeting")
    assert len(event.after["unfinished"]) == len(left) == 3
    section = console.minutes_section(meeting)
    assert section is not None
    assert "Business unfinished when the meeting closed" in section.paragraphs[-1]


def test_an_adjournment_to_block_business_is_recorded_and_others_may_resume(
    world: Any,
    running: Running,  # noqa: F811
) -> None:
    meeting = do_adjourn_meeting(running.meeting, acting_user=world.users["chair"])
    assert AuditEvent.objects.filter(verb="meetings.adjourn_meeting").count() == 1
    # The secretary (or national staff over the unit) resumes it: the chair alone cannot hold
    # the meeting shut.
    meeting = do_resume_meeting(meeting, acting_user=world.users["secretary"])
    assert meeting.is_open
    resumed = AuditEvent.objects.get(verb="meetings.resume_meeting")
    assert resumed.actor_id == world.users["secretary"].pk
    texts = [r.text for r in ChairRecord.objects.filter(meeting=meeting)]
    assert texts[0].startswith("The meeting adjourned at ")
    assert texts[1].startswith("The meeting resumed at ")


def test_a_chair_refusing_to_hand_over_is_handed_over_by_the_secretary(
    world: Any,
    running: Running,  # noqa: F811
) -> None:
    meeting = running.meeting
    do_set_current_item(meeting, running.election_item, acting_user=world.users["chair"])
    meeting.refresh_from_db()
    meeting = do_hand_over_chair(meeting, running.vice_chair, acting_user=world.users["secretary"])
    assert meeting.chair_id == running.vice_chair.pk
    event = AuditEvent.objects.get(verb="meetings.hand_over_chair")
    assert event.actor_id == world.users["secretary"].pk
    assert event.after["conflicts"]
    # The candidate's officer post still opens the console; its moves are refused.
    with pytest.raises(MeetingError, match="You handed the chair to") as refused:
        check_may_chair(meeting, world.users["chair"])
    assert refused.value.code == "forbidden"


def test_a_chair_who_chairs_their_own_election_is_named_in_the_minutes(
    world: Any,
    running: Running,  # noqa: F811
) -> None:
    meeting = running.meeting
    do_set_current_item(meeting, running.election_item, acting_user=world.users["chair"])
    meeting.refresh_from_db()
    do_set_current_item(meeting, running.motions_item, acting_user=world.users["chair"])
    meeting.refresh_from_db()
    section = console.minutes_section(meeting)
    assert section is not None
    assert any(
        p.startswith("The chair was not handed over for item 1 (Election of the chair)")
        for p in section.paragraphs
    )


def test_nobody_else_takes_the_chair_from_a_chair_who_does_not_stand(
    world: Any,
    running: Running,  # noqa: F811
) -> None:
    meeting = running.meeting
    do_set_current_item(meeting, running.motions_item, acting_user=world.users["chair"])
    meeting.refresh_from_db()
    with pytest.raises(MeetingError, match="only they can hand the chair over") as refused:
        do_hand_over_chair(meeting, running.vice_chair, acting_user=world.users["secretary"])
    assert refused.value.code == "forbidden"
    meeting.refresh_from_db()
    assert meeting.chair_id == world.members["chair"].pk
    assert not ChairRecord.objects.filter(meeting=meeting).exists()
    assert not AuditEvent.objects.filter(verb="meetings.hand_over_chair").exists()
