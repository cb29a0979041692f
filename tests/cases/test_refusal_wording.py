"""Refusals that say what to give and the rule (issue 10 fix round, finding 12): a complaint
with no one named, an untrained person posted to a case (the training refusal, kept in the
log), a decision without reasons, a sanction the rulebook does not have — never Django's "This
field is required." or "Select a valid choice"."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from cases.intake_world import case_keys  # noqa: F401
from cases.process_world import build_process_world
from factories import UserFactory
from moot.cases.models import Assignment, AssignmentRole, CaseEvent, EventKind, Sanction, Stage
from moot.units.queries import edition_in_force

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("case_keys")]

FORM = {
    "respondent_description": "",
    "category": "bullying",
    "directed": "yes",
    "description": "She shouted at me at the May meeting.",
    "incident_dates": "3 May 2026",
}


@pytest.fixture
def pw():
    return build_process_world()


def post(client, user, case, action, data) -> str:
    client.force_login(user)
    response = client.post(reverse("cases:process", args=[case.pk, action]), data, follow=True)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_a_public_complaint_naming_no_one_says_what_to_give_and_the_rule(world):
    page = Client().post(reverse("cases:complain"), FORM)
    assert page.status_code == 400
    text = html.unescape(page.content.decode())
    assert "This field is required" not in text
    assert "Say who the complaint is about" in text
    assert f"rule {edition_in_force().complaints.clause}" in text


def test_an_untrained_person_posted_to_a_case_gets_the_training_refusal_logged(client, pw):
    case = pw.open_case()
    untrained = UserFactory()
    text = post(client, pw.staff, case, "assign", {"user": untrained.pk, "role": "case_handler"})
    assert "Select a valid choice" not in text
    assert "train" in text.lower()
    assert not Assignment.objects.filter(case=case, user=untrained).exists()
    refused = CaseEvent.objects.get(case=case, kind=EventKind.ASSIGNMENT_REFUSED)
    assert refused.data["user"] == untrained.pk


def test_a_decision_without_reasons_is_refused_with_the_words_needed(client, pw):
    case = pw.walk_to(pw.open_case(), Stage.PANEL)
    member = pw.panel_member(case, AssignmentRole.PANEL_MEMBER)
    text = post(
        client,
        member,
        case,
        "decision",
        {"outcome": "warning", "criterion": "breach_found", "clause": "6.3.5", "reasons": ""},
    )
    assert "This field is required" not in text
    assert "write the reasons in at least" in text
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.DECISION).exists()


def test_a_sanction_not_in_the_rulebook_names_those_it_allows(client, pw):
    case = pw.walk_to(pw.open_case(), Stage.DECIDED)
    text = post(
        client,
        pw.staff,
        case,
        "sanction",
        {"kind": "fine", "starts_on": "2026-06-01", "reasons": "As the panel decided."},
    )
    assert "Select a valid choice" not in text
    rules = edition_in_force().complaints
    assert "does not allow the sanction 'fine'" in text
    assert ", ".join(s.kind for s in rules.sanctions) in text
    assert not Sanction.objects.filter(case=case).exists()
