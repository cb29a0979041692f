"""The chair's console protects the chair (issue 9 item 2): closing is confirmed on a page that
lists the unfinished business and offers to adjourn (the meeting can be resumed) or close
anyway (the business recorded as not taken or carried over); and when the chair stands in the
election now before the meeting, the console prompts a hand-over to the vice-chair or a member
elected from the floor, records it for the minutes and the audit trail, keeps the candidate
off the console for the item, and hands the chair back afterwards."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from elections.conftest import stand
from factories import ElectionFactory, MemberFactory, OfficeHoldingFactory, PostFactory
from moot.audit.models import AuditEvent
from moot.dates import long_date
from moot.meetings import console
from moot.meetings.actions import (
    do_add_agenda_item,
    do_check_in,
    do_set_current_item,
    do_start_meeting,
)
from moot.meetings.actions.console import (
    check_may_chair,
    do_hand_back_chair,
    do_hand_over_chair,
)
from moot.meetings.errors import MeetingError
from moot.meetings.models import ChairRecord, ChairRecordKind, Meeting, MeetingState
from moot.polls.actions import PollError, do_create_poll, do_open_poll

pytestmark = pytest.mark.django_db


@dataclass
class Running:
    meeting: Meeting
    election_item: Any
    motions_item: Any
    election: Any
    vice_chair: Any


@pytest.fixture
def running(world: Any, make_meeting: Any, make_quorate: Any) -> Running:
    """Tonight's AGM of Riverside in progress and quorate: item 1 the election for Chair (the
    meeting's chair stands), item 2 motions; the unit's vice-chair is checked in."""
    meeting = make_meeting()
    election_item = do_add_agenda_item(
        meeting, kind="election", title="Election of the chair", acting_user=None
    )
    motions_item = do_add_agenda_item(meeting, kind="motion", title="Motions", acting_user=None)
    staff = world.users["national_staff"]
    election = ElectionFactory(
        post=world.riverside.posts.get(slug="chair"),
        meeting=meeting,
        agenda_item=election_item,
        nominations_open_on=timezone.localdate() - datetime.timedelta(days=40),
        nominations_close_on=timezone.localdate() - datetime.timedelta(days=20),
        acting_user=staff,
    )
    stand(election, world.members["chair"], officer=staff)
    vice_chair = MemberFactory(constituency=world.riverside, branch=world.north, with_account=True)
    OfficeHoldingFactory(
        post=PostFactory(unit=world.riverside, slug="vice-chair", title="Vice-chair"),
        member=vice_chair,
        start=timezone.localdate() - datetime.timedelta(days=100),
    )
    meeting = do_start_meeting(meeting, acting_user=world.users["chair"])
    make_quorate(meeting)
    do_check_in(meeting, vice_chair, acting_user=None)
    meeting.refresh_from_db()
    return Running(meeting, election_item, motions_item, election, vice_chair)


def signed_in(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def test_close_goes_to_a_confirmation_listing_unfinished_business(
    client: Any, world: Any, running: Running
) -> None:
    meeting = running.meeting
    chair = signed_in(client, world.users["chair"])
    console_page = chair.get(reverse("meetings:chair", args=[meeting.pk])).content.decode()
    # The close is no longer a button beside "Next item": a link to the confirmation.
    assert 'value="close"' not in console_page
    assert reverse("meetings:end", args=[meeting.pk]) in console_page
    # An old form's "close" move (or a second click) does not close: it asks first.
    response = chair.post(reverse("meetings:chair_move", args=[meeting.pk]), {"move": "close"})
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:end", args=[meeting.pk])
    meeting.refresh_from_db()
    assert meeting.is_open
    page = chair.get(reverse("meetings:end", args=[meeting.pk])).content.decode()
    assert f"Election for {running.election.post.title} (" in page
    closed_on = long_date(running.election.nominations_close_on)
    assert f"nominations closed on {closed_on}; the vote was never opened" in page
    assert "still taking nominations" not in page
    assert "Item 1: Election of the chair (never taken)" in page
    assert "Item 2: Motions (never taken)" in page
    assert "This cannot be undone." in page
    assert "Adjourn the meeting" in page
    assert "Close the meeting anyway" in page


def test_adjourn_resume_then_close_carrying_business_over(
    client: Any, world: Any, running: Running
) -> None:
    meeting = running.meeting
    chair = signed_in(client, world.users["chair"])
    end = reverse("meetings:end", args=[meeting.pk])
    response = chair.post(end, {"choice": "adjourn", "reason": "The hall closes at 22:00."})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.ADJOURNED
    adjourned = ChairRecord.objects.get(meeting=meeting, kind=ChairRecordKind.ADJOURNED)
    assert adjourned.text.startswith("The meeting adjourned at ")
    assert "3 pieces of business unfinished" in adjourned.text
    event = AuditEvent.objects.get(verb="meetings.adjourn_meeting")
    assert event.reason == "The hall closes at 22:00."
    assert len(event.after["unfinished"]) == 3
    # Adjourned, nothing is taken until it resumes.
    with pytest.raises(MeetingError, match="adjourned: resume it first"):
        do_set_current_item(meeting, running.motions_item, acting_user=world.users["chair"])
    poll = do_create_poll(
        title="Motion 1: a show of hands",
        question="That this meeting supports the bus campaign.",
        kind="motion",
        method="yes-no",
        voting="show_of_hands",
        meeting=meeting,
        agenda_item=running.motions_item,
        acting_user=world.users["chair"],
    )
    with pytest.raises(PollError, match="The meeting is adjourned"):
        do_open_poll(poll, acting_user=world.users["chair"])
    page = chair.get(reverse("meetings:chair", args=[meeting.pk])).content.decode()
    assert "The meeting is adjourned" in page
    assert "Resume the meeting" in page
    chair.post(reverse("meetings:resume", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.is_open
    assert AuditEvent.objects.filter(verb="meetings.resume_meeting").count() == 1
    response = chair.post(end, {"choice": "close", "unfinished_as": "carried_over"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_closed
    carried = ChairRecord.objects.filter(meeting=meeting, kind=ChairRecordKind.CARRIED_OVER)
    assert carried.count() == 3
    assert {r.text for r in carried} >= {
        "Item 2: Motions (never taken) — carried over to the next meeting."
    }
    closed = AuditEvent.objects.get(verb="meetings.close_meeting")
    assert closed.after["unfinished_as"] == "carried_over"
    section = console.minutes_section(meeting)
    assert section is not None
    text = "\n".join(section.paragraphs)
    assert "The meeting adjourned at" in text
    assert "Reason given: The hall closes at 22:00." in text
    assert "The meeting resumed at" in text
    assert "carried over to the next meeting" in text


def test_a_bad_choice_on_the_confirmation_is_refused_and_changes_nothing(
    client: Any, world: Any, running: Running
) -> None:
    meeting = running.meeting
    chair = signed_in(client, world.users["chair"])
    end = reverse("meetings:end", args=[meeting.pk])
    response = chair.post(end, {"choice": "close", "unfinished_as": "forgotten"})
    assert response.status_code == 400
    assert "Choose to adjourn or to close the meeting." in response.content.decode()
    response = chair.post(end, {})
    assert response.status_code == 400
    meeting.refresh_from_db()
    assert meeting.is_open
    assert not ChairRecord.objects.filter(meeting=meeting).exists()


def test_a_member_cannot_end_or_adjourn_the_meeting(
    client: Any, world: Any, running: Running
) -> None:
    meeting = running.meeting
    member = signed_in(client, world.users["member"])
    end = reverse("meetings:end", args=[meeting.pk])
    assert member.get(end).status_code == 403
    assert member.post(end, {"choice": "adjourn"}).status_code == 403
    meeting.refresh_from_db()
    assert meeting.is_open


def test_the_chair_standing_in_the_election_is_prompted_to_hand_over(
    client: Any, world: Any, running: Running
) -> None:
    meeting, chair_member = running.meeting, world.members["chair"]
    do_set_current_item(meeting, running.election_item, acting_user=world.users["chair"])
    chair = signed_in(client, world.users["chair"])
    page = chair.get(reverse("meetings:chair", args=[meeting.pk])).content.decode()
    assert "Hand over the chair for this item" in page
    post = running.election.post.title
    assert f"{chair_member.full_name} is a candidate in the election for {post}" in page
    assert f"the vice-chair, {running.vice_chair.full_name}, is present" in page
    form = chair.get(reverse("meetings:hand_over", args=[meeting.pk])).content.decode()
    assert f'value="{running.vice_chair.number}"' in form  # suggested: the vice-chair

    response = chair.post(
        reverse("meetings:hand_over", args=[meeting.pk]), {"member": running.vice_chair.number}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.chair_id == running.vice_chair.pk
    record = ChairRecord.objects.get(meeting=meeting, kind=ChairRecordKind.HANDED_OVER)
    assert record.text.startswith(
        f"{running.vice_chair.full_name} took the chair for item 1 (Election of the chair) at "
    )
    assert f"{chair_member.full_name} having handed it over" in record.text
    event = AuditEvent.objects.get(verb="meetings.hand_over_chair")
    assert (event.before["chair"], event.after["chair"]) == (
        chair_member.number,
        running.vice_chair.number,
    )
    # The candidate's post still opens the console, but its moves are refused for the item.
    refused = chair.post(
        reverse("meetings:chair_move", args=[meeting.pk]), {"move": "next"}, follow=True
    )
    assert "You handed the chair to" in refused.content.decode()
    meeting.refresh_from_db()
    assert meeting.current_item_id == running.election_item.pk
    # Not back while the election is still before the meeting.
    with pytest.raises(MeetingError, match="is a candidate in the election for"):
        do_hand_back_chair(meeting, acting_user=world.users["chair"])
    # The vice-chair chairs the item, then moves on; the chair is handed back.
    vice = signed_in(client, running.vice_chair.user)
    vice.post(reverse("meetings:chair_move", args=[meeting.pk]), {"move": "next"})
    meeting.refresh_from_db()
    assert meeting.current_item_id == running.motions_item.pk
    response = vice.post(reverse("meetings:hand_back", args=[meeting.pk]))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.chair_id == chair_member.pk
    check_may_chair(meeting, world.users["chair"])  # the chair's moves are hers again
    section = console.minutes_section(meeting)
    assert section is not None
    assert any("took the chair for item 1" in p for p in section.paragraphs)
    assert any(
        p.startswith(f"{chair_member.full_name} resumed the chair at") for p in section.paragraphs
    )


def test_the_chair_goes_only_to_someone_present_who_does_not_stand(
    world: Any, running: Running, make_members: Any
) -> None:
    meeting = running.meeting
    do_set_current_item(meeting, running.election_item, acting_user=world.users["chair"])
    absent = make_members(1)[0]
    with pytest.raises(MeetingError, match="is not checked in at the meeting"):
        do_hand_over_chair(meeting, absent, acting_user=world.users["chair"])
    rival = MemberFactory(constituency=world.riverside, branch=world.north, with_account=True)
    do_check_in(meeting, rival, acting_user=None)
    stand(running.election, rival, officer=world.users["national_staff"])
    with pytest.raises(MeetingError, match="is a candidate in the election for"):
        do_hand_over_chair(meeting, rival, acting_user=world.users["chair"])
    with pytest.raises(MeetingError, match="already chairs the meeting"):
        do_hand_over_chair(meeting, world.members["chair"], acting_user=world.users["chair"])
    stranger = world.members["stranger"]
    with pytest.raises(MeetingError, match="No member of Riverside"):
        do_hand_over_chair(meeting, stranger, acting_user=world.users["chair"])
    assert not ChairRecord.objects.filter(meeting=meeting).exists()
    meeting.refresh_from_db()
    assert meeting.chair_id == world.members["chair"].pk


def test_an_elections_poll_closed_from_the_poll_page_leaves_it_ready_to_declare(
    client: Any, world: Any, running: Running
) -> None:
    from moot.elections.actions import do_open_election

    staff = world.users["national_staff"]
    rival = MemberFactory(constituency=world.riverside, branch=world.north, with_account=True)
    do_check_in(running.meeting, rival, acting_user=None)
    stand(running.election, rival, officer=staff)
    do_set_current_item(running.meeting, running.election_item, acting_user=world.users["chair"])
    election = do_open_election(running.election, acting_user=staff)
    poll = election.poll
    client.force_login(staff)
    poll_page = client.get(reverse("polls:detail", args=[poll.pk])).content.decode()
    election_page = reverse("elections:detail", args=[election.pk])
    assert f'href="{election_page}"' in poll_page  # the poll names what it decides
    assert client.post(reverse("polls:close", args=[poll.pk])).status_code == 302
    election.refresh_from_db()
    assert election.poll.is_closed
    page = client.get(election_page).content.decode()
    assert "Counted, not yet declared" in page
    assert reverse("elections:declare", args=[election.pk]) in page
    # Nothing is left "open" for the end of the meeting: the election awaits its declaration.
    end = client.get(reverse("meetings:end", args=[running.meeting.pk])).content.decode()
    assert "counted, the result not declared" in end
