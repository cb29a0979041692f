"""The process's pages over HTTP: the controls a case page shows each role, a refused move's
message, the assignment refusal kept in the log, the overdue view and the training register;
political roles and unassigned people get the 404 of a case that does not exist."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.process_world import build_process_world
from factories import MemberFactory, OfficeHoldingFactory, PostFactory, UserFactory
from moot.cases.models import AssignmentRole, CaseEvent, EventKind, Stage, Training

pytestmark = pytest.mark.django_db


@pytest.fixture
def pw():
    return build_process_world()


def page(client, user, case):
    client.force_login(user)
    return client.get(reverse("cases:detail", args=[case.pk]))


def post(client, user, case, action, data):
    client.force_login(user)
    return client.post(reverse("cases:process", args=[case.pk, action]), data, follow=True)


def test_staff_see_the_next_stages_with_what_each_still_needs(client, pw):
    case = pw.open_case()
    response = page(client, pw.staff, case)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Move to triage" in text
    assert "Still needed: a case handler assigned." in text
    response = post(client, pw.staff, case, "move", {"to": "triage"})
    assert "needs a case handler assigned" in response.content.decode()
    assert pw.refresh(case).stage == Stage.RECEIVED


def test_a_conflicted_assignment_is_refused_on_the_page_and_kept_in_the_log(client, pw):
    case = pw.open_case()
    neighbour = MemberFactory(constituency=pw.respondent.constituency, with_account=True)
    Training.objects.create(
        user=neighbour.user,
        category="all",
        completed_on=timezone.localdate(),
        expires_on=timezone.localdate() + datetime.timedelta(days=300),
        provider="Equality trainers",
        recorded_by=pw.staff,
        recorded_at=timezone.now(),
    )
    response = post(
        client,
        pw.staff,
        case,
        "assign",
        {"user": neighbour.user.pk, "role": AssignmentRole.INVESTIGATOR},
    )
    assert "as the respondent does" in response.content.decode()
    refused = CaseEvent.objects.get(case=case, kind=EventKind.ASSIGNMENT_REFUSED)
    assert refused.data == {"user": neighbour.user.pk, "role": "investigator"}


def test_each_decider_sees_their_own_form_only(client, pw):
    case = pw.walk_to(pw.open_case(), Stage.PANEL)
    member = pw.panel_member(case, AssignmentRole.PANEL_MEMBER)
    text = page(client, member, case).content.decode()
    assert "The panel&#x27;s decision" in text or "The panel's decision" in text
    assert "Move to" not in text
    assert "Declare a conflict of interest" in text
    staff_text = page(client, pw.staff, case).content.decode()
    assert "Record the decision" not in staff_text


def test_a_panel_member_who_declares_a_conflict_loses_the_case_at_once(client, pw):
    case = pw.walk_to(pw.open_case(), Stage.PANEL)
    member = pw.panel_member(case, AssignmentRole.PANEL_MEMBER)
    post(client, member, case, "declare-conflict", {"reason": "I know the respondent well."})
    assert page(client, member, case).status_code == 404
    client.force_login(member)
    response = client.post(
        reverse("cases:process", args=[case.pk, "decision"]), {"outcome": "warning"}
    )
    assert response.status_code == 404


def test_political_roles_and_strangers_get_404_on_every_control(client, pw):
    case = pw.walk_to(pw.open_case(), Stage.TRIAGE)
    chair = OfficeHoldingFactory(
        post=PostFactory(unit=pw.respondent.constituency, slug="chair"),
        member=MemberFactory(constituency=pw.respondent.constituency, with_account=True),
    ).member.user
    stranger = UserFactory()
    for user in (chair, stranger):
        client.force_login(user)
        for action in ("move", "assign", "triage", "suspend", "declare-conflict"):
            response = client.post(reverse("cases:process", args=[case.pk, action]), {})
            assert response.status_code == 404, (user, action)
        assert client.get(reverse("cases:overdue")).status_code == 404
        assert client.get(reverse("cases:training")).status_code == 404


def test_the_overdue_view_lists_cases_past_their_working_day_deadline(client, pw):
    case = pw.walk_to(pw.open_case(), Stage.TRIAGE)
    client.force_login(pw.staff)
    assert case.reference not in client.get(reverse("cases:overdue")).content.decode()
    with time_machine.travel(case.deadline + datetime.timedelta(days=3)):
        client.force_login(pw.staff)
        response = client.get(reverse("cases:overdue"))
        assert response.status_code == 200
        text = response.content.decode()
    assert case.reference in text
    assert pw.handler.get_full_name() in text


def test_the_training_register_records_and_refuses_an_unknown_account(client, pw):
    client.force_login(pw.staff)
    url = reverse("cases:training")
    person = UserFactory(email="new.panel@example.org")
    response = client.post(
        url,
        {
            "email": "NEW.panel@example.org",
            "category": "antisemitism",
            "completed_on": timezone.localdate().isoformat(),
            "provider": "Jewish Labour trainers",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert Training.objects.filter(user=person, category="antisemitism").exists()
    response = client.post(
        url,
        {
            "email": "nobody@example.org",
            "category": "all",
            "completed_on": timezone.localdate().isoformat(),
            "provider": "x",
        },
    )
    assert "No account has that e-mail address." in response.content.decode()


def test_the_respondent_reads_the_notice_replies_and_appeals_on_their_own_page(client, pw):
    case = pw.walk_to(pw.open_case(), Stage.INVESTIGATION)
    respondent = pw.respondent.user
    client.force_login(respondent)
    url = reverse("cases:party_case", args=[case.pk])
    text = client.get(url).content.decode()
    assert "Abusive messages." in text  # the allegation, in full
    assert "Screenshots." in text  # and its basis
    response = client.post(
        reverse("cases:party_process", args=[case.pk, "reply"]),
        {"reply": "It was not me.", "companion": "A union rep"},
        follow=True,
    )
    assert "Your reply is in the case." in response.content.decode()
    reply = CaseEvent.objects.filter(case=case, kind=EventKind.REPLY_RECEIVED).last()
    assert reply.actor == respondent
    assert reply.data == {"accompanied": True}
    # The complainant may not reply in the respondent's place.
    client.force_login(pw.complainant.user)
    response = client.post(reverse("cases:party_process", args=[case.pk, "reply"]), {"reply": "x"})
    assert response.status_code == 404
    case = pw.walk_to(case, Stage.DECIDED)
    client.force_login(respondent)
    response = client.post(
        reverse("cases:party_process", args=[case.pk, "appeal"]),
        {"grounds": "The panel ignored my reply."},
        follow=True,
    )
    assert "Your appeal is lodged" in response.content.decode()
    appeal = CaseEvent.objects.get(case=case, kind=EventKind.APPEAL)
    assert appeal.party == "respondent"
    # A stranger cannot reach the party's controls.
    client.force_login(UserFactory())
    response = client.post(
        reverse("cases:party_process", args=[case.pk, "appeal"]), {"grounds": "x"}
    )
    assert response.status_code == 404
