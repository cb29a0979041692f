"""Intake (issue 10 item 1): a complaint from the public form (anyone, no account: a receipt code
to follow it), from a signed-in member, or recorded by complaints staff from an e-mail or a
letter; evidence added later by a party or by staff; a public complainant's answers; notes and
questions by staff; representations from outside the process.

Everything is checked before anything is written (the complaint, every file), so a refused
complaint leaves nothing behind: no case, no log entry, no file. What the complaint says is
encrypted (crypto); the audit log names the case by its reference only.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from moot.audit.actions import record
from moot.cases import evidence as files
from moot.cases.actions._process import deadline_for, line, log_event, prose, rules_on
from moot.cases.audit_verbs import AuditVerb
from moot.cases.crypto import seal_json, seal_text
from moot.cases.errors import CaseError, RefusalCode
from moot.cases.models import (
    Case,
    EventKind,
    Evidence,
    IntakeChannel,
    Party,
    Stage,
)

RECEIPT_DIGITS = 20
MAX_DESCRIPTION = 20000
SUBMITTING_CHANNELS = (IntakeChannel.PUBLIC_FORM, IntakeChannel.MEMBER_FORM)
RECORDING_CHANNELS = (IntakeChannel.STAFF, IntakeChannel.EMAIL)


@dataclass
class Complaint:
    """What a complaint says, as typed (the forms and the API fill it; the action checks it)."""

    category: str
    description: str
    directed: bool = True
    respondent: Any = None  # a members.Member
    respondent_description: str = ""  # when the respondent is not a member or not known
    unit: Any = None  # where it happened, when the respondent is not a member
    incident_dates: str = ""
    witnesses: str = ""
    complainant_name: str = ""
    complainant_email: str = ""
    files: list[tuple[str, bytes]] = field(default_factory=list)


def new_receipt_code() -> str:
    """20 random digits shown as five groups of four ("4821 0937 ..."): about 66 bits."""
    digits = "".join(secrets.choice("0123456789") for _ in range(RECEIPT_DIGITS))
    return " ".join(digits[i : i + 4] for i in range(0, RECEIPT_DIGITS, 4))


def receipt_hash(code: str) -> str:
    """The SHA-256 of a receipt code's digits (spaces and dashes as typed do not matter)."""
    digits = "".join(ch for ch in code if ch.isdigit())
    return hashlib.sha256(f"moot-receipt:{digits}".encode()).hexdigest()


def _national_unit() -> Any:
    from moot.units.models import Unit

    return Unit.objects.filter(parent__isnull=True).order_by("pk").first()


def _checked(complaint: Complaint, rules: Any, *, public: bool) -> dict[str, Any]:
    """The complaint's values, checked, or a refusal naming the field."""
    category = rules.category(complaint.category)
    if category is None:
        titles = ", ".join(c.title for c in rules.categories)
        raise CaseError(
            f"Choose what the complaint is about from the list ({titles}).",
            field="category",
            clause=rules.clause,
        )
    description = prose(
        complaint.description,
        field="description",
        max_length=MAX_DESCRIPTION,
        needed="Describe what happened: what was said or done, where, and by whom.",
    )
    respondent = complaint.respondent
    respondent_description = line(
        complaint.respondent_description, field="respondent_description", max_length=300
    )
    if respondent is None and not respondent_description:
        raise CaseError(
            "Say who the complaint is about: find them in the membership list, or describe "
            "them if they are not a member or you do not know who they are.",
            field="respondent",
            clause=rules.clause,
        )
    unit = respondent.constituency if respondent is not None else complaint.unit
    unit = unit or _national_unit()
    if unit is None:
        raise CaseError("There is no unit to file the complaint under yet.", code="state")
    name = line(complaint.complainant_name, field="complainant_name", max_length=200)
    email = line(complaint.complainant_email, field="complainant_email", max_length=254)
    if email:
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        try:
            validate_email(email)
        except ValidationError:
            raise CaseError(
                f"{email} is not an e-mail address; correct it or leave it empty (you can "
                "follow the complaint with your receipt code).",
                field="complainant_email",
            ) from None
    if len(complaint.files) > rules.evidence_max_files:
        raise CaseError(
            f"At most {rules.evidence_max_files} files can be sent with a complaint; send the "
            "most important and add others later with your receipt code.",
            field="files",
            clause=rules.evidence_clause,
        )
    checked_files = [
        files.check_file(
            filename,
            data,
            max_bytes=rules.evidence_max_bytes,
            types=rules.evidence_types,
            clause=rules.evidence_clause,
            field="files",
        )
        for filename, data in complaint.files
    ]
    return {
        "category": category,
        "description": description,
        "respondent": respondent,
        "respondent_description": respondent_description,
        "unit": unit,
        "incident_dates": line(complaint.incident_dates, field="incident_dates", max_length=200),
        "witnesses": prose(complaint.witnesses, field="witnesses", max_length=5000),
        "contact": {"name": name, "email": email.lower()} if public and (name or email) else {},
        "files": checked_files,
    }


def _next_reference(year: int) -> str:
    prefix = f"C-{year}-"
    last = (
        Case.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:05d}"


def _store_files(
    case: Case, checked: list[files.CheckedFile], *, by: str, user: Any, written: list[Any]
) -> None:
    """Evidence rows, their encrypted files and their log entries (SHA-256 in both)."""
    for item in checked:
        evidence = Evidence(
            case=case,
            uploaded_by=user if getattr(user, "is_authenticated", False) else None,
            uploaded_at=timezone.now(),
            content_type=item.content_type,
            size=len(item.data),
            sha256=item.sha256,
            stored_name=files.new_stored_name(),
            by_party=by,
        )
        seal_text(evidence, "filename_enc", item.filename)
        written.append(evidence)
        files.store(evidence, item.data)
        evidence.save()
        event = log_event(
            case,
            EventKind.EVIDENCE_ADDED,
            actor=evidence.uploaded_by,
            party=by,
            data={"evidence": evidence.pk, "size": evidence.size, "type": item.kind},
        )
        event.sha256 = item.sha256
        event.save(update_fields=["sha256"])


def _submit(complaint: Complaint, channel: str, acting_user: Any, written: list[Any]) -> Any:
    """The intake's writes, inside the calling action's transaction."""
    rules = rules_on()
    public = channel in {IntakeChannel.PUBLIC_FORM, IntakeChannel.STAFF, IntakeChannel.EMAIL}
    values = _checked(complaint, rules, public=public)
    member = None
    if channel == IntakeChannel.MEMBER_FORM:
        from moot.accounts.roles import roles_of
        from moot.members.models import Member

        member_id = roles_of(acting_user).member_id
        member = Member.objects.filter(pk=member_id).first() if member_id else None
        if member is None:
            raise CaseError(
                "Only a member signed in with their own account can use the member form; use "
                "the public form at /complain/.",
                code=RefusalCode.FORBIDDEN,
            )
        if values["respondent"] is not None and values["respondent"].pk == member.pk:
            raise CaseError("A complaint cannot be about yourself.", field="respondent")
    if channel in RECORDING_CHANNELS:
        from moot.accounts.roles import COMPLAINTS_STAFF, roles_of

        if not roles_of(acting_user).has_staff_role(COMPLAINTS_STAFF, values["unit"]):
            raise CaseError(
                "Only complaints staff for this unit can record a complaint.",
                code=RefusalCode.FORBIDDEN,
            )
    now = timezone.now()
    code = new_receipt_code() if channel != IntakeChannel.MEMBER_FORM else ""
    case = Case(
        unit=values["unit"],
        category=values["category"].slug,
        protected_characteristic=values["category"].protected_characteristic,
        directed=bool(complaint.directed),
        respondent=values["respondent"],
        complainant_member=member,
        receipt_hash=receipt_hash(code) if code else "",
        stage=Stage.RECEIVED,
        opened_at=now,
        stage_since=now,
        incident_dates=values["incident_dates"],
        intake_channel=channel,
        # The public form is anonymous even when its sender happens to be signed in.
        created_by=(
            acting_user
            if channel != IntakeChannel.PUBLIC_FORM
            and getattr(acting_user, "is_authenticated", False)
            else None
        ),
    )
    seal_text(case, "description_enc", values["description"])
    seal_text(case, "witnesses_enc", values["witnesses"])
    seal_text(case, "respondent_unknown_description_enc", values["respondent_description"])
    seal_json(case, "complainant_contact_enc", values["contact"])
    for _attempt in range(5):
        case.reference = _next_reference(now.year)
        try:
            with transaction.atomic():
                case.save()
            break
        except IntegrityError:
            case.pk = None
    else:
        raise CaseError("Too many complaints at once; send it again.", code="conflict")
    case.deadline = deadline_for(case, rules)
    case.save(update_fields=["deadline"])
    actor = case.created_by
    log_event(
        case,
        EventKind.RECEIVED,
        actor=actor,
        party=Party.COMPLAINANT if channel in SUBMITTING_CHANNELS else Party.STAFF,
        clause=rules.clause,
        data={"channel": channel, "category": case.category, "directed": case.directed},
        at=now,
    )
    by = Party.COMPLAINANT if channel in SUBMITTING_CHANNELS else Party.STAFF
    _store_files(case, values["files"], by=by, user=case.created_by, written=written)
    _acknowledge(case, acting_user=actor)
    return case, code


# One e-mailed acknowledgement per address in this window: the public form cannot be used to
# flood someone's inbox (further acknowledgements stay on the complaint's page).
ACK_WINDOW = datetime.timedelta(minutes=10)


def _acknowledge(case: Case, *, acting_user: Any) -> None:
    """The acknowledgement: the rulebook's "received" message to the complainant, e-mailed
    through the task queue when an address is known (at most one per address per ACK_WINDOW)
    and always on their page (or the receipt page)."""
    from moot.cases.actions.communications import _complainant_email, tell_parties
    from moot.cases.models import Channel, CommunicationState
    from moot.limits import hit

    for communication in tell_parties(case, "received", acting_user=acting_user):
        if communication.channel != Channel.EMAIL:
            continue
        address = _complainant_email(case).strip().lower()
        key = "mail:" + hashlib.sha256(address.encode()).hexdigest()[:32]
        if hit("complaint_ack", key, limit=1, window=ACK_WINDOW):
            # Queued but not yet sent (the task runs after commit and skips what is not queued).
            communication.channel = Channel.PAGE
            communication.state = CommunicationState.SHOWN
            communication.save(update_fields=["channel", "state"])
    case.acknowledged_at = timezone.now()
    case.save(update_fields=["acknowledged_at"])
    log_event(case, EventKind.ACKNOWLEDGED, actor=acting_user, party=Party.COMPLAINANT)


def _audited(case: Case, written: list[Any]) -> dict[str, Any]:
    """What the audit log says of a complaint: its reference and kind, never its content."""
    return {
        "reference": case.reference,
        "channel": case.intake_channel,
        "category": case.category,
        "files": len(written),
    }


def do_submit_complaint(
    complaint: Complaint, *, channel: str, acting_user: Any
) -> tuple[Case, str]:
    """A complaint from the public form (``public_form``: returns the receipt code, shown once)
    or from a signed-in member (``member_form``: no code, the member's own page follows it)."""
    if channel not in SUBMITTING_CHANNELS:
        raise CaseError(f"Unknown intake channel {channel!r}.", field="channel")
    written: list[Any] = []
    try:
        with transaction.atomic(durable=True):
            case, code = _submit(complaint, channel, acting_user, written)
            record(
                actor=case.created_by,
                verb=AuditVerb.SUBMIT_COMPLAINT,
                obj=case,
                object_repr=case.reference,
                after=_audited(case, written),
                clause=rules_on().clause,
            )
    except BaseException:
        for evidence in written:  # the transaction takes the rows back; this, the files
            files.remove(evidence)
        raise
    return case, code


def do_record_complaint(
    complaint: Complaint, *, channel: str, acting_user: Any
) -> tuple[Case, str]:
    """A complaint received by e-mail or letter, typed in by complaints staff for a unit in
    their scope (the receipt code is returned to pass on to the complainant)."""
    if channel not in RECORDING_CHANNELS:
        raise CaseError(f"Unknown intake channel {channel!r}.", field="channel")
    written: list[Any] = []
    try:
        with transaction.atomic(durable=True):
            case, code = _submit(complaint, channel, acting_user, written)
            record(
                actor=acting_user,
                verb=AuditVerb.RECORD_COMPLAINT,
                obj=case,
                object_repr=case.reference,
                after=_audited(case, written),
                clause=rules_on().clause,
            )
    except BaseException:
        for evidence in written:
            files.remove(evidence)
        raise
    return case, code
