"""Minutes that a secretary would sign (issue 9 item 8): apologies for absence recorded and
listed, officers' reports with their text, the quorum stated once with its changes, the
signature block on approved minutes (page and PDF), one date format."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from moot.audit.models import AuditEvent
from moot.meetings.actions import (
    MeetingError,
    do_add_agenda_item,
    do_approve_minutes,
    do_check_in,
    do_check_out,
    do_close_meeting,
    do_draft_minutes,
    do_next_item,
    do_record_apology,
    do_send_apology,
    do_set_current_item,
    do_start_meeting,
    do_withdraw_apology,
)
from moot.meetings.minutes import quorum_paragraphs
from moot.meetings.models import Apology, QuorumCheck

from .conftest import tonight

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def section(minutes: Any, key: str) -> dict[str, Any]:
    return next(s for s in minutes.sections if s["key"] == key)


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


# --- apologies ---------------------------------------------------------------------------------


def test_a_member_sends_apologies_before_the_meeting_and_not_after_it_starts(
    world: Any, meeting: Any
) -> None:
    member = world.members["member"]
    do_send_apology(meeting, member, acting_user=world.users["member"])
    apology = Apology.objects.get(meeting=meeting, member=member)
    assert apology.sent_by == "member"
    assert AuditEvent.objects.filter(verb="meetings.send_apology").count() == 1
    with pytest.raises(MeetingError) as twice:
        do_send_apology(meeting, member, acting_user=world.users["member"])
    assert twice.value.code == "conflict"
    # Someone else's apologies are the secretary's to record.
    with pytest.raises(MeetingError) as other:
        do_send_apology(meeting, world.members["chair"], acting_user=world.users["member"])
    assert other.value.code == "forbidden"
    do_withdraw_apology(meeting, member, by_member=True, acting_user=world.users["member"])
    assert not Apology.objects.exists()
    do_start_meeting(meeting, acting_user=None)
    with pytest.raises(MeetingError, match="ask the secretary") as started:
        do_send_apology(meeting, member, acting_user=world.users["member"])
    assert started.value.code == "state"
    # The secretary records it during the meeting.
    do_record_apology(meeting, member, acting_user=world.users["secretary"])
    assert Apology.objects.get().sent_by == "officer"
    assert AuditEvent.objects.filter(verb="meetings.record_apology").count() == 1


def test_apologies_are_refused_for_someone_present_or_outside_the_unit(
    world: Any, meeting: Any
) -> None:
    do_check_in(meeting, world.members["member"], acting_user=None)
    with pytest.raises(MeetingError, match="checked in at the meeting"):
        do_record_apology(meeting, world.members["member"], acting_user=None)
    with pytest.raises(MeetingError, match="not a member of Riverside") as outside:
        do_record_apology(meeting, world.members["stranger"], acting_user=None)
    assert outside.value.field == "member"
    assert not Apology.objects.exists()


def test_the_minutes_list_apologies_of_those_who_did_not_come(
    world: Any, meeting: Any, make_members: Any
) -> None:
    absent, came = make_members(2)
    for member in (absent, world.members["member"], came):
        do_record_apology(meeting, member, acting_user=None)
    do_start_meeting(meeting, acting_user=None)
    # Apologies were sent, then the member came after all: not listed as absent.
    do_check_in(meeting, came, acting_user=None)
    meeting = do_close_meeting(meeting, acting_user=None)
    minutes = do_draft_minutes(meeting, acting_user=None)
    text = section(minutes, "apologies")["paragraphs"][0]
    member = world.members["member"]
    assert text.startswith("Apologies for absence were received from ")
    assert f"{absent.first_name} {absent.last_name}" in text
    assert f"{member.first_name} {member.last_name}" in text
    assert f"{came.first_name} {came.last_name}" not in text


def test_after_the_close_the_apologies_page_says_why_there_is_no_form(
    world: Any, meeting: Any
) -> None:
    do_start_meeting(meeting, acting_user=None)
    do_close_meeting(meeting, acting_user=None)
    url = reverse("meetings:apologies", args=[meeting.pk])
    secretary = client_for(world.users["secretary"]).get(url).content.decode()
    assert "Record the apologies" not in secretary
    assert "The meeting has closed: its apologies are part of the record" in secretary
    member = client_for(world.users["member"]).get(url).content.decode()
    assert "Send my apologies" not in member
    assert "It has closed, so none can be sent now" in member


def test_apologies_page_and_api(world: Any, meeting: Any) -> None:
    member = client_for(world.users["member"])
    url = reverse("meetings:apologies", args=[meeting.pk])
    page = member.get(url).content.decode()
    assert "Send my apologies" in page
    assert "Record a member" not in page  # the officer's form
    member.post(reverse("meetings:send_apology", args=[meeting.pk]))
    page = member.get(url).content.decode()
    assert "Your apologies are recorded" in page
    assert "Withdraw my apologies" in page
    # A member cannot record anyone else's (403), nor see numbers of others.
    other = world.members["chair"].number
    assert member.post(url, {"member": other}).status_code == 403
    secretary = client_for(world.users["secretary"])
    response = secretary.post(url, {"member": other})
    assert response.status_code == 302
    page = secretary.get(url).content.decode()
    assert "Record the apologies" in page
    bad = secretary.post(url, {"member": "M9999999"})
    assert bad.status_code == 400
    assert "No member of Riverside has the number M9999999" in bad.content.decode()
    # The API: list, send, withdraw.
    api = f"/api/meetings/{meeting.pk}/apologies"
    listed = member.get(api).json()
    assert sorted(a["sent_by"] for a in listed) == ["member", "officer"]
    assert member.delete(api, data="{}", content_type="application/json").status_code == 204
    assert member.post(api, data="{}", content_type="application/json").status_code == 201
    refused = member.post(api, data="{}", content_type="application/json")
    assert refused.status_code == 409
    assert refused.json()["field"] == "member"
    outsider = client_for(world.users["outsider"])
    assert outsider.get(api).status_code == 404


# --- reports ----------------------------------------------------------------------------------


def test_reports_are_minuted_with_who_presented_them_and_their_text(
    world: Any, meeting: Any, make_quorate: Any
) -> None:
    do_add_agenda_item(
        meeting,
        kind="report",
        title="Treasurer's report",
        speaker="The Treasurer",
        body="Income for the year was £4,120.\n\nThe accounts were audited in November.",
        acting_user=None,
    )
    do_add_agenda_item(meeting, kind="report", title="Secretary's report", acting_user=None)
    make_quorate(meeting)
    do_start_meeting(meeting, acting_user=None)
    do_next_item(meeting, acting_user=None)
    meeting = do_close_meeting(meeting, acting_user=None)
    minutes = do_draft_minutes(meeting, acting_user=None)
    reports = section(minutes, "reports")["paragraphs"]
    assert reports == [
        "Item 1. Treasurer's report: The Treasurer presented the report; the report follows.",
        "Income for the year was £4,120.",
        "The accounts were audited in November.",
        "Item 2. Secretary's report: not reached.",
    ]


def test_a_speaker_not_reached_is_said_once_without_a_contradiction(
    world: Any, meeting: Any, make_quorate: Any
) -> None:
    do_add_agenda_item(
        meeting,
        kind="speaker",
        title="Guest speaker",
        speaker="Ada Brook",
        speaker_organisation="Hollow Tenants",
        topic="housing repairs",
        acting_user=None,
    )
    do_add_agenda_item(
        meeting,
        kind="training",
        title="Training",
        speaker="Sam Reed",
        topic="running a phone bank",
        acting_user=None,
    )
    make_quorate(meeting)
    do_start_meeting(meeting, acting_user=None)
    do_next_item(meeting, acting_user=None)
    meeting = do_close_meeting(meeting, acting_user=None)
    minutes = do_draft_minutes(meeting, acting_user=None)
    first, second = section(minutes, "speakers")["paragraphs"]
    assert first.startswith("Item 1: Ada Brook (Hollow Tenants) addressed the meeting on housing")
    assert second == "Item 2 (Sam Reed: training session on running a phone bank) was not reached."


# --- quorum --------------------------------------------------------------------------------------


def _check(meeting: Any, occasion: str, present: int, at: datetime.datetime) -> QuorumCheck:
    return QuorumCheck.objects.create(
        meeting=meeting,
        occasion=occasion,
        present_eligible=present,
        eligible_roll=100,
        required=5,
        quorate=present >= 5,
        text="5% of 100 eligible",
        clause="7.6.1",
        at=at,
    )


def test_the_quorum_is_stated_once_with_its_changes(world: Any, meeting: Any) -> None:
    at = tonight()
    checks = [
        _check(meeting, "start", 6, at),
        *[_check(meeting, "item", 6, at + datetime.timedelta(minutes=m)) for m in (5, 10)],
        _check(meeting, "item", 4, at + datetime.timedelta(minutes=20)),
        _check(meeting, "item", 4, at + datetime.timedelta(minutes=25)),
        _check(meeting, "item", 7, at + datetime.timedelta(minutes=30)),
        _check(meeting, "close", 7, at + datetime.timedelta(minutes=45)),
    ]
    paragraphs = quorum_paragraphs(checks)
    assert len(paragraphs) == 4
    assert paragraphs[0].startswith("At the opening (19:00): 6 eligible members present")
    assert "the meeting was quorate" in paragraphs[0]
    assert paragraphs[1].startswith("The quorum was lost at 19:20")
    assert paragraphs[2].startswith("The quorum was regained at 19:30")
    assert paragraphs[3].startswith("At the close (19:45): 7 present; the meeting was quorate")
    steady = quorum_paragraphs([checks[0], checks[1], checks[2]])
    assert len(steady) == 2
    assert steady[1].startswith("The meeting remained quorate throughout")
    assert sum("quorum" in p.lower() or "quorate" in p for p in paragraphs) == 4


def test_drafted_minutes_say_the_quorum_once(world: Any, meeting: Any, make_quorate: Any) -> None:
    items = [
        do_add_agenda_item(meeting, kind=kind, title=kind.capitalize(), acting_user=None)
        for kind in ("report", "report", "any_other_business", "apologies")
    ]
    present = make_quorate(meeting)
    do_start_meeting(meeting, acting_user=None)
    for item in items[:3]:  # quorate at each: the minutes do not say so again
        do_set_current_item(meeting, item, acting_user=None)
    do_check_out(meeting.attendances.get(member=present[0]), acting_user=None)
    do_set_current_item(meeting, items[3], acting_user=None)  # apologies: allowed inquorate
    meeting = do_close_meeting(meeting, acting_user=None)
    minutes = do_draft_minutes(meeting, acting_user=None)
    quorum = section(minutes, "quorum")["paragraphs"]
    everything = " ".join(p for s in minutes.sections for p in s["paragraphs"])
    assert quorum[0].startswith("At the opening (")
    assert any(p.startswith("The quorum was lost at") for p in quorum)
    assert everything.count("quorum check") == len(quorum)


# --- signature, dates, PDF -----------------------------------------------------------------------


def test_approved_minutes_carry_the_signature_block_in_the_page_and_the_pdf(
    world: Any, meeting: Any, make_members: Any, make_meeting: Any, make_quorate: Any
) -> None:
    make_quorate(meeting)
    do_start_meeting(meeting, acting_user=None)
    meeting = do_close_meeting(meeting, acting_user=None)
    minutes = do_draft_minutes(meeting, acting_user=None)
    member = client_for(world.users["member"])
    draft = member.get(reverse("meetings:minutes", args=[meeting.pk])).content.decode()
    assert "Signed as a true record" not in draft
    assert "DRAFT" in pdf_text(
        member.get(reverse("meetings:minutes_pdf", args=[meeting.pk])).content
    )
    next_meeting = make_meeting(
        starts_at=tonight() + datetime.timedelta(hours=1), title="Riverside general meeting"
    )
    make_quorate(next_meeting)
    do_start_meeting(next_meeting, acting_user=None)
    minutes = do_approve_minutes(minutes, at_meeting=next_meeting, acting_user=None)
    chair = world.members["chair"]
    signed_by = f"{chair.first_name} {chair.last_name}"
    day = timezone.localtime(minutes.approved_at)
    long_day = f"{day:%A} {day.day} {day:%B %Y}"  # Monday 7 December 2026
    page = member.get(reverse("meetings:minutes", args=[meeting.pk])).content.decode()
    assert "Signed as a true record" in page
    assert f"at the Riverside general meeting on {long_day}" in page
    assert f"<dt>Chair</dt><dd>{signed_by}</dd>" in page
    text = " ".join(
        pdf_text(member.get(reverse("meetings:minutes_pdf", args=[meeting.pk])).content).split()
    )
    assert "Signed as a true record" in text
    assert signed_by in text
    assert f"Approved at Riverside general meeting on {long_day}" in text
    assert "DRAFT" not in text
    for wrong in ("p.m.", "a.m.", " 0" + str(day.day) + " "):
        assert wrong not in text


def test_minutes_dates_are_written_one_way(world: Any, meeting: Any, make_quorate: Any) -> None:
    make_quorate(meeting)
    do_start_meeting(meeting, acting_user=None)
    meeting = do_close_meeting(meeting, acting_user=None)
    minutes = do_draft_minutes(meeting, acting_user=None)
    opening = section(minutes, "opening")["paragraphs"][0]
    start = timezone.localtime(meeting.starts_at)
    assert f"held on {start:%A} {start.day} {start:%B %Y} at" in opening
    page = client_for(world.users["member"]).get(reverse("meetings:minutes", args=[meeting.pk]))
    html = page.content.decode()
    assert "p.m." not in html
    assert "a.m." not in html
