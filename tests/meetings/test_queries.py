"""What polls asks the meetings app, and the meeting lists."""

from __future__ import annotations

from typing import Any

import pytest

from moot.meetings import queries
from moot.meetings.actions import do_check_in, do_check_in_guest, do_check_out, do_start_meeting
from moot.polls.queries import _standing_from_meeting

pytestmark = pytest.mark.django_db


def test_is_present_and_eligible(meeting: Any, world: Any) -> None:
    member = world.members["member"]
    verdict = queries.is_present_and_eligible(meeting, member)
    assert not verdict.allowed
    assert "not checked in" in verdict.reason
    attendance = do_check_in(meeting, member, acting_user=None)
    assert not queries.is_present_and_eligible(meeting, member).allowed  # not in progress
    meeting = do_start_meeting(meeting, acting_user=None)
    assert queries.is_present_and_eligible(meeting, member).allowed
    do_check_out(attendance, acting_user=None)
    assert "left" in queries.is_present_and_eligible(meeting, member).reason


def test_refusal_carries_reason_and_clause_to_polls(meeting: Any, world: Any) -> None:
    do_check_in(meeting, world.target, acting_user=None)
    do_start_meeting(meeting, acting_user=None)
    verdict = queries.is_present_and_eligible(meeting, world.target)
    assert not verdict.allowed
    assert verdict.clause == "7.2"
    standing = _standing_from_meeting(verdict)
    assert standing.clause == "7.2"
    assert "weeks" in standing.reason
    assert not queries.is_present_and_eligible(meeting, None).allowed


def test_present_eligible_member_ids(meeting: Any, world: Any) -> None:
    do_check_in(meeting, world.members["chair"], acting_user=None)
    do_check_in(meeting, world.members["member"], acting_user=None)
    do_check_in(meeting, world.target, acting_user=None)
    do_check_in(meeting, world.members["secretary"], acting_user=None, capacity="observer")
    do_check_in_guest(meeting, name="A Guest", acting_user=None)
    expected = sorted([world.members["chair"].pk, world.members["member"].pk])
    assert queries.present_eligible_member_ids(meeting) == expected


def test_meetings_visible_to(meeting: Any, world: Any, make_meeting: Any) -> None:
    from factories import UserFactory

    elsewhere = make_meeting(
        unit=world.elsewhere, chair=None, secretary=None, acting_user=UserFactory()
    )
    for role in ("member", "chair", "secretary", "branch_secretary"):
        ids = set(queries.meetings_visible_to(world.users[role]).values_list("pk", flat=True))
        assert ids == {meeting.pk}, role
    assert set(
        queries.meetings_visible_to(world.users["national_staff"]).values_list("pk", flat=True)
    ) == {meeting.pk, elsewhere.pk}
    assert not queries.meetings_visible_to(world.users["outsider"]).exists()


def test_check_in_candidates(meeting: Any, world: Any) -> None:
    member = world.members["member"]
    do_check_in(meeting, member, acting_user=None)
    rows = queries.check_in_candidates(meeting, member.number)
    assert [(m.pk, a is not None) for m, a in rows] == [(member.pk, True)]
    assert queries.check_in_candidates(meeting, "x") == []
    # A member of another unit is not offered.
    assert queries.check_in_candidates(meeting, world.members["stranger"].number) == []


def test_adopting_an_edition_clears_the_quorum_edition_cache(meeting: Any) -> None:
    from moot.meetings.queries import _editions
    from moot.rulebook import preset_source
    from moot.units.models import AdoptedEdition

    queries.quorum_state(meeting)
    assert _editions
    AdoptedEdition.objects.create(
        edition_name="test",
        effective_from=meeting.starts_at.date(),
        source_text=preset_source("party"),
    )
    assert not _editions
