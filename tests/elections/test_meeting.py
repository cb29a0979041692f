"""An election at an AGM: the agenda item's links, voting by members present and eligible,
and the minutes section drafted from the records."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from moot.elections.actions import (
    ElectionError,
    do_close_election,
    do_create_election,
    do_declare_result,
    do_open_election,
)
from moot.elections.queries import item_links, minutes_section
from moot.meetings import hooks
from moot.meetings.actions import (
    do_add_agenda_item,
    do_check_in,
    do_create_meeting,
    do_start_meeting,
)
from moot.polls.actions import PollError, do_cast_ballot

from .conftest import make_member, post_of, stand, today

DAYS = datetime.timedelta(days=1)


def test_an_election_at_the_agm_from_agenda_to_minutes(unit: Any, officer: Any) -> None:
    assert "elections" in [key for key, _order, _fn in hooks.minutes_sections()]
    meeting = do_create_meeting(
        unit=unit,
        kind="agm",
        title="Annual general meeting",
        location="Lockside Community Hall",
        starts_at=timezone.now() + datetime.timedelta(minutes=1),
        notice_sent_on=today() - 30 * DAYS,
        acting_user=officer,
    )
    item = do_add_agenda_item(
        meeting, kind="election", title="Election of officers", acting_user=officer
    )
    election = do_create_election(
        post=post_of(unit, "policy-officer"),
        meeting=meeting,
        agenda_item=item,
        method="plurality",
        nominations_open_on=today() - 30 * DAYS,
        nominations_close_on=today() - 14 * DAYS,
        acting_user=officer,
    )
    candidates = [
        stand(election, make_member(unit, first_name=name), officer=officer, on=today() - 20 * DAYS)
        for name in ("Ines", "Jory")
    ]
    create_links = [url for label, url in item_links(item, officer) if label.startswith("Set up")]
    assert create_links == [f"/elections/new/?unit={unit.pk}&meeting={meeting.pk}&item={item.pk}"]
    member = make_member(unit)
    assert [label for label, _url in item_links(item, member.user)] == [
        "Political education and policy officer: candidates"
    ]

    with pytest.raises(ElectionError, match="start the meeting, then open the vote"):
        do_open_election(election, acting_user=officer)
    do_start_meeting(meeting, acting_user=officer)
    voters = [make_member(unit) for _ in range(5)]
    for voter in voters[:4]:
        do_check_in(meeting, voter, acting_user=officer)
    with pytest.raises(ElectionError, match="not quorate") as inquorate:
        do_open_election(election, acting_user=officer)
    assert inquorate.value.clause
    do_check_in(meeting, voters[4], acting_user=officer)
    election = do_open_election(election, acting_user=officer)
    assert election.poll.meeting_id == meeting.pk
    assert election.poll.agenda_item_id == item.pk
    labels = [label for label, _url in item_links(item, voters[0].user)]
    assert "Vote now: Political education and policy officer" in labels
    # The election's link and the poll's lead to the same ballot: the agenda item shows one.
    every = hooks.item_links(item, voters[0].user)
    assert [url for label, url in every if label.startswith("Vote now")] == [
        f"/polls/{election.poll.pk}/vote/"
    ]
    # Someone who may not vote (not checked in) is not offered the ballot.
    outsider = make_member(unit)
    assert not any(
        label.startswith("Vote now") for label, _ in hooks.item_links(item, outsider.user)
    )

    options = dict(election.nominations.values_list("pk", "poll_option_id"))
    for voter, choice in zip(voters, [0, 0, 1, 0, 1], strict=True):
        do_cast_ballot(election.poll, voter, options[candidates[choice].pk], acting_user=voter.user)
    absent = make_member(unit)
    with pytest.raises(PollError) as refused:
        do_cast_ballot(election.poll, absent, options[candidates[0].pk], acting_user=absent.user)
    assert refused.value.code == "ineligible"

    election = do_close_election(election, acting_user=officer)
    election = do_declare_result(election, acting_user=officer)
    section = minutes_section(meeting)
    text = " ".join(section.paragraphs)
    assert section.title == "Elections"
    assert "first past the post" in text
    # The quorum is stated once, in the minutes' quorum section; a vote at a quorate meeting
    # does not repeat it.
    assert "When the vote opened" not in text
    assert "quorate" not in text
    assert "5 ballots cast by 5 eligible members present" in text
    assert f"{candidates[0].label} 3" in text
    assert f"{candidates[1].label} 2" in text
    assert f"Declared elected: {candidates[0].label}." in text
    assert any(url.endswith(f"/elections/{election.pk}/") for _label, url in section.refs)
    labels = [label for label, _url in item_links(item, voters[0].user)]
    assert "Result: Political education and policy officer" in labels


def test_no_minutes_section_without_elections(unit: Any, officer: Any) -> None:
    meeting = do_create_meeting(
        unit=unit,
        kind="general",
        title="General meeting",
        location="Lockside Community Hall",
        starts_at=timezone.now() + 20 * DAYS,
        notice_sent_on=today(),
        acting_user=officer,
    )
    assert minutes_section(meeting) is None
