"""The cases pages as people use them: the public form and its receipt code, following a
complaint with the code, a member's own complaints, the staff's list and case page — and who
gets the 404 of a case that does not exist (issue 10 items 1, 2)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.intake_world import PDF, case_keys, member_complaint, public_complaint  # noqa: F401
from moot.cases.models import Assignment, AssignmentRole, CaseRead, ConflictDeclaration

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("case_keys")]

FORM = {
    "respondent_description": "the branch press officer",
    "category": "bullying",
    "directed": "yes",
    "description": "She shouted at me at the May meeting.",
    "incident_dates": "3 May 2026",
}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_public_form_takes_a_complaint_and_shows_the_receipt_code_once(world):
    client = Client()
    page = client.get(reverse("cases:complain"))
    assert page.status_code == 200
    assert "Make a complaint" in page.text
    upload = SimpleUploadedFile("post.pdf", PDF, content_type="application/pdf")
    sent = client.post(reverse("cases:complain"), {**FORM, "files": [upload]})
    assert sent.status_code == 200
    assert sent["Cache-Control"] == "no-store"
    code = re.search(r"(\d{4} \d{4} \d{4} \d{4} \d{4})", sent.text).group(1)
    # The session follows the complaint; the page shows stage and the file, not the code.
    mine = client.get(reverse("cases:receipt_case"))
    assert mine.status_code == 200
    assert "application/pdf" in mine.text
    assert code not in mine.text
    # Another browser needs the code; a wrong one is refused on its field.
    other = Client()
    assert other.get(reverse("cases:receipt_case")).status_code == 404
    wrong = other.post(reverse("cases:follow_up"), {"code": "1234 5678 9012 3456 7890"})
    assert wrong.status_code == 400
    assert "No complaint has this receipt code" in wrong.text
    right = other.post(reverse("cases:follow_up"), {"code": code})
    assert right.status_code == 302
    answered = other.post(reverse("cases:receipt_answer"), {"answer": "Jo saw it too."})
    assert answered.status_code == 302
    assert "Answer from a party" in other.get(reverse("cases:receipt_case")).text


def test_a_bad_public_complaint_is_shown_with_its_field(world):
    page = Client().post(reverse("cases:complain"), {**FORM, "respondent_description": ""})
    assert page.status_code == 400
    assert "This field is required" in page.text or "Say who the complaint" in page.text
    bad_file = SimpleUploadedFile("cv.pdf", b"MZ\x90\x00", content_type="application/pdf")
    page = Client().post(reverse("cases:complain"), {**FORM, "files": [bad_file]})
    assert page.status_code == 400
    assert "not a file type accepted" in page.text


def test_guessing_receipt_codes_is_slowed(world, settings):
    client = Client()
    for _ in range(20):
        client.post(reverse("cases:follow_up"), {"code": "0000 0000 0000 0000 0000"})
    page = client.post(reverse("cases:follow_up"), {"code": "0000 0000 0000 0000 0000"})
    assert "Too many attempts" in page.text
    assert page.status_code == 429
    assert 1 <= int(page["Retry-After"]) <= 10


def test_others_wrong_codes_do_not_lock_the_real_code_out(world):
    """Finding 9: 22 wrong codes from one address (a shared connection) slow that address down
    to one check every few seconds; the real code is never refused for 15 minutes."""
    import datetime

    import time_machine

    sender = Client()
    sent = sender.post(reverse("cases:complain"), FORM)
    code = re.search(r"(\d{4} \d{4} \d{4} \d{4} \d{4})", sent.text).group(1)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        guesser = Client()
        for _ in range(22):
            guesser.post(reverse("cases:follow_up"), {"code": "0000 0000 0000 0000 0000"})
            clock.shift(datetime.timedelta(seconds=11))
        owner = Client()
        page = owner.post(reverse("cases:follow_up"), {"code": code})
        assert page.status_code == 302, page.text
        assert owner.get(reverse("cases:receipt_case")).status_code == 200
        # Right after a wrong one, the next check waits a few seconds, then goes through.
        guesser.post(reverse("cases:follow_up"), {"code": "0000 0000 0000 0000 0000"})
        early = owner.post(reverse("cases:follow_up"), {"code": code})
        assert early.status_code == 429
        clock.shift(datetime.timedelta(seconds=int(early["Retry-After"])))
        assert owner.post(reverse("cases:follow_up"), {"code": code}).status_code == 302


def test_a_busy_connection_sends_more_than_ten_complaints_an_hour(world):
    client = Client()
    for _ in range(12):
        assert client.post(reverse("cases:complain"), FORM).status_code == 200


def test_a_member_complains_and_follows_it_the_respondent_sees_their_side(world):
    member = signed_in(world.users["member"])
    sent = member.post(
        reverse("cases:member_complain"),
        {**FORM, "respondent_number": world.members["target"].number, "respondent_description": ""},
    )
    assert sent.status_code == 302
    page = member.get(sent["Location"])
    assert page.status_code == 200
    assert "Your complaint" in page.text
    assert "complaint received" in page.text  # the acknowledgement on their page


def test_staff_see_the_case_with_its_text_and_every_read_is_logged(world):
    case, _ = public_complaint(world, files=[("post.pdf", PDF)])
    staff = signed_in(world.users["complaints_staff"])
    listed = staff.get(reverse("cases:list"))
    assert case.reference in listed.text
    page = staff.get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    assert "shouted at me" in page.text
    assert "Sam Fictional" in page.text
    assert "<dt>Your role</dt><dd>Complaints staff</dd>" in page.text
    assert "complaintsstaff" not in page.text
    item = case.evidence.get()
    download = staff.get(reverse("cases:evidence", args=[case.pk, item.pk]))
    assert download.content == PDF
    assert download["Content-Disposition"] == 'attachment; filename="post.pdf"'
    reads = list(CaseRead.objects.filter(case=case).values_list("what", "role"))
    assert ("page", "complaints_staff") in reads
    assert ("evidence", "complaints_staff") in reads


def test_the_auditor_sees_metadata_representations_and_reads_not_the_text(world):
    case, _ = public_complaint(world, files=[("post.pdf", PDF)])
    staff = signed_in(world.users["complaints_staff"])
    staff.post(
        reverse("cases:representation", args=[case.pk]),
        {
            "from_description": "Riverside CLP chair",
            "role_of_person": "constituency chair",
            "summary": "Asked for the case to be dropped before the selection.",
        },
    )
    auditor = signed_in(world.users["auditor"])
    page = auditor.get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    assert "shouted at me" not in page.text
    assert "Sam Fictional" not in page.text
    assert "constituency chair" in page.text
    assert "Asked for the case to be dropped" in page.text
    assert "Read log" in page.text
    item = case.evidence.get()
    assert auditor.get(reverse("cases:evidence", args=[case.pk, item.pk])).status_code == 403
    assert auditor.post(reverse("cases:note", args=[case.pk]), {"note": "x"}).status_code == 403


@pytest.mark.parametrize(
    "role",
    ["member", "chair", "secretary", "branch_secretary", "national_staff", "admin", "outsider"],
)
def test_political_roles_and_the_admin_get_the_404_of_a_case_that_does_not_exist(world, role):
    case, _ = public_complaint(world, files=[("post.pdf", PDF)])
    client = signed_in(world.users[role])
    item = case.evidence.get()
    for url in (
        reverse("cases:list"),
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:evidence", args=[case.pk, item.pk]),
        reverse("cases:party_case", args=[case.pk]),
    ):
        assert client.get(url).status_code == 404, url
    missing = client.get(reverse("cases:detail", args=[case.pk + 1000]))
    assert missing.status_code == 404
    assert not CaseRead.objects.filter(user=world.users[role]).exists()


def test_an_assigned_investigator_reads_until_a_conflict_is_declared(world):
    case, _ = public_complaint(world)
    investigator = world.users["national_staff"]
    Assignment.objects.create(
        case=case, user=investigator, role=AssignmentRole.INVESTIGATOR, assigned_at=timezone.now()
    )
    client = signed_in(investigator)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert case.reference in client.get(reverse("cases:list")).text
    ConflictDeclaration.objects.create(
        case=case, user=investigator, reason="same branch", declared_at=timezone.now()
    )
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert case.reference not in client.get(reverse("cases:list")).text


def test_the_respondent_sees_only_their_side(world):
    case = member_complaint(world, world.users["member"])
    target = world.members["target"]
    from factories import UserFactory

    target.user = UserFactory(email="target@example.org")
    target.save(update_fields=["user"])
    page = signed_in(target.user).get(reverse("cases:party_case", args=[case.pk]))
    assert page.status_code == 200
    assert "about you" in page.text
    assert "racist remark" not in page.text  # the complaint's text is the staff's to put to them
    assert signed_in(target.user).get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_the_triage_alert_shows_complaints_past_their_triage_days(world):
    case, _ = public_complaint(world)
    from moot.cases.models import Case

    Case.objects.filter(pk=case.pk).update(
        deadline=timezone.localdate() - timezone.timedelta(days=1)
    )
    page = signed_in(world.users["complaints_staff"]).get(reverse("dashboard"))
    assert "not triaged within" in page.text
    assert case.reference in page.text
    assert (
        "not triaged within" not in signed_in(world.users["chair"]).get(reverse("dashboard")).text
    )


def test_the_staff_list_filters_and_pages(world, monkeypatch):
    from moot.cases import views
    from moot.cases.models import Case

    first, _ = public_complaint(world)
    second, _ = public_complaint(world, category="other_racism")
    Case.objects.filter(pk=first.pk).update(stage="triage")
    staff = signed_in(world.users["complaints_staff"])
    by_stage = staff.get(reverse("cases:list"), {"stage": "triage"}).text
    assert first.reference in by_stage
    assert second.reference not in by_stage
    by_category = staff.get(reverse("cases:list"), {"category": "other_racism"}).text
    assert second.reference in by_category
    assert first.reference not in by_category
    mine = staff.get(reverse("cases:list"), {"mine": "on"}).text
    assert "No cases match." in mine
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    page_one = staff.get(reverse("cases:list"), {"stage": ""}).text
    assert "page=2" in page_one
    assert page_one.count("page=") == 1
    page_two = staff.get(reverse("cases:list"), {"page": "2"}).text
    assert first.reference in page_two
    assert second.reference not in page_two


def test_the_public_form_stays_anonymous_for_a_signed_in_sender(world):
    from moot.audit.models import AuditEvent
    from moot.cases.models import Case

    client = signed_in(world.users["member"])
    upload = SimpleUploadedFile("post.pdf", PDF, content_type="application/pdf")
    assert client.post(reverse("cases:complain"), {**FORM, "files": [upload]}).status_code == 200
    case = Case.objects.get()
    assert case.created_by is None
    assert case.evidence.get().uploaded_by is None
    assert not case.events.exclude(actor=None).exists()
    assert case.complainant_member is None
    assert AuditEvent.objects.get(verb="cases.submit_complaint").actor is None


def test_an_evidence_file_named_in_any_script_downloads_under_its_name(world):
    case, _ = public_complaint(world, files=[('Zoë "quoted" 証拠.pdf', PDF)])
    staff = signed_in(world.users["complaints_staff"])
    download = staff.get(reverse("cases:evidence", args=[case.pk, case.evidence.get().pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment; filename*=utf-8''Zo")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_one_acknowledgement_per_address_per_ten_minutes(world, django_capture_on_commit_callbacks):
    """The public form cannot flood an inbox: a second complaint giving the same address within
    ten minutes is acknowledged on its page, not by e-mail."""
    from django.core import mail

    from moot.cases.models import Communication

    client = Client()
    form = {**FORM, "complainant_name": "Sam Fictional", "complainant_email": "sam@example.org"}
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(reverse("cases:complain"), form).status_code == 200
    acks = Communication.objects.filter(milestone="received").order_by("pk")
    assert [a.channel for a in acks] == ["email", "page", "page"]
    assert [m for m in mail.outbox if "sam@example.org" in m.to][:1]
    assert len([m for m in mail.outbox if "sam@example.org" in m.to]) == 1
