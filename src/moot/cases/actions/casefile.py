"""The case file after intake (issue 10 items 1, 2): evidence added by a party or by staff,
questions from staff to a party and the party's answers (the public complainant answers with
their receipt code), staff notes, and representations about the case from outside the process
(recorded so the decision-maker and the auditor see them)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from moot.audit.actions import record
from moot.cases import evidence as files
from moot.cases.actions._process import line, lock_case, log_event, prose, rules_on
from moot.cases.audit_verbs import AuditVerb
from moot.cases.crypto import seal_text
from moot.cases.errors import CaseError, RefusalCode
from moot.cases.models import Case, EventKind, ExternalRepresentation, Party, Stage

ASKABLE = (Party.COMPLAINANT, Party.RESPONDENT, Party.WITNESS)


def _open(case: Case) -> None:
    if case.stage == Stage.CLOSED:
        raise CaseError(
            f"Case {case.reference} is closed; it must be reopened before anything is added.",
            code=RefusalCode.STATE,
        )


def do_add_evidence(
    case: Case, uploads: list[tuple[str, bytes]], *, by_party: str, acting_user: Any
) -> int:
    """Files added to an open case by a party (the complainant with their receipt code or
    signed in, the respondent) or by staff; each checked, encrypted, with its SHA-256 logged.
    Who may add is settled by the page's access; this checks the files and the case."""
    from moot.cases.actions.intake import _store_files

    if by_party not in {Party.COMPLAINANT, Party.RESPONDENT, Party.WITNESS, Party.STAFF}:
        raise CaseError(f"Unknown party {by_party!r}.", field="by_party")
    if not uploads:
        raise CaseError("Choose at least one file to add.", field="files")
    written: list[Any] = []
    try:
        with transaction.atomic(durable=True):
            rules = rules_on()
            case = lock_case(case)
            _open(case)
            if len(uploads) > rules.evidence_max_files:
                raise CaseError(
                    f"At most {rules.evidence_max_files} files can be added at once.",
                    field="files",
                    clause=rules.evidence_clause,
                )
            checked = [
                files.check_file(
                    name,
                    data,
                    max_bytes=rules.evidence_max_bytes,
                    types=rules.evidence_types,
                    clause=rules.evidence_clause,
                    field="files",
                )
                for name, data in uploads
            ]
            _store_files(case, checked, by=by_party, user=acting_user, written=written)
            record(
                actor=acting_user if getattr(acting_user, "is_authenticated", False) else None,
                verb=AuditVerb.ADD_EVIDENCE,
                obj=case,
                object_repr=case.reference,
                after={"files": len(checked), "by": by_party},
            )
    except BaseException:
        for evidence in written:
            files.remove(evidence)
        raise
    return len(written)


@transaction.atomic(durable=True)
def do_ask_question(case: Case, *, to: str, question: str, acting_user: Any) -> None:
    """Complaints staff ask a party a question; it appears on the party's page (the public
    complainant's receipt page) until answered."""
    if to not in ASKABLE:
        raise CaseError("Ask the complainant, the respondent or a witness.", field="to")
    text = prose(question, field="question", max_length=5000, needed="Write the question.")
    case = lock_case(case)
    _open(case)
    if to == Party.RESPONDENT and not case.respondent_id:
        raise CaseError(
            "The respondent is not a member on record, so they have no page to answer on.",
            field="to",
        )
    event = log_event(case, EventKind.QUESTION, actor=acting_user, party=to, body=text)
    record(
        actor=acting_user,
        verb=AuditVerb.ASK_QUESTION,
        obj=case,
        object_repr=case.reference,
        after={"event": event.pk, "to": to},
    )


@transaction.atomic(durable=True)
def do_answer_question(case: Case, *, party: str, answer: str, acting_user: Any) -> None:
    """A party's answer (or further information) on their page; the public complainant answers
    through the receipt page with no account (``acting_user`` None)."""
    if party not in {Party.COMPLAINANT, Party.RESPONDENT}:
        raise CaseError("Only a party of the case can answer here.", code=RefusalCode.FORBIDDEN)
    text = prose(answer, field="answer", max_length=10000, needed="Write your answer.")
    case = lock_case(case)
    _open(case)
    actor = acting_user if getattr(acting_user, "is_authenticated", False) else None
    event = log_event(case, EventKind.ANSWER, actor=actor, party=party, body=text)
    record(
        actor=actor,
        verb=AuditVerb.ANSWER_QUESTION,
        obj=case,
        object_repr=case.reference,
        after={"event": event.pk, "party": party},
    )


@transaction.atomic(durable=True)
def do_add_note(case: Case, *, note: str, acting_user: Any) -> None:
    """A note in the case's log by someone working on it (the text is encrypted)."""
    text = prose(note, field="note", max_length=10000, needed="Write the note.")
    case = lock_case(case)
    event = log_event(case, EventKind.NOTE, actor=acting_user, party=Party.STAFF, body=text)
    record(
        actor=acting_user,
        verb=AuditVerb.ADD_NOTE,
        obj=case,
        object_repr=case.reference,
        after={"event": event.pk},
    )


@transaction.atomic(durable=True)
def do_record_external_representation(
    case: Case,
    *,
    from_description: str,
    role_of_person: str,
    summary: str,
    at: datetime.datetime | None = None,
    from_user: Any = None,
    acting_user: Any,
) -> ExternalRepresentation:
    """A contact about the case from outside the process — a unit officer, an NEC member not on
    the case, the leader's office — recorded by complaints staff. It changes nothing in the
    case; the decision-maker and the auditor see that it was made, by whom and when (R-E1)."""
    who = line(
        from_description,
        field="from_description",
        max_length=200,
        needed="Say who made the representation (name or office).",
    )
    role = line(
        role_of_person,
        field="role_of_person",
        max_length=200,
        needed="Say what role they hold (unit officer, NEC member, leader's office ...).",
    )
    text = prose(
        summary, field="summary", max_length=10000, needed="Summarise what they said or asked."
    )
    when = at or timezone.now()
    if when > timezone.now() + datetime.timedelta(minutes=5):
        raise CaseError("A representation cannot be in the future.", field="at")
    case = lock_case(case)
    representation = ExternalRepresentation(
        case=case,
        from_user=from_user,
        from_description=who,
        role_of_person=role,
        at=when,
        recorded_by=acting_user,
        recorded_at=timezone.now(),
    )
    seal_text(representation, "summary_enc", text)
    representation.save()
    log_event(
        case,
        EventKind.EXTERNAL_REPRESENTATION,
        actor=acting_user,
        data={"representation": representation.pk, "role_of_person": role},
    )
    record(
        actor=acting_user,
        verb=AuditVerb.RECORD_EXTERNAL_REPRESENTATION,
        obj=case,
        object_repr=case.reference,
        after={"representation": representation.pk, "role_of_person": role},
    )
    return representation
