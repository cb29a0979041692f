"""The demo's last AGM (moot.demo.last_agm): recorded through the real meetings actions at the
times of that evening, closed, its minutes drafted from the records and corrected once by the
secretary, awaiting approval; tonight's AGM approves them at item 2 (the chair, on the page),
which seals them by hash. A member cannot approve them."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from moot.audit.models import AuditEvent
from moot.audit.queries import verify_chain
from moot.dates import long_date
from moot.demo import agm, last_agm, seed
from moot.meetings import queries
from moot.meetings.actions import (
    MeetingError,
    do_approve_minutes,
    do_close_meeting,
    do_draft_minutes,
    do_edit_minutes,
    do_next_item,
    do_start_meeting,
)
from moot.meetings.models import Attendance, Meeting, QuorumCheck

pytestmark = pytest.mark.django_db


def seeded(monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[Any, Meeting, Meeting]:
    """The demo as `moot demo` seeds it (without motions and elections when ``monkeypatch``
    is given, for speed): (org, last year's AGM, tonight's AGM)."""
    if monkeypatch is not None:
        monkeypatch.setattr(agm, "EXTENSIONS", ())
    org = seed.seed_foundation()
    tonight = agm.seed_agm(org)
    last = Meeting.objects.get(unit=org.riverside, starts_at__lt=tonight.starts_at)
    return org, last, tonight


def sha256_of(sections: list[dict[str, Any]]) -> str:
    text = json.dumps(sections, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def test_last_agm_is_closed_with_minutes_awaiting_approval(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    org, last, tonight = seeded(monkeypatch)
    day = timezone.localdate(last.starts_at)
    assert last.unit == tonight.unit == org.riverside
    assert last.kind == "agm"
    assert last.is_closed
    assert 350 <= (org.today - day).days <= 371
    assert day.weekday() < 5
    assert last.starts_at.time() == datetime.time(19, 0)
    assert (day - last.notice_sent_on).days >= 28
    # The evening's times, not today's.
    assert timezone.localdate(last.opened_at) == day
    assert last.starts_at < last.opened_at < last.closed_at
    arrivals = last.attendances.values_list("checked_in_at", flat=True)
    assert {timezone.localdate(moment) for moment in arrivals} == {day}
    assert all(item.started_at is not None for item in queries.agenda(last))

    # About 100 members, each eligible as the rulebook decided on that day; two refused.
    voters = Attendance.objects.filter(meeting=last, capacity="voter", eligible=True)
    assert 95 <= voters.count() <= 105
    assert voters.filter(member=org.members["chair"]).exists()
    assert not voters.filter(member__joined_on__gt=day - datetime.timedelta(weeks=8)).exists()
    refused = Attendance.objects.filter(meeting=last, capacity="voter", eligible=False)
    assert refused.count() == last_agm.REFUSED
    assert all(a.clause == "7.2" for a in refused)

    minutes = last.minutes
    assert minutes.state == "draft"
    assert minutes.version == 2
    notes = list(minutes.versions.order_by("number").values_list("note", flat=True))
    assert notes[0] == "drafted from the records"
    assert last_agm.SPEAKER_ORGANISATION_CORRECTED in notes[1]
    assert queries.minutes_awaiting_approval(tonight) == minutes
    speakers = next(s for s in minutes.sections if s["key"] == "speakers")
    assert speakers["edited"]
    assert last_agm.SPEAKER_ORGANISATION_CORRECTED in speakers["paragraphs"][0]
    first = minutes.versions.get(number=1).sections
    assert last_agm.SPEAKER_ORGANISATION in json.dumps(first)

    # Every figure cites its record, and the record holds that figure.
    by_key = {s["key"]: s for s in minutes.sections}
    assert by_key["attendance"]["paragraphs"][0].startswith(
        f"{voters.count()} members checked in as eligible voters; 2 members were refused"
    )
    assert by_key["attendance"]["refs"] == [
        ["Attendance register", reverse("meetings:attendance", args=[last.pk])]
    ]
    # The quorum is stated once, at the opening, then only its changes: the meeting stayed
    # quorate, so one sentence more says so from the last of its checks.
    assert last.quorum_checks.count() == 2 + len(last_agm.AGENDA)
    paragraphs = by_key["quorum"]["paragraphs"]
    assert len(paragraphs) == 2
    assert "remained quorate throughout" in paragraphs[1]
    for paragraph in paragraphs:
        match = re.search(
            r"(\d+) (?:eligible members )?present.*\[quorum check (\d+)\]$", paragraph
        )
        assert match, paragraph
        check = QuorumCheck.objects.get(pk=int(match.group(2)))
        assert check.meeting_id == last.pk
        assert check.present_eligible == int(match.group(1)) == voters.count()
        assert timezone.localdate(check.at) == day
    opened = timezone.localtime(last.opened_at).strftime("%H:%M")
    assert f"opened at {opened}" in by_key["opening"]["paragraphs"][0]
    assert f"Meeting record {last.pk}".lower() in by_key["opening"]["source_note"].lower()

    # The audit events were written today, each saying when the step happened.
    start = AuditEvent.objects.get(verb="meetings.start_meeting", object_id=str(last.pk))
    assert timezone.localdate(start.occurred_at) == timezone.localdate()
    assert start.after["happened_at"] == last.opened_at.isoformat()
    checked, problems = verify_chain()
    assert checked > 0
    assert problems == []


def test_the_chair_approves_them_at_item_2_tonight_and_they_are_sealed() -> None:
    org, last, tonight = seeded()
    minutes = last.minutes
    chair, member = Client(), Client()
    chair.force_login(org.accounts["chair"])
    member.force_login(org.accounts["member"])
    move = reverse("meetings:chair_move", args=[tonight.pk])
    console = reverse("meetings:chair", args=[tonight.pk])
    approve = reverse("meetings:approve_minutes", args=[tonight.pk])

    assert chair.post(move, {"move": "start"}).status_code == 302
    item = tonight.items.get(position=2)
    assert item.kind == "minutes"
    chair.post(move, {"move": "set", "item": item.pk})
    item.refresh_from_db()
    assert item.state == "current"
    page = chair.get(console).content.decode()
    label = escape(f"Minutes of {last}: draft, version 2, to approve")
    assert label in page
    assert "The meeting approves these minutes" in page
    assert reverse("meetings:minutes", args=[last.pk]) in page
    # The meeting page shows members the link under item 2, without the way to approve.
    seen = member.get(reverse("meetings:detail", args=[tonight.pk])).content.decode()
    assert label in seen
    assert escape("Approve them (chair's console)") in page
    assert escape("Approve them (chair's console)") not in seen

    # A member cannot approve them.
    assert member.post(approve, {"minutes": minutes.pk}).status_code == 403
    minutes.refresh_from_db()
    assert minutes.state == "draft"

    correction = "The treasurer's report was received, not adopted."
    response = chair.post(approve, {"minutes": minutes.pk, "corrections": correction})
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert minutes.state == "approved"
    assert minutes.approved_at_meeting == tonight
    assert minutes.version == 3
    assert minutes.sections[-1]["key"] == "corrections"
    assert minutes.sections[-1]["paragraphs"] == [correction]
    assert minutes.content_hash == sha256_of(minutes.sections)
    with pytest.raises(MeetingError, match="approved"):
        do_edit_minutes(minutes, texts={"close": "Changed."}, acting_user=org.accounts["secretary"])
    with pytest.raises(MeetingError, match="approved"):
        do_draft_minutes(last, acting_user=org.accounts["secretary"])

    # The minutes page and the PDF say where and when they were approved.
    page = member.get(reverse("meetings:minutes", args=[last.pk])).content.decode()
    assert minutes.content_hash in page
    pdf = member.get(reverse("meetings:minutes_pdf", args=[last.pk]))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    html = render_to_string(
        "meetings/minutes_pdf.html",
        {"meeting": last, "minutes": minutes, "base": "", "generated_at": timezone.now()},
    )
    approved_on = long_date(timezone.localdate(minutes.approved_at))
    assert escape(f"Approved at {tonight.title} on {approved_on}") in html
    assert "DRAFT" not in html
    links = chair.get(console).content.decode()
    assert escape(f"Minutes of {last}: approved") in links


def test_approved_as_read_through_the_action_and_recorded_in_tonights_minutes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    org, last, tonight = seeded(monkeypatch)
    chair = org.accounts["chair"]
    tonight = do_start_meeting(tonight, acting_user=chair)
    tonight = do_next_item(tonight, acting_user=chair)
    tonight = do_next_item(tonight, acting_user=chair)
    assert queries.current_item(tonight).kind == "minutes"
    minutes = do_approve_minutes(last.minutes, at_meeting=tonight, acting_user=chair)
    assert minutes.state == "approved"
    assert minutes.version == 2  # as read: the text is the secretary's corrected version
    assert minutes.content_hash == sha256_of(minutes.versions.get(number=2).sections)
    with pytest.raises(MeetingError, match="were approved on"):
        do_approve_minutes(minutes, at_meeting=tonight, acting_user=chair)
    do_close_meeting(tonight, acting_user=chair)
    own = do_draft_minutes(tonight, acting_user=org.accounts["secretary"])
    previous = next(s for s in own.sections if s["key"] == "previous-minutes")
    assert "approved as read" in previous["paragraphs"][0]
    assert minutes.content_hash in previous["paragraphs"][0]


def _without_ids(sections: list[dict[str, Any]]) -> list[list[str]]:
    ids = re.compile(r"(quorum check|record|meetings/|meeting:)\s?\d+")
    return [[ids.sub(r"\1 #", p) for p in s["paragraphs"]] for s in sections]


@pytest.mark.django_db(transaction=True)  # flush truncates: outside a test transaction (PostgreSQL)
def test_last_agm_is_deterministic() -> None:
    def record() -> tuple[list[str], list[list[str]]]:
        org = seed.seed_foundation(today=today)
        meeting = last_agm.seed_last_agm(org)
        present = list(
            meeting.attendances.filter(member__isnull=False)
            .order_by("checked_in_at", "id")
            .values_list("member__number", flat=True)
        )
        return present, _without_ids(meeting.minutes.sections)

    today = timezone.localdate()
    first = record()
    call_command("flush", interactive=False, verbosity=0)
    assert record() == first
