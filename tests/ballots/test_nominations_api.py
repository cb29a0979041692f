"""The nominations API: the same actions and refusals as the pages, with the clause and field
in the body."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ballots.nominations_world import candidate_member, national_ballot, nominating_poll
from moot.accounts.actions import do_create_api_token
from moot.ballots.models import BallotEvent, BallotState, Candidate

pytestmark = pytest.mark.django_db


def api(user: Any) -> Client:
    _row, secret = do_create_api_token(user, name="tests", acting_user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_unit_nomination_consent_and_statement_over_the_api(world: Any) -> None:
    ballot = national_ballot(world)
    ada = candidate_member(world.riverside)
    poll = nominating_poll(world.riverside, [ada], secretary=None, ballot=ballot)
    base = f"/api/ballots/{ballot.pk}"
    answer = api(world.users["member"]).post(
        f"{base}/nominations/unit",
        {"unit_id": world.riverside.pk, "poll_id": poll.pk},
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "forbidden"
    answer = api(world.users["secretary"]).post(
        f"{base}/nominations/unit",
        {"unit_id": world.riverside.pk, "poll_id": poll.pk},
        content_type="application/json",
    )
    assert answer.status_code == 201
    [cand] = answer.json()
    assert cand["nominations"][0]["unit"] == "Riverside"
    again = api(world.users["secretary"]).post(
        f"{base}/nominations/unit",
        {"unit_id": world.riverside.pk, "poll_id": poll.pk},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert again.json()["clause"] == "5.7"
    mine = api(ada.user)
    assert mine.post(f"{base}/candidates/{cand['id']}/consent").status_code == 200
    answer = mine.put(
        f"{base}/candidates/{cand['id']}/statement",
        {"statement": "Hello"},
        content_type="application/json",
    )
    assert answer.json()["statement"] == "Hello"
    theirs = api(world.users["secretary"]).put(
        f"{base}/candidates/{cand['id']}/statement",
        {"statement": "Hacked"},
        content_type="application/json",
    )
    assert theirs.status_code == 403
    listed = api(world.users["member"]).get(f"{base}/nominations").json()
    assert listed[0]["statement"] == "Hello"


def test_events_over_the_api(world: Any) -> None:
    ballot = national_ballot(
        world, state=BallotState.OPEN, returning_officer=world.users["national_staff"]
    )
    ada = candidate_member(world.riverside)
    cand = Candidate.objects.create(
        ballot=ballot,
        member=ada,
        name=ada.full_name,
        on_ballot=True,
        position=1,
        consented_at=timezone.now(),
    )
    body = {
        "kind": "candidate_withdrawn",
        "candidate_id": cand.pk,
        "authority": "Letter",
        "reference": "L-12",
        "notice": "Withdrawn.",
    }
    base = f"/api/ballots/{ballot.pk}"
    denied = api(world.users["member"]).post(
        f"{base}/events", body, content_type="application/json"
    )
    assert denied.status_code == 403
    answer = api(world.users["national_staff"]).post(
        f"{base}/events", body, content_type="application/json"
    )
    assert answer.status_code == 201
    assert answer.json()["returns_before"] == 0
    assert BallotEvent.objects.count() == 1
    notices = api(world.users["member"]).get(f"{base}/notices").json()
    assert notices[0]["text"] == "Withdrawn."
    extra = api(world.users["national_staff"]).post(
        f"{base}/events",
        {**body, "occurred_at": "2020-01-01T00:00:00Z"},
        content_type="application/json",
    )
    assert extra.status_code == 422
