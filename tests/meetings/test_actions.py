"""Meetings actions: scheduling against the notice periods, notice e-mails, the agenda, the
chair's moves, check-in with the rulebook's verdict, quorum at its boundary, minutes."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from factories import MemberFactory, UserFactory
from moot.audit.models import AuditEvent
from moot.meetings import queries
from moot.meetings.actions import (
    MeetingError,
    do_add_agenda_item,
    do_approve_minutes,
    do_check_in,
    do_check_in_guest,
    do_check_in_with_code,
    do_check_out,
    do_close_meeting,
    do_draft_minutes,
    do_edit_minutes,
    do_move_agenda_item,
    do_next_item,
    do_previous_item,
    do_remove_agenda_item,
    do_send_notice,
    do_set_current_item,
    do_start_meeting,
    do_update_meeting,
)
from moot.meetings.models import Attendance, Meeting, MinutesState, QuorumCheck

from .conftest import tonight

pytestmark = pytest.mark.django_db


def verbs() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("verb", flat=True))


# --- scheduling and notice ---------------------------------------------------------------------


def test_too_late_for_notice_is_refused_with_the_clause(make_meeting: Any) -> None:
    with pytest.raises(MeetingError) as refused:
        make_meeting(starts_at=tonight(10), notice_sent_on=None)
    error = refused.value
    assert error.clause == "7.5.2"
    assert error.field == "starts_at"
    assert "28" in error.message
    assert "10 days" in error.message
    assert not Meeting.objects.exists()


def test_members_notice_is_checked_too(make_meeting: Any) -> None:
    """A general meeting needs 14 days to units and 7 to members (preset): 10 days fails the
    units, 6 days would fail both; the refusal names the clause."""
    with pytest.raises(MeetingError) as refused:
        make_meeting(kind="general", starts_at=tonight(6), notice_sent_on=None)
    assert refused.value.clause


def test_scheduling_with_proper_notice(make_meeting: Any, world: Any) -> None:
    meeting = make_meeting(starts_at=tonight(30), notice_sent_on=None, title="")
    assert meeting.title == "Annual general meeting of Riverside"
    assert meeting.state == "scheduled"
    assert meeting.edition_name
    assert len(meeting.check_in_code) == 6
    assert meeting.eligible_roll is None  # counted when the notice goes out
    assert "meetings.create_meeting" in verbs()


def test_notice_already_sent_counts_the_roll_at_that_date(meeting: Any) -> None:
    # member, branch secretary, chair, secretary; the recent joiner had not joined 30 days ago.
    assert meeting.eligible_roll == 4
    assert meeting.eligible_roll_on == timezone.localdate() - datetime.timedelta(days=30)


def test_kind_must_fit_the_unit(make_meeting: Any) -> None:
    with pytest.raises(MeetingError) as refused:
        make_meeting(kind="branch")
    assert refused.value.field == "kind"
    assert "constituency" in refused.value.message


def test_unknown_kind_names_the_known_ones(make_meeting: Any) -> None:
    with pytest.raises(MeetingError) as refused:
        make_meeting(kind="rally")
    assert "agm" in str(refused.value)


@pytest.mark.parametrize(
    ("mode", "location", "url", "field"),
    [
        ("online", "", "", "online_url"),
        ("hybrid", "Hall", "", "online_url"),
        ("in_person", "", "", "location"),
    ],
)
def test_attendance_mode_needs_its_place(
    make_meeting: Any, mode: str, location: str, url: str, field: str
) -> None:
    with pytest.raises(MeetingError) as refused:
        make_meeting(attendance_mode=mode, location=location, online_url=url)
    assert refused.value.field == field


def test_online_meeting(make_meeting: Any) -> None:
    meeting = make_meeting(
        attendance_mode="online", location="", online_url="https://call.example/x"
    )
    assert meeting.attendance_mode == "online"


def test_chair_must_belong_to_the_unit(make_meeting: Any, world: Any) -> None:
    with pytest.raises(MeetingError) as refused:
        make_meeting(chair=world.members["stranger"])
    assert refused.value.field == "chair"


def test_send_notice_mails_the_roll_with_a_calendar(
    make_meeting: Any, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    meeting = make_meeting(starts_at=tonight(30), notice_sent_on=None)
    do_add_agenda_item(meeting, kind="apologies", title="Apologies", acting_user=None)
    with django_capture_on_commit_callbacks(execute=True):
        count = do_send_notice(
            meeting, acting_user=world.users["secretary"], base_url="https://m.test"
        )
    assert count == 4
    assert len(mail.outbox) == 4
    message = mail.outbox[0]
    assert "Annual general meeting of Riverside" in message.subject
    assert "1. Apologies" in message.body
    name, content, mimetype = message.attachments[0]
    assert name == f"meeting-{meeting.pk}.ics"
    assert mimetype.startswith("text/calendar")
    assert "BEGIN:VEVENT\r\n" in content
    assert "https://m.test/meetings/" in content.replace("\r\n ", "")
    meeting.refresh_from_db()
    assert meeting.notice_sent_on == timezone.localdate()
    assert meeting.eligible_roll == 4
    assert {"meetings.send_notice", "meetings.send_notice_batch"} <= set(verbs())


def test_send_notice_too_late_is_refused(make_meeting: Any, world: Any) -> None:
    meeting = make_meeting()  # tonight; notice recorded 30 days ago
    with pytest.raises(MeetingError) as refused:
        do_send_notice(meeting, acting_user=world.users["secretary"])
    assert refused.value.clause == "7.5.2"
    assert mail.outbox == []


def test_moving_the_date_is_checked_against_the_notice_sent(meeting: Any, world: Any) -> None:
    later = tonight(5)
    meeting = do_update_meeting(
        meeting, changes={"starts_at": later}, acting_user=world.users["secretary"]
    )
    assert meeting.starts_at == later
    with pytest.raises(MeetingError):
        do_update_meeting(
            meeting,
            changes={"starts_at": tonight(-1)},
            acting_user=world.users["secretary"],
        )


# --- agenda --------------------------------------------------------------------------------------


def test_agenda_add_insert_move_remove(meeting: Any) -> None:
    a = do_add_agenda_item(meeting, kind="apologies", title="Apologies", acting_user=None)
    b = do_add_agenda_item(meeting, kind="report", title="Reports", acting_user=None)
    c = do_add_agenda_item(
        meeting, kind="minutes", title="Minutes of the last AGM", position=2, acting_user=None
    )
    assert [i.pk for i in queries.agenda(meeting)] == [a.pk, c.pk, b.pk]
    do_move_agenda_item(b, to_position=1, acting_user=None)
    assert [(i.pk, i.position) for i in queries.agenda(meeting)] == [
        (b.pk, 1),
        (a.pk, 2),
        (c.pk, 3),
    ]
    do_remove_agenda_item(a, acting_user=None)
    assert [(i.pk, i.position) for i in queries.agenda(meeting)] == [(b.pk, 1), (c.pk, 2)]
    with pytest.raises(MeetingError):
        do_move_agenda_item(b, to_position=5, acting_user=None)
    assert verbs().count("meetings.add_agenda_item") == 3
    assert "meetings.remove_agenda_item" in verbs()


def test_speaker_item_needs_speaker_and_topic(meeting: Any) -> None:
    with pytest.raises(MeetingError) as refused:
        do_add_agenda_item(meeting, kind="training", title="Training", acting_user=None)
    assert refused.value.field == "speaker"
    item = do_add_agenda_item(
        meeting,
        kind="training",
        title="Training: the doorstep conversation",
        speaker="Dana Okoye",
        speaker_organisation="Community Organisers Trust",
        topic="Listening on the doorstep",
        acting_user=None,
    )
    assert item.speaker_organisation == "Community Organisers Trust"


def test_unknown_item_kind(meeting: Any) -> None:
    with pytest.raises(MeetingError) as refused:
        do_add_agenda_item(meeting, kind="party", title="Party", acting_user=None)
    assert refused.value.field == "kind"


def test_no_reordering_once_started(meeting: Any, world: Any) -> None:
    a = do_add_agenda_item(meeting, kind="apologies", title="Apologies", acting_user=None)
    do_add_agenda_item(meeting, kind="report", title="Reports", acting_user=None)
    do_start_meeting(meeting, acting_user=None)
    with pytest.raises(MeetingError) as refused:
        do_move_agenda_item(a, to_position=2, acting_user=None)
    assert refused.value.code == "state"
    with pytest.raises(MeetingError):
        do_remove_agenda_item(a, acting_user=None)
    # An emergency item may still be added at the end.
    late = do_add_agenda_item(meeting, kind="any_other_business", title="AOB", acting_user=None)
    assert late.position == 3


# --- check-in ------------------------------------------------------------------------------------


def test_check_in_eligible_member(meeting: Any, world: Any) -> None:
    attendance = do_check_in(meeting, world.members["member"], acting_user=world.users["secretary"])
    assert attendance.eligible
    assert attendance.capacity == "voter"
    assert attendance.method == "secretary"
    assert queries.present_eligible_member_ids(meeting) == [world.members["member"].pk]
    assert "meetings.check_in" in verbs()


def test_recent_joiner_is_refused_and_recorded(meeting: Any, world: Any) -> None:
    attendance = do_check_in(meeting, world.target, acting_user=world.users["secretary"])
    assert not attendance.eligible
    assert attendance.refused
    assert attendance.clause == "7.2"
    assert "weeks" in attendance.reason
    assert Attendance.objects.filter(meeting=meeting, member=world.target).exists()
    event = AuditEvent.objects.get(verb="meetings.check_in")
    assert event.clause == "7.2"
    assert queries.present_eligible_member_ids(meeting) == []
    assert queries.quorum_state(meeting).refused == 1


@pytest.mark.parametrize(
    "traits",
    [{"in_arrears": True, "status_weeks_ago": 3}, {"suspended": True, "status_weeks_ago": 2}],
)
def test_arrears_and_suspension_refused_with_reason(meeting: Any, world: Any, traits: dict) -> None:
    member = MemberFactory(constituency=world.riverside, branch=world.north, **traits)
    attendance = do_check_in(meeting, member, acting_user=world.users["secretary"])
    assert not attendance.eligible
    assert attendance.reason
    assert attendance.clause


def test_member_of_another_unit_is_refused(meeting: Any, world: Any) -> None:
    attendance = do_check_in(meeting, world.members["stranger"], acting_user=None)
    assert not attendance.eligible
    assert attendance.clause


def test_double_check_in_refused(meeting: Any, world: Any) -> None:
    do_check_in(meeting, world.members["member"], acting_user=world.users["secretary"])
    with pytest.raises(MeetingError) as refused:
        do_check_in(meeting, world.members["member"], acting_user=world.users["secretary"])
    assert refused.value.code == "conflict"
    assert "already checked in" in refused.value.message
    assert Attendance.objects.filter(meeting=meeting).count() == 1
    # A refused member cannot check in again either.
    do_check_in(meeting, world.target, acting_user=None)
    with pytest.raises(MeetingError):
        do_check_in(meeting, world.target, acting_user=None, method="code")


def test_guest_and_observer_cannot_vote(meeting: Any, world: Any) -> None:
    guest = do_check_in_guest(meeting, name="Dana Okoye", acting_user=world.users["secretary"])
    observer = do_check_in(meeting, world.members["member"], acting_user=None, capacity="observer")
    assert not guest.eligible
    assert guest.member is None
    assert guest.capacity == "guest"
    assert not observer.eligible
    assert not observer.refused
    state = queries.quorum_state(meeting)
    assert state.present_eligible == 0
    assert (state.guests, state.observers) == (1, 1)
    assert not queries.is_present_and_eligible(meeting, world.members["member"]).allowed
    with pytest.raises(MeetingError):
        do_check_in_guest(meeting, name="  ", acting_user=None)


def test_check_out_and_back(meeting: Any, world: Any) -> None:
    member = world.members["member"]
    attendance = do_check_in(meeting, member, acting_user=None)
    do_check_out(attendance, acting_user=None)
    assert queries.present_eligible_member_ids(meeting) == []
    with pytest.raises(MeetingError):
        do_check_out(attendance, acting_user=None)
    again = do_check_in(meeting, member, acting_user=None)
    assert again.pk == attendance.pk
    assert again.left_at is None
    assert queries.present_eligible_member_ids(meeting) == [member.pk]


def test_self_check_in_with_code(meeting: Any, world: Any) -> None:
    member = world.members["member"]
    with pytest.raises(MeetingError) as refused:
        do_check_in_with_code(meeting, member, code="WRONG1", acting_user=member.user)
    assert refused.value.field == "code"
    attendance = do_check_in_with_code(
        meeting, member, code=meeting.check_in_code.lower(), acting_user=member.user
    )
    assert attendance.method == "code"
    assert attendance.eligible
    with pytest.raises(MeetingError):
        do_check_in_with_code(meeting, None, code=meeting.check_in_code, acting_user=None)


def test_self_check_in_only_on_the_day(make_meeting: Any, world: Any) -> None:
    meeting = make_meeting(starts_at=tonight(3))
    member = world.members["member"]
    with pytest.raises(MeetingError) as refused:
        do_check_in_with_code(meeting, member, code=meeting.check_in_code, acting_user=None)
    assert refused.value.code == "state"


def test_no_check_in_after_close(meeting: Any, world: Any) -> None:
    do_start_meeting(meeting, acting_user=None)
    do_close_meeting(meeting, acting_user=None)
    with pytest.raises(MeetingError) as refused:
        do_check_in(meeting, world.members["member"], acting_user=None)
    assert refused.value.code == "state"


# --- quorum and the chair's moves ---------------------------------------------------------------


def test_quorum_at_the_exact_boundary(meeting: Any, make_members: Any) -> None:
    """5% of 101 is 5.05, rounded up: 6. Five present is inquorate; six is quorate."""
    Meeting.objects.filter(pk=meeting.pk).update(eligible_roll=101)
    meeting.refresh_from_db()
    members = make_members(6)
    for member in members[:5]:
        do_check_in(meeting, member, acting_user=None)
    state = queries.quorum_state(meeting)
    assert (state.present_eligible, state.required, state.quorate) == (5, 6, False)
    assert state.shortfall == 1
    assert state.clause == "7.6.1"
    assert "101" in state.text
    do_check_in(meeting, members[5], acting_user=None)
    state = queries.quorum_state(meeting)
    assert (state.present_eligible, state.quorate) == (6, True)


def test_quorum_floor(meeting: Any, make_members: Any) -> None:
    """A roll of 100 needs exactly 5 (5%), and the floor of 5 also applies to tiny rolls."""
    Meeting.objects.filter(pk=meeting.pk).update(eligible_roll=100)
    meeting.refresh_from_db()
    assert queries.quorum_state(meeting).required == 5
    Meeting.objects.filter(pk=meeting.pk).update(eligible_roll=4)
    meeting.refresh_from_db()
    assert queries.quorum_state(meeting).required == 5


def test_inquorate_meeting_may_take_only_allowed_business(meeting: Any, world: Any) -> None:
    apologies = do_add_agenda_item(meeting, kind="apologies", title="Apologies", acting_user=None)
    motions = do_add_agenda_item(meeting, kind="motion", title="Motions", acting_user=None)
    do_start_meeting(meeting, acting_user=world.users["chair"])
    do_set_current_item(meeting, apologies, acting_user=world.users["chair"])
    with pytest.raises(MeetingError) as refused:
        do_set_current_item(meeting, motions, acting_user=world.users["chair"])
    error = refused.value
    assert error.clause == "7.6.1"
    assert "not quorate" in error.message
    assert "motion" in error.message
    meeting.refresh_from_db()
    assert meeting.current_item_id == apologies.pk


def test_chair_moves_through_the_agenda(meeting: Any, make_members: Any, world: Any) -> None:
    items = [
        do_add_agenda_item(meeting, kind=kind, title=title, acting_user=None)
        for kind, title in [
            ("apologies", "Apologies"),
            ("motion", "Motions"),
            ("report", "Reports"),
        ]
    ]
    with pytest.raises(MeetingError):
        do_next_item(meeting, acting_user=None)  # not open yet
    for member in make_members(5):
        do_check_in(meeting, member, acting_user=None)
    do_start_meeting(meeting, acting_user=world.users["chair"])
    with pytest.raises(MeetingError):
        do_start_meeting(meeting, acting_user=None)
    meeting = do_next_item(meeting, acting_user=None)
    assert meeting.current_item_id == items[0].pk
    meeting = do_next_item(meeting, acting_user=None)
    assert meeting.current_item_id == items[1].pk
    items[0].refresh_from_db()
    assert items[0].state == "done"
    meeting = do_previous_item(meeting, acting_user=None)
    assert meeting.current_item_id == items[0].pk
    meeting = do_set_current_item(meeting, items[2], acting_user=None)
    with pytest.raises(MeetingError) as last:
        do_next_item(meeting, acting_user=None)
    assert "last item" in last.value.message
    meeting = do_close_meeting(meeting, acting_user=None)
    assert meeting.is_closed
    assert meeting.current_item_id is None
    occasions = list(QuorumCheck.objects.filter(meeting=meeting).values_list("occasion", flat=True))
    assert occasions == ["start", "item", "item", "item", "item", "close"]
    start = QuorumCheck.objects.filter(meeting=meeting, occasion="start").get()
    assert (start.present_eligible, start.required, start.quorate) == (5, 5, True)


def test_cannot_open_on_another_day(make_meeting: Any) -> None:
    meeting = make_meeting(starts_at=tonight(2))
    with pytest.raises(MeetingError) as refused:
        do_start_meeting(meeting, acting_user=None)
    assert refused.value.code == "state"


def test_quorum_at_a_past_moment(meeting: Any, world: Any) -> None:
    first = do_check_in(meeting, world.members["member"], acting_user=None)
    moment = timezone.now()
    do_check_in(meeting, world.members["chair"], acting_user=None)
    Attendance.objects.filter(pk=first.pk).update(
        checked_in_at=moment - datetime.timedelta(minutes=5)
    )
    assert queries.quorum_at(meeting, moment).present_eligible == 1
    assert queries.quorum_state(meeting).present_eligible == 2


# --- minutes -------------------------------------------------------------------------------------


def _run_meeting(meeting: Any, world: Any, members: list[Any]) -> Any:
    do_add_agenda_item(meeting, kind="apologies", title="Apologies", acting_user=None)
    do_add_agenda_item(
        meeting,
        kind="training",
        title="Training session",
        speaker="Dana Okoye",
        speaker_organisation="Community Organisers Trust",
        topic="Listening on the doorstep",
        acting_user=None,
    )
    for member in members:
        do_check_in(meeting, member, acting_user=None)
    do_check_in(meeting, world.target, acting_user=None)
    do_check_in_guest(meeting, name="Dana Okoye", acting_user=None)
    do_start_meeting(meeting, acting_user=None)
    meeting = do_next_item(meeting, acting_user=None)
    meeting = do_next_item(meeting, acting_user=None)  # the training: every item is taken
    return do_close_meeting(meeting, acting_user=None)


def test_minutes_drafted_from_the_records(meeting: Any, world: Any, make_members: Any) -> None:
    with pytest.raises(MeetingError):
        do_draft_minutes(meeting, acting_user=None)  # not closed yet
    meeting = _run_meeting(meeting, world, make_members(6))
    minutes = do_draft_minutes(meeting, acting_user=world.users["secretary"])
    keys = [s["key"] for s in minutes.sections]
    assert keys == [
        "opening",
        "apologies",
        "attendance",
        "quorum",
        "agenda",
        "speakers",
        "close",
    ]
    by_key = {s["key"]: s for s in minutes.sections}
    assert by_key["attendance"]["paragraphs"][0].startswith("6 members checked in as eligible")
    assert "1 member was refused" in by_key["attendance"]["paragraphs"][0]
    assert any("clause 7.2" in p for p in by_key["attendance"]["paragraphs"])
    start_check = QuorumCheck.objects.get(meeting=meeting, occasion="start")
    assert f"[quorum check {start_check.pk}]" in by_key["quorum"]["paragraphs"][0]
    assert "6 eligible members present" in by_key["quorum"]["paragraphs"][0]
    assert (
        "Dana Okoye (Community Organisers Trust) gave a training session"
        in (by_key["speakers"]["paragraphs"][0])
    )
    for section in minutes.sections:
        assert section["refs"], section["key"]  # every section links to its records
    assert minutes.versions.count() == 1


def test_registered_minutes_sections_are_included(
    meeting: Any, world: Any, make_members: Any
) -> None:
    from moot.meetings import hooks

    def votes(m: Any) -> hooks.MinutesSection:
        return hooks.MinutesSection("Votes", [f"No votes at meeting {m.pk}."], "test", [])

    hooks.register_minutes_section("test-votes", 50, votes)
    try:
        meeting = _run_meeting(meeting, world, make_members(1))
        minutes = do_draft_minutes(meeting, acting_user=None)
        keys = [s["key"] for s in minutes.sections]
        assert keys.index("test-votes") == keys.index("speakers") + 1
    finally:
        hooks._MINUTES_SECTIONS.pop("test-votes")


def test_minutes_edited_versioned_and_approved_at_the_next_meeting(
    meeting: Any, world: Any, make_members: Any, make_meeting: Any
) -> None:
    members = make_members(6)
    meeting = _run_meeting(meeting, world, members)
    minutes = do_draft_minutes(meeting, acting_user=None)
    minutes = do_edit_minutes(
        minutes,
        texts={"close": "The chair thanked the hall.\n\nThe meeting closed."},
        note="thanks",
        acting_user=world.users["secretary"],
    )
    assert minutes.version == 2
    close = next(s for s in minutes.sections if s["key"] == "close")
    assert close["paragraphs"] == ["The chair thanked the hall.", "The meeting closed."]
    assert close["refs"]  # the links to the records stay
    event = AuditEvent.objects.filter(verb="meetings.edit_minutes").get()
    assert event.before["close"] != event.after["close"]
    # Unchanged text is not a new version.
    same = do_edit_minutes(
        minutes,
        texts={"close": "The chair thanked the hall.\n\nThe meeting closed."},
        acting_user=None,
    )
    assert same.version == 2

    # The same meeting cannot approve its own minutes; the next one, in progress, can.
    next_meeting = make_meeting(starts_at=tonight() + datetime.timedelta(hours=1))
    with pytest.raises(MeetingError) as not_open:
        do_approve_minutes(minutes, at_meeting=next_meeting, acting_user=None)
    assert not_open.value.code == "state"
    assert queries.minutes_awaiting_approval(next_meeting) == minutes
    for member in members:
        Attendance.objects.create(
            meeting=next_meeting,
            member=member,
            capacity="voter",
            eligible=True,
            checked_in_at=timezone.now(),
        )
    do_start_meeting(next_meeting, acting_user=None)
    minutes = do_approve_minutes(
        minutes,
        at_meeting=next_meeting,
        corrections="Item 2: the trainer's organisation is the Community Organisers Trust.",
        acting_user=world.users["chair"],
    )
    assert minutes.state == MinutesState.APPROVED
    assert len(minutes.content_hash) == 64
    assert minutes.version == 3
    corrections = minutes.sections[-1]
    assert corrections["key"] == "corrections"
    assert corrections["paragraphs"] == [
        "Item 2: the trainer's organisation is the Community Organisers Trust."
    ]
    assert close["paragraphs"] == ["The chair thanked the hall.", "The meeting closed."]
    with pytest.raises(MeetingError):
        do_edit_minutes(minutes, texts={"close": "x"}, acting_user=None)
    with pytest.raises(MeetingError):
        do_draft_minutes(meeting, acting_user=None)
    with pytest.raises(MeetingError):
        do_approve_minutes(minutes, at_meeting=next_meeting, acting_user=None)
    # The approving meeting's own minutes record the approval, as corrected.
    next_meeting = do_close_meeting(next_meeting, acting_user=None)
    later = do_draft_minutes(next_meeting, acting_user=None)
    approval = next(s for s in later.sections if s["key"] == "previous-minutes")
    assert "were approved as corrected" in approval["paragraphs"][0]
    assert minutes.content_hash in approval["paragraphs"][0]


def test_inquorate_meeting_may_not_approve_minutes(
    meeting: Any, world: Any, make_members: Any, make_meeting: Any
) -> None:
    meeting = _run_meeting(meeting, world, make_members(1))
    minutes = do_draft_minutes(meeting, acting_user=None)
    next_meeting = make_meeting(starts_at=tonight() + datetime.timedelta(hours=1))
    do_start_meeting(next_meeting, acting_user=None)
    with pytest.raises(MeetingError) as refused:
        do_approve_minutes(minutes, at_meeting=next_meeting, acting_user=None)
    assert refused.value.clause == "7.6.1"


def test_another_units_meeting_cannot_approve(
    meeting: Any, world: Any, make_members: Any, make_meeting: Any
) -> None:
    meeting = _run_meeting(meeting, world, make_members(1))
    minutes = do_draft_minutes(meeting, acting_user=None)
    other = make_meeting(
        unit=world.elsewhere,
        chair=None,
        secretary=None,
        starts_at=tonight() + datetime.timedelta(hours=1),
        acting_user=UserFactory(),
    )
    with pytest.raises(MeetingError) as refused:
        do_approve_minutes(minutes, at_meeting=other, acting_user=None)
    assert refused.value.field == "at_meeting"


def test_minutes_give_refusals_as_figures_never_names_or_disciplinary_status(
    meeting: Any, world: Any, make_members: Any
) -> None:
    refused = [
        MemberFactory(constituency=world.riverside, branch=world.north, suspended=True),
        MemberFactory(constituency=world.riverside, branch=world.north, expelled=True),
        MemberFactory(
            constituency=world.riverside, branch=world.north, in_arrears=True, status_weeks_ago=3
        ),
    ]
    for member in refused:
        do_check_in(meeting, member, acting_user=None)
    meeting = _run_meeting(meeting, world, make_members(3))  # also refuses a recent joiner
    minutes = do_draft_minutes(meeting, acting_user=world.users["secretary"])
    text = " ".join(p for s in minutes.sections for p in s["paragraphs"]).lower()
    for word in ("suspend", "investigation", "expel", "arrears", "clause 6.", "since"):
        assert word not in text, word
    for member in [*refused, world.target]:
        assert member.last_name.lower() not in text
    (attendance,) = [s for s in minutes.sections if s["key"] == "attendance"]
    assert attendance["paragraphs"][1] == (
        "4 members were not admitted as voters: 3 were not in good standing on the day of the "
        "meeting (clause 2.1), 1 had not been a member for 8 weeks (clause 7.2)."
    )


@pytest.mark.parametrize(
    ("opened", "expected"),
    [
        (
            datetime.timedelta(hours=-9, minutes=-52),
            "Called for 19:00; opened at 09:08, 9 hours 52 minutes before the time called.",
        ),
        (
            datetime.timedelta(minutes=25),
            "Called for 19:00; opened at 19:25, 25 minutes after the time called.",
        ),
        (datetime.timedelta(seconds=20), "Called for 19:00; opened at 19:00."),
    ],
)
def test_minutes_say_plainly_when_the_meeting_opened_early_or_late(
    meeting: Any, world: Any, make_members: Any, opened: datetime.timedelta, expected: str
) -> None:
    from moot.meetings.models import Meeting

    meeting = _run_meeting(meeting, world, make_members(2))
    Meeting.objects.filter(pk=meeting.pk).update(opened_at=meeting.starts_at + opened)
    meeting.refresh_from_db()
    minutes = do_draft_minutes(meeting, acting_user=world.users["secretary"])
    assert expected in minutes.sections[0]["paragraphs"][0]


def test_early_opening_warning(meeting: Any) -> None:
    from moot.meetings.queries import early_opening_warning

    at = meeting.starts_at
    assert early_opening_warning(meeting, at - datetime.timedelta(hours=9, minutes=52)) == (
        "9 hours 52 minutes"
    )
    assert early_opening_warning(meeting, at - datetime.timedelta(minutes=31)) == "31 minutes"
    assert early_opening_warning(meeting, at - datetime.timedelta(minutes=30)) == ""
    assert early_opening_warning(meeting, at + datetime.timedelta(minutes=5)) == ""
