"""The permission matrix of the cases app: every case page and endpoint × every role of the
world. Political roles (unit officers, national staff) and the staff admin are refused
everywhere with the 404 of a case that does not exist; complaints staff act, the auditor reads
metadata, the complainant sees their own case only; the public form is for everyone."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.world import ROLES, World, build_world

SIGNED_IN = frozenset(ROLES) - {"anonymous"}
EVERYONE = frozenset(ROLES)
STAFF = frozenset({"complaints_staff"})
STAFF_AND_AUDITOR = frozenset({"complaints_staff", "auditor"})
WITH_MEMBER_RECORD = frozenset({"member", "branch_secretary", "chair", "secretary"})


@dataclass(frozen=True)
class Row:
    name: str
    path: Any  # (World) -> str
    allowed: frozenset[str]
    method: str = "get"
    data: Any = None  # (World) -> dict
    api: bool = False
    # Roles refused with 403 (they may see the thing but not do this); every other refused
    # signed-in role must get 404, the answer for a case that does not exist.
    forbidden: frozenset[str] = frozenset()


def the_case(world: World) -> Any:
    """The member's complaint about the target (made once per world)."""
    from moot.cases.actions.intake import Complaint, do_submit_complaint
    from moot.cases.models import Case, IntakeChannel

    case = Case.objects.first()
    if case is None:
        case, _ = do_submit_complaint(
            Complaint(
                category="bullying",
                description="Shouted at in the meeting.",
                respondent=world.members["target"],
            ),
            channel=IntakeChannel.MEMBER_FORM,
            acting_user=world.users["member"],
        )
    return case


def url(name: str, with_case: bool = False) -> Any:
    return lambda w: reverse(name, args=[the_case(w).pk] if with_case else [])


ROWS = [
    Row("cases:complain", url("cases:complain"), EVERYONE),
    Row("cases:follow_up", url("cases:follow_up"), EVERYONE),
    Row("cases:receipt_case (no code entered)", url("cases:receipt_case"), frozenset()),
    Row(
        "cases:member_complain",
        url("cases:member_complain"),
        WITH_MEMBER_RECORD,
        forbidden=SIGNED_IN - WITH_MEMBER_RECORD,
    ),
    Row("cases:mine", url("cases:mine"), SIGNED_IN),
    Row(
        "cases:party_case (the complainant's)", url("cases:party_case", True), frozenset({"member"})
    ),
    Row("cases:list", url("cases:list"), STAFF_AND_AUDITOR),
    Row("cases:record", url("cases:record"), STAFF),
    Row("cases:detail", url("cases:detail", True), STAFF_AND_AUDITOR),
    Row(
        "POST cases:note",
        url("cases:note", True),
        STAFF,
        method="post",
        forbidden=frozenset({"auditor"}),
        data=lambda w: {"note": "Called the complainant."},
    ),
    Row(
        "POST cases:question",
        url("cases:question", True),
        STAFF,
        method="post",
        forbidden=frozenset({"auditor"}),
        data=lambda w: {"to": "complainant", "question": "Who else was there?"},
    ),
    Row(
        "POST cases:representation",
        url("cases:representation", True),
        STAFF,
        method="post",
        forbidden=frozenset({"auditor"}),
        data=lambda w: {
            "from_description": "A chair",
            "role_of_person": "constituency chair",
            "summary": "Asked about it.",
        },
    ),
    Row("GET /api/cases/", lambda w: "/api/cases/", STAFF_AND_AUDITOR, api=True),
    Row(
        "GET /api/cases/{id}", lambda w: f"/api/cases/{the_case(w).pk}", STAFF_AND_AUDITOR, api=True
    ),
    Row(
        "POST /api/cases/",
        lambda w: "/api/cases/",
        WITH_MEMBER_RECORD,
        method="post",
        api=True,
        forbidden=SIGNED_IN - WITH_MEMBER_RECORD,
        data=lambda w: json.dumps(
            {
                "category": "bullying",
                "description": "Rude at the meeting.",
                "directed": True,
                "respondent_description": "someone from another branch",
            }
        ),
    ),
]


def call(row: Row, world: World, role: str) -> Any:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    kwargs: dict[str, Any] = {}
    if row.data is not None:
        kwargs["data"] = row.data(world)
        if row.api:
            kwargs["content_type"] = "application/json"
    response = getattr(client, row.method)(row.path(world), **kwargs)
    if row.method == "post" and not row.api and response.status_code == 302:
        # A page's POST that succeeds goes back to the case page.
        location = response["Location"]
        if location.startswith(reverse("cases:detail", args=[the_case(world).pk])):
            return "allowed"
    return response


def verdict(row: Row, role: str, response: Any) -> str:
    if isinstance(response, str):
        return response
    status = response.status_code
    if status in (200, 201):
        return "allowed"
    if role == "anonymous":
        if row.api and status == 401:
            return "refused"
        if not row.api and status == 302 and reverse("account_login") in response["Location"]:
            return "refused"
        if not row.api and status == 404:
            return "refused"  # the receipt page without a code entered
        return f"unexpected {status}"
    if status == 404 or (status == 403 and role in row.forbidden):
        return "refused"
    return f"unexpected {status}"


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_cases_permission_matrix(row: Row, db: Any) -> None:
    world = build_world()
    wrong = []
    for role in ROLES:
        expected = "allowed" if role in row.allowed else "refused"
        got = verdict(row, role, call(row, world, role))
        if got != expected:
            wrong.append(f"{role}: expected {expected}, got {got}")
    assert not wrong, f"{row.name}:\n  " + "\n  ".join(wrong)


def test_a_refused_read_leaves_no_line_in_the_read_log_and_an_allowed_one_does(db: Any) -> None:
    from moot.cases.models import CaseRead

    world = build_world()
    case = the_case(world)
    for role in ("chair", "secretary", "national_staff", "admin", "member"):
        client = Client()
        client.force_login(world.users[role])
        client.get(reverse("cases:detail", args=[case.pk]))
    assert not CaseRead.objects.exists()
    client = Client()
    client.force_login(world.users["complaints_staff"])
    client.get(reverse("cases:detail", args=[case.pk]))
    assert list(CaseRead.objects.values_list("role", "what")) == [("complaints_staff", "page")]
