"""The policies API: in the OpenAPI document; a unit's policies as at a date (what binds it
nationally, what it adopted), a policy's versions, a version's diff; a national decision (staff
only) and a policy motion; refusals with their status, clause and field."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.test import Client

from moot.policies.models import Policy, PolicyProposal
from policies.conftest import DEFINITION, days_ago


def post(client: Any, url: str, payload: Any) -> Any:
    return client.post(url, json.dumps(payload), content_type="application/json")


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_policies_are_in_the_openapi_document(assembly: Any) -> None:
    paths = Client().get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/policies/",
        "/api/policies/units/{unit_id}",
        "/api/policies/{policy_id}",
        "/api/policies/{policy_id}/versions",
        "/api/policies/versions/{version_id}",
        "/api/policies/units/{unit_id}/national-decisions",
        "/api/policies/motions",
    ):
        assert path in paths, path


def test_was_the_definition_in_force_on_a_date(assembly: Any, national_definition: Any) -> None:
    client = as_user(assembly.member.user)
    policy = national_definition.policy
    adopted = national_definition.in_force_from
    before = (adopted - datetime.timedelta(days=1)).isoformat()
    body = client.get(f"/api/policies/{policy.pk}?as_at={before}").json()
    assert body["standing"]["in_force"] is False
    assert body["text_in_force"] == ""
    body = client.get(f"/api/policies/{policy.pk}?as_at={adopted.isoformat()}").json()
    assert body["standing"]["in_force"] is True
    assert body["standing"]["version"] == 1
    assert body["text_in_force"] == DEFINITION
    assert body["versions"][0]["extent"] == "part"
    unit = client.get(f"/api/policies/units/{assembly.clp.pk}?as_at={adopted.isoformat()}").json()
    assert [b["policy"]["title"] for b in unit["binding"]] == [policy.title]
    assert unit["binding"][0]["clause"] == "1.9.3"
    assert unit["own"] == []
    unit = client.get(f"/api/policies/units/{assembly.clp.pk}?as_at={before}").json()
    assert unit["binding"] == []
    assert client.get(f"/api/policies/{policy.pk}?as_at=1%20September").status_code == 422


def test_a_national_decision_by_staff_amends_with_a_diff(
    assembly: Any, national_definition: Any
) -> None:
    policy = national_definition.policy
    url = f"/api/policies/units/{assembly.world.national.pk}/national-decisions"
    payload = {
        "action": "amend",
        "policy_id": policy.pk,
        "base_version": 1,
        "edits": [{"action": "delete", "line_from": 1, "line_to": 2}],
        "body": "National executive committee",
        "decision_date": days_ago(10).isoformat(),
        "minute": "minute 3.1",
    }
    refused = post(as_user(assembly.secretary.user), url, payload)
    assert refused.status_code == 403
    response = post(as_user(assembly.staff), url, payload)
    assert response.status_code == 201, response.content
    version = response.json()
    assert (version["number"], version["action"], version["decision_ref"]) == (
        2,
        "amend",
        "minute 3.1",
    )
    detail = as_user(assembly.member.user).get(f"/api/policies/versions/{version['id']}").json()
    assert [row["op"] for row in detail["diff"]].count("deleted") == 2
    versions = as_user(assembly.member.user).get(f"/api/policies/{policy.pk}/versions").json()
    assert versions[0]["in_force_to"] == days_ago(10).isoformat()
    stale = post(as_user(assembly.staff), url, payload)  # proposed to version 1 again
    assert stale.status_code == 409
    assert stale.json()["field"] == "base_version"


def test_a_policy_motion_by_api_and_refusals(assembly: Any, national_definition: Any) -> None:
    client = as_user(assembly.mover.user)
    base = {
        "meeting": assembly.next_meeting.pk,
        "motion_title": "Adopt the definition",
        "motion_text": "This party adopts the definition in full.",
        "mover": assembly.mover.number,
        "seconder": assembly.seconder.number,
    }
    refused = post(
        client,
        "/api/policies/motions",
        {
            **base,
            "action": "amend",
            "policy_id": national_definition.policy_id,
            "edits": [{"action": "delete", "line_from": 1}],
        },
    )
    assert refused.status_code == 422
    assert (refused.json()["clause"], refused.json()["field"]) == ("1.9.2", "policy")
    response = post(
        client,
        "/api/policies/motions",
        {
            **base,
            "action": "adopt",
            "kind": "definition",
            "title": "Definition of hostility",
            "source_policy_id": national_definition.policy_id,
            "extent": "full",
            "text": DEFINITION,
        },
    )
    assert response.status_code == 201, response.content
    proposal = PolicyProposal.objects.get(pk=response.json()["proposal_id"])
    assert proposal.motion_id == response.json()["motion_id"]
    read = client.get(f"/api/policies/proposals/{proposal.pk}").json()
    assert (read["action"], read["extent"], read["text_if_carried"]) == (
        "adopt",
        "full",
        DEFINITION,
    )
    assert {row["op"] for row in read["diff"]} == {"inserted"}
    detail = client.get(f"/api/policies/{national_definition.policy_id}").json()
    assert detail["proposals"] == []  # it adopts the national policy; it does not change it
    assert proposal.source_policy_id == national_definition.policy_id
    assert not Policy.objects.filter(unit=assembly.clp).exists()
    unknown = post(client, "/api/policies/motions", {**base, "action": "adopt", "colour": "red"})
    assert unknown.status_code == 422


def test_nothing_for_the_signed_out(assembly: Any, national_definition: Any) -> None:
    assert Client().get(f"/api/policies/{national_definition.policy_id}").status_code == 401
    assert as_user(assembly.member.user).get("/api/policies/999999").status_code == 404
