"""Who could rewrite the organisation's policies or their history (docs/security.md,
"Policies"). The actors: a member or a unit officer of either faction who would change a
national policy or another unit's, national staff who would backdate or rewrite a version,
and an operator who edits the database.

Versions are append-only and each is tied to a decision: a carried motion of the unit's own
meeting, or a national decision recorded by national staff (body, date, minute). Every version
is audited with its text's SHA-256, so one changed behind the actions is found. Runs on SQLite
and PostgreSQL."""

# ruff: noqa: F811 -- the policies fixtures are imported below and taken by name as arguments
from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from moot.errors import Refusal
from moot.policies import queries
from moot.policies.actions import do_record_national_decision
from moot.policies.models import PolicyVersion
from policies.conftest import (  # noqa: F401 -- fixtures, taken by name
    assembly,
    days_ago,
    national_definition,
    propose,
)

pytestmark = pytest.mark.django_db


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_officers_and_members_cannot_record_a_national_decision(
    assembly: Any, national_definition: Any
) -> None:
    url = f"/api/policies/units/{assembly.world.national.pk}/national-decisions"
    payload = {
        "action": "rescind",
        "policy_id": national_definition.policy_id,
        "body": "National executive committee",
        "decision_date": days_ago(1).isoformat(),
    }
    for user in (assembly.member.user, assembly.secretary.user, assembly.chair.user):
        response = as_user(user).post(url, json.dumps(payload), content_type="application/json")
        assert response.status_code == 403, user
    assert PolicyVersion.objects.count() == 1


def test_a_unit_cannot_change_another_units_policy_by_motion(
    assembly: Any, national_definition: Any, propose: Any
) -> None:
    for action, extra in (
        ("rescind", {}),
        ("amend", {"edits": [{"action": "delete", "line_from": 1}]}),
    ):
        with pytest.raises(Refusal) as caught:
            propose(action=action, policy=national_definition.policy, **extra)
        assert caught.value.clause == "1.9.2"
    assert PolicyVersion.objects.count() == 1


def test_nobody_edits_or_deletes_a_version_through_the_api(assembly: Any) -> None:
    paths = Client().get("/api/openapi.json").json()["paths"]
    methods = {
        method for path, ops in paths.items() if path.startswith("/api/policies") for method in ops
    }
    assert methods <= {"get", "post"}


def test_a_version_cannot_be_backdated_before_its_decision(assembly: Any) -> None:
    with pytest.raises(Refusal) as caught:
        do_record_national_decision(
            assembly.world.national,
            action="adopt",
            kind="standing_policy",
            title="Backdated",
            text="Text.",
            body="National executive committee",
            decision_date=days_ago(1),
            in_force_from=days_ago(400),
            acting_user=assembly.staff,
        )
    assert caught.value.field == "in_force_from"


def test_a_version_rewritten_in_the_database_is_found_against_the_trail(
    national_definition: Any,
) -> None:
    assert queries.versions_not_matching_the_trail() == []
    with pytest.raises(ValueError, match="never changed"):
        national_definition.save()  # the model refuses an update
    # An operator with the database: the row changes, the audit event does not.
    PolicyVersion.objects.filter(pk=national_definition.pk).update(text="Rewritten history.")
    assert queries.versions_not_matching_the_trail() == [national_definition]
