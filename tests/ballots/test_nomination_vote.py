"""A unit's nomination comes from a poll held for this ballot's nomination (issue 11 review):
the secretary holds the vote at the unit's meeting (``do_hold_nomination_vote``), and any other
closed poll of that meeting (a chair's election) is refused with the clause, nothing written."""

from __future__ import annotations

from typing import Any

import pytest

from ballots.nominations_world import candidate_member, national_ballot, nominating_poll
from factories import MeetingFactory, MemberFactory, UserFactory
from moot.accounts.models import StaffAssignment
from moot.audit.models import AuditEvent
from moot.ballots.actions import do_hold_nomination_vote, do_record_unit_nomination
from moot.ballots.errors import BallotError
from moot.ballots.models import Nomination, NominationPoll
from moot.ballots.queries_nominations import unit_polls_for_nomination
from moot.polls.models import Poll


def _count_and_close(poll: Any, winner: Any) -> Any:
    from moot.meetings.actions import do_check_in
    from moot.polls.actions import do_close_poll, do_enter_teller_counts, do_open_poll

    staff = UserFactory()
    StaffAssignment.objects.get_or_create(user=staff, role="national_staff", unit=None)
    for _ in range(6):
        do_check_in(
            poll.meeting,
            MemberFactory(constituency=poll.meeting.unit, joined_weeks_ago=60),
            acting_user=staff,
        )
    poll = do_open_poll(poll, acting_user=staff)
    counts = {str(o.pk): (4 if o.member_id == winner.pk else 1) for o in poll.options.all()}
    do_enter_teller_counts(poll, counts, acting_user=staff)
    return do_close_poll(poll, acting_user=staff)


def test_the_secretary_holds_the_nomination_vote_and_records_its_result(world: Any) -> None:
    ballot = national_ballot(world)
    secretary = world.users["secretary"]
    ada = candidate_member(world.riverside, first_name="Ada")
    ben = candidate_member(world.riverside, first_name="Ben")
    meeting = MeetingFactory(in_progress=True, unit=world.riverside, kind="general")
    poll = do_hold_nomination_vote(
        ballot, meeting=meeting, nominees=[ada, ben], seats=1, acting_user=secretary
    )
    assert ballot.title in poll.title
    assert world.riverside.name in poll.title
    assert poll.meeting == meeting
    assert poll.seats == 1
    assert sorted(o.member_id for o in poll.options.all()) == sorted([ada.pk, ben.pk])
    link = NominationPoll.objects.get(poll=poll)
    assert (link.ballot, link.unit, link.created_by) == (ballot, world.riverside, secretary)
    assert AuditEvent.objects.filter(verb="ballots.hold_nomination_vote").count() == 1
    assert list(unit_polls_for_nomination(ballot, world.riverside)) == []  # not closed yet
    poll = _count_and_close(poll, ada)
    assert list(unit_polls_for_nomination(ballot, world.riverside)) == [poll]
    [nomination] = do_record_unit_nomination(
        ballot, unit=world.riverside, poll=poll, acting_user=secretary
    )
    assert nomination.candidate.member == ada
    assert nomination.poll == poll


def test_another_poll_of_the_units_meeting_is_refused_and_not_offered(world: Any) -> None:
    """The CLP's own chair election at a meeting in the window is not a nomination."""
    ballot = national_ballot(world)
    ada = candidate_member(world.riverside)
    chair_election = nominating_poll(world.riverside, [ada], secretary=None)
    assert list(unit_polls_for_nomination(ballot, world.riverside)) == []
    before = (Nomination.objects.count(), ballot.candidates.count())
    with pytest.raises(BallotError, match="not held for this ballot's nomination") as caught:
        do_record_unit_nomination(
            ballot,
            unit=world.riverside,
            poll=chair_election,
            acting_user=world.users["secretary"],
        )
    assert caught.value.clause == ballot.clause
    assert caught.value.field == "poll"
    assert (Nomination.objects.count(), ballot.candidates.count()) == before
    # A vote held for another ballot is not this one's either.
    other = national_ballot(world, title="Another ballot")
    for_other = nominating_poll(world.riverside, [ada], secretary=None, ballot=other)
    with pytest.raises(BallotError, match="not held for this ballot's nomination"):
        do_record_unit_nomination(
            ballot, unit=world.riverside, poll=for_other, acting_user=world.users["secretary"]
        )
    assert Nomination.objects.count() == before[0]


def test_only_the_units_secretary_holds_the_vote_and_a_refusal_writes_nothing(
    world: Any,
) -> None:
    ballot = national_ballot(world)
    ada = candidate_member(world.riverside)
    meeting = MeetingFactory(in_progress=True, unit=world.riverside, kind="general")
    polls = Poll.objects.count()
    with pytest.raises(BallotError, match="Only the secretary of Riverside") as caught:
        do_hold_nomination_vote(
            ballot, meeting=meeting, nominees=[ada], acting_user=world.users["member"]
        )
    assert caught.value.code == "forbidden"
    with pytest.raises(BallotError, match="between 1 and") as caught:
        do_hold_nomination_vote(
            ballot,
            meeting=meeting,
            nominees=[ada],
            seats=ballot.seats + 1,
            acting_user=world.users["secretary"],
        )
    assert caught.value.field == "seats"
    newcomer = MemberFactory(constituency=world.riverside, joined_weeks_ago=10)
    with pytest.raises(BallotError, match="may not stand"):
        do_hold_nomination_vote(
            ballot, meeting=meeting, nominees=[newcomer], acting_user=world.users["secretary"]
        )
    assert Poll.objects.count() == polls
    assert not NominationPoll.objects.exists()


def test_the_secretary_sets_up_the_vote_on_the_record_page(world: Any) -> None:
    from django.test import Client

    ballot = national_ballot(world)
    ada = candidate_member(world.riverside, first_name="Ada")
    meeting = MeetingFactory(in_progress=True, unit=world.riverside, kind="general")
    client = Client()
    client.force_login(world.users["secretary"])
    url = f"/ballots/{ballot.pk}/nominations/record/"
    page = client.get(url).content.decode()
    assert "Hold the nomination vote at a meeting" in page
    bad = client.post(
        url,
        {
            "which": "vote",
            "vote-meeting": meeting.pk,
            "vote-nominees": "NOBODY-1",
            "vote-seats": 1,
        },
    )
    assert "No member has the number NOBODY-1" in bad.content.decode()
    assert not NominationPoll.objects.exists()
    answer = client.post(
        url,
        {
            "which": "vote",
            "vote-meeting": meeting.pk,
            "vote-nominees": ada.number,
            "vote-seats": 1,
        },
    )
    assert answer.status_code == 302
    link = NominationPoll.objects.get()
    assert link.poll.meeting == meeting
    assert link.ballot == ballot
    # A plain member does not see the form, nor may post it.
    member = Client()
    member.force_login(world.users["member"])
    assert member.post(url, {"which": "vote"}).status_code == 403
