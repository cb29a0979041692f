"""The permission matrix: every role × every page and API endpoint, allowed and refused.

Table-driven: add a ``Case`` to CASES for a new page or endpoint, naming the roles allowed.
A refused signed-in caller must get 403 or 404 (404 where existence is not revealed); a
refused anonymous caller is sent to the sign-in page (pages) or gets 401 (API). Pages whose URL
name is not defined (yet) are skipped with a visible reason.

Meetings, motions, polls and elections have their own matrix, with a richer world (a meeting in
progress, motions, polls, an election) and writes: ``test_permissions_matrix_assembly.py``.
"""

from __future__ import annotations

import datetime
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.world import ROLES, World, build_world
from factories import AffiliationFactory, OrganisationFactory

SIGNED_IN = frozenset(ROLES) - {"anonymous"}
MEMBERS_AND_STAFF = SIGNED_IN - {"outsider"}  # units.view_unit, rulebook.view
LIST_MEMBERS = frozenset(
    {"branch_secretary", "chair", "secretary", "national_staff", "auditor", "admin"}
)
VIEW_TARGET = frozenset(
    {"chair", "secretary", "national_staff", "complaints_staff", "auditor", "admin"}
)
SECRETARIES_AND_STAFF = frozenset({"secretary", "national_staff", "admin"})
TRAIL = frozenset({"national_staff", "auditor", "admin"})
WITH_MEMBER_RECORD = frozenset({"member", "branch_secretary", "chair", "secretary"})


@dataclass(frozen=True)
class Case:
    name: str
    path: Callable[[World], str]  # built per world (ids differ between tests)
    allowed: frozenset[str]
    api: bool = False
    method: str = "get"
    data: Callable[[World], dict[str, Any]] | None = None
    content_type: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def page(url_name: str, *args: Callable[[World], Any]) -> Callable[[World], str]:
    def build(world: World) -> str:
        return reverse(url_name, args=[arg(world) for arg in args])

    build.url_name = url_name  # type: ignore[attr-defined]
    return build


def csv_upload(world: World) -> dict[str, Any]:
    text = "first_name,last_name,joined_on\nAda,Okafor,2024-01-05\n"
    return {"file": SimpleUploadedFile("m.csv", text.encode()), "unit": "riverside"}


def new_affiliation(world: World) -> dict[str, Any]:
    org = OrganisationFactory()
    return {"unit": "riverside", "organisation": org.slug, "start": "2025-01-01"}


def target(world: World) -> int:
    return world.target.pk


NATIONAL_DECIDERS = frozenset({"national_staff", "admin"})
_TITLES = itertools.count(1)


def national_policy(world: World) -> Any:
    """The national code of conduct (adopted by a national decision the first time it is asked
    for in this world)."""
    from moot.policies.actions import do_record_national_decision
    from moot.policies.models import Policy

    policy = Policy.objects.filter(unit=world.national).first()
    if policy is None:
        policy = do_record_national_decision(
            world.national,
            action="adopt",
            kind="code_of_conduct",
            title="Code of conduct",
            text="Members treat one another with respect.",
            body="National executive committee",
            decision_date=datetime.date(2026, 1, 10),
            acting_user=world.users["national_staff"],
        ).policy
    return policy


def national_adoption(world: World) -> str:
    return json.dumps(
        {
            "action": "adopt",
            "kind": "standing_policy",
            "title": f"Standing policy {next(_TITLES)}",
            "text": "The party campaigns for clean rivers.",
            "body": "National executive committee",
            "decision_date": "2026-02-01",
        }
    )


CASES = [
    # pages
    Case("dashboard", page("dashboard"), SIGNED_IN),
    Case("accounts:tokens", page("accounts:tokens"), SIGNED_IN),
    Case("members:list", page("members:list"), LIST_MEMBERS),
    Case("members:detail", page("members:detail", target), VIEW_TARGET),
    Case("units:list", page("units:list"), MEMBERS_AND_STAFF),
    Case("units:detail", page("units:detail", lambda w: w.riverside.pk), MEMBERS_AND_STAFF),
    Case("units:organisations", page("units:organisations"), MEMBERS_AND_STAFF),
    Case("rulebook:current", page("rulebook:current"), MEMBERS_AND_STAFF),
    Case("audit:trail", page("audit:trail"), TRAIL),
    Case("polls:list", page("polls:list"), SIGNED_IN),
    Case("admin:index", page("admin:index"), frozenset({"admin"})),
    # API
    Case("GET /api/members/", lambda w: "/api/members/", LIST_MEMBERS, api=True),
    Case("GET /api/members/me", lambda w: "/api/members/me", WITH_MEMBER_RECORD, api=True),
    Case("GET /api/members/{id}", lambda w: f"/api/members/{w.target.pk}", VIEW_TARGET, api=True),
    Case(
        "GET /api/members/{id}/eligibility",
        lambda w: f"/api/members/{w.target.pk}/eligibility?purpose=meeting",
        VIEW_TARGET,
        api=True,
    ),
    Case(
        "POST /api/members/import (dry run)",
        lambda w: "/api/members/import",
        SECRETARIES_AND_STAFF,
        api=True,
        method="post",
        data=csv_upload,
    ),
    Case("GET /api/units/", lambda w: "/api/units/", MEMBERS_AND_STAFF, api=True),
    Case(
        "GET /api/rulebook/clauses", lambda w: "/api/rulebook/clauses", MEMBERS_AND_STAFF, api=True
    ),
    Case(
        "GET /api/units/{id}", lambda w: f"/api/units/{w.riverside.pk}", MEMBERS_AND_STAFF, api=True
    ),
    Case(
        "GET /api/organisations/",
        lambda w: "/api/organisations/",
        MEMBERS_AND_STAFF,
        api=True,
    ),
    Case(
        "GET /api/organisations/{id}",
        lambda w: f"/api/organisations/{OrganisationFactory().pk}",
        MEMBERS_AND_STAFF,
        api=True,
    ),
    Case("GET /api/affiliations/", lambda w: "/api/affiliations/", MEMBERS_AND_STAFF, api=True),
    Case(
        "GET /api/affiliations/{id}",
        lambda w: f"/api/affiliations/{AffiliationFactory(unit=w.riverside).pk}",
        MEMBERS_AND_STAFF,
        api=True,
    ),
    Case(
        "POST /api/affiliations/",
        lambda w: "/api/affiliations/",
        SECRETARIES_AND_STAFF,
        api=True,
        method="post",
        data=new_affiliation,
        content_type="application/json",
    ),
    Case(
        "POST /api/affiliations/{id}/end",
        lambda w: f"/api/affiliations/{AffiliationFactory(unit=w.riverside).pk}/end",
        SECRETARIES_AND_STAFF,
        api=True,
        method="post",
        data=lambda w: {"end": "2099-01-01", "reason": "ended by the GC"},
        content_type="application/json",
    ),
    Case("GET /api/polls/", lambda w: "/api/polls/", SIGNED_IN, api=True),
    # policies (a register of public decisions: whoever may see units reads it)
    Case("policies:index", page("policies:index"), MEMBERS_AND_STAFF),
    Case("policies:unit", page("policies:unit", lambda w: w.riverside.pk), MEMBERS_AND_STAFF),
    Case(
        "policies:detail",
        page("policies:detail", lambda w: national_policy(w).pk),
        MEMBERS_AND_STAFF,
    ),
    Case(
        "policies:version",
        page("policies:version", lambda w: national_policy(w).versions.get().pk),
        MEMBERS_AND_STAFF,
    ),
    Case("policies:decide", page("policies:decide", lambda w: w.national.pk), NATIONAL_DECIDERS),
    Case(
        "policies:decide (a CLP: by motion only)",
        page("policies:decide", lambda w: w.riverside.pk),
        frozenset(),
    ),
    Case("GET /api/policies/", lambda w: "/api/policies/", MEMBERS_AND_STAFF, api=True),
    Case(
        "GET /api/policies/units/{id}",
        lambda w: f"/api/policies/units/{w.riverside.pk}?as_at=2026-09-01",
        MEMBERS_AND_STAFF,
        api=True,
    ),
    Case(
        "GET /api/policies/{id}",
        lambda w: f"/api/policies/{national_policy(w).pk}",
        MEMBERS_AND_STAFF,
        api=True,
    ),
    Case(
        "POST /api/policies/units/{id}/national-decisions",
        lambda w: f"/api/policies/units/{w.national.pk}/national-decisions",
        NATIONAL_DECIDERS,
        api=True,
        method="post",
        data=national_adoption,
        content_type="application/json",
    ),
]


def call(case: Case, world: World, role: str) -> Any:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    path = case.path(world)
    kwargs: dict[str, Any] = {}
    if case.data is not None:
        data = case.data(world)
        kwargs["data"] = data
        if case.content_type:
            kwargs["content_type"] = case.content_type
    return getattr(client, case.method)(path, **kwargs)


def verdict(case: Case, role: str, response: Any) -> str:
    """'allowed', 'refused' or a description of an unexpected answer."""
    status = response.status_code
    if status in (200, 201):
        return "allowed"
    if role == "anonymous":
        if case.api and status == 401:
            return "refused"
        if not case.api and status == 302 and reverse("account_login") in response["Location"]:
            return "refused"
    elif status in (403, 404):
        return "refused"
    if not case.api and status == 302 and case.name.startswith("admin:"):
        return "refused"  # the admin sends non-superusers to its sign-in
    return f"unexpected {status}"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_permission_matrix(case: Case, db: Any) -> None:
    world = build_world()
    wrong = []
    for role in ROLES:
        response = call(case, world, role)
        expected = "allowed" if role in case.allowed else "refused"
        got = verdict(case, role, response)
        if got != expected:
            wrong.append(f"{role}: expected {expected}, got {got}")
    assert not wrong, f"{case.name}:\n  " + "\n  ".join(wrong)
