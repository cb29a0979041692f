"""The cases API: the same access as the pages (404 for everyone without a role on the case,
metadata only for the auditor, every read logged) and a member's complaint with its checks."""

from __future__ import annotations

import pytest
from django.test import Client

from cases.intake_world import case_keys, public_complaint  # noqa: F401
from moot.accounts.actions import do_create_api_token
from moot.cases.models import Case, CaseRead

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("case_keys")]


@pytest.fixture
def api_as(world):
    def make(role: str) -> Client:
        user = world.users[role]
        _row, secret = do_create_api_token(user, name="tests", acting_user=user)
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    return make


def test_staff_list_and_read_a_case_and_the_read_is_logged(world, api_as):
    case, _ = public_complaint(world)
    staff = api_as("complaints_staff")
    listed = staff.get("/api/cases/").json()
    assert [row["reference"] for row in listed] == [case.reference]
    detail = staff.get(f"/api/cases/{case.pk}").json()
    assert detail["description"].startswith("At the branch meeting")
    assert detail["role"] == "complaints_staff"
    assert CaseRead.objects.filter(case=case, what="api").count() == 1
    assert staff.get("/api/cases/?stage=nonsense").status_code == 422


def test_the_auditor_gets_metadata_with_the_text_null(world, api_as):
    case, _ = public_complaint(world)
    detail = api_as("auditor").get(f"/api/cases/{case.pk}").json()
    assert detail["description"] is None
    assert all(event["body"] is None for event in detail["events"])
    assert detail["reference"] == case.reference


@pytest.mark.parametrize("role", ["member", "chair", "secretary", "national_staff", "admin"])
def test_everyone_else_gets_404_on_list_and_case(world, api_as, role):
    case, _ = public_complaint(world)
    client = api_as(role)
    listed = client.get("/api/cases/")
    assert listed.status_code == 404
    answer = client.get(f"/api/cases/{case.pk}")
    assert answer.status_code == 404
    assert answer.json()["detail"] == "No such case."


def test_a_member_complains_through_the_api(world, api_as):
    client = api_as("member")
    sent = client.post(
        "/api/cases/",
        {
            "category": "bullying",
            "description": "Shouted at in the meeting.",
            "directed": True,
            "respondent_number": world.members["target"].number,
        },
        content_type="application/json",
    )
    assert sent.status_code == 201, sent.json()
    case = Case.objects.get(pk=sent.json()["id"])
    assert case.respondent == world.members["target"]
    assert case.complainant_member == world.members["member"]


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (
            {
                "category": "rudeness",
                "description": "x",
                "directed": True,
                "respondent_description": "someone",
            },
            422,
            "Choose what the complaint",
        ),
        (
            {"category": "bullying", "description": "x", "directed": True},
            422,
            "Say who the complaint",
        ),
        (
            {
                "category": "bullying",
                "description": "x",
                "directed": True,
                "respondent_number": "M9999999",
            },
            422,
            "No member has this number",
        ),
        (
            {
                "category": "bullying",
                "description": "x",
                "directed": True,
                "respondent_description": "y",
                "urgent": True,
            },
            422,
            "urgent",
        ),
    ],
)
def test_a_bad_api_complaint_is_refused_and_writes_nothing(world, api_as, body, status, words):
    answer = api_as("member").post("/api/cases/", body, content_type="application/json")
    assert answer.status_code == status
    assert words in answer.text
    assert not Case.objects.exists()
