"""The hot path of a live vote: a cast over the API reads the poll with its meeting's state, the
voter's membership record and their attendance with plain SQL (``polls.queries.poll_for_cast``,
``members.queries.member_for_user``, ``meetings.queries.is_present_and_eligible``). These tests
hold those reads to what the ORM answers, on SQLite and PostgreSQL, and hold the whole cast to
its statement budget."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from factories import UserFactory
from moot.accounts.models import ApiToken
from moot.accounts.tokens import digest, new_api_token
from moot.meetings import queries as meeting_queries
from moot.meetings.actions import do_add_agenda_item, do_check_in, do_start_meeting
from moot.meetings.models import Meeting
from moot.members.models import Member
from moot.members.queries import member_for_user
from moot.polls.actions import do_close_poll, do_create_poll, do_open_poll
from moot.polls.models import Participation, Poll, SecretBallot
from moot.polls.queries import poll_for_cast, voter_for_user

pytestmark = pytest.mark.django_db

CAST_FIELDS = ("id", "title", "state", "voting", "secret", "method", "seats", "meeting_id")


@pytest.fixture
def chair_poll(world: Any, meeting: Any, make_quorate: Any) -> Poll:
    """A secret IRV poll for the chair on the AGM's election item, the meeting in progress and
    quorate, the member checked in."""
    item = do_add_agenda_item(meeting, kind="election", title="Chair", acting_user=None)
    do_check_in(meeting, world.members["member"], acting_user=None)
    make_quorate(meeting)
    do_start_meeting(meeting, acting_user=None)
    poll = do_create_poll(
        title="Election of the chair",
        kind="election",
        method="irv",
        options=["Asha Patel", "Ben Okafor"],
        meeting=meeting,
        agenda_item=item,
        acting_user=world.users["secretary"],
    )
    return do_open_poll(poll, acting_user=world.users["secretary"])


def test_poll_for_cast_answers_what_the_orm_answers(chair_poll: Poll) -> None:
    fast = poll_for_cast(chair_poll.pk)
    slow = Poll.objects.get(pk=chair_poll.pk)
    assert fast is not None
    for name in (*CAST_FIELDS, "opened_at", "closed_at"):
        assert getattr(fast, name) == getattr(slow, name), name
    assert fast.opened_at.tzinfo is not None  # aware, as the ORM gives it
    assert isinstance(fast.secret, bool)
    meeting = Meeting.objects.get(pk=slow.meeting_id)
    with CaptureQueriesContext(connection) as reads:
        assert (fast.meeting.pk, fast.meeting.state) == (meeting.pk, meeting.state)
        assert fast.meeting.closed_at == meeting.closed_at
    assert not reads.captured_queries  # the meeting came with the poll
    # Fields a cast does not read are deferred, not wrong: reading one loads it.
    assert fast.question == slow.question
    closed = do_close_poll(chair_poll, acting_user=None)
    fast = poll_for_cast(closed.pk)
    assert fast is not None
    assert (fast.state, fast.closed_at) == (closed.state, closed.closed_at)
    assert fast.closed_at.tzinfo is not None
    assert poll_for_cast(closed.pk + 1000) is None


def test_poll_for_cast_without_a_meeting(world: Any) -> None:
    poll = do_create_poll(
        title="Ballot of all members",
        kind="motion",
        method="yes-no",
        unit=world.riverside,
        acting_user=world.users["secretary"],
    )
    fast = poll_for_cast(poll.pk)
    assert fast is not None
    assert fast.meeting_id is None
    assert fast.opened_at is None
    assert (fast.state, fast.method, fast.secret) == (poll.state, poll.method, poll.secret)


def test_member_for_user_answers_what_the_orm_answers(world: Any) -> None:
    member = world.members["member"]
    found = member_for_user(member.user_id)
    assert found is not None
    assert (found.pk, found.number, found.user_id) == (member.pk, member.number, member.user_id)
    assert found.last_name == Member.objects.get(pk=member.pk).last_name  # deferred, loads
    assert member_for_user(UserFactory(email="no.member@example.org").pk) is None
    assert member_for_user(None) is None


def test_attendance_reads_capacity_eligibility_and_departure(meeting: Any, world: Any) -> None:
    from moot.meetings.actions import do_check_out
    from moot.meetings.models import Attendance
    from moot.meetings.queries import _attendance_row

    do_check_in(meeting, world.members["secretary"], acting_user=None, capacity="observer")
    do_check_in(meeting, world.target, acting_user=None)
    do_check_in(meeting, world.members["chair"], acting_user=None)
    do_check_out(do_check_in(meeting, world.members["member"], acting_user=None), acting_user=None)
    meeting = do_start_meeting(meeting, acting_user=None)
    rows = Attendance.objects.filter(meeting=meeting, member__isnull=False)
    assert rows.count() == 4
    for row in rows:
        assert _attendance_row(meeting.pk, row.member_id) == {
            "capacity": row.capacity,
            "eligible": row.eligible,
            "reason": row.reason,
            "clause": row.clause,
            "left": row.left_at is not None,
        }
    assert _attendance_row(meeting.pk, world.members["branch_secretary"].pk) is None
    observer = meeting_queries.is_present_and_eligible(meeting, world.members["secretary"])
    assert not observer.allowed
    assert "observer" in observer.reason
    recent = meeting_queries.is_present_and_eligible(meeting, world.target)
    assert not recent.allowed
    assert recent.clause == "7.2"  # the rulebook's reason and clause from check-in


def test_a_cast_over_the_api_keeps_to_its_statement_budget(
    client: Any, world: Any, chair_poll: Poll
) -> None:
    """Token, poll with meeting, member, attendance; then the transaction: the poll's lock and
    the two inserts. A new read on this path (a deferred field touched, a lookup added) shows
    here before it shows in bench/live_vote.py."""
    member = world.members["member"]
    token = new_api_token()
    ApiToken.objects.create(user=member.user, name="phone", token_hash=digest(token), prefix="x")
    first = chair_poll.options.order_by("order").first()
    with CaptureQueriesContext(connection) as statements:
        response = client.post(
            f"/api/polls/{chair_poll.pk}/cast",
            json.dumps({"choice": [first.pk]}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
    assert response.status_code == 201, response.content
    assert Participation.objects.filter(poll=chair_poll, member=member).count() == 1
    assert SecretBallot.objects.filter(poll=chair_poll).count() == 1
    sql = [q["sql"] for q in statements.captured_queries]
    work = [s for s in sql if not s.upper().startswith(("SAVEPOINT", "RELEASE", "BEGIN"))]
    listing = "\n".join(work)
    # The token (and its last-used time, on first use), the poll with its meeting, the member
    # with its status and today's rulebook edition (the standing check at the cast needs no
    # statement of its own: polls.queries.voter_for_user), the attendance, the options (cached
    # per open poll after its first cast, which this is), then the lock on the poll and the two
    # inserts.
    assert len(work) <= 9, listing
    # The meeting's state comes with the poll, never on its own.
    assert not any("meetings_meeting" in s and "polls_poll" not in s for s in work), listing


def test_voter_for_user_reads_the_status_and_edition_with_the_member(world: Any) -> None:
    """The cast's member read also carries what the standing check needs: the status as the
    ORM has it and the adoption in force today (none here: the preset)."""
    from moot.units.queries import adopted_edition_on

    member = world.members["member"]
    with CaptureQueriesContext(connection) as reads:
        fast = voter_for_user(member.user_id)
    assert len(reads.captured_queries) == 1
    slow = Member.objects.get(pk=member.pk)
    assert fast is not None
    assert (fast.pk, fast.number, fast.status, fast.user_id) == (
        slow.pk,
        slow.number,
        slow.status,
        slow.user_id,
    )
    adopted = adopted_edition_on(fast._edition_in_force[0])
    assert fast._edition_in_force[1] == (adopted.pk if adopted else None)
    assert voter_for_user(None) is None
