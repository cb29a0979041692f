"""Insider tests for the hostile review's findings B, I and M (docs/security.md §3 and §7): the
meetings API took a chair (so a secretary named an ally, who handed the chair back to the
secretary), named members of other units in its refusals, took any past date as an outside
notice, ignored fields it does not know, answered a chunked body over the limit 422, and
titles took invisible characters. Run on SQLite and, with DATABASE_URL set, on PostgreSQL."""

from __future__ import annotations

import datetime
import io
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import motions.conftest as motions_fixtures
from accounts.world import World

# The motions tests' meeting with a mover, seconder, chair and secretary, and their tabling.
assembly = motions_fixtures.assembly
table = motions_fixtures.table


def _client(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def _day(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _post_meeting(client: Client, **fields: Any) -> Any:
    payload = {
        "unit": "riverside",
        "kind": "general",
        "starts_at": f"{_day(40)}T19:00:00Z",
        "location": "Hall",
        **fields,
    }
    return client.post("/api/meetings/", data=json.dumps(payload), content_type="application/json")


def _schedule(world: World) -> Any:
    from moot.meetings.actions import do_create_meeting

    day = timezone.localdate() + datetime.timedelta(days=40)
    return do_create_meeting(
        unit=world.riverside,
        kind="general",
        starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(19, 0))),
        location="Hall",
        acting_user=world.users["secretary"],
    )


# --- finding B: the API takes no chair; only the rulebook's chair or staff change it ---------


@pytest.mark.parametrize("chair", ["member", "chair", None])
def test_the_api_refuses_a_chair_when_scheduling_and_writes_nothing(
    world: World, chair: str | None
) -> None:
    from moot.audit.models import AuditEvent
    from moot.meetings.models import Meeting

    number = world.members[chair].number if chair else None
    events = AuditEvent.objects.count()
    response = _post_meeting(_client(world, "secretary"), chair=number)
    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert problem["field"] == "chair"
    assert "who the rulebook says" in problem["message"]
    assert "/chair-change/" in problem["message"]
    assert not Meeting.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_meeting_scheduled_through_the_api_is_chaired_by_the_units_chair(world: World) -> None:
    response = _post_meeting(_client(world, "secretary"))
    assert response.status_code == 201, response.content
    assert response.json()["chair"] == world.members["chair"].number
    schema = _client(world, "secretary").get("/api/openapi.json").json()
    assert "chair" not in schema["components"]["schemas"]["MeetingIn"]["properties"]


def test_a_member_made_chair_cannot_hand_the_chair_to_the_secretary(world: World) -> None:
    """The review's chain: the secretary names an ally chair, the ally names the secretary.
    Now only the rulebook's chair or staff change who chairs; the ally and the secretary are
    refused, on the page and in the action, and nothing is recorded."""
    from moot.audit.models import AuditEvent
    from moot.meetings.actions import do_change_meeting_chair
    from moot.meetings.errors import MeetingError
    from moot.meetings.models import Meeting

    meeting = _schedule(world)
    ally, secretary = world.members["member"], world.members["secretary"]
    Meeting.objects.filter(pk=meeting.pk).update(chair=ally)  # however the ally got there
    meeting.refresh_from_db()
    for who in (ally, secretary, world.members["branch_secretary"]):
        with pytest.raises(MeetingError, match="Only the unit's chair") as refused:
            do_change_meeting_chair(
                meeting, secretary, reason="the chair asked me", acting_user=who.user
            )
        assert refused.value.code == "forbidden"
    url = reverse("meetings:change_chair", args=[meeting.pk])
    client = _client(world, "secretary")
    assert "Only the unit&#x27;s chair" in client.get(url).content.decode()
    page = client.post(
        url, {"chair": world.members["branch_secretary"].number, "reason": "the chair is ill"}
    )
    assert page.status_code == 400
    assert "Only the unit&#x27;s chair" in page.content.decode()
    meeting.refresh_from_db()
    assert meeting.chair == ally
    assert not AuditEvent.objects.filter(verb="meetings.change_meeting_chair").exists()


@pytest.mark.parametrize("actor", ["chair", "national_staff"])
def test_the_rulebook_chair_or_national_staff_change_the_chair_with_a_reason(
    world: World, actor: str
) -> None:
    from moot.audit.models import AuditEvent

    meeting = _schedule(world)
    deputy = world.members["branch_secretary"]
    done = _client(world, actor).post(
        reverse("meetings:change_chair", args=[meeting.pk]),
        {"chair": deputy.number, "reason": "the chair moves a motion tonight"},
    )
    assert done.status_code == 302
    meeting.refresh_from_db()
    assert meeting.chair == deputy
    event = AuditEvent.objects.get(verb="meetings.change_meeting_chair")
    assert event.reason == "the chair moves a motion tonight"


def test_a_secretary_of_another_unit_is_refused_without_a_name_and_counted(
    world: World,
) -> None:
    from moot.limits.models import LimitHit
    from moot.meetings.models import Meeting

    stranger = world.members["stranger"]
    client = _client(world, "secretary")
    response = _post_meeting(client, secretary=stranger.number)
    assert response.status_code == 422
    text = response.content.decode()
    assert f"No member of Riverside is numbered {stranger.number}" in text
    assert stranger.last_name not in text
    assert stranger.first_name not in text
    assert response.json()["field"] == "secretary"
    assert LimitHit.objects.count() == 1
    own = _post_meeting(client, secretary=world.members["member"].number)
    assert own.status_code == 201
    assert LimitHit.objects.count() == 1  # a number of one's own unit is not counted
    assert Meeting.objects.count() == 1


def test_number_lookups_through_the_meetings_api_hit_the_limit(world: World) -> None:
    from moot.limits import NUMBER_MISS_LIMIT

    stranger = world.members["stranger"]
    client = _client(world, "secretary")
    for _ in range(NUMBER_MISS_LIMIT):
        assert _post_meeting(client, secretary=stranger.number).status_code == 422
    refused = _post_meeting(client, secretary=stranger.number)
    assert refused.status_code == 429
    assert stranger.last_name not in refused.content.decode()


# --- finding I: an outside notice's date lies between the scheduling and today --------------


def test_an_outside_notice_before_the_meeting_was_scheduled_is_refused(world: World) -> None:
    from moot.audit.models import AuditEvent
    from moot.meetings.models import Meeting

    meeting = _schedule(world)
    scheduled = timezone.now() - datetime.timedelta(days=5)
    Meeting.objects.filter(pk=meeting.pk).update(created_at=scheduled)
    client = _client(world, "secretary")
    url = reverse("meetings:record_outside_notice", args=[meeting.pk])
    for sent_on in ("2020-01-01", _day(-6)):
        refused = client.post(url, {"sent_on": sent_on, "reason": "posted"})
        assert refused.status_code == 400
        text = refused.content.decode()
        assert "before the meeting was scheduled" in text
    meeting.refresh_from_db()
    assert meeting.notice_sent_on is None
    assert not AuditEvent.objects.filter(verb="meetings.record_outside_notice").exists()
    done = client.post(url, {"sent_on": _day(-5), "reason": "posted with the newsletter"})
    assert done.status_code == 302
    meeting.refresh_from_db()
    assert meeting.notice_sent_on == timezone.localdate(scheduled)


# --- finding M: unknown fields refused; chunked bodies; invisible characters ----------------


@pytest.mark.parametrize("field", ["notice_sent_on", "notice_sent", "created_by"])
def test_the_api_refuses_a_field_it_does_not_know(world: World, field: str) -> None:
    from moot.meetings.models import Meeting

    response = _post_meeting(_client(world, "secretary"), **{field: _day(-30)})
    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert problem["field"] == field
    assert not Meeting.objects.exists()


def test_the_agenda_and_check_in_bodies_refuse_unknown_fields_too(world: World) -> None:
    meeting = _schedule(world)
    client = _client(world, "secretary")
    added = client.post(
        f"/api/meetings/{meeting.pk}/agenda",
        data=json.dumps({"kind": "report", "title": "Treasurer", "state": "done"}),
        content_type="application/json",
    )
    assert added.status_code == 422
    assert added.json()["errors"][0]["field"] == "state"
    assert not meeting.items.filter(title="Treasurer").exists()


def _chunked(client: Client, body: bytes) -> Any:
    """As gunicorn hands on a chunked request: no Content-Length, the stream ends."""
    return client.post(
        "/api/meetings/",
        data=b"",
        content_type="application/json",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": io.BytesIO(body), "wsgi.input_terminated": True},
    )


def test_a_chunked_json_body_over_the_limit_is_413(world: World) -> None:
    from moot.meetings.models import Meeting

    body = json.dumps({"unit": "riverside", "title": "x" * (3 * 1024 * 1024)}).encode()
    response = _chunked(_client(world, "secretary"), body)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not Meeting.objects.exists()


def test_a_chunked_json_body_within_the_limit_is_read(world: World) -> None:
    payload = {
        "unit": "riverside",
        "kind": "general",
        "starts_at": f"{_day(40)}T19:00:00Z",
        "location": "Hall",
    }
    response = _chunked(_client(world, "secretary"), json.dumps(payload).encode())
    assert response.status_code == 201, response.content


INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]


@pytest.mark.parametrize("character", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_invisible_characters_are_refused_in_titles_and_names(world: World, character: str) -> None:
    from moot.meetings.models import Meeting
    from moot.members.forms import MemberForm

    response = _post_meeting(_client(world, "secretary"), title=f"AGM{character}2026")
    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert problem["field"] == "title"
    assert "character 4 is an invisible character" in problem["message"]
    assert f"U+{ord(character):04X}" in problem["message"]
    assert not Meeting.objects.exists()
    form = MemberForm(
        data={"first_name": f"Ada{character}", "last_name": "Lovelace", "joined_on": "2020-01-01"},
        instance=world.target,
    )
    assert not form.is_valid()
    assert "invisible character" in form.errors["first_name"][0]


def test_a_motions_wording_may_still_hold_a_soft_hyphen() -> None:
    """Only one-line texts (names, titles) refuse them: a long text may be hyphenated."""
    from moot.text import text_problem

    assert text_problem("inter\u00adnational", single_line=False, max_length=None) == ""
    assert text_problem("plain title", single_line=True, max_length=None) == ""


# --- finding M: the API's warnings are the page's -------------------------------------------


def test_the_apis_warnings_show_the_chairs_warning_to_whom_the_page_shows_it(
    assembly: Any, table: Any
) -> None:
    from motions.conftest import make_person

    make_person(assembly.clp, first_name="Ines", last_name="Calloway", suspended=True)
    motion = table(title="About Ines", text="This meeting supports Ines Calloway in her case.")
    url = f"/api/motions/{motion.pk}"
    chair = Client()
    chair.force_login(assembly.chair.user)
    page = chair.get(reverse("motions:detail", args=[motion.pk])).content.decode()
    assert "Likely not competent" in page
    [warning] = chair.get(url).json()["warnings"]
    assert warning["text"].startswith("Likely not competent")
    for user in (assembly.mover.user, assembly.secretary.user, assembly.member.user):
        client = Client()
        client.force_login(user)
        assert (
            "Likely not competent"
            not in client.get(reverse("motions:detail", args=[motion.pk])).content.decode()
        )
        assert client.get(url).json()["warnings"] == []
