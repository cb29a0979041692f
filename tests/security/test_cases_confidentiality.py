"""Complaints and cases (docs/security.md, "Complaints and cases"): the insider tests. Each
names the actor and what stops them. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.intake_world import PDF, case_keys, member_complaint, public_complaint  # noqa: F401
from moot.accounts.models import StaffAssignment
from moot.audit.models import AuditEvent
from moot.cases import crypto
from moot.cases import evidence as files
from moot.cases.models import Case, CaseRead, ConflictDeclaration

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("case_keys")]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_chair_and_secretary_of_the_respondents_unit_see_nothing_anywhere(world):
    """Unit officers (either faction): no page, row, count or API answer about the case."""
    case = member_complaint(world, world.users["member"])
    assert case.unit == world.riverside  # the chair's and the secretary's own constituency
    for role in ("chair", "secretary", "branch_secretary"):
        client = signed_in(world.users[role])
        for path in (
            reverse("cases:list"),
            reverse("cases:detail", args=[case.pk]),
            reverse("cases:party_case", args=[case.pk]),
            f"/api/cases/{case.pk}",
            "/api/cases/",
        ):
            assert client.get(path).status_code == 404, (role, path)
        dashboard = client.get(reverse("dashboard")).text
        assert case.reference not in dashboard
        assert "triage" not in dashboard
        assert client.get(reverse("audit:trail")).status_code in (403, 404)
    assert not CaseRead.objects.exists()


def test_national_staff_do_not_see_the_case_process_on_the_audit_trail(world):
    """National staff (a political role) read the audit trail: cases' events are not listed
    to them at all (not even that something happened); the auditor sees verb, time and actor,
    never the case's reference or category."""
    case, _ = public_complaint(world, category="antisemitism")
    page = signed_in(world.users["national_staff"]).get(reverse("audit:trail")).text
    assert "cases.submit_complaint" not in page
    assert "Complaint submitted" not in page
    assert case.reference not in page
    page = signed_in(world.users["auditor"]).get(reverse("audit:trail")).text
    assert "cases.submit_complaint" in page or "Complaint submitted" in page
    assert case.reference not in page
    assert "antisemitism" not in page
    stored = AuditEvent.objects.get(verb="cases.submit_complaint")
    assert stored.after["reference"] == case.reference  # the stored event is whole


def test_someone_with_a_backup_and_no_keys_reads_no_complaint(world):
    """The database and the evidence directory copied, the keys directory not: the text is
    ciphertext and the files are sealed."""
    case, _ = public_complaint(world, files=[("post.pdf", PDF)])
    table = Case._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT description_enc, complainant_contact_enc FROM {table}")
        rows = cursor.fetchall()
    for row in rows:
        for value in row:
            raw = bytes(value)
            assert b"shouted" not in raw
            assert b"sam@example.org" not in raw
    stored = next(files.evidence_dir().iterdir()).read_bytes()
    assert b"screenshot of the post" not in stored
    crypto.keys_path().unlink()
    with pytest.raises(crypto.CaseKeyError):
        crypto.open_text(Case.objects.get(pk=case.pk), "description_enc")


def test_a_database_administrator_cannot_move_a_text_into_a_case_someone_may_read(world):
    """Copying another case's ciphertext into a row the reader may see does not open it."""
    secret, _ = public_complaint(world, description="The secret one.")
    other, _ = public_complaint(world, description="An ordinary one.")
    Case.objects.filter(pk=other.pk).update(description_enc=secret.description_enc)
    with pytest.raises(crypto.CaseKeyError):
        crypto.open_text(Case.objects.get(pk=other.pk), "description_enc")
    page = signed_in(world.users["complaints_staff"]).get(reverse("cases:detail", args=[other.pk]))
    assert page.status_code == 409
    assert "does not open" in page.text
    assert "The secret one." not in page.text


def test_complaints_staff_who_declare_a_conflict_lose_the_case_at_once(world):
    """Complaints staff: a declared conflict (standing, or on the case) removes the case from
    their list and their pages in the same request cycle."""
    case, _ = public_complaint(world)
    staff = world.users["complaints_staff"]
    client = signed_in(staff)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    ConflictDeclaration.objects.create(
        user=staff, reason="my partner is the respondent", declared_at=timezone.now()
    )
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert case.reference not in client.get(reverse("cases:list")).text
    assert client.get(f"/api/cases/{case.pk}").status_code == 404


def test_a_complaints_officer_who_is_the_respondent_sees_only_the_party_view(world):
    """Complaints staff as a party: their own case is not theirs to handle."""
    staff_member = world.members["secretary"]
    StaffAssignment.objects.create(user=staff_member.user, role="complaints_staff", unit=None)
    case = member_complaint(world, world.users["member"], respondent=staff_member)
    client = signed_in(staff_member.user)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert case.reference not in client.get(reverse("cases:list")).text
    assert client.get(reverse("cases:party_case", args=[case.pk])).status_code == 200


def test_complaints_staff_of_another_region_see_nothing_of_this_one(world):
    """Complaints staff limited to a unit see only the cases under it."""
    case, _ = public_complaint(world)  # filed under Riverside
    from factories import UserFactory

    elsewhere = UserFactory(email="staff.elsewhere@example.org")
    StaffAssignment.objects.create(user=elsewhere, role="complaints_staff", unit=world.elsewhere)
    client = signed_in(elsewhere)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert case.reference not in client.get(reverse("cases:list")).text


def test_a_representation_from_a_unit_officer_is_seen_by_the_auditor(world):
    """A political role's contact about a case is recorded and the auditor sees it (R-E1)."""
    case, _ = public_complaint(world)
    signed_in(world.users["complaints_staff"]).post(
        reverse("cases:representation", args=[case.pk]),
        {
            "from_description": "Riverside CLP chair",
            "role_of_person": "constituency chair",
            "summary": "Asked that the case wait until after the selection.",
        },
    )
    page = signed_in(world.users["auditor"]).get(reverse("cases:detail", args=[case.pk])).text
    assert "Asked that the case wait until after the selection." in page
