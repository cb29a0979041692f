"""The shared factories reach only states a user could reach: meetings, motions, polls and
elections are made through their actions, each leaving the audit events those actions write."""

from __future__ import annotations

from typing import Any

import pytest

from factories import (
    ElectionFactory,
    MeetingFactory,
    MemberFactory,
    MotionFactory,
    PollFactory,
    StaffAssignmentFactory,
)
from moot.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def events_about(obj: Any) -> int:
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).count()


def test_a_member_with_an_account_owns_it() -> None:
    member = MemberFactory(with_account=True)
    assert member.user.email == f"{member.number.lower()}@members.example.org"
    assert MemberFactory().user is None


def test_a_staff_assignment_gives_an_account_its_role() -> None:
    assignment = StaffAssignmentFactory(role="auditor")
    assert assignment.user.staff_assignments.get().role == "auditor"


def test_meetings_reach_each_state_through_the_actions() -> None:
    scheduled = MeetingFactory()
    in_progress = MeetingFactory(in_progress=True)
    closed = MeetingFactory(closed=True)
    assert (scheduled.state, in_progress.state, closed.state) == ("scheduled", "open", "closed")
    assert scheduled.starts_at > in_progress.starts_at
    assert 0 < events_about(scheduled) < events_about(in_progress) < events_about(closed)
    with pytest.raises(ValueError, match="scheduled, in_progress or closed"):
        MeetingFactory(reached="open")
    with pytest.raises(TypeError, match="through its actions"):
        MeetingFactory.build()


def test_a_motion_is_tabled_by_its_mover() -> None:
    motion = MotionFactory()
    assert motion.meeting.state == "scheduled"
    assert motion.mover.user is not None
    assert motion.mover.constituency == motion.meeting.unit
    assert events_about(motion) >= 1


def test_a_poll_is_opened_for_its_frozen_electorate() -> None:
    draft = PollFactory()
    voters = MemberFactory.create_batch(3, with_account=True, constituency=draft.unit)
    opened = PollFactory(open=True, unit=draft.unit, electorate=voters)
    assert (draft.state, opened.state) == ("draft", "open")
    assert opened.electorate_size == 3


def test_an_election_is_created_by_national_staff() -> None:
    election = ElectionFactory()
    assert election.post.slug == "chair"
    assert events_about(election) >= 1
