"""The permission matrix of the process's pages and endpoints × every role of the shared world:
only complaints staff in scope reach them; everyone else gets the 404 of a page or case that
does not exist (the auditor may get 403 on a case it may see but not act on), and an anonymous
caller is sent to sign in. A refused write changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.world import ROLES
from cases.intake_world import case_keys, public_complaint  # noqa: F401 -- fixture
from moot.cases.models import Case, CaseEvent, Stage

pytestmark = pytest.mark.django_db

STAFF = "complaints_staff"
PAGES = ("cases:overdue", "cases:training")
# (action, form data) of every control a signed-in staff member posts.
CONTROLS = (
    ("move", {"to": "triage"}),
    ("identify", {"member_number": "NOPE"}),
    ("assign", {"role": "case_handler"}),
    ("draw", {"purpose": "panel"}),
    ("notice", {"allegation": "a", "basis": "b"}),
    ("reply", {"reply": "r"}),
    ("postpone", {}),
    ("appeal", {"by": "respondent", "grounds": "g"}),
    ("clock-stop", {"reason": "party_illness"}),
    ("clock-restart", {}),
    ("suspend", {}),
    ("renew-suspension", {"reasons": "r"}),
    ("end-suspension", {"reasons": "r"}),
    ("sanction", {"kind": "warning"}),
    ("education-done", {}),
    ("close-left", {}),
    ("end-assignment", {"assignment": 1, "reason": "r"}),
    ("triage", {"route": "closed"}),
    ("report", {"report": "r"}),
    ("decision", {"outcome": "warning"}),
    ("review", {"verdict": "veto"}),
    ("declare-conflict", {"reason": "r"}),
)


def client_for(world: Any, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_the_process_pages(world, role):
    client = client_for(world, role)
    for name in PAGES:
        response = client.get(reverse(name))
        if role == STAFF:
            assert response.status_code == 200, name
        elif role == "anonymous":
            assert response.status_code == 302, name
            assert "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 404, (name, role)


@pytest.mark.parametrize("role", ROLES)
def test_the_process_controls(world, role):
    case, _ = public_complaint(world)
    client = client_for(world, role)
    events = CaseEvent.objects.filter(case=case).count()
    for action, data in CONTROLS:
        response = client.post(reverse("cases:process", args=[case.pk, action]), data)
        if role == STAFF:
            # Reached the control: redirected back to the case (a refusal shown as a message).
            assert response.status_code == 302, action
            assert response["Location"] in {
                reverse("cases:detail", args=[case.pk]),
                reverse("cases:list"),
            }
        elif role == "anonymous":
            assert response.status_code == 302, action
            assert "/accounts/login/" in response["Location"]
        else:
            allowed = {403, 404} if role == "auditor" else {404}
            assert response.status_code in allowed, (action, role, response.status_code)
    if role != STAFF:
        assert CaseEvent.objects.filter(case=case).count() == events
        assert Case.objects.get(pk=case.pk).stage == Stage.RECEIVED
    unknown = client.post(reverse("cases:process", args=[case.pk, "no-such-control"]), {})
    assert unknown.status_code in {302, 404} if role == "anonymous" else unknown.status_code == 404
