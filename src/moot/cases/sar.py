"""A subject access response for a person's cases (issue 10 item 10; RULES.md §14 R-D6; UK GDPR
Art 15): every case in which they are the complainant, the respondent or a witness, with what
the case file holds about them (their own submissions whole, the rest as derived copies with
other people removed, another's own account withheld, each with its reason code:
:mod:`moot.cases.redaction`), the communications sent to them, and the log of who read the file
(by role, when, what and why: Art 15(1)(c)).

A witness is found by the witness statements recorded for them: events from the ``witness``
party whose ``data`` names their member id (``{"member": <id>}``).

Building the response opens the case files, so the action that exports it writes a CaseRead
for each case ("subject access request <reference>") and an audit event; the reads listed in
the response are those made before it.
"""

from __future__ import annotations

import datetime
import json
import re
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from moot.audit.actions import record
from moot.cases import redaction
from moot.cases.audit_verbs import AuditVerb
from moot.cases.crypto import open_json, open_text
from moot.cases.errors import CaseError, RefusalCode
from moot.cases.models import Case, CaseEvent, CaseRead, EventKind, Party
from moot.text import check_text

if TYPE_CHECKING:
    from moot.members.models import Member

COMPLAINTS_STAFF = "complaints_staff"
# Log entries that carry no text of their own about anyone (the process's steps): listed as
# facts, whoever is asking.
_SPLIT_WITNESSES = re.compile(r"[\n;,]+")
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+")


def cases_of(member: Member) -> list[tuple[Case, str]]:
    """The person's cases with their role in each (complainant, respondent, witness)."""
    witness_cases = (
        CaseEvent.objects.filter(party=Party.WITNESS, data__member=member.pk)
        .values_list("case_id", flat=True)
        .distinct()
    )
    cases = (
        Case.objects.filter(
            Q(complainant_member=member) | Q(respondent=member) | Q(pk__in=witness_cases)
        )
        .select_related("complainant_member", "respondent")
        .order_by("opened_at", "id")
    )
    found = []
    for case in cases:
        if case.respondent_id == member.pk:
            role = redaction.RESPONDENT
        elif case.complainant_member_id == member.pk:
            role = redaction.COMPLAINANT
        else:
            role = redaction.WITNESS
        found.append((case, role))
    return found


def _member_strings(member: Member | None) -> tuple[str, ...]:
    if member is None:
        return ()
    return (member.full_name, member.email, member.number)


def identities(case: Case, requester: Member | None) -> list[redaction.Identity]:
    """The other people of ``case`` whom a copy for ``requester`` leaves out (everyone when
    ``requester`` is None: a text for the public)."""
    people = []
    complainant: tuple[str, ...] = ()
    requester_id = requester.pk if requester is not None else None
    if case.complainant_member_id and case.complainant_member_id != requester_id:
        complainant = _member_strings(case.complainant_member)
    elif not case.complainant_member_id:
        contact = open_json(case, "complainant_contact_enc")
        complainant = (str(contact.get("name", "")), str(contact.get("email", "")))
    if complainant:
        people.append(redaction.identity("[the complainant]", "TP-SOURCE", *complainant))
    if case.respondent_id and case.respondent_id != requester_id:
        people.append(
            redaction.identity("[the respondent]", "TP-IDENTITY", *_member_strings(case.respondent))
        )
    witnesses = open_text(case, "witnesses_enc")
    mine = {text.casefold() for text in _member_strings(requester) if text}
    number = 0
    for chunk in _SPLIT_WITNESSES.split(witnesses):
        name = _EMAIL.sub(" ", chunk).strip()
        emails = _EMAIL.findall(chunk)
        if not name and not emails:
            continue
        if name.casefold() in mine or any(e.casefold() in mine for e in emails):
            continue
        number += 1
        people.append(redaction.identity(f"[witness {number}]", "TP-SOURCE", name, *emails))
    people.extend(_kept_off(case, requester))
    return people


def _kept_off(case: Case, requester: Member | None) -> list[redaction.Identity]:
    """The people a refused assignment or a declared conflict names ("Hal Penrose cannot be
    case handler: …"): why someone was kept off a case is theirs, not the requester's."""
    from moot.accounts.models import User

    ids = set()
    for event in case.events.filter(
        kind__in=[EventKind.ASSIGNMENT_REFUSED, EventKind.CONFLICT_DECLARED]
    ):
        user = event.data.get("user")
        if isinstance(user, int):
            ids.add(user)
    own = requester.user_id if requester is not None else None
    people = []
    for number, user in enumerate(User.objects.filter(pk__in=ids - {own}).order_by("pk"), start=1):
        people.append(
            redaction.identity(
                f"[person kept off the case {number}]",
                "TP-IDENTITY",
                user.get_full_name(),
                user.email,
            )
        )
    return people


def _item(
    *,
    at: datetime.datetime,
    kind: str,
    author: str,
    text: str,
    treatment: redaction.Treatment,
    people: list[redaction.Identity],
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "at": at.isoformat(timespec="seconds"),
        "kind": kind,
        "from": author or "the process",
        "given": treatment.how,
    }
    if treatment.how == "withheld":
        item["reason_code"] = treatment.reason
        item["reason"] = redaction.REASONS[treatment.reason]
        return item
    if treatment.how == "redacted":
        copy, log = redaction.redact(text, people)
        item["text"] = copy
        item["redactions"] = [
            {
                "replaced_by": r.label,
                "reason_code": r.reason,
                "reason": redaction.REASONS[r.reason],
                "times": r.count,
            }
            for r in log
        ]
        item["given"] = "redacted" if log else "whole"
        return item
    item["text"] = text
    return item


def _author(event: CaseEvent) -> str:
    if event.party in redaction.PARTIES:
        return str(event.party)
    return redaction.STAFF if event.actor_id else ""


def case_response(case: Case, role: str, requester: Member) -> dict[str, Any]:
    """What one case file holds about ``requester`` (who is ``role`` in it)."""
    people = identities(case, requester)
    items = [
        _item(
            at=case.opened_at,
            kind="complaint",
            author=redaction.COMPLAINANT,
            text="\n\n".join(
                t
                for t in (
                    open_text(case, "description_enc"),
                    open_text(case, "respondent_unknown_description_enc"),
                )
                if t
            ),
            treatment=redaction.treat(requester=role, author=redaction.COMPLAINANT),
            people=people,
        )
    ]
    for event in case.events.exclude(kind=EventKind.COMMUNICATION).order_by("at", "id"):
        text = "\n\n".join(
            t for t in (open_text(event, "body_enc"), open_text(event, "reasons_enc")) if t
        )
        author = _author(event)
        if text:
            treatment = redaction.treat(requester=role, author=author)
        else:
            treatment = redaction.Treatment("whole")  # a step of the process, no text
        entry = _item(
            at=event.at,
            kind=event.get_kind_display(),
            author=author,
            text=text,
            treatment=treatment,
            people=people,
        )
        if event.clause:
            entry["clause"] = event.clause
        items.append(entry)
    communications = []
    for message in case.communications.order_by("queued_at", "id"):
        treatment = redaction.treat(requester=role, author="", addressed_to=message.to)
        entry = _item(
            at=message.queued_at,
            kind=f"communication: {message.milestone}",
            author="the process",
            text=open_text(message, "body_enc"),
            treatment=treatment,
            people=people,
        )
        if treatment.how == "whole":
            entry["subject"] = message.subject
        communications.append(entry)
    evidence = [
        {
            "uploaded_at": file.uploaded_at.isoformat(timespec="seconds"),
            "from": file.by_party,
            "type": file.content_type,
            "size": file.size,
            "sha256": file.sha256,
            "given": "copy on request" if file.by_party == role else "withheld",
            **(
                {}
                if file.by_party == role
                else {
                    "reason_code": "TP-ACCOUNT" if role != redaction.RESPONDENT else "TP-SOURCE",
                }
            ),
        }
        for file in case.evidence.order_by("uploaded_at", "id")
    ]
    reads = [
        {
            "at": read.at.isoformat(timespec="seconds"),
            "role": read.role,
            "what": read.what,
            "why": read.why,
        }
        for read in case.reads.order_by("at", "id")
    ]
    return {
        "reference": case.reference,
        "your_role": role,
        "category": case.category,
        "stage": case.get_stage_display(),
        "outcome": case.get_outcome_display() if case.outcome else "",
        "received": case.opened_at.isoformat(timespec="seconds"),
        "closed": case.closed_at.isoformat(timespec="seconds") if case.closed_at else None,
        "items": items,
        "communications": communications,
        "evidence": evidence,
        "read_log": reads,
        "representations_withheld": case.representations.count(),
    }


def check_subject_access_officer(user: Any) -> None:
    from moot.accounts.roles import roles_of

    if not roles_of(user).is_national(COMPLAINTS_STAFF):
        raise CaseError(
            "Subject access responses for cases are made by complaints staff for the whole "
            "organisation.",
            code=RefusalCode.FORBIDDEN,
        )


@transaction.atomic(durable=True)
def do_export_subject_access(
    member_id: int, *, request_reference: str, acting_user: Any
) -> dict[str, Any]:
    """The response to a subject access request from a member (identity checked by the
    officer; ``request_reference`` names the request in the log). Every case it opens gets a
    CaseRead saying why."""
    from moot.members.models import Member

    check_subject_access_officer(acting_user)
    request_reference = check_text(
        request_reference.strip(), field="request_reference", max_length=60
    )
    if not request_reference:
        raise CaseError(
            "request_reference: give the request's reference (from the data protection log).",
            field="request_reference",
            code=RefusalCode.INVALID,
        )
    member = Member.objects.filter(pk=member_id).first()
    if member is None:
        raise CaseError("No such member.", code=RefusalCode.NOT_FOUND)
    now = timezone.now()
    found = cases_of(member)
    response = {
        "subject": {"member_number": member.number, "name": member.full_name},
        "request_reference": request_reference,
        "made_at": now.isoformat(timespec="seconds"),
        "cases": [case_response(case, role, member) for case, role in found],
        "reason_codes": redaction.REASONS,
        "about": (
            "Your own submissions are given whole; what others wrote about you is given as a "
            "copy with other people's identities replaced (the reason is given beside each); "
            "another person's own account is withheld. The read log lists every reading of "
            "each case file by role, with when, what and why."
        ),
    }
    why = f"subject access request {request_reference}"
    CaseRead.objects.bulk_create(
        CaseRead(
            case=case,
            user=acting_user,
            role=COMPLAINTS_STAFF,
            what="subject_access",
            why=why[:200],
            at=now,
        )
        for case, _ in found
    )
    record(
        actor=acting_user,
        verb=AuditVerb.EXPORT_SUBJECT_ACCESS,
        obj=member,
        object_repr=member.number,
        after={"cases": [case.reference for case, _ in found]},
        reason=why,
    )
    return response


def response_json(response: dict[str, Any]) -> str:
    return json.dumps(response, indent=2, ensure_ascii=False)
