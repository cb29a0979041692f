"""The meetings API: in the OpenAPI document; list, detail, schedule, agenda, current item,
check-in (secretary and self with the code) and quorum, with the declared refusals."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from moot.accounts.actions import do_create_api_token
from moot.meetings.actions import do_start_meeting
from moot.meetings.models import Attendance, Meeting

from .conftest import tonight

pytestmark = pytest.mark.django_db


def api_as(world: Any, role: str) -> Client:
    user = world.users[role]
    _row, secret = do_create_api_token(user, name="tests", acting_user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def post(client: Client, url: str, payload: Any) -> Any:
    return client.post(url, json.dumps(payload), content_type="application/json")


def test_meetings_are_in_the_openapi_document(client: Client) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/meetings/",
        "/api/meetings/{meeting_id}",
        "/api/meetings/{meeting_id}/agenda",
        "/api/meetings/{meeting_id}/current",
        "/api/meetings/{meeting_id}/check-in",
        "/api/meetings/{meeting_id}/quorum",
    ):
        assert path in paths, path
    responses = paths["/api/meetings/{meeting_id}/check-in"]["post"]["responses"]
    assert {"201", "403", "404", "409", "422"} <= set(responses)


def test_list_and_detail(world: Any, meeting: Meeting) -> None:
    member = api_as(world, "member")
    listed = member.get("/api/meetings/").json()
    assert [m["id"] for m in listed] == [meeting.pk]
    assert member.get("/api/meetings/", {"unit": "elsewhere"}).json() == []
    detail = member.get(f"/api/meetings/{meeting.pk}").json()
    assert detail["quorum"]["required"] == 5
    assert detail["quorum"]["clause"] == "7.6.1"
    assert detail["chair"] == world.members["chair"].number
    # A meeting the caller may not see is answered as one that does not exist (moot.access).
    assert api_as(world, "outsider").get(f"/api/meetings/{meeting.pk}").status_code == 404
    assert api_as(world, "outsider").get("/api/meetings/").status_code == 403
    assert member.get("/api/meetings/999").status_code == 404
    assert Client().get("/api/meetings/").status_code == 401


def test_schedule_refusal_names_the_clause(world: Any) -> None:
    secretary = api_as(world, "secretary")
    payload = {
        "unit": "riverside",
        "kind": "agm",
        "starts_at": tonight(10).isoformat(),
        "location": "Hollow Community Hall",
    }
    refused = post(secretary, "/api/meetings/", payload)
    assert refused.status_code == 422
    assert refused.json()["clause"] == "7.5.2"
    payload["starts_at"] = tonight(40).isoformat()
    created = post(secretary, "/api/meetings/", payload)
    assert created.status_code == 201
    # The chair is who the rulebook says; the API takes none (review finding B).
    assert created.json()["chair"] == world.members["chair"].number
    assert post(api_as(world, "member"), "/api/meetings/", payload).status_code == 403
    assert post(secretary, "/api/meetings/", {**payload, "unit": "nowhere"}).status_code == 404
    unknown = post(secretary, "/api/meetings/", {**payload, "secretary": "M9999999"})
    assert (unknown.status_code, unknown.json()["field"]) == (422, "secretary")


def test_agenda_and_current_item(world: Any, meeting: Meeting) -> None:
    secretary = api_as(world, "secretary")
    url = f"/api/meetings/{meeting.pk}/agenda"
    first = post(secretary, url, {"kind": "apologies", "title": "Apologies"})
    assert first.status_code == 201
    motion = post(secretary, url, {"kind": "motion", "title": "Motions"}).json()
    bad = post(secretary, url, {"kind": "training", "title": "Training"})
    assert bad.status_code == 422  # a refusal to fix the input: 422 in every app (moot.errors)
    assert "speaker" in bad.json()["detail"]
    assert post(secretary, url, {"kind": "party", "title": "x"}).status_code == 422
    assert post(api_as(world, "member"), url, {"kind": "report", "title": "x"}).status_code == 403
    assert [i["title"] for i in api_as(world, "member").get(url).json()] == [
        "Apologies",
        "Motions",
    ]
    current = f"/api/meetings/{meeting.pk}/current"
    assert post(secretary, current, {"item": first.json()["id"]}).status_code == 409  # not open
    do_start_meeting(meeting, acting_user=None)
    ok = post(secretary, current, {"item": first.json()["id"]})
    assert ok.status_code == 200
    assert ok.json()["current_item"] == first.json()["id"]
    inquorate = post(secretary, current, {"item": motion["id"]})
    assert inquorate.status_code == 422
    assert inquorate.json()["clause"] == "7.6.1"
    assert post(secretary, current, {"item": 999999}).status_code == 404


def test_check_in_and_quorum(world: Any, meeting: Meeting) -> None:
    secretary = api_as(world, "secretary")
    url = f"/api/meetings/{meeting.pk}/check-in"
    ok = post(secretary, url, {"member": world.members["member"].number})
    assert ok.status_code == 201
    assert ok.json()["eligible"] is True
    refused = post(secretary, url, {"member": world.target.number})
    assert refused.status_code == 201
    assert refused.json()["eligible"] is False
    assert refused.json()["clause"] == "7.2"
    again = post(secretary, url, {"member": world.members["member"].number})
    assert again.status_code == 409
    unknown = post(secretary, url, {"member": "M9999999"})
    assert (unknown.status_code, unknown.json()["field"]) == (422, "member")
    assert post(secretary, url, {}).status_code == 422
    # A member checks in with the code; without it, a member cannot check in someone else.
    chair = api_as(world, "member")
    assert post(chair, url, {"member": world.members["chair"].number}).status_code == 403
    mine = api_as(world, "branch_secretary")
    wrong = post(mine, url, {"code": "ZZZZZZ"})
    assert wrong.status_code == 422
    assert post(mine, url, {"code": meeting.check_in_code}).json()["method"] == "code"
    quorum = api_as(world, "member").get(f"/api/meetings/{meeting.pk}/quorum").json()
    assert quorum["present_eligible"] == 2
    assert quorum["refused"] == 1
    assert quorum["quorate"] is False
    assert Attendance.objects.filter(meeting=meeting).count() == 3


def test_session_write_needs_csrf(world: Any, meeting: Meeting) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.users["secretary"])
    response = post(browser, f"/api/meetings/{meeting.pk}/agenda", {"kind": "report", "title": "R"})
    assert response.status_code == 403
    assert not meeting.items.exists()
