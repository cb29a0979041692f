"""One member, one vote — standing at the moment of the act (issue 8, finding 7).

A member is admitted to a vote when they check in at a meeting, or when a ballot's electorate is
frozen at its opening. A suspension, an expulsion or a resignation recorded after that takes the
vote away at once: the cast asks the rulebook about the member's status today, and refuses with
the rulebook's reason and clause. Played out as the insider would try it (a member suspended
during the meeting casting on their phone), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.utils import timezone

from accounts.world import World
from factories import MemberFactory
from moot.accounts.models import ApiToken
from moot.accounts.tokens import digest, new_api_token
from moot.meetings.actions import (
    do_add_agenda_item,
    do_check_in,
    do_create_meeting,
    do_start_meeting,
)
from moot.meetings.models import Meeting
from moot.meetings.queries import quorum_state
from moot.members.actions import do_change_member_status
from moot.members.models import Member
from moot.polls.actions import PollError, do_cast_ballot, do_create_poll, do_open_poll
from moot.polls.models import Participation, Poll, SecretBallot
from moot.units.queries import edition_in_force

pytestmark = pytest.mark.django_db

LATER_STATUSES = ("suspended", "expelled", "resigned")


def _tonight() -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time(19, 0))
    )


@pytest.fixture
def meeting_poll(world: World) -> Poll:
    """Riverside's AGM in progress and quorate, the member checked in as an eligible voter, and
    a secret yes/no vote open on a motion."""
    meeting = do_create_meeting(
        unit=world.riverside,
        kind="agm",
        starts_at=_tonight(),
        location="Hollow Community Hall",
        notice_sent_on=timezone.localdate() - datetime.timedelta(days=30),
        chair=world.members["chair"],
        secretary=world.members["secretary"],
        acting_user=world.users["secretary"],
    )
    item = do_add_agenda_item(meeting, kind="motion", title="Motion 1", acting_user=None)
    do_check_in(meeting, world.members["member"], acting_user=None)
    while (shortfall := quorum_state(meeting).shortfall) > 0:
        for _ in range(shortfall):
            extra = MemberFactory(constituency=world.riverside, branch=world.north)
            do_check_in(meeting, extra, acting_user=None)
    do_start_meeting(meeting, acting_user=None)
    poll = do_create_poll(
        title="Motion 1",
        kind="motion",
        method="yes-no",
        meeting=meeting,
        agenda_item=item,
        acting_user=world.users["secretary"],
    )
    return do_open_poll(poll, acting_user=world.users["secretary"])


def _change_status(member: Member, status: str) -> None:
    do_change_member_status(
        member,
        status,
        timezone.localdate(),
        reason="Recorded during the meeting",
        acting_user=None,
    )


def _expected_clause(status: str) -> str:
    return edition_in_force(timezone.localdate()).status_rule(status).clause


def _nothing_written(poll: Poll) -> None:
    assert not Participation.objects.filter(poll=poll).exists()
    assert not SecretBallot.objects.filter(poll=poll).exists()


@pytest.mark.parametrize("status", LATER_STATUSES)
def test_a_status_recorded_after_check_in_refuses_the_cast(
    world: World, meeting_poll: Poll, status: str
) -> None:
    member = Member.objects.get(pk=world.members["member"].pk)
    _change_status(member, status)
    title = edition_in_force(timezone.localdate()).status_rule(status).title
    with pytest.raises(PollError) as refused:
        do_cast_ballot(meeting_poll, member, "yes", acting_user=member.user)
    assert refused.value.code == "ineligible"
    assert refused.value.clause == _expected_clause(status)
    assert refused.value.clause  # the rulebook cites one
    assert "has changed since you were admitted" in refused.value.message
    assert f"{title} since" in refused.value.message
    _nothing_written(meeting_poll)


def test_an_unchanged_member_still_votes(world: World, meeting_poll: Poll) -> None:
    member = world.members["member"]
    do_cast_ballot(meeting_poll, member, "yes", acting_user=member.user)
    assert Participation.objects.filter(poll=meeting_poll, member=member).count() == 1


def test_over_the_api_a_suspended_member_is_refused_with_the_clause(
    client: Any, world: World, meeting_poll: Poll
) -> None:
    """The phone in the hall: the token still authenticates, but the vote is refused."""
    member = world.members["member"]
    token = new_api_token()
    ApiToken.objects.create(user=member.user, name="phone", token_hash=digest(token), prefix="x")
    _change_status(Member.objects.get(pk=member.pk), "suspended")
    response = client.post(
        f"/api/polls/{meeting_poll.pk}/cast",
        json.dumps({"choice": "yes"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 403, response.content  # RefusalCode.INELIGIBLE
    assert _expected_clause("suspended") in response.content.decode()
    _nothing_written(meeting_poll)


def test_a_ballot_with_a_frozen_electorate_checks_standing_at_the_cast(world: World) -> None:
    """No meeting: the electorate is frozen when the poll opens; an expulsion after that still
    refuses the vote."""
    member = world.members["member"]
    poll = do_create_poll(
        title="Ballot of all members",
        kind="motion",
        method="yes-no",
        unit=world.riverside,
        acting_user=world.users["secretary"],
    )
    poll = do_open_poll(poll, electorate=[member], acting_user=world.users["secretary"])
    _change_status(Member.objects.get(pk=member.pk), "expelled")
    with pytest.raises(PollError) as refused:
        do_cast_ballot(poll, member, "no", acting_user=member.user)
    assert refused.value.code == "ineligible"
    assert refused.value.clause == _expected_clause("expelled")
    _nothing_written(poll)


def test_check_in_asks_the_standing_of_the_day(world: World) -> None:
    """The door: a member suspended before the meeting is recorded as refused, with the clause
    (check-in is itself an act at its moment)."""
    meeting = Meeting.objects.create(
        unit=world.riverside,
        kind="agm",
        starts_at=_tonight(),
        location="Hall",
        notice_sent_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    member = Member.objects.get(pk=world.members["member"].pk)
    _change_status(member, "suspended")
    attendance = do_check_in(meeting, member, acting_user=None)
    assert not attendance.eligible
    assert attendance.clause == _expected_clause("suspended")


@pytest.fixture
def nominations_open(db: Any) -> Any:
    """An election for the chair of a constituency party taking nominations until next week."""
    from factories import UnitFactory, UserFactory
    from moot.accounts.models import StaffAssignment
    from moot.elections.actions import do_create_election
    from moot.units.actions import create_posts_for_unit
    from moot.units.models import Post

    unit = UnitFactory(kind="constituency", name="Riverside & Hollow CLP")
    create_posts_for_unit(unit, edition_in_force())
    officer = UserFactory(email="returning.officer@example.org")
    StaffAssignment.objects.create(user=officer, role="national_staff")
    day = timezone.localdate()
    return do_create_election(
        post=Post.objects.get(unit=unit, slug="chair"),
        method="irv",
        nominations_open_on=day - datetime.timedelta(days=10),
        nominations_close_on=day + datetime.timedelta(days=7),
        election_date=day + datetime.timedelta(days=14),
        acting_user=officer,
    )


def _long_standing_member(unit: Any) -> Member:
    return MemberFactory(constituency=unit, joined_weeks_ago=200, with_account=True)


def test_a_seconder_suspended_after_being_named_cannot_second(nominations_open: Any) -> None:
    """Nominating and seconding are acts of their own: the seconder named on a nomination is
    asked again when they confirm it."""
    from moot.elections.actions import do_nominate, do_second_nomination
    from moot.elections.errors import ElectionError

    unit = nominations_open.unit
    nominee, nominator, seconder = (_long_standing_member(unit) for _ in range(3))
    nomination = do_nominate(
        nominations_open,
        nominee=nominee,
        nominator=nominator,
        seconder=seconder,
        acting_user=nominator.user,
    )
    _change_status(Member.objects.get(pk=seconder.pk), "suspended")
    with pytest.raises(ElectionError) as refused:
        do_second_nomination(nomination, acting_user=seconder.user)
    assert refused.value.code == "ineligible"
    assert refused.value.clause == _expected_clause("suspended")
    nomination.refresh_from_db()
    assert not nomination.seconded


def test_a_suspended_member_cannot_nominate(nominations_open: Any) -> None:
    from moot.elections.actions import do_nominate
    from moot.elections.errors import ElectionError

    unit = nominations_open.unit
    nominee, nominator, seconder = (_long_standing_member(unit) for _ in range(3))
    _change_status(Member.objects.get(pk=nominator.pk), "suspended")
    with pytest.raises(ElectionError) as refused:
        do_nominate(
            nominations_open,
            nominee=nominee,
            nominator=nominator,
            seconder=seconder,
            acting_user=nominator.user,
        )
    assert refused.value.clause == _expected_clause("suspended")
