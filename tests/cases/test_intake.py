"""Intake (issue 10 item 1): the public form with its receipt code, a member's complaint, the
complaints staff's record, evidence; every bad input refused with its field and nothing
written."""

from __future__ import annotations

import pytest
from django.core import mail

from cases.intake_world import PDF, case_keys, member_complaint, public_complaint  # noqa: F401
from moot.audit.models import AuditEvent
from moot.cases import crypto
from moot.cases import evidence as files
from moot.cases.actions.casefile import do_add_evidence, do_answer_question
from moot.cases.actions.intake import Complaint, do_record_complaint, receipt_hash
from moot.cases.errors import CaseError
from moot.cases.models import (
    Case,
    CaseEvent,
    Communication,
    EventKind,
    Evidence,
    IntakeChannel,
    Party,
    Stage,
)
from moot.errors import Refusal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("case_keys")]


def test_a_public_complaint_gets_a_reference_a_receipt_code_and_an_acknowledgement(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case, code = public_complaint(world, files=[("post.pdf", PDF)])
    assert case.reference.startswith("C-")
    assert case.reference.endswith("-00001")
    assert len(code.replace(" ", "")) == 20
    assert case.receipt_hash == receipt_hash(code) == receipt_hash(code.replace(" ", ""))
    case.refresh_from_db()
    assert case.stage == Stage.RECEIVED
    assert case.deadline is not None
    assert case.deadline > case.opened_at.date()
    assert crypto.open_text(case, "description_enc").startswith("At the branch meeting")
    assert crypto.open_json(case, "complainant_contact_enc") == {
        "name": "Sam Fictional",
        "email": "sam@example.org",
    }
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[0] == EventKind.RECEIVED
    assert EventKind.EVIDENCE_ADDED in kinds
    assert EventKind.ACKNOWLEDGED in kinds
    assert case.acknowledged_at is not None
    # The acknowledgement was e-mailed at once (the task queue runs immediately in tests).
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert case.reference in mail.outbox[0].subject
    assert Communication.objects.filter(case=case, milestone="received").count() == 1
    # The evidence: its SHA-256 in the log, its file encrypted.
    item = Evidence.objects.get(case=case)
    logged = CaseEvent.objects.get(case=case, kind=EventKind.EVIDENCE_ADDED)
    assert logged.sha256 == item.sha256
    assert files.read(item) == PDF
    assert crypto.open_text(item, "filename_enc") == "post.pdf"
    # The audit names the case, never what it says.
    event = AuditEvent.objects.get(verb="cases.submit_complaint")
    assert "shouted" not in str(event.after)
    assert "Sam" not in str(event.after)


def test_references_count_up_within_the_year(world):
    first, _ = public_complaint(world)
    second, _ = public_complaint(world)
    assert int(second.reference[-5:]) == int(first.reference[-5:]) + 1


def test_an_anonymous_complaint_needs_no_name_or_address(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case, code = public_complaint(world, complainant_name="", complainant_email="")
    assert code
    assert crypto.open_json(case, "complainant_contact_enc") == {}
    assert mail.outbox == []
    assert case.events.filter(kind=EventKind.ACKNOWLEDGED).exists()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"respondent_description": ""}, "respondent", "Say who the complaint is about"),
        ({"description": "   "}, "description", "Describe what happened"),
        ({"category": "rudeness"}, "category", "Choose what the complaint is about"),
        ({"complainant_email": "not-an-address"}, "complainant_email", "not an e-mail address"),
        ({"files": [("virus.pdf", b"MZ\x90\x00")]}, "files", "not a file type accepted"),
        ({"files": [("big.txt", b"a" * (10 * 1048576 + 1))]}, "files", "at most 10 MB"),
        ({"files": [("a.txt", b"note")] * 11}, "files", "At most 10 files"),
        ({"incident_dates": "3 May\u202e"}, "incident_dates", "bidirectional control"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_nothing_is_written(world, changes, field, words):
    with pytest.raises(Refusal) as excinfo:
        public_complaint(world, **changes)
    assert excinfo.value.field == field
    assert words in str(excinfo.value)
    assert not Case.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="cases.").exists()
    evidence_dir = files.evidence_dir()
    assert not evidence_dir.exists() or not any(evidence_dir.iterdir())


def test_a_failure_after_files_were_written_removes_them(world, monkeypatch):
    from moot.cases.actions import intake

    def fail(*args, **kwargs):
        raise RuntimeError("the mail queue is down")

    monkeypatch.setattr(intake, "_acknowledge", fail)
    with pytest.raises(RuntimeError):
        public_complaint(world, files=[("post.pdf", PDF)])
    assert not Case.objects.exists()
    assert not any(files.evidence_dir().iterdir())


def test_a_member_complains_about_a_member_filed_under_the_respondents_constituency(world):
    case = member_complaint(world, world.users["member"])
    assert case.complainant_member == world.members["member"]
    assert case.respondent == world.members["target"]
    assert case.unit == world.riverside
    assert case.protected_characteristic  # other racism
    assert case.receipt_hash == ""
    assert case.intake_channel == IntakeChannel.MEMBER_FORM


def test_a_member_cannot_complain_about_themself_nor_use_the_form_without_membership(world):
    with pytest.raises(CaseError, match="about yourself"):
        member_complaint(world, world.users["member"], respondent=world.members["member"])
    with pytest.raises(CaseError, match="Only a member") as excinfo:
        member_complaint(world, world.users["outsider"])
    assert excinfo.value.code.status == 403


def test_complaints_staff_record_a_complaint_received_by_email(world):
    complaint = Complaint(
        category="bullying",
        description="Letter received 4 May.",
        respondent=world.members["target"],
        complainant_name="Alex Letter",
    )
    case, code = do_record_complaint(
        complaint, channel=IntakeChannel.EMAIL, acting_user=world.users["complaints_staff"]
    )
    assert code
    assert case.created_by == world.users["complaints_staff"]
    assert AuditEvent.objects.filter(verb="cases.record_complaint").count() == 1
    for role in ("national_staff", "secretary", "admin"):
        with pytest.raises(CaseError, match="Only complaints staff"):
            do_record_complaint(
                complaint, channel=IntakeChannel.EMAIL, acting_user=world.users[role]
            )


def test_a_party_adds_evidence_and_answers_later(world):
    case, _ = public_complaint(world)
    assert (
        do_add_evidence(
            case,
            [("more.txt", b"She said it twice.")],
            by_party=Party.COMPLAINANT,
            acting_user=None,
        )
        == 1
    )
    do_answer_question(case, party=Party.COMPLAINANT, answer="Yes, Jo saw it.", acting_user=None)
    answer = case.events.get(kind=EventKind.ANSWER)
    assert crypto.open_text(answer, "body_enc") == "Yes, Jo saw it."
    assert answer.party == Party.COMPLAINANT
    with pytest.raises(CaseError, match="Choose at least one file"):
        do_add_evidence(case, [], by_party=Party.COMPLAINANT, acting_user=None)


def test_nothing_is_added_to_a_closed_case(world):
    case, _ = public_complaint(world)
    Case.objects.filter(pk=case.pk).update(stage=Stage.CLOSED)
    with pytest.raises(CaseError, match="is closed") as excinfo:
        do_answer_question(case, party=Party.COMPLAINANT, answer="more", acting_user=None)
    assert excinfo.value.code.status == 409
