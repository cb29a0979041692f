"""Publishable summaries of decisions (issue 10 item 12; CASES.md §5, the EHRC action plan's
"summaries of case decisions posted on the website"): written apart from the confidential
reasons, approved by a second person, and published only where the suppression rule would show
the count they belong to, so that a summary never singles out a case the statistics hide.

A summary names nobody: its text is refused when it carries a party's or a witness's name,
e-mail address or member number, or the case's reference. It is published with the category,
the outcome and the quarter of the decision only — never the unit, the date or the reference.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from moot.audit.actions import record
from moot.cases import redaction
from moot.cases.audit_verbs import AuditVerb
from moot.cases.errors import CaseError, RefusalCode
from moot.cases.models import Case, CaseEvent, DecisionSummary, EventKind, SummaryState
from moot.cases.statistics import Quarter, suppression_rule
from moot.cases.suppression import publish_count
from moot.text import check_text

if TYPE_CHECKING:
    from django.db.models import QuerySet

COMPLAINTS_STAFF = "complaints_staff"
DECISION_KINDS = (EventKind.DECISION, EventKind.CLOSED)
MAX_LENGTH = 2000


def decided_on(case: Case) -> datetime.date | None:
    """The day of the case's first decision or closing (from its log)."""
    first = CaseEvent.objects.filter(case=case, kind__in=DECISION_KINDS).aggregate(at=Min("at"))
    return timezone.localdate(first["at"]) if first["at"] else None


def check_summary_text(case: Case, text: str) -> str:
    """The text, or a refusal naming what identifies someone in it."""
    text = check_text(text.strip(), field="text", single_line=False, max_length=MAX_LENGTH)
    if len(text.split()) < 10:  # a summary says what was found and why
        raise CaseError(
            "text: write the summary in at least 10 words: what was found, the rule and the "
            "outcome.",
            field="text",
            code=RefusalCode.INVALID,
        )
    from moot.cases.sar import identities

    people = [
        *identities(case, None),
        redaction.identity("the case", "TP-IDENTITY", case.reference),
    ]
    _, found = redaction.redact(text, people)
    if found:
        named = ", ".join(sorted({f.label.strip("[]") for f in found}))
        raise CaseError(
            f"text: the summary identifies {named}; a published summary names nobody and gives "
            "no reference. Describe the conduct and the finding without them.",
            field="text",
            code=RefusalCode.INVALID,
        )
    return text


def check_summary_officer(user: Any) -> None:
    from moot.accounts.roles import roles_of

    if not roles_of(user).is_national(COMPLAINTS_STAFF):
        raise CaseError(
            "Decision summaries are written and approved by complaints staff for the whole "
            "organisation.",
            code=RefusalCode.FORBIDDEN,
        )


def decisions_in(category: str, quarter: Quarter) -> int:
    """Cases of ``category`` first decided or closed in ``quarter`` (the summary's cell)."""
    start = timezone.make_aware(datetime.datetime.combine(quarter.start, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(quarter.next().start, datetime.time.min))
    firsts = (
        CaseEvent.objects.filter(kind__in=DECISION_KINDS, case__category=category)
        .order_by()
        .values("case")
        .annotate(first=Min("at"))
        .filter(first__gte=start, first__lt=end)
    )
    return firsts.count()


@transaction.atomic(durable=True)
def do_draft_decision_summary(case_id: int, *, text: str, acting_user: Any) -> DecisionSummary:
    """A draft summary of a decided case, for another officer to approve."""
    check_summary_officer(acting_user)
    case = Case.objects.select_for_update(of=("self",)).filter(pk=case_id).first()
    if case is None:
        raise CaseError("No such case.", code=RefusalCode.NOT_FOUND)
    if decided_on(case) is None:
        raise CaseError(
            f"{case.reference} has no decision yet: a summary follows the decision.",
            code=RefusalCode.STATE,
        )
    text = check_summary_text(case, text)
    summary = DecisionSummary.objects.create(
        case=case, text=text, created_by=acting_user, created_at=timezone.now()
    )
    record(
        actor=acting_user,
        verb=AuditVerb.DRAFT_DECISION_SUMMARY,
        obj=case,
        object_repr=case.reference,
        after={"summary": summary.pk},
    )
    return summary


@transaction.atomic(durable=True)
def do_approve_decision_summary(summary_id: int, *, acting_user: Any) -> DecisionSummary:
    """Approve a draft for publication: a second officer, the text checked again, and the
    suppression rule applied to the decisions of its category in its quarter (a summary of the
    only antisemitism decision of a quarter would point at that case)."""
    check_summary_officer(acting_user)
    summary = (
        DecisionSummary.objects.select_for_update(of=("self",))
        .select_related("case")
        .filter(pk=summary_id)
        .first()
    )
    if summary is None:
        raise CaseError("No such summary.", code=RefusalCode.NOT_FOUND)
    if summary.state != SummaryState.DRAFT:
        raise CaseError(
            f"This summary is {summary.get_state_display().lower()}: only a draft is approved.",
            code=RefusalCode.STATE,
        )
    if summary.created_by_id == acting_user.pk:
        raise CaseError(
            "A summary is approved by a second officer: you wrote this one.",
            code=RefusalCode.FORBIDDEN,
        )
    case = summary.case
    check_summary_text(case, summary.text)
    day = decided_on(case)
    if day is None:
        raise CaseError("The case has no decision.", code=RefusalCode.STATE)
    quarter = Quarter.of(day)
    if quarter.end >= timezone.localdate():
        raise CaseError(
            f"The decision is in {quarter.slug}, which has not ended: summaries are published "
            "with the quarter's statistics, once its counts are final.",
            code=RefusalCode.STATE,
        )
    rule = suppression_rule()
    cell = publish_count(decisions_in(case.category, quarter), rule)
    if cell.hidden:
        raise CaseError(
            f"Fewer than {rule.hide_max + 1} decisions in this category in {quarter.slug}: the "
            "statistics hide that count, so a summary would single the case out "
            f"({rule.describe()}).",
            clause=rule.clause,
            code=RefusalCode.RULE,
        )
    summary.state = SummaryState.APPROVED
    summary.approved_by = acting_user
    summary.approved_at = timezone.now()
    summary.save(update_fields=["state", "approved_by", "approved_at"])
    record(
        actor=acting_user,
        verb=AuditVerb.APPROVE_DECISION_SUMMARY,
        obj=case,
        object_repr=case.reference,
        after={"summary": summary.pk, "quarter": quarter.slug},
        clause=rule.clause,
    )
    return summary


@transaction.atomic(durable=True)
def do_withdraw_decision_summary(
    summary_id: int, *, reason: str, acting_user: Any
) -> DecisionSummary:
    """Take a summary off the published list (an appeal changed the outcome, a party was
    identified after all)."""
    check_summary_officer(acting_user)
    reason = check_text(reason.strip(), field="reason", single_line=False, max_length=300)
    if len(reason.split()) < 2:  # a word is not a reason
        raise CaseError(
            "reason: say why, in a few words.", field="reason", code=RefusalCode.INVALID
        )
    summary = DecisionSummary.objects.select_for_update(of=("self",)).filter(pk=summary_id).first()
    if summary is None:
        raise CaseError("No such summary.", code=RefusalCode.NOT_FOUND)
    if summary.state == SummaryState.WITHDRAWN:
        raise CaseError("This summary was withdrawn already.", code=RefusalCode.CONFLICT)
    before = summary.state
    summary.state = SummaryState.WITHDRAWN
    summary.save(update_fields=["state"])
    record(
        actor=acting_user,
        verb=AuditVerb.WITHDRAW_DECISION_SUMMARY,
        obj=summary.case,
        object_repr=summary.case.reference,
        before={"state": before},
        after={"summary": summary.pk, "state": summary.state},
        reason=reason,
    )
    return summary


def published_summaries() -> QuerySet[DecisionSummary]:
    return (
        DecisionSummary.objects.filter(state=SummaryState.APPROVED)
        .select_related("case")
        .order_by("-approved_at", "-id")
    )


def drafts() -> QuerySet[DecisionSummary]:
    return (
        DecisionSummary.objects.filter(state=SummaryState.DRAFT)
        .select_related("case", "created_by")
        .order_by("created_at", "id")
    )
