"""The definition and officers API: list and read (public to any signed-in caller), call from a
preset, edit in draft (a refusal is one JSON body with detail, code, clause and field, and
writes nothing), refused after the freeze, appoint officers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from factories import UserFactory
from moot.accounts.actions import do_create_api_token
from moot.audit.models import AuditEvent
from moot.ballots.models import Ballot, BallotState

pytestmark = pytest.mark.django_db


def api(user: Any) -> Client:
    _row, secret = do_create_api_token(user, name="tests", acting_user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def send(client: Client, method: str, path: str, body: Any = None) -> Any:
    call = getattr(client, method)
    if body is None:
        return call(path)
    return call(path, data=json.dumps(body), content_type="application/json")


def test_read_a_ballot_and_its_definition(world, national_ballot):
    client = api(world.users["member"])
    listed = send(client, "get", "/api/ballots/").json()
    assert [b["id"] for b in listed] == [national_ballot.pk]
    one = send(client, "get", f"/api/ballots/{national_ballot.pk}").json()
    assert one["definition"]["format"] == "moot-ballot-definition/1"
    assert one["definition"]["seats"] == 9
    assert send(client, "get", "/api/ballots/999999").status_code == 404
    assert send(client, "get", f"/api/ballots/{national_ballot.pk}/versions").status_code == 403


def test_call_edit_and_appoint(world):
    staff = api(world.users["national_staff"])
    made = send(
        staff,
        "post",
        "/api/ballots/",
        {"unit_id": world.national.pk, "preset": "national_executive", "title": "NEC 2027"},
    )
    assert made.status_code == 201, made.content
    ballot_id = made.json()["id"]
    edited = send(staff, "patch", f"/api/ballots/{ballot_id}/definition", {"method": "meek"})
    assert edited.status_code == 200
    assert edited.json()["version"] == 2
    # The preset's seats are the rulebook's: lowering them is refused with the clause.
    lowered = send(staff, "patch", f"/api/ballots/{ballot_id}/definition", {"seats": 7})
    assert lowered.status_code == 422
    assert lowered.json()["clause"] == "5.7"
    versions = send(staff, "get", f"/api/ballots/{ballot_id}/versions").json()
    assert [v["version"] for v in versions] == [1, 2]
    UserFactory(email="ro@example.org")
    officers = send(
        staff,
        "post",
        f"/api/ballots/{ballot_id}/officers",
        {"role": "returning_officer", "email": "ro@example.org"},
    )
    assert officers.status_code == 200
    assert officers.json()["returning_officer"]
    # Once the returning officer is appointed they run the ballot: the caller no longer edits.
    again = send(staff, "patch", f"/api/ballots/{ballot_id}/definition", {"method": "wigm"})
    assert again.status_code == 403


def test_a_refusal_is_one_body_and_writes_nothing(world, national_ballot):
    staff = api(world.users["national_staff"])
    events = AuditEvent.objects.count()
    refused = send(
        staff, "patch", f"/api/ballots/{national_ballot.pk}/definition", {"min_women": 10}
    )
    assert refused.status_code == 422
    body = refused.json()
    assert body["field"] == "min_women"
    assert body["code"] == "invalid"
    assert AuditEvent.objects.count() == events
    unknown = send(staff, "patch", f"/api/ballots/{national_ballot.pk}/definition", {"state": "x"})
    assert unknown.status_code == 422


def test_frozen_is_409_with_the_clause(world, national_ballot):
    Ballot.objects.filter(pk=national_ballot.pk).update(state=BallotState.FROZEN)
    staff = api(world.users["national_staff"])
    refused = send(staff, "patch", f"/api/ballots/{national_ballot.pk}/definition", {"seats": 8})
    assert refused.status_code == 409
    assert refused.json()["clause"] == "5.2"


def test_a_member_may_neither_call_nor_edit(world, national_ballot):
    member = api(world.users["member"])
    made = send(
        member,
        "post",
        "/api/ballots/",
        {"unit_id": world.riverside.pk, "preset": "constituency_question", "question": "Agree?"},
    )
    assert made.status_code == 403
    assert "clause 5.1.2" in made.json()["detail"]
    edit = send(member, "patch", f"/api/ballots/{national_ballot.pk}/definition", {"seats": 8})
    assert edit.status_code == 403
    assert Ballot.objects.count() == 1


def test_a_preset_of_another_unit_kind_is_refused(world):
    staff = api(world.users["national_staff"])
    made = send(
        staff,
        "post",
        "/api/ballots/",
        {"unit_id": world.riverside.pk, "preset": "national_executive"},
    )
    assert made.status_code == 422
    assert made.json()["field"] == "preset"
    assert not Ballot.objects.exists()


def test_a_time_without_an_offset_is_refused(world, national_ballot):
    staff = api(world.users["national_staff"])
    refused = send(
        staff,
        "patch",
        f"/api/ballots/{national_ballot.pk}/definition",
        {"close_at": "2030-01-01T12:00:00"},
    )
    assert refused.status_code == 422
    assert refused.json()["field"] == "close_at"
