"""What the parties are told (issue 10 fix round, finding 8): the decision's message carries
the outcome, the reasons and the appeal route with its last day, once; a triage result carries
the route and its reasons."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cases.process_world import REASONS, build_process_world, grounds
from moot.cases import workdays
from moot.cases.actions import stages
from moot.cases.crypto import open_text
from moot.cases.models import Communication, Outcome, Party, Stage
from moot.units.queries import edition_in_force

pytestmark = pytest.mark.django_db


@pytest.fixture
def pw():
    return build_process_world()


def test_the_decision_message_gives_outcome_reasons_and_the_last_day_to_appeal(pw):
    case = pw.walk_to(pw.open_case(), Stage.DECIDED)
    rules = edition_in_force().complaints
    last_day = workdays.add_working_days(
        timezone.localdate(), rules.deadline_days("appeal_window"), rules.nation
    )
    sent = Communication.objects.filter(case=case, milestone="decided")
    assert sorted(sent.values_list("to", flat=True)) == sorted(
        set(sent.values_list("to", flat=True))
    )  # once per party
    to_complainant = sent.get(to=Party.COMPLAINANT)
    body = open_text(to_complainant, "body_enc")
    assert f"The decision: {Outcome.WARNING.label.lower()}." in body
    assert REASONS in body
    assert f"appeal until {last_day.day} {last_day:%B %Y}" in body
    assert case.reference in body


def test_a_triage_result_says_the_route_and_its_reasons(pw):
    case = pw.walk_to(pw.open_case(), Stage.TRIAGE)
    handler = pw.handler
    stages.do_triage_case(
        case,
        route=Stage.NO_FURTHER_ACTION,
        **grounds("triage", "no_case_to_answer"),
        acting_user=handler,
    )
    told = Communication.objects.filter(case=case, milestone="triaged")
    assert told.exists()
    body = open_text(told.first(), "body_enc")
    assert "The assessment: no further action." in body
    assert REASONS in body


def test_a_complainant_following_with_the_receipt_code_appeals_on_their_page(pw, client):
    from django.urls import reverse

    from moot.cases.actions.intake import receipt_hash
    from moot.cases.models import CaseEvent, EventKind

    case = pw.walk_to(pw.open_case(), Stage.DECIDED)
    code = "1111 2222 3333 4444 5555"
    type(case).objects.filter(pk=case.pk).update(
        complainant_member=None, receipt_hash=receipt_hash(code)
    )
    assert client.post(reverse("cases:follow_up"), {"code": code}).status_code == 302
    page = client.get(reverse("cases:receipt_case")).content.decode()
    assert "Appeal against the decision" in page
    assert reverse("cases:receipt_appeal") in page
    client.post(reverse("cases:receipt_appeal"), {"grounds": "The panel did not hear Jo."})
    appeal = CaseEvent.objects.get(case=case, kind=EventKind.APPEAL)
    assert appeal.party == Party.COMPLAINANT
