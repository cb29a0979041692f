"""A poll at a meeting: only members present and eligible may vote (polls asks meetings), the
agenda item links to the ballot and the papers, the projector loads the poll's turnout, and
the ballot papers print as a PDF."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from factories import UserFactory
from moot.meetings import hooks
from moot.meetings.actions import do_add_agenda_item, do_check_in, do_start_meeting
from moot.polls.actions import PollError, do_cast_ballot, do_create_poll, do_open_poll
from moot.polls.papers import papers_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def poll_at_meeting(world: Any, meeting: Any) -> Any:
    item = do_add_agenda_item(meeting, kind="motion", title="Motions", acting_user=None)
    poll = do_create_poll(
        title="Motion 1: affiliate to the Riverside Tenants' Union",
        kind="motion",
        method="yes-no",
        meeting=meeting,
        agenda_item=item,
        acting_user=world.users["secretary"],
    )
    return poll, item


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_only_present_eligible_members_vote(
    world: Any, meeting: Any, poll_at_meeting: Any, make_quorate: Any
) -> None:
    poll, _item = poll_at_meeting
    for member in world.members["member"], world.members["chair"], world.members["secretary"]:
        do_check_in(meeting, member, acting_user=None)
    do_check_in(meeting, world.target, acting_user=None)
    make_quorate(meeting)
    do_start_meeting(meeting, acting_user=None)
    poll = do_open_poll(poll, acting_user=world.users["secretary"])
    yes = poll.options.get(code="yes").pk
    do_cast_ballot(poll, world.members["member"], yes, acting_user=world.users["member"])
    target = world.target
    target.user = UserFactory(email="recent.joiner@example.org")
    target.save(update_fields=["user"])
    with pytest.raises(PollError) as refused:
        do_cast_ballot(poll, target, yes, acting_user=target.user)
    assert refused.value.code == "ineligible"
    assert refused.value.clause == "7.2"
    absent = world.members["branch_secretary"]
    with pytest.raises(PollError) as not_here:
        do_cast_ballot(poll, absent, yes, acting_user=absent.user)
    assert "not checked in" in not_here.value.message


def test_item_links_and_projector_fragment(
    world: Any, meeting: Any, poll_at_meeting: Any, make_quorate: Any
) -> None:
    poll, item = poll_at_meeting
    do_check_in(meeting, world.members["member"], acting_user=None)
    make_quorate(meeting)
    meeting = do_start_meeting(meeting, acting_user=None)
    do_open_poll(poll, acting_user=world.users["secretary"])
    member_links = {url: label for label, url in hooks.item_links(item, world.users["member"])}
    assert reverse("polls:vote", args=[poll.pk]) in member_links
    assert reverse("polls:papers", args=[poll.pk]) not in member_links
    secretary_links = [url for _, url in hooks.item_links(item, world.users["secretary"])]
    assert reverse("polls:papers", args=[poll.pk]) in secretary_links
    assert hooks.projector_fragments(item, world.users["member"]) == [
        reverse("polls:projector_fragment", args=[poll.pk])
    ]
    page = client_for(world.users["member"]).get(reverse("meetings:detail", args=[meeting.pk]))
    assert reverse("polls:vote", args=[poll.pk]) in page.content.decode()


def test_ballot_papers_pdf(world: Any, meeting: Any, poll_at_meeting: Any) -> None:
    poll, _item = poll_at_meeting
    url = reverse("polls:papers", args=[poll.pk])
    response = client_for(world.users["secretary"]).get(url, {"count": "3"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client_for(world.users["member"]).get(url).status_code == 403
    assert papers_count(poll, "7") == 7
    assert papers_count(poll, None) == 1  # nobody present yet: one paper
    with pytest.raises(PollError, match="one PDF holds 1 to 5,000 papers"):
        papers_count(poll, "0")
    with pytest.raises(PollError, match="whole number from 1 to 5,000"):
        papers_count(poll, "many")


def test_minutes_state_the_quorum_at_each_vote(
    world: Any, meeting: Any, poll_at_meeting: Any, make_quorate: Any
) -> None:
    from moot.meetings.actions import do_check_out, do_close_meeting, do_draft_minutes
    from moot.polls.actions import do_close_poll

    poll, _item = poll_at_meeting
    for role in ("member", "chair", "secretary", "branch_secretary"):
        do_check_in(meeting, world.members[role], acting_user=None)
    (last,) = make_quorate(meeting)  # the fifth: the quorum is 5
    meeting = do_start_meeting(meeting, acting_user=None)
    poll = do_open_poll(poll, acting_user=world.users["secretary"])
    yes = poll.options.get(code="yes").pk
    for role in ("member", "chair", "secretary"):
        do_cast_ballot(poll, world.members[role], yes, acting_user=world.users[role])
    # One leaves during the vote: the minutes give the quorum when it opened and those present
    # at the close.
    do_check_out(meeting.attendances.get(member=last), acting_user=None)
    do_close_poll(poll, acting_user=world.users["secretary"])
    meeting = do_close_meeting(meeting, acting_user=None)
    minutes = do_draft_minutes(meeting, acting_user=None)
    votes = next(s for s in minutes.sections if s["key"] == "votes")
    text = votes["paragraphs"][0]
    # The quorum is stated once, in its own section: a vote at a quorate meeting does not
    # repeat it (issue 9: "the quorum sentence is repeated nine times").
    assert "quorate" not in text
    assert "eligible members present (quorum" not in text
    assert "3 votes of 4 eligible present; carried" in text
    assert text.endswith(f"[poll {poll.pk}]")
    assert votes["refs"] == [[f"Poll {poll.pk}", reverse("polls:detail", args=[poll.pk])]]
    assert [s["key"] for s in minutes.sections][-2:] == ["votes", "close"]


def test_votes_at_a_meeting_only_while_it_is_in_progress(
    world: Any, meeting: Any, poll_at_meeting: Any, make_quorate: Any
) -> None:
    from moot.meetings.actions import MeetingError, do_close_meeting
    from moot.polls.actions import do_close_poll, do_enter_teller_counts

    poll, item = poll_at_meeting
    secretary = world.users["secretary"]
    do_check_in(meeting, world.members["member"], acting_user=None)
    # Before the chair opens the meeting: no vote opens, no counts are entered.
    with pytest.raises(PollError, match="The meeting has not been opened: the chair opens it"):
        do_open_poll(poll, acting_user=secretary)
    poll.refresh_from_db()
    assert poll.state == "draft"
    hands = do_create_poll(
        title="Motion 2: a show of hands",
        kind="motion",
        method="yes-no",
        voting="show_of_hands",
        meeting=meeting,
        agenda_item=item,
        acting_user=secretary,
    )
    # (a poll opened before this rule existed: counts and votes are still refused)
    type(poll).objects.filter(pk__in=[poll.pk, hands.pk]).update(state="open")
    poll.refresh_from_db()
    hands.refresh_from_db()
    with pytest.raises(PollError, match="the chair opens it first"):
        do_enter_teller_counts(hands, {"yes": 1}, acting_user=secretary)
    yes = poll.options.get(code="yes").pk
    with pytest.raises(PollError, match="the chair opens it first"):
        do_cast_ballot(poll, world.members["member"], yes, acting_user=world.users["member"])
    type(poll).objects.filter(pk__in=[poll.pk, hands.pk]).update(state="draft")

    make_quorate(meeting)
    do_start_meeting(meeting, acting_user=None)
    poll = do_open_poll(poll, acting_user=secretary)
    hands = do_open_poll(hands, acting_user=secretary)
    do_enter_teller_counts(hands, {"yes": 1, "no": 0}, acting_user=secretary)
    do_cast_ballot(poll, world.members["member"], yes, acting_user=world.users["member"])
    # The meeting does not close while a vote is open, and says which.
    with pytest.raises(MeetingError) as refused:
        do_close_meeting(meeting, acting_user=None)
    assert refused.value.code == "state"
    assert str(refused.value).startswith(
        "Close the votes on “Motion 1: affiliate to the Riverside Tenants' Union” and "
        "“Motion 2: a show of hands” first"
    )
    meeting.refresh_from_db()
    assert meeting.is_open
    do_close_poll(poll, acting_user=secretary)
    with pytest.raises(MeetingError, match="Close the vote on “Motion 2: a show of hands” first"):
        do_close_meeting(meeting, acting_user=None)
    do_close_poll(hands, acting_user=secretary)
    meeting = do_close_meeting(meeting, acting_user=None)
    assert meeting.is_closed
    late = do_create_poll(
        title="Motion 3: too late",
        kind="motion",
        method="yes-no",
        meeting=meeting,
        agenda_item=item,
        acting_user=secretary,
    )
    with pytest.raises(PollError, match="votes are no longer taken"):
        do_open_poll(late, acting_user=secretary)
    # The minutes say how each vote was taken: a show of hands is not a "named vote".
    from moot.meetings.actions import do_draft_minutes

    minutes = do_draft_minutes(meeting, acting_user=None)
    votes = next(s for s in minutes.sections if s["key"] == "votes")["paragraphs"]
    assert votes[0].startswith(
        "Motion 1: affiliate to the Riverside Tenants' Union (electronic secret ballot, yes-no)"
    )
    assert votes[1].startswith("Motion 2: a show of hands (show of hands, yes-no)")


def test_no_vote_opens_at_an_inquorate_meeting(
    world: Any, meeting: Any, poll_at_meeting: Any, make_quorate: Any
) -> None:
    """Members may leave after the chair moved to the item: the vote itself asks again."""
    poll, _item = poll_at_meeting
    do_check_in(meeting, world.members["member"], acting_user=None)
    do_start_meeting(meeting, acting_user=None)
    with pytest.raises(PollError) as refused:
        do_open_poll(poll, acting_user=world.users["secretary"])
    assert refused.value.code == "state"
    assert refused.value.clause == "7.6.1"
    assert "not quorate (1 eligible member present, 5 needed)" in refused.value.message
    assert "may not take motion business" in refused.value.message
    poll.refresh_from_db()
    assert poll.state == "draft"
    make_quorate(meeting)
    assert do_open_poll(poll, acting_user=world.users["secretary"]).state == "open"


def test_the_minutes_say_one_vote(
    world: Any, meeting: Any, poll_at_meeting: Any, make_quorate: Any
) -> None:
    from moot.meetings.actions import do_close_meeting, do_draft_minutes
    from moot.polls.actions import do_close_poll

    poll, _item = poll_at_meeting
    do_check_in(meeting, world.members["member"], acting_user=None)
    make_quorate(meeting)
    meeting = do_start_meeting(meeting, acting_user=None)
    poll = do_open_poll(poll, acting_user=world.users["secretary"])
    yes = poll.options.get(code="yes").pk
    do_cast_ballot(poll, world.members["member"], yes, acting_user=world.users["member"])
    do_close_poll(poll, acting_user=world.users["secretary"])
    minutes = do_draft_minutes(do_close_meeting(meeting, acting_user=None), acting_user=None)
    votes = next(s for s in minutes.sections if s["key"] == "votes")
    assert ": 1 vote of 5 eligible present;" in votes["paragraphs"][0]
