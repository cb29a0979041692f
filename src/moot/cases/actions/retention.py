"""Retention of closed cases: legal holds, reopening, and destruction only through a list drawn
up by one person and approved by another, with a report of what was destroyed (issue 10 item
10; :mod:`moot.cases.retention` has the rules, the rulebook's [complaints.retention] the years).

Only complaints staff with national scope act here: retention is the organisation's, not a
unit's. Nothing is destroyed by a date passing: a date only puts a case on the next list.
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from moot.audit.actions import record
from moot.cases import retention
from moot.cases.audit_verbs import AuditVerb
from moot.cases.errors import CaseError, RefusalCode
from moot.cases.models import (
    Case,
    CaseEvent,
    DestructionItem,
    DestructionList,
    DestructionState,
    EventKind,
    LegalHold,
    Sanction,
    Stage,
)
from moot.clock import today
from moot.text import check_text

COMPLAINTS_STAFF = "complaints_staff"
REOPEN_TO = Stage.TRIAGE


def _rules() -> tuple[dict[str, int], str]:
    from moot.units.queries import edition_in_force

    rules = edition_in_force().complaints
    years = dict(retention.DEFAULT_YEARS)
    years.update({period.record_type: period.years for period in rules.retention})
    return years, rules.retention_clause


def check_retention_officer(user: Any) -> None:
    """Complaints staff for the whole organisation (403 for anyone else)."""
    from moot.accounts.roles import roles_of

    if not roles_of(user).is_national(COMPLAINTS_STAFF):
        raise CaseError(
            "Only complaints staff for the whole organisation keep the retention of cases.",
            code=RefusalCode.FORBIDDEN,
        )


def _reason(reason: str, field: str = "reason") -> str:
    reason = check_text(reason.strip(), field=field, single_line=False, max_length=300)
    if len(reason.split()) < 2:  # a word is not a reason
        raise CaseError(f"{field}: say why, in a few words.", field=field, code=RefusalCode.INVALID)
    return reason


def _lock(case_id: int) -> Case:
    try:
        return Case.objects.select_for_update(of=("self",)).get(pk=case_id)
    except Case.DoesNotExist:
        raise CaseError("No such case.", code=RefusalCode.NOT_FOUND) from None


def _log(case: Case, kind: str, actor: Any, data: dict[str, Any], clause: str = "") -> None:
    CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        actor=actor,
        kind=kind,
        stage=case.stage,
        data=data,
        clause=clause,
    )


def closing_day(case: Case) -> datetime.date | None:
    """The day the case closed (its closing, else the day it reached a final stage)."""
    if case.closed_at:
        return timezone.localdate(case.closed_at)
    if case.stage in retention.FINAL:
        return timezone.localdate(case.stage_since)
    return None


def retention_date(case: Case, years: dict[str, int]) -> datetime.date | None:
    """The case's keep-until day under the rulebook, never earlier than the one it has."""
    closed_on = closing_day(case)
    if closed_on is None:
        return case.retention_until
    kind = retention.record_kind(
        stage=case.stage,
        outcome=case.outcome,
        investigated=CaseEvent.objects.filter(case=case, stage=Stage.INVESTIGATION).exists(),
        sanctioned=Sanction.objects.filter(case=case).exists(),
    )
    return retention.keep_until(closed_on, kind, years, already=case.retention_until)


def kept_until(case: Case) -> datetime.date | None:
    """The day a case is kept until as the pages show it: for a closed case the rulebook's date
    computed from its closing (the same the destruction list uses), for an open one None."""
    years, _clause = _rules()
    return retention_date(case, years)


@transaction.atomic(durable=True)
def do_place_legal_hold(case_id: int, *, reason: str, acting_user: Any) -> LegalHold:
    """Keep the case whatever its retention date until the hold is lifted (litigation, a
    regulator's inquiry, a police request)."""
    check_retention_officer(acting_user)
    reason = _reason(reason)
    case = _lock(case_id)
    hold = LegalHold.objects.create(
        case=case, reason=reason, placed_by=acting_user, placed_at=timezone.now()
    )
    case.legal_hold = True
    case.save(update_fields=["legal_hold"])
    _log(case, EventKind.LEGAL_HOLD, acting_user, {"hold": hold.pk})
    record(
        actor=acting_user,
        verb=AuditVerb.PLACE_LEGAL_HOLD,
        obj=case,
        object_repr=case.reference,
        after={"hold": hold.pk},
        reason=reason,
    )
    return hold


@transaction.atomic(durable=True)
def do_lift_legal_hold(hold_id: int, *, reason: str, acting_user: Any) -> LegalHold:
    """Lift one hold; the case is held while any other hold is still on it."""
    check_retention_officer(acting_user)
    reason = _reason(reason)
    hold = LegalHold.objects.select_for_update(of=("self",)).filter(pk=hold_id).first()
    if hold is None:
        raise CaseError("No such legal hold.", code=RefusalCode.NOT_FOUND)
    if hold.lifted_at:
        raise CaseError("This legal hold was lifted already.", code=RefusalCode.CONFLICT)
    case = _lock(hold.case_id)
    hold.lifted_at = timezone.now()
    hold.lifted_by = acting_user
    hold.save(update_fields=["lifted_at", "lifted_by"])
    still = LegalHold.objects.filter(case=case, lifted_at__isnull=True).exists()
    case.legal_hold = still
    case.save(update_fields=["legal_hold"])
    _log(case, EventKind.LEGAL_HOLD_LIFTED, acting_user, {"hold": hold.pk, "still_held": still})
    record(
        actor=acting_user,
        verb=AuditVerb.LIFT_LEGAL_HOLD,
        obj=case,
        object_repr=case.reference,
        before={"hold": hold.pk},
        after={"still_held": still},
        reason=reason,
    )
    return hold


@transaction.atomic(durable=True)
def do_reopen_case(case_id: int, *, reason: str, acting_user: Any) -> Case:
    """Reopen a closed case at triage. Its retention date stays as it was (recorded in the log)
    and is only ever pushed later when it closes again: reopening never resets retention."""
    check_retention_officer(acting_user)
    reason = _reason(reason)
    case = _lock(case_id)
    if case.stage not in retention.FINAL:
        raise CaseError(
            f"{case.reference} is open (stage {case.get_stage_display()}): only a closed case "
            "is reopened.",
            code=RefusalCode.STATE,
        )
    years, clause = _rules()
    kept = retention_date(case, years)
    before = {"stage": case.stage, "outcome": case.outcome}
    case.retention_until = kept
    case.stage = REOPEN_TO
    case.outcome = ""
    case.closed_at = None
    case.closed_reason = ""
    case.stage_since = timezone.now()
    case.save(
        update_fields=[
            "retention_until",
            "stage",
            "outcome",
            "closed_at",
            "closed_reason",
            "stage_since",
        ]
    )
    kept_text = kept.isoformat() if kept else None
    _log(case, EventKind.REOPENED, acting_user, {**before, "retention_until": kept_text}, clause)
    record(
        actor=acting_user,
        verb=AuditVerb.REOPEN_CASE,
        obj=case,
        object_repr=case.reference,
        before=before,
        after={"stage": case.stage, "retention_until": kept_text},
        clause=clause,
        reason=reason,
    )
    return case


RECORD_COUNTS = {
    "case_file": "events",
    "evidence": "evidence",
    "read_log": "reads",
    "communications": "communications",
    "sanction": "sanctions",
}


def _counts(case: Case) -> dict[str, int]:
    counts = {kind: getattr(case, related).count() for kind, related in RECORD_COUNTS.items()}
    counts["external_representations"] = case.representations.count()
    counts["assignments"] = case.assignments.count()
    return counts


def due_for_destruction(on: datetime.date | None = None) -> list[tuple[Case, datetime.date]]:
    """Closed cases, with no legal hold, whose keep-until day (under today's rulebook, never
    earlier than the date they have) has passed on ``on``, and not on a list still open."""
    on = on or today()
    years, _ = _rules()
    pending = DestructionItem.objects.filter(
        case=OuterRef("pk"),
        destruction_list__state__in=[DestructionState.DRAFT, DestructionState.APPROVED],
    )
    candidates = (
        Case.objects.filter(stage__in=retention.FINAL, legal_hold=False)
        .filter(~Exists(pending))
        .order_by("opened_at", "id")
    )
    due = []
    for case in candidates.iterator():
        kept = retention_date(case, years)
        standing = retention.may_destroy(
            stage=case.stage, keep_until_day=kept, legal_hold=case.legal_hold, on=on
        )
        if standing.destroy and kept is not None:
            due.append((case, kept))
    return due


@transaction.atomic(durable=True)
def do_draw_up_destruction_list(*, acting_user: Any) -> DestructionList:
    """A list of the cases due for destruction today, for a second person to review. Refused
    when no case is due (an empty list would only be noise to review)."""
    check_retention_officer(acting_user)
    due = due_for_destruction()
    if not due:
        raise CaseError(
            "No closed case is past its retention date without a legal hold: nothing to list.",
            code=RefusalCode.STATE,
        )
    listing = DestructionList.objects.create(created_by=acting_user, created_at=timezone.now())
    DestructionItem.objects.bulk_create(
        DestructionItem(
            destruction_list=listing,
            case=case,
            case_reference=case.reference,
            retention_until=kept,
            counts=_counts(case),
        )
        for case, kept in due
    )
    _, clause = _rules()
    record(
        actor=acting_user,
        verb=AuditVerb.DRAW_UP_DESTRUCTION_LIST,
        obj=listing,
        object_repr=f"destruction list {listing.pk}",
        after={"cases": [case.reference for case, _ in due]},
        clause=clause,
    )
    return listing


def _lock_list(list_id: int) -> DestructionList:
    listing = DestructionList.objects.select_for_update(of=("self",)).filter(pk=list_id).first()
    if listing is None:
        raise CaseError("No such destruction list.", code=RefusalCode.NOT_FOUND)
    return listing


@transaction.atomic(durable=True)
def do_review_destruction_list(
    list_id: int, *, approve: bool, reason: str, acting_user: Any
) -> DestructionList:
    """Approve or reject a draft list: by someone other than whoever drew it up."""
    check_retention_officer(acting_user)
    reason = _reason(reason)
    listing = _lock_list(list_id)
    if listing.state != DestructionState.DRAFT:
        raise CaseError(
            f"This list is {listing.get_state_display().lower()}: only a draft is reviewed.",
            code=RefusalCode.STATE,
        )
    if listing.created_by_id == acting_user.pk:
        raise CaseError(
            "A destruction list is reviewed by a second person: you drew this one up.",
            code=RefusalCode.FORBIDDEN,
        )
    listing.state = DestructionState.APPROVED if approve else DestructionState.REJECTED
    listing.reviewed_by = acting_user
    listing.reviewed_at = timezone.now()
    listing.save(update_fields=["state", "reviewed_by", "reviewed_at"])
    record(
        actor=acting_user,
        verb=AuditVerb.REVIEW_DESTRUCTION_LIST,
        obj=listing,
        object_repr=f"destruction list {listing.pk}",
        after={"state": listing.state},
        reason=reason,
    )
    return listing


@transaction.atomic(durable=True)
def do_execute_destruction_list(list_id: int, *, acting_user: Any) -> DestructionList:
    """Destroy the cases of an approved list. Each case is checked again first: one placed
    under a legal hold, reopened or given a later date since the list was approved is kept,
    and the report says so. The report counts the records destroyed by type; the cases'
    references stay on the list. Evidence files are removed once the deletion has committed."""
    check_retention_officer(acting_user)
    listing = _lock_list(list_id)
    if listing.state != DestructionState.APPROVED:
        raise CaseError(
            "Only an approved list is carried out "
            f"(this one is {listing.get_state_display().lower()}).",
            code=RefusalCode.STATE,
        )
    years, clause = _rules()
    on = today()
    totals: Counter[str] = Counter()
    kept: dict[str, str] = {}
    files: list[str] = []
    for item in listing.items.select_related(None).order_by("case_reference"):
        if item.case_id is None:
            kept[item.case_reference] = "the case no longer exists"
            continue
        case = _lock(item.case_id)
        date = retention_date(case, years)
        standing = retention.may_destroy(
            stage=case.stage, keep_until_day=date, legal_hold=case.legal_hold, on=on
        )
        if not standing.destroy:
            kept[item.case_reference] = standing.reason
            continue
        counts = _counts(case)
        files.extend(case.evidence.values_list("stored_name", flat=True))
        LegalHold.objects.filter(case=case).delete()  # lifted holds only (a live one kept it)
        case.delete()
        item.counts = counts
        item.save(update_fields=["counts"])
        totals.update(counts)
        totals["cases"] += 1
    listing.state = DestructionState.EXECUTED
    listing.executed_at = timezone.now()
    listing.report = {"destroyed": dict(totals), "kept": kept, "on": on.isoformat()}
    listing.save(update_fields=["state", "executed_at", "report"])
    record(
        actor=acting_user,
        verb=AuditVerb.EXECUTE_DESTRUCTION_LIST,
        obj=listing,
        object_repr=f"destruction list {listing.pk}",
        after=listing.report,
        clause=clause,
    )
    if files:
        transaction.on_commit(lambda: _remove_files(files))
    return listing


def _remove_files(stored_names: list[str]) -> None:
    from moot.cases.evidence import evidence_dir

    directory = evidence_dir()
    for name in stored_names:
        (directory / name).unlink(missing_ok=True)
