"""The register's one authority (rulebook [membership.register]): proposals from unit officers
and the authority's decisions on them, and the changes only the authority makes (a member's
e-mail address, the day their membership starts).

Who may decide or propose is the permission layer's answer (members.decide_register,
members.propose_register); these actions keep the rules that hold whoever calls them: a
proposal is checked before it is queued (nothing half-valid waits for the office), a decision is
taken once, back-dating needs a reason, and each step writes its audit event in its transaction.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone

from moot.audit.actions import record
from moot.members.actions import register_clause, today
from moot.members.audit_verbs import AuditVerb
from moot.members.errors import ActionError
from moot.members.models import (
    Member,
    MembershipPeriod,
    MemberStatus,
    ProposalKind,
    ProposalState,
    RegisterProposal,
)

MAX_REASON = 2000


def _reason(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ActionError(f"give the reason for {what}")
    if len(text) > MAX_REASON:
        raise ActionError(f"the reason is {len(text)} characters long; use at most {MAX_REASON}")
    return text


# --- proposals ------------------------------------------------------------------------------


@transaction.atomic
def do_propose_import(
    csv_text: str,
    *,
    unit_default: Any,
    source_name: str = "",
    reason: str = "",
    acting_user: Any,
) -> RegisterProposal:
    """A unit officer proposes to admit the members of a CSV file. The file is checked as the
    import would check it; a file with any problem is refused (nothing is queued), so what the
    office approves is exactly what was checked."""
    from moot.members.imports import import_members

    report = import_members(csv_text, unit_default=unit_default, dry_run=True, acting_user=None)
    if not report.ok:
        first = report.errors[0]
        raise ActionError(
            f"the file has {report.bad_rows} rows with problems (first: {first}); fix them and "
            "propose it again"
        )
    if not report.valid_rows:
        raise ActionError("the file has no rows to propose")
    digest = hashlib.sha256(csv_text.encode()).hexdigest()
    if RegisterProposal.objects.filter(
        kind=ProposalKind.IMPORT, state=ProposalState.PENDING, payload__sha256=digest
    ).exists():
        raise ActionError("this file is already waiting for the membership office's decision")
    proposal = RegisterProposal.objects.create(
        kind=ProposalKind.IMPORT,
        unit=unit_default,
        payload={
            "csv": csv_text,
            "sha256": digest,
            "source_name": source_name,
            "rows": report.valid_rows,
            "backdated_rows": report.backdated_rows,
        },
        reason=(reason or "").strip()[:MAX_REASON],
        proposed_by=acting_user,
    )
    record(
        actor=acting_user,
        verb=AuditVerb.PROPOSE_IMPORT,
        obj=proposal,
        after={
            "unit": getattr(unit_default, "pk", None),
            "sha256": digest,
            "file": source_name,
            "rows": report.valid_rows,
            "backdated_rows": report.backdated_rows,
        },
        clause=register_clause(),
        reason=proposal.reason,
    )
    return proposal


@transaction.atomic
def do_propose_member_change(
    member: Member,
    *,
    email: str | None = None,
    joined_on: datetime.date | None = None,
    reason: str,
    acting_user: Any,
) -> RegisterProposal:
    """A unit officer proposes a new e-mail address or join date for ``member``; the office
    decides (do_decide_proposal)."""
    changes = _check_entry_change(member, email=email, joined_on=joined_on)
    proposal = RegisterProposal.objects.create(
        kind=ProposalKind.CHANGE,
        member=member,
        unit=member.branch or member.constituency,
        payload=changes,
        reason=_reason(reason, "the proposed change"),
        proposed_by=acting_user,
    )
    record(
        actor=acting_user,
        verb=AuditVerb.PROPOSE_MEMBER_CHANGE,
        obj=proposal,
        after={"member": member.pk, **changes},
        clause=register_clause(),
        reason=proposal.reason,
    )
    return proposal


@transaction.atomic
def do_propose_status_change(
    member: Member, status: str, start: datetime.date, *, reason: str, acting_user: Any
) -> RegisterProposal:
    """A unit officer proposes a change of status that the register's authority records (a
    lapse, arrears, a resignation from membership they received): checked now, recorded only
    if the office approves it (do_decide_proposal). Suspension and expulsion are never
    proposed here: they are the complaints process's."""
    from moot.members.actions import check_status_change

    if status_authority(member, status) != "members.decide_register":
        raise ActionError(f"a change to {status} is not the membership office's to decide")
    check_status_change(member, status, start)
    payload = {"status": status, "start": start.isoformat()}
    proposal = RegisterProposal.objects.create(
        kind=ProposalKind.CHANGE,
        member=member,
        unit=member.branch or member.constituency,
        payload=payload,
        reason=_reason(reason, "the proposed change"),
        proposed_by=acting_user,
    )
    record(
        actor=acting_user,
        verb=AuditVerb.PROPOSE_STATUS_CHANGE,
        obj=proposal,
        after={"member": member.pk, **payload},
        clause=register_clause(),
        reason=proposal.reason,
    )
    return proposal


@transaction.atomic
def do_decide_proposal(
    proposal: RegisterProposal,
    *,
    approve: bool,
    reason: str = "",
    backdate_reason: str = "",
    acting_user: Any,
) -> RegisterProposal:
    """The register's authority approves or rejects a pending proposal. Approving an import
    imports the proposed file (back-dated rows need ``backdate_reason``); approving a change
    makes it (do_change_register_entry). A rejection needs a reason, told to the proposer."""
    proposal = RegisterProposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)
    if proposal.state != ProposalState.PENDING:
        raise ActionError(
            f"proposal {proposal.pk} was already {proposal.get_state_display()}; nothing changed"
        )
    outcome: dict[str, Any] = {}
    if not approve:
        reason = _reason(reason, "rejecting the proposal")
    elif proposal.kind == ProposalKind.IMPORT:
        outcome = _approve_import(proposal, backdate_reason, acting_user)
    elif "status" in proposal.payload:
        from moot.members.actions import do_change_member_status

        assert proposal.member is not None
        do_change_member_status(
            proposal.member,
            proposal.payload["status"],
            datetime.date.fromisoformat(proposal.payload["start"]),
            reason=f"proposal {proposal.pk}: {reason or proposal.reason}",
            acting_user=acting_user,
        )
        outcome = {"changed": ["status"]}
    else:
        assert proposal.member is not None
        values = dict(proposal.payload)
        entry_reason = backdate_reason or reason or proposal.reason
        do_change_register_entry(
            proposal.member,
            email=values.get("email"),
            joined_on=(
                datetime.date.fromisoformat(values["joined_on"])
                if values.get("joined_on")
                else None
            ),
            reason=f"proposal {proposal.pk}: {entry_reason}",
            acting_user=acting_user,
        )
        outcome = {"changed": sorted(values)}
    proposal.state = ProposalState.APPROVED if approve else ProposalState.REJECTED
    proposal.decided_by = acting_user
    proposal.decided_at = timezone.now()
    proposal.decision_reason = (reason or "").strip()[:MAX_REASON]
    proposal.outcome = outcome
    proposal.save(update_fields=["state", "decided_by", "decided_at", "decision_reason", "outcome"])
    record(
        actor=acting_user,
        verb=AuditVerb.DECIDE_PROPOSAL,
        obj=proposal,
        before={"state": ProposalState.PENDING},
        after={"state": proposal.state, **outcome},
        clause=register_clause(),
        reason=proposal.decision_reason,
    )
    return proposal


def _approve_import(proposal: RegisterProposal, backdate_reason: str, acting_user: Any) -> Any:
    from moot.members.imports import import_members

    report = import_members(
        proposal.payload["csv"],
        unit_default=proposal.unit,
        dry_run=False,
        acting_user=acting_user,
        source_name=f"proposal {proposal.pk}: {proposal.payload.get('source_name', '')}",
        backdate_reason=backdate_reason,
        clause=register_clause(),
    )
    if not report.created:
        first = report.errors[0] if report.errors else "no rows"
        raise ActionError(f"the proposed file cannot be imported now: {first}")
    return {"created": report.created, "audit_event": report.audit_event_id}


# --- the authority's own changes ------------------------------------------------------------


def _check_entry_change(
    member: Member, *, email: str | None, joined_on: datetime.date | None
) -> dict[str, Any]:
    """The register-entry change as plain values, or ActionError saying what is wrong."""
    from moot.members.imports import _EMAIL

    changes: dict[str, Any] = {}
    if email is not None:
        email = email.strip().lower()
        if email and not _EMAIL.match(email):
            raise ActionError(f"'{email}' is not an e-mail address")
        if len(email) > 254:
            raise ActionError("the e-mail address is longer than 254 characters")
        if email != member.email:
            changes["email"] = email
    if joined_on is not None and joined_on != member.joined_on:
        if joined_on > today():
            raise ActionError(f"joined_on {joined_on} is in the future")
        first = member.periods.order_by("start").first()
        if first is not None and first.end is not None and joined_on >= first.end:
            raise ActionError(
                f"joined_on {joined_on} is not before the end of the first status interval "
                f"({first.end}); correct the status history instead"
            )
        changes["joined_on"] = joined_on.isoformat()
    if not changes:
        raise ActionError("nothing to change: the values are those on the record")
    return changes


@transaction.atomic
def do_change_register_entry(
    member: Member,
    *,
    email: str | None = None,
    joined_on: datetime.date | None = None,
    reason: str,
    acting_user: Any,
) -> Member:
    """The register's authority changes a member's e-mail address (where their account
    invitation goes) or the day their membership starts. A start before the day the membership
    was recorded is a back-date: ``reason`` is kept on the member and shown in their
    eligibility."""
    member = Member.objects.select_for_update(of=("self",)).get(pk=member.pk)
    changes = _check_entry_change(member, email=email, joined_on=joined_on)
    reason = _reason(reason, "the change to the register")
    before = {key: getattr(member, key) for key in changes}
    if "email" in changes:
        member.email = changes["email"]
    if "joined_on" in changes:
        new_start = datetime.date.fromisoformat(changes["joined_on"])
        first = member.periods.order_by("start").first()
        if first is not None:
            MembershipPeriod.objects.filter(pk=first.pk).update(start=new_start)
        member.joined_on = new_start
        recorded_on = timezone.localtime(member.created_at).date()
        member.backdate_reason = reason if new_start < recorded_on else ""
    member.save()
    record(
        actor=acting_user,
        verb=AuditVerb.CHANGE_REGISTER_ENTRY,
        obj=member,
        before=before,
        after=changes,
        clause=register_clause(),
        reason=reason,
    )
    return member


def pending_proposals() -> Any:
    """The proposals waiting for the register's authority, oldest first."""
    return (
        RegisterProposal.objects.filter(state=ProposalState.PENDING)
        .select_related("unit", "member", "proposed_by")
        .order_by("proposed_at", "id")
    )


# A member in one of these statuses is no longer a member: bringing them back is an admission.
FORMER = frozenset({MemberStatus.LAPSED, MemberStatus.RESIGNED, MemberStatus.EXPELLED})
MEMBER_AGAIN = frozenset({MemberStatus.APPLIED, MemberStatus.ACTIVE, MemberStatus.IN_ARREARS})


def readmission_refusal(member: Member, status: str, user: Any) -> str:
    """Why ``user`` may not move ``member`` to ``status``, or "": bringing a former member
    (lapsed, resigned, expelled) back into membership admits them, which only the register's
    authority does (a secretary could otherwise back-date the return and make them eligible
    at once)."""
    if member.status not in FORMER or status not in MEMBER_AGAIN:
        return ""
    if user.has_perm("members.decide_register", member):
        return ""
    clause = register_clause()
    return (
        f"{member.full_name} is {member.get_status_display()}: readmitting a former member is "
        "for the membership office" + (f" (clause {clause})" if clause else "") + "; ask it to "
        "readmit them"
    )


SUSPENSION = MemberStatus.SUSPENDED


def status_authority(member: Member, status: str) -> str:
    """Which permission records moving ``member`` to ``status`` (RULES.md §10: discipline is
    the complaints process's, never a political office's): suspending or lifting a suspension
    members.record_suspension; expelling members.record_expulsion (the disciplinary panel's
    decision, recorded by complaints staff); every other change — a lapse, arrears, a
    resignation recorded on the member's behalf, admission, readmission — the register's
    authority (members.decide_register)."""
    if status == SUSPENSION or (member.status == SUSPENSION and status in MEMBER_AGAIN):
        return "members.record_suspension"
    if status == MemberStatus.EXPELLED:
        return "members.record_expulsion"
    return "members.decide_register"


_WHO = {
    "members.record_suspension": "complaints staff (the complaints process)",
    "members.record_expulsion": "complaints staff recording the disciplinary panel's decision",
    "members.decide_register": "the membership office",
}


def status_change_refusal(member: Member, status: str, user: Any) -> str:
    """Why ``user`` may not record ``member``'s move to ``status``, or "". A unit secretary
    never decides a member's status: they may ask whoever the rulebook names."""
    readmission = readmission_refusal(member, status, user)
    if readmission:
        return readmission
    permission = status_authority(member, status)
    if user.has_perm(permission, member):
        return ""
    label = MemberStatus(status).label if status in MemberStatus.values else status
    if permission == "members.decide_register":
        clause = register_clause()
        cite = f" (clause {clause})" if clause else ""
    else:
        clause = _status_rule_clause(status if status == MemberStatus.EXPELLED else SUSPENSION)
        cite = f" (clause {clause})" if clause else ""
    return (
        f"recording {member.full_name} as {label} is for {_WHO[permission]}{cite}; "
        "ask them to record it"
    )


def may_record_some_status(member: Member, user: Any) -> bool:
    """Whether ``user`` may record any status change for ``member`` (shows the form)."""
    return any(
        user.has_perm(permission, member)
        for permission in (
            "members.record_suspension",
            "members.record_expulsion",
            "members.decide_register",
        )
    )


def _status_rule_clause(status: str) -> str:
    from moot.units.queries import edition_in_force

    rule = edition_in_force().membership.by_status.get(status)
    return rule.clause if rule is not None else ""


def proposes_status(member: Member, status: str, user: Any) -> bool:
    """Whether ``user``'s request to move ``member`` to ``status`` becomes a proposal to the
    office: a change the office records, by a unit officer the rulebook lets propose, and not a
    readmission (which a secretary may not even propose: readmission_refusal)."""
    return (
        status_authority(member, status) == "members.decide_register"
        and not readmission_refusal(member, status, user)
        and bool(user.has_perm("members.propose_register", member))
    )
