"""Meeting pages: who may open each (member, secretary, chair, outsider, another unit's
officer), the chair's console, check-in at the door and with the code, the minutes PDF, and no
inline script or style anywhere (the CSP forbids them)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from moot.meetings.actions import (
    do_add_agenda_item,
    do_check_in,
    do_check_in_guest,
    do_close_meeting,
    do_start_meeting,
)
from moot.meetings.models import Attendance, Meeting

from .conftest import tonight

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"|\son[a-z]+=\"", re.IGNORECASE)

VIEWERS = {"member", "secretary", "chair", "branch_secretary", "national_staff", "admin"}
MANAGERS = {"secretary", "chair", "national_staff", "admin"}
ROLES = ["member", "secretary", "chair", "branch_secretary", "outsider", "national_staff", "admin"]

PAGES = [
    ("meetings:detail", VIEWERS),
    ("meetings:live", VIEWERS),
    ("meetings:quorum", VIEWERS),
    ("meetings:ics", VIEWERS),
    ("meetings:projector", VIEWERS),
    ("meetings:projector_fragment", VIEWERS),
    ("meetings:join", VIEWERS),
    ("meetings:minutes", VIEWERS),
    ("meetings:apologies", VIEWERS),
    ("meetings:agenda", MANAGERS),
    ("meetings:chair", MANAGERS),
    ("meetings:check_in", MANAGERS),
    ("meetings:qr", MANAGERS),
    ("meetings:attendance", MANAGERS),
    ("meetings:attendance_csv", MANAGERS),
]


def signed_in(world: Any, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def assert_clean(response: Any) -> None:
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html)
    assert not INLINE_STYLE.search(html), INLINE_STYLE.search(html)


@pytest.mark.parametrize(("url_name", "allowed"), PAGES)
def test_page_permissions(world: Any, meeting: Meeting, url_name: str, allowed: set) -> None:
    url = reverse(url_name, args=[meeting.pk])
    for role in ROLES:
        response = signed_in(world, role).get(url)
        # The outsider may not see the meeting at all: 404, the answer for a meeting that does
        # not exist (moot.access); the others see it, and some may not do this: 403.
        expected = 200 if role in allowed else 404 if role == "outsider" else 403
        assert response.status_code == expected, (role, url_name, response.status_code)
        if expected == 200 and response["Content-Type"].startswith("text/html"):
            assert_clean(response)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert "login" in anonymous["Location"]


def test_other_units_officer_cannot_manage(world: Any, make_meeting: Any) -> None:
    from factories import OfficeHoldingFactory, PostFactory, UserFactory

    other = make_meeting(
        unit=world.elsewhere, chair=None, secretary=None, acting_user=UserFactory()
    )
    post = PostFactory(unit=world.elsewhere, slug="secretary")
    holding = OfficeHoldingFactory(post=post)
    holding.member.user = UserFactory(email="elsewhere.secretary@example.org")
    holding.member.save()
    client = Client()
    client.force_login(holding.member.user)
    assert client.get(reverse("meetings:check_in", args=[other.pk])).status_code == 200
    riverside = Meeting.objects.exclude(pk=other.pk).first() or make_meeting()
    # A meeting of a unit they may not see is answered as one that does not exist (moot.access).
    assert client.get(reverse("meetings:detail", args=[riverside.pk])).status_code == 404


def test_list_and_schedule(world: Any, meeting: Meeting) -> None:
    client = signed_in(world, "member")
    response = client.get(reverse("meetings:list"))
    assert response.status_code == 200
    assert meeting.title in response.content.decode()
    assert_clean(response)
    assert client.get(reverse("meetings:schedule")).status_code == 403
    assert signed_in(world, "outsider").get(reverse("meetings:list")).status_code == 403
    nav = client.get(reverse("dashboard")).content.decode()
    assert reverse("meetings:list") in nav


def test_schedule_form_refuses_short_notice_with_clause(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(world, "secretary")
    page = client.get(reverse("meetings:schedule"))
    assert page.status_code == 200
    assert_clean(page)
    day = datetime.date.today() + datetime.timedelta(days=10)
    data = {
        "unit": world.riverside.pk,
        "kind": "agm",
        "date": day.isoformat(),
        "time": "19:00",
        "attendance_mode": "in_person",
        "location": "Hollow Community Hall",
        "chair_number": world.members["chair"].number,
    }
    response = client.post(reverse("meetings:schedule"), data)
    assert response.status_code == 200
    assert "7.5.2" in response.content.decode()
    assert not Meeting.objects.exists()
    data["date"] = (datetime.date.today() + datetime.timedelta(days=40)).isoformat()
    response = client.post(reverse("meetings:schedule"), data)
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:detail", args=[meeting.pk])
    assert meeting.chair == world.members["chair"]
    # Then the notice goes out by e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meetings:send_notice", args=[meeting.pk]))
    assert response.status_code == 302
    assert len(mail.outbox) == 4
    assert (
        signed_in(world, "member")
        .post(reverse("meetings:send_notice", args=[meeting.pk]))
        .status_code
        == 403
    )


def test_agenda_page_adds_moves_removes(world: Any, meeting: Meeting) -> None:
    client = signed_in(world, "secretary")
    url = reverse("meetings:agenda", args=[meeting.pk])
    assert client.post(url, {"kind": "apologies", "title": "Apologies"}).status_code == 302
    assert client.post(url, {"kind": "report", "title": "Reports"}).status_code == 302
    bad = client.post(url, {"kind": "speaker", "title": "Guest speaker"})
    assert bad.status_code == 200
    assert "Name the invited speaker" in bad.content.decode()
    reports = meeting.items.get(title="Reports")
    client.post(reverse("meetings:move_item", args=[reports.pk]), {"to": "1"})
    assert list(meeting.items.order_by("position").values_list("title", flat=True)) == [
        "Reports",
        "Apologies",
    ]
    client.post(reverse("meetings:remove_item", args=[reports.pk]))
    assert list(meeting.items.values_list("title", flat=True)) == ["Apologies"]
    member = signed_in(world, "member")
    assert member.post(url, {"kind": "report", "title": "x"}).status_code == 403


def test_chair_console_moves_and_inquorate_message(world: Any, meeting: Meeting) -> None:
    do_add_agenda_item(meeting, kind="apologies", title="Apologies", acting_user=None)
    do_add_agenda_item(meeting, kind="motion", title="Motions", acting_user=None)
    client = signed_in(world, "chair")
    move = reverse("meetings:chair_move", args=[meeting.pk])
    client.post(move, {"move": "start"})
    client.post(move, {"move": "next"})
    meeting.refresh_from_db()
    assert meeting.is_open
    assert meeting.current_item.title == "Apologies"
    response = client.post(move, {"move": "next"}, follow=True)
    text = response.content.decode()
    assert "not quorate" in text
    assert "7.6.1" in text
    meeting.refresh_from_db()
    assert meeting.current_item.title == "Apologies"
    # Every participant's page shows the current item; the live fragment refreshes it.
    live = signed_in(world, "member").get(reverse("meetings:live", args=[meeting.pk]))
    assert "Apologies" in live.content.decode()
    assert 'hx-trigger="every' in live.content.decode()
    assert signed_in(world, "member").post(move, {"move": "close"}).status_code == 403
    # "close" asks first (meetings:end lists unfinished business); the confirmation closes.
    client.post(move, {"move": "close"})
    meeting.refresh_from_db()
    assert meeting.is_open
    client.post(reverse("meetings:end", args=[meeting.pk]), {"choice": "close"})
    meeting.refresh_from_db()
    assert meeting.is_closed


def test_check_in_search_and_door(world: Any, meeting: Meeting) -> None:
    client = signed_in(world, "secretary")
    url = reverse("meetings:check_in", args=[meeting.pk])
    target = world.target
    fragment = client.get(
        url, {"q": target.number}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="check-in-results"
    )
    html = fragment.content.decode()
    assert "<html" not in html
    assert target.number in html
    full = client.get(url, {"q": target.last_name})
    assert full.status_code == 200
    assert target.number in full.content.decode()
    response = client.post(
        reverse("meetings:check_in_member", args=[meeting.pk]),
        {"member": target.pk, "q": "a&b\r\nX: y"},
        follow=True,
    )
    assert response.redirect_chain[0][0].endswith("?q=a%26b%0D%0AX%3A+y")
    text = response.content.decode()
    assert "may not vote" in text
    assert "7.2" in text
    assert Attendance.objects.get(meeting=meeting, member=target).refused
    again = client.post(
        reverse("meetings:check_in_member", args=[meeting.pk]), {"member": target.pk}, follow=True
    )
    assert "already checked in" in again.content.decode()
    client.post(
        reverse("meetings:check_in_guest", args=[meeting.pk]),
        {"guest_name": "Dana Okoye", "capacity": "guest"},
    )
    assert Attendance.objects.filter(meeting=meeting, guest_name="Dana Okoye").exists()
    qr = client.get(reverse("meetings:qr", args=[meeting.pk]))
    assert qr["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr.content
    register = client.get(reverse("meetings:attendance", args=[meeting.pk]))
    assert "Dana Okoye" in register.content.decode()


def test_member_self_check_in_with_code(world: Any, meeting: Meeting) -> None:
    client = signed_in(world, "member")
    url = reverse("meetings:join", args=[meeting.pk])
    page = client.get(url, {"code": meeting.check_in_code})
    assert meeting.check_in_code in page.content.decode()
    wrong = client.post(url, {"code": "ZZZZZZ"})
    assert wrong.status_code == 200
    assert "not this meeting" in wrong.content.decode()
    right = client.post(url, {"code": meeting.check_in_code})
    assert right.status_code == 302
    detail = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert "You are checked in and may vote" in detail.content.decode()


def test_minutes_pages_and_pdf(world: Any, meeting: Meeting) -> None:
    do_add_agenda_item(meeting, kind="apologies", title="Apologies", acting_user=None)
    do_check_in(meeting, world.members["member"], acting_user=None)
    do_start_meeting(meeting, acting_user=None)
    do_close_meeting(meeting, acting_user=None)
    client = signed_in(world, "secretary")
    assert client.get(reverse("meetings:minutes_pdf", args=[meeting.pk])).status_code == 404
    client.post(reverse("meetings:draft_minutes", args=[meeting.pk]))
    page = client.get(reverse("meetings:minutes", args=[meeting.pk]))
    text = page.content.decode()
    assert "1 member checked in as eligible" in text
    assert reverse("meetings:attendance", args=[meeting.pk]) in text
    assert_clean(page)
    edit_url = reverse("meetings:edit_minutes", args=[meeting.pk])
    form = client.get(edit_url)
    assert form.status_code == 200
    assert_clean(form)
    client.post(edit_url, {"section-close": "Closed with thanks.", "note": "wording"})
    assert (
        "Closed with thanks."
        in client.get(reverse("meetings:minutes", args=[meeting.pk])).content.decode()
    )
    pdf = signed_in(world, "member").get(reverse("meetings:minutes_pdf", args=[meeting.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert signed_in(world, "member").post(edit_url, {"section-close": "x"}).status_code == 403
    assert (
        signed_in(world, "outsider")
        .get(reverse("meetings:minutes_pdf", args=[meeting.pk]))
        .status_code
        == 404  # may not see the meeting: as if it did not exist (moot.access)
    )


def test_projector_shows_code_only_to_managers(world: Any, meeting: Meeting) -> None:
    url = reverse("meetings:projector", args=[meeting.pk])
    assert meeting.check_in_code in signed_in(world, "secretary").get(url).content.decode()
    assert meeting.check_in_code not in signed_in(world, "member").get(url).content.decode()


def test_unknown_meeting_is_404(world: Any) -> None:
    assert (
        signed_in(world, "secretary").get(reverse("meetings:detail", args=[999])).status_code == 404
    )


def test_draft_minutes_refused_before_close(world: Any, meeting: Meeting) -> None:
    response = signed_in(world, "secretary").post(
        reverse("meetings:draft_minutes", args=[meeting.pk]), follow=True
    )
    assert "once the meeting has closed" in response.content.decode()
    assert tonight()  # the fixture's meeting is tonight


def test_edit_page_moves_the_date_within_the_notice(world: Any, meeting: Meeting) -> None:
    client = signed_in(world, "secretary")
    url = reverse("meetings:edit", args=[meeting.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert_clean(page)
    later = datetime.date.today() + datetime.timedelta(days=3)
    data = {
        "title": "AGM (moved)",
        "date": later.isoformat(),
        "time": "18:30",
        "attendance_mode": "in_person",
        "location": "Lockside Library",
        "chair_number": world.members["chair"].number,
        "secretary_number": world.members["stranger"].number,
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    # Named by number only: the stranger's record is not the secretary's to see (finding 5).
    assert "No member of Riverside is numbered" in refused.content.decode()
    assert world.members["stranger"].last_name not in refused.content.decode()
    data["secretary_number"] = world.members["secretary"].number
    assert client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "AGM (moved)"
    assert meeting.location == "Lockside Library"
    assert meeting.starts_at.date() == later
    assert signed_in(world, "member").get(url).status_code == 403


def test_dashboard_panel_lists_todays_meeting(world: Any, meeting: Meeting) -> None:
    member = signed_in(world, "member").get(reverse("dashboard")).content.decode()
    assert reverse("meetings:join", args=[meeting.pk]) in member
    chair = signed_in(world, "chair").get(reverse("dashboard")).content.decode()
    assert reverse("meetings:chair", args=[meeting.pk]) in chair
    outsider = signed_in(world, "outsider").get(reverse("dashboard")).content.decode()
    assert meeting.title not in outsider


def test_attendance_csv(world: Any, meeting: Meeting) -> None:
    do_check_in(meeting, world.members["member"], acting_user=None)
    do_check_in(meeting, world.target, acting_user=None)
    do_check_in_guest(meeting, name="=HYPERLINK(1)", acting_user=None)
    response = signed_in(world, "secretary").get(
        reverse("meetings:attendance_csv", args=[meeting.pk])
    )
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("record,member_number,name,capacity,may_vote,reason,clause")
    assert len(lines) == 4
    assert ",'=HYPERLINK(1),guest," in lines[3]
    refused = next(line for line in lines if world.target.number in line)
    assert ",voter,no," in refused
    assert ",7.2," in refused


def test_next_meeting_approves_the_minutes_from_the_chair_console(
    world: Any, meeting: Meeting, make_meeting: Any, make_members: Any
) -> None:
    do_check_in(meeting, world.members["member"], acting_user=None)
    do_start_meeting(meeting, acting_user=None)
    do_close_meeting(meeting, acting_user=None)
    client = signed_in(world, "chair")
    client.post(reverse("meetings:draft_minutes", args=[meeting.pk]))
    later = make_meeting(starts_at=tonight() + datetime.timedelta(hours=2))
    for member in make_members(5):
        do_check_in(later, member, acting_user=None)
    do_start_meeting(later, acting_user=None)
    console = client.get(reverse("meetings:chair", args=[later.pk])).content.decode()
    assert "The meeting approves these minutes" in console
    minutes = meeting.minutes
    url = reverse("meetings:approve_minutes", args=[later.pk])
    assert signed_in(world, "member").post(url, {"minutes": minutes.pk}).status_code == 403
    response = client.post(url, {"minutes": minutes.pk, "corrections": "Spelling of a name."})
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert minutes.state == "approved"
    assert minutes.approved_at_meeting == later
    assert minutes.sections[-1]["paragraphs"] == ["Spelling of a name."]
    page = client.get(reverse("meetings:minutes", args=[meeting.pk])).content.decode()
    assert minutes.content_hash in page


def test_chair_console_warns_before_opening_more_than_30_minutes_early(
    world: Any, make_meeting: Any
) -> None:
    later = make_meeting(starts_at=timezone.now() + datetime.timedelta(hours=5, minutes=10))
    page = signed_in(world, "chair").get(reverse("meetings:chair", args=[later.pk]))
    html = page.content.decode()
    assert 'id="early-warning"' in html
    assert re.search(r"5 hours (9|10) minutes from now", html)
    assert "before the time called" in html
    soon = make_meeting(
        title="In a moment", starts_at=timezone.now() + datetime.timedelta(minutes=20)
    )
    page = signed_in(world, "chair").get(reverse("meetings:chair", args=[soon.pk]))
    assert 'id="early-warning"' not in page.content.decode()
