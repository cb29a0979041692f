"""Insiders reading the case process off the audit trail and the member pages (docs/security.md,
"Complaints and cases": who sees what). A unit secretary or chair, or national staff, must not
learn from a member's Audit history, /audit/ or the status history that a case exists, who
suspended or expelled the member, or the case's reference; complaints staff and the auditor
see the case process's events. Run on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.process_world import build_process_world, grounds
from factories import OfficeHoldingFactory, PostFactory, StaffAssignmentFactory, UserFactory
from moot.audit.models import AuditEvent
from moot.cases.actions import sanctions
from moot.cases.models import Stage

pytestmark = pytest.mark.django_db


def _officer(unit, slug):
    post = PostFactory(unit=unit, slug=slug, title=slug.title())
    holding = OfficeHoldingFactory(
        post=post, start=timezone.localdate() - datetime.timedelta(days=30)
    )
    member = holding.member
    if member.user_id is None:
        member.user = UserFactory(email=f"{slug}@example.org")
        member.save(update_fields=["user"])
    return member.user


@pytest.fixture
def suspended():
    pw = build_process_world()
    case = pw.walk_to(pw.open_case(), Stage.TRIAGE)
    sanctions.do_suspend_respondent(
        case,
        start=timezone.localdate(),
        **grounds("suspension", "risk_of_harm"),
        acting_user=pw.staff,
    )
    sanctions.do_end_suspension(case, reason="Lifted after the interview.", acting_user=pw.staff)
    unit = pw.respondent.constituency
    readers = {
        "secretary": _officer(unit, "secretary"),
        "chair": _officer(unit, "chair"),
        "national_staff": StaffAssignmentFactory(role="national_staff").user,
        "complaints_staff": pw.staff,
        "auditor": StaffAssignmentFactory(role="auditor").user,
    }
    return pw, case, readers


def _get(user, url):
    client = Client()
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize("role", ["secretary", "chair", "national_staff"])
def test_others_learn_nothing_of_the_case_from_the_member_page_or_the_trail(suspended, role):
    pw, case, readers = suspended
    staff_name = pw.staff.get_full_name() or pw.staff.email
    page = _get(readers[role], reverse("members:detail", args=[pw.respondent.pk]))
    assert page.status_code == 200
    pages = [page.text]
    if role == "national_staff":
        trail = _get(readers[role], reverse("audit:trail"))
        assert trail.status_code == 200
        pages.append(trail.text)
        for verb in ("cases.", "cases.suspend_respondent"):
            found = _get(readers[role], reverse("audit:trail") + f"?verb={verb}")
            assert "cases." not in found.text.split("<table", 1)[-1]
    for text in pages:
        assert f"case:{case.pk}" not in text
        assert case.reference not in text
        assert "cases.suspend_respondent" not in text
        assert "cases.end_suspension" not in text
        assert "pending investigation" not in text
        assert staff_name not in text
    if role != "chair":  # the secretary and national staff read the record's audit history
        assert "Audit history" in page.text
        assert "a change recorded by the complaints process" in page.text


def test_the_auditor_sees_the_case_process_on_the_trail(suspended):
    readers = suspended[2]
    assert AuditEvent.objects.filter(verb="cases.suspend_respondent").exists()
    trail = _get(readers["auditor"], reverse("audit:trail") + "?verb=cases.")
    assert trail.status_code == 200
    assert "cases.suspend_respondent" in trail.text
    assert "cases.end_suspension" in trail.text


def test_complaints_staff_see_who_suspended_and_why_on_the_status_history(suspended):
    pw, case, readers = suspended
    page = _get(readers["complaints_staff"], reverse("members:detail", args=[pw.respondent.pk]))
    assert page.status_code == 200
    assert f"case:{case.pk}" in page.text


def test_status_wording_tells_of_a_case_only_to_who_may_know(suspended):
    """Finding 4: a suspended member's standing reads "suspended — may not take part" to unit
    officers and national staff (member page, list, dashboard, API, CSV export); the member,
    complaints staff and the auditor read "suspended pending investigation"."""
    from moot.members.disclosure import status_wording

    pw, case, readers = suspended
    member = pw.respondent
    sanctions.do_suspend_respondent(
        case,
        start=timezone.localdate(),
        **grounds("suspension", "risk_of_harm"),
        acting_user=pw.staff,
    )
    member.refresh_from_db()
    for role in ("secretary", "chair", "national_staff"):
        assert status_wording(readers[role], member) == "suspended — may not take part"
        for url in (
            reverse("members:detail", args=[member.pk]),
            reverse("members:list"),
            reverse("dashboard") if role != "chair" else reverse("members:list"),
        ):
            response = _get(readers[role], url)
            assert "pending investigation" not in response.text, (role, url)
    for role in ("complaints_staff", "auditor"):
        assert status_wording(readers[role], member) == "suspended pending investigation"
    assert status_wording(member.user, member) == "suspended pending investigation"
    own = _get(member.user, reverse("dashboard"))
    assert "suspended pending investigation" in own.text
    secretary = readers["secretary"]
    export = _get(secretary, reverse("members:export"))
    assert "pending investigation" not in export.content.decode()
    api = _get(secretary, f"/api/members/{member.pk}")
    assert "pending investigation" not in api.content.decode()
