"""Subject access from the case files (issue 10 item 10): a person's cases as complainant,
respondent or witness; third parties redacted as derived copies with reason codes; another's
account withheld; the read log of their data; the export itself logged as a read."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from factories import MemberFactory, StaffAssignmentFactory, UnitFactory, UserFactory
from moot.audit.models import AuditEvent
from moot.cases.crypto import open_text, seal_json, seal_text
from moot.cases.errors import CaseError
from moot.cases.models import (
    Case,
    CaseEvent,
    CaseRead,
    Communication,
    EventKind,
    Party,
    Stage,
)
from moot.cases.sar import do_export_subject_access


def event(
    case: Case, kind: str, body: str, *, party: str = "", actor: Any = None, **data: Any
) -> CaseEvent:
    made = CaseEvent(
        case=case,
        at=timezone.now(),
        kind=kind,
        stage=case.stage,
        party=party,
        actor=actor,
        data=data,
    )
    seal_text(made, "body_enc", body)
    made.save()
    return made


@pytest.fixture
def file(db: Any) -> dict[str, Any]:
    unit = UnitFactory()
    respondent = MemberFactory(constituency=unit, first_name="Dara", last_name="Quill")
    complainant = MemberFactory(constituency=unit, first_name="Priya", last_name="Shah")
    witness = MemberFactory(constituency=unit, first_name="Tomasz", last_name="Nowak")
    staff = StaffAssignmentFactory(role="complaints_staff", unit=None).user
    case = Case(
        reference="C-2026-00001",
        unit=unit,
        category="bullying",
        respondent=respondent,
        complainant_member=complainant,
        stage=Stage.INVESTIGATION,
        opened_at=timezone.now() - datetime.timedelta(days=20),
        stage_since=timezone.now(),
        intake_channel="member_form",
    )
    seal_text(
        case,
        "description_enc",
        "Dara Quill shouted at Priya Shah in the meeting; Tomasz Nowak saw it.",
    )
    seal_text(case, "witnesses_enc", "Tomasz Nowak, t.nowak@example.org")
    case.save()
    event(case, EventKind.REPLY_RECEIVED, "I deny it. Priya misheard me.", party=Party.RESPONDENT)
    event(
        case,
        EventKind.ANSWER,
        "Tomasz Nowak: I heard Dara Quill shout.",
        party=Party.WITNESS,
        member=witness.pk,
    )
    event(case, EventKind.NOTE, "Called Priya Shah; she confirmed the date.", actor=staff)
    event(case, EventKind.STAGE_MOVED, "", actor=staff)
    message = Communication(
        case=case,
        to=Party.COMPLAINANT,
        channel="email",
        milestone="received",
        subject="Your complaint",
        queued_at=timezone.now(),
    )
    seal_text(message, "body_enc", "We have received your complaint.")
    message.save()
    other = Communication(
        case=case,
        to=Party.RESPONDENT,
        channel="email",
        milestone="investigation",
        subject="Notice",
        queued_at=timezone.now(),
    )
    seal_text(other, "body_enc", "A complaint has been made about you.")
    other.save()
    CaseRead.objects.create(
        case=case,
        user=staff,
        role="investigator",
        what="page",
        why="assigned investigator",
        at=timezone.now(),
    )
    return {
        "case": case,
        "respondent": respondent,
        "complainant": complainant,
        "witness": witness,
        "staff": staff,
    }


def test_the_respondent_gets_the_complaint_without_who_made_it(file: dict[str, Any]) -> None:
    response = do_export_subject_access(
        file["respondent"].pk, request_reference="SAR-2026-7", acting_user=file["staff"]
    )
    (case,) = response["cases"]
    assert case["your_role"] == "respondent"
    complaint = case["items"][0]
    assert complaint["given"] == "redacted"
    assert (
        complaint["text"]
        == "Dara Quill shouted at [the complainant] in the meeting; [witness 1] saw it."
    )
    assert {r["reason_code"] for r in complaint["redactions"]} == {"TP-SOURCE"}
    texts = [item.get("text", "") for item in case["items"]]
    assert "I deny it. Priya misheard me." in texts  # their own reply, whole
    assert "[witness 1]: I heard Dara Quill shout." in texts
    assert "Called [the complainant]; she confirmed the date." in texts
    assert not any("Shah" in t or "Nowak" in t for t in texts)
    communications = {c["kind"]: c for c in case["communications"]}
    assert (
        communications["communication: investigation"]["text"]
        == "A complaint has been made about you."
    )
    assert communications["communication: received"]["given"] == "withheld"
    assert communications["communication: received"]["reason_code"] == "OTHER-PARTY"
    assert case["read_log"] == [
        {
            "at": case["read_log"][0]["at"],
            "role": "investigator",
            "what": "page",
            "why": "assigned investigator",
        }
    ]


def test_the_complainant_does_not_get_the_respondents_or_witness_account(
    file: dict[str, Any],
) -> None:
    response = do_export_subject_access(
        file["complainant"].pk, request_reference="SAR-2026-8", acting_user=file["staff"]
    )
    (case,) = response["cases"]
    assert case["your_role"] == "complainant"
    assert case["items"][0]["given"] == "whole"  # their own complaint
    withheld = [item for item in case["items"] if item["given"] == "withheld"]
    assert {item["from"] for item in withheld} == {"respondent", "witness"}
    assert {item["reason_code"] for item in withheld} == {"TP-ACCOUNT"}
    assert all("text" not in item for item in withheld)


def test_a_witness_finds_the_case_by_their_statement(file: dict[str, Any]) -> None:
    response = do_export_subject_access(
        file["witness"].pk, request_reference="SAR-2026-9", acting_user=file["staff"]
    )
    (case,) = response["cases"]
    assert case["your_role"] == "witness"
    own = [item for item in case["items"] if item["from"] == "witness"]
    assert own[0]["text"] == "Tomasz Nowak: I heard Dara Quill shout."


def test_the_export_is_logged_as_a_read_and_audited_and_the_original_is_unchanged(
    file: dict[str, Any],
) -> None:
    do_export_subject_access(
        file["respondent"].pk, request_reference="SAR-2026-7", acting_user=file["staff"]
    )
    read = CaseRead.objects.filter(case=file["case"], what="subject_access").get()
    assert read.why == "subject access request SAR-2026-7"
    last = AuditEvent.objects.order_by("-seq").first()
    assert last.verb == "cases.export_subject_access"
    assert "Quill" not in str(last.after)
    file["case"].refresh_from_db()
    assert open_text(file["case"], "description_enc").startswith("Dara Quill shouted at Priya Shah")


def test_a_public_complainant_is_redacted_by_their_contact(file: dict[str, Any]) -> None:
    case = file["case"]
    case.complainant_member = None
    seal_json(case, "complainant_contact_enc", {"name": "Priya Shah", "email": "p@example.org"})
    case.save()
    response = do_export_subject_access(
        file["respondent"].pk, request_reference="R1 2026", acting_user=file["staff"]
    )
    complaint = response["cases"][0]["items"][0]
    assert complaint["text"] == (
        "Dara Quill shouted at [the complainant] in the meeting; [witness 1] saw it."
    )
    note = next(i for i in response["cases"][0]["items"] if i["from"] == "staff")
    assert note["text"] == "Called [the complainant]; she confirmed the date."


def test_only_national_complaints_staff_export(file: dict[str, Any]) -> None:
    for user in (UserFactory(), StaffAssignmentFactory(role="national_staff", unit=None).user):
        with pytest.raises(CaseError, match="whole organisation") as refused:
            do_export_subject_access(
                file["respondent"].pk, request_reference="SAR-1", acting_user=user
            )
        assert refused.value.code == "forbidden"
    with pytest.raises(CaseError, match="request_reference"):
        do_export_subject_access(
            file["respondent"].pk, request_reference=" ", acting_user=file["staff"]
        )
    assert not CaseRead.objects.filter(what="subject_access").exists()


def test_a_person_kept_off_the_case_is_not_named_to_a_party(file: dict[str, Any]) -> None:
    """Fix round finding 14: "Hal Penrose cannot be case handler…" names a third party: the
    copy for the respondent leaves him out, the log says why."""
    hal = UserFactory(first_name="Hal", last_name="Penrose", email="hal.penrose@example.org")
    event(
        file["case"],
        EventKind.ASSIGNMENT_REFUSED,
        "Hal Penrose cannot be case handler: he chaired the respondent's branch until March; "
        "write to hal.penrose@example.org for the minutes.",
        actor=file["staff"],
        user=hal.pk,
        role="case_handler",
    )
    response = do_export_subject_access(
        file["respondent"].pk, request_reference="SAR-2026-8", acting_user=file["staff"]
    )
    (case,) = response["cases"]
    refused = next(i for i in case["items"] if "cannot be case handler" in i.get("text", ""))
    assert "Penrose" not in refused["text"]
    assert "Hal" not in refused["text"]
    assert "hal.penrose@example.org" not in refused["text"]
    assert refused["text"].startswith("[person kept off the case 1] cannot be case handler")
    assert {r["reason_code"] for r in refused["redactions"]} == {"TP-IDENTITY"}
