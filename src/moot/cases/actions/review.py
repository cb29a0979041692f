"""Independent review and appeal (issue 10 item 7; RULES.md §8, §10 R-E9).

A decision on a protected-characteristic complaint goes to an independent reviewer (drawn like
a panel), who verifies it or vetoes it with grounds. A veto ends the first panel's assignments;
a freshly drawn panel — nobody who decided before, by the ``earlier_role`` conflict rule —
decides again, and the reviewer reviews again. An appeal, lodged within the rulebook's window by
the complainant or the respondent, is heard by an appeal panel with no overlap with anyone who
decided before.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from moot.audit.actions import record
from moot.cases import workdays
from moot.cases.actions._process import (
    current,
    lock_case,
    log_event,
    prose,
    require_role,
    rules_on,
    stage_days,
)
from moot.cases.actions.stages import check_grounds, check_move, latest_decision, move
from moot.cases.audit_verbs import AuditVerb
from moot.cases.errors import CaseError, RefusalCode
from moot.cases.models import AssignmentRole, Case, CaseEvent, EventKind, Party, Stage

VERDICTS = ("verified", "veto")


@transaction.atomic(durable=True)
def do_record_review(
    case: Case,
    *,
    verdict: str,
    reasons: str,
    clause: str,
    criterion: str,
    acting_user: Any,
) -> CaseEvent:
    """The independent reviewer verifies the decision (the case returns to "decided", where
    the appeal window runs) or vetoes it (the panel's assignments end; a fresh panel is drawn
    next)."""
    case = lock_case(case)
    if case.stage != Stage.REVIEW:
        raise CaseError("The case is not under independent review.", code=RefusalCode.STATE)
    require_role(acting_user, case, AssignmentRole.REVIEWER, doing="review the decision")
    if verdict not in VERDICTS:
        raise CaseError(f"The verdict is one of {', '.join(VERDICTS)}.", field="verdict")
    reasons = check_grounds("review", reasons, clause, criterion)
    decision = latest_decision(case, "panel")
    event = log_event(
        case,
        EventKind.REVIEW,
        actor=acting_user,
        reasons=reasons,
        clause=clause.strip(),
        criterion=criterion,
        data={"verdict": verdict, "decision": decision.pk if decision else None},
    )
    ended = []
    if verdict == "veto":
        from moot.cases.actions.assignments import _end

        for assignment in current(case, AssignmentRole.PANEL_MEMBER).select_related("case"):
            _end(assignment, "decision vetoed on independent review", acting_user=acting_user)
            ended.append(assignment.pk)
    else:
        check_move(case, Stage.DECIDED)
        move(case, Stage.DECIDED, acting_user=acting_user)
    record(
        actor=acting_user,
        verb=AuditVerb.RECORD_REVIEW,
        obj=case,
        after={"verdict": verdict, "criterion": criterion, "panel_ended": ended},
        clause=clause.strip(),
    )
    return event


@transaction.atomic(durable=True)
def do_lodge_appeal(case: Case, *, by: str, grounds: str, acting_user: Any) -> CaseEvent:
    """An appeal by the complainant or the respondent against the decision, within the
    rulebook's appeal window (working days from the decision's notification)."""
    case = lock_case(case)
    rules = rules_on()
    if by not in (Party.COMPLAINANT, Party.RESPONDENT):
        raise CaseError("An appeal is lodged by the complainant or the respondent.", field="by")
    if case.stage != Stage.DECIDED or latest_decision(case, "panel") is None:
        raise CaseError(
            "An appeal is lodged against a decision, once it is final after any review.",
            code=RefusalCode.STATE,
        )
    window = workdays.add_working_days(
        timezone.localdate(case.stage_since), stage_days(rules, "appeal_window"), rules.nation
    )
    if window is not None and timezone.localdate() > window:
        raise CaseError(
            f"The time for an appeal ended on {window:%-d %B %Y}.",
            clause=rules.deadlines_clause,
            code=RefusalCode.RULE,
        )
    decision = latest_decision(case, "panel")
    if CaseEvent.objects.filter(
        case=case,
        kind=EventKind.APPEAL,
        data__lodged=True,
        at__gte=decision.at if decision else None,
    ).exists():
        raise CaseError("An appeal against this decision is already lodged.", code="conflict")
    grounds = prose(grounds, field="grounds", needed="State the grounds of appeal.")
    event = log_event(
        case,
        EventKind.APPEAL,
        actor=acting_user,
        party=by,
        body=grounds,
        clause=rules.deadlines_clause,
        data={"lodged": True, "by": by},
    )
    record(
        actor=acting_user,
        verb=AuditVerb.LODGE_APPEAL,
        obj=case,
        after={"by": by},
        clause=rules.deadlines_clause,
    )
    return event
