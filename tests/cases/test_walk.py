"""Issue 10's "done when", over HTTP: a complaint made through the public form by a non-member
is triaged, investigated, decided and appealed through the pages by the right people — each
step by the person whose step it is, none of them conflicted; the respondent's suspension takes
them off their unit's meeting roll with no other step; their unit's chair sees nothing."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.process_world import REASONS, build_process_world
from factories import MemberFactory, OfficeHoldingFactory, PostFactory
from moot.cases.models import AssignmentRole, Case, Stage
from moot.members.queries import eligible_member_ids

pytestmark = pytest.mark.django_db

FORM = {
    "respondent_description": "the branch press officer",
    "category": "bullying",
    "directed": "yes",
    "description": "She shouted at me and called me a liar at the May branch meeting.",
    "incident_dates": "3 May 2026",
}


def act(user, case, action, data):
    """Post one control as ``user``; the step must succeed (its message names no refusal)."""
    client = Client()
    client.force_login(user)
    response = client.post(reverse("cases:process", args=[case.pk, action]), data)
    assert response.status_code == 302, (action, response.status_code)
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said, action
    assert all(m.level_tag == "success" for m in get_messages(response.wsgi_request)), (
        action,
        said,
    )
    return Case.objects.get(pk=case.pk)


def grounds(criterion, clause="6.1.6"):
    return {"criterion": criterion, "clause": clause, "reasons": REASONS}


def test_a_public_complaint_from_intake_to_appeal_through_the_pages():
    pw = build_process_world()
    public = Client()
    sent = public.post(reverse("cases:complain"), FORM)
    assert sent.status_code == 200
    case = Case.objects.get()
    assert case.respondent_id is None
    staff = pw.staff

    case = act(staff, case, "identify", {"member_number": pw.respondent.number})
    case = act(staff, case, "assign", {"user": pw.handler.pk, "role": "case_handler"})
    case = act(staff, case, "move", {"to": "triage"})
    case = act(pw.handler, case, "triage", {"route": "investigation", **grounds("case_to_answer")})
    case = act(staff, case, "assign", {"user": pw.investigator.pk, "role": "investigator"})
    case = act(staff, case, "notice", {"allegation": "Shouting abuse.", "basis": "Two witnesses."})
    case = act(staff, case, "move", {"to": "investigation"})
    assert case.stage == Stage.INVESTIGATION

    # Suspended pending investigation: off the unit's meeting roll, nothing else done.
    unit = pw.respondent.constituency
    assert pw.respondent.pk in eligible_member_ids(unit, "meeting")
    case = act(staff, case, "suspend", {"start": timezone.localdate(), **grounds("risk_of_harm")})
    assert pw.respondent.pk not in eligible_member_ids(unit, "meeting")

    # The respondent replies on their own page; the public complainant adds a statement with
    # their receipt session.
    respondent = Client()
    respondent.force_login(pw.respondent.user)
    replied = respondent.post(
        reverse("cases:party_process", args=[case.pk, "reply"]), {"reply": "I deny it."}
    )
    assert replied.status_code == 302
    answered = public.post(reverse("cases:receipt_answer"), {"answer": "Jo saw it too."})
    assert answered.status_code == 302

    case = act(pw.investigator, case, "report", {"report": "Two witnesses confirm it."})
    case = act(staff, case, "move", {"to": "report"})
    case = act(staff, case, "draw", {"purpose": "panel"})
    case = act(staff, case, "move", {"to": "panel"})
    member = pw.panel_member(case, AssignmentRole.PANEL_MEMBER)
    case = act(member, case, "decision", {"outcome": "warning", **grounds("breach_found")})
    case = act(staff, case, "move", {"to": "decided"})
    assert case.outcome == "warning"

    appealed = respondent.post(
        reverse("cases:party_process", args=[case.pk, "appeal"]),
        {"grounds": "The witnesses are my rivals."},
    )
    assert appealed.status_code == 302
    case = act(staff, case, "draw", {"purpose": "appeal"})
    case = act(staff, case, "move", {"to": "appeal"})
    appeal_member = pw.panel_member(case, AssignmentRole.APPEAL_PANEL_MEMBER)
    assert appeal_member != member
    case = act(
        appeal_member,
        case,
        "decision",
        {"outcome": "reminder_of_conduct", **grounds("disproportionate_sanction")},
    )
    case = act(staff, case, "move", {"to": "closed"})
    assert case.stage == Stage.CLOSED
    assert case.outcome == "reminder_of_conduct"

    # The chair of the respondent's constituency party sees nothing of it.
    chair = OfficeHoldingFactory(
        post=PostFactory(unit=unit, slug="chair"),
        member=MemberFactory(constituency=unit, with_account=True),
    ).member.user
    client = Client()
    client.force_login(chair)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert case.reference not in client.get(reverse("cases:list")).content.decode()
