"""The elections API: in the OpenAPI document; create, nominate, second, consent, open, the
result hidden until close, declare; refusals with their status and clause."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest

from moot.polls.actions import do_cast_ballot

from .conftest import make_member, post_of, today

pytestmark = pytest.mark.django_db


def post(client: Any, url: str, payload: Any = None) -> Any:
    return client.post(url, json.dumps(payload or {}), content_type="application/json")


def test_elections_are_in_the_openapi_document(client: Any) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/elections/",
        "/api/elections/{election_id}",
        "/api/elections/{election_id}/nominations",
        "/api/elections/nominations/{nomination_id}/second",
        "/api/elections/nominations/{nomination_id}/consent",
        "/api/elections/{election_id}/open",
        "/api/elections/{election_id}/close",
        "/api/elections/{election_id}/result",
        "/api/elections/{election_id}/declare",
    ):
        assert path in paths, path


def test_an_election_through_the_api(client: Any, unit: Any, officer: Any) -> None:
    assert post(client, "/api/elections/", {}).status_code == 401
    client.force_login(make_member(unit).user)
    spec = {
        "post": post_of(unit, "chair").pk,
        "method": "irv",
        "election_date": today().isoformat(),
        "nominations_open_on": (today() - datetime.timedelta(days=5)).isoformat(),
        "nominations_close_on": today().isoformat(),
    }
    assert post(client, "/api/elections/", spec).status_code == 403
    client.force_login(officer)
    bad = post(client, "/api/elections/", {**spec, "method": "plurality", "seats": 2})
    assert bad.status_code == 422  # a refusal to fix the input: 422 in every app (moot.errors)
    created = post(client, "/api/elections/", spec)
    assert created.status_code == 201, created.content
    election_id = created.json()["id"]
    assert created.json()["state"] == "nominations"

    # Two members nominate in their own names; the seconders confirm; the nominees consent.
    nominations = []
    for _ in range(2):
        nominator, seconder, nominee = (make_member(unit) for _ in range(3))
        client.force_login(nominator.user)
        made = post(
            client,
            f"/api/elections/{election_id}/nominations",
            {"nominee": nominee.number, "nominator": nominator.number, "seconder": seconder.number},
        )
        assert made.status_code == 201, made.content
        assert made.json()["state"] == "awaiting_seconder"
        nid = made.json()["id"]
        client.force_login(nominator.user)
        assert post(client, f"/api/elections/nominations/{nid}/second").status_code == 403
        client.force_login(seconder.user)
        assert post(client, f"/api/elections/nominations/{nid}/second").status_code == 200
        client.force_login(nominee.user)
        answered = post(
            client,
            f"/api/elections/nominations/{nid}/consent",
            {"accept": True, "statement": "Ready."},
        )
        assert answered.status_code == 200
        assert answered.json()["state"] == "standing"
        nominations.append((nid, nominee, nominator))

    newcomer = make_member(unit, joined_weeks_ago=10)
    client.force_login(officer)
    refused = post(
        client,
        f"/api/elections/{election_id}/nominations",
        {
            "nominee": newcomer.number,
            "nominator": make_member(unit).number,
            "seconder": make_member(unit).number,
        },
    )
    # The rulebook does not let the nominee stand: 403 "ineligible", as the polls API answers
    # a member who may not vote (moot.errors.RefusalCode; the elections API answered 422).
    assert (refused.status_code, refused.json()["code"]) == (403, "ineligible")
    assert "clause 7.4 needs 52" in refused.json()["detail"]

    # Nominations close today, the day of the vote: the chair may open it.
    from moot.elections.models import Election

    opened = post(client, f"/api/elections/{election_id}/open")
    assert opened.status_code == 200, opened.content
    body = opened.json()
    assert body["poll_state"] == "open"
    assert [c["statement"] for c in body["candidates"]] == ["Ready.", "Ready."]
    assert client.get(f"/api/elections/{election_id}/result").status_code == 403  # hidden

    election = Election.objects.get(pk=election_id)
    first_option = body["candidates"][0]["poll_option"]
    for _nid, _nominee, nominator in nominations:
        do_cast_ballot(election.poll, nominator, [first_option], acting_user=nominator.user)
    assert post(client, f"/api/elections/{election_id}/close").status_code == 200
    result = client.get(f"/api/elections/{election_id}/result").json()
    assert result["count"]["elected"] == [body["candidates"][0]["label"]]
    assert result["declared"] is False
    declared = post(client, f"/api/elections/{election_id}/declare")
    assert declared.status_code == 200
    assert declared.json()["declaration"]["elected"][0]["label"] == body["candidates"][0]["label"]
    again = post(client, f"/api/elections/{election_id}/declare")
    assert again.status_code == 409


def test_a_member_sees_only_standing_and_own_nominations(
    client: Any, unit: Any, officer: Any, election_factory: Any
) -> None:
    from moot.elections.actions import do_nominate

    election = election_factory("policy-officer")
    hidden = do_nominate(
        election,
        nominee=make_member(unit),
        nominator=make_member(unit),
        seconder=make_member(unit),
        on=election.nominations_open_on,
        acting_user=officer,
    )
    client.force_login(make_member(unit).user)
    listed = client.get(f"/api/elections/{election.pk}/nominations").json()
    assert hidden.pk not in [n["id"] for n in listed]
    client.force_login(officer)
    listed = client.get(f"/api/elections/{election.pk}/nominations").json()
    assert hidden.pk in [n["id"] for n in listed]
    assert "gender" not in json.dumps(listed)
