"""Helpers shared by the case process's actions (stages, assignments, sanctions, review and
appeal, communications): the rules in force, the case's lock, its log and its deadline."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from moot.cases import workdays
from moot.cases.crypto import seal_text
from moot.cases.errors import CaseError, RefusalCode
from moot.cases.models import Assignment, Case, CaseEvent, ClockStop, Stage
from moot.text import check_text

if TYPE_CHECKING:
    from moot.rulebook.complaints import ComplaintRules

# Which of the rulebook's [complaints.deadlines] runs while a case is in a stage (received and
# triage run on triage_working_days from the day the complaint came in).
STAGE_DEADLINE = {
    Stage.INVESTIGATION: "investigation",
    Stage.REPORT: "report",
    Stage.PANEL: "decision",
    Stage.DECIDED: "appeal_window",
    Stage.REVIEW: "review",
    Stage.APPEAL: "decision",
}


def rules_on(on: datetime.date | None = None) -> ComplaintRules:
    """The [complaints] chapter of the edition in force on ``on`` (today by default); refused
    when that edition has no complaints process."""
    from moot.units.queries import edition_in_force

    rules = edition_in_force(on).complaints
    if not rules.enabled:
        raise CaseError(
            "The rulebook in force has no [complaints] chapter, so it sets no process for "
            "cases; adopt an edition with one.",
            code=RefusalCode.STATE,
        )
    return rules


def lock_case(case: Case) -> Case:
    """The case again, locked for this transaction (every process action holds it)."""
    return Case.objects.select_for_update(of=("self",)).get(pk=case.pk)


def log_event(
    case: Case,
    kind: str,
    *,
    actor: Any,
    party: str = "",
    body: str = "",
    reasons: str = "",
    clause: str = "",
    criterion: str = "",
    data: dict[str, Any] | None = None,
    at: datetime.datetime | None = None,
) -> CaseEvent:
    """Append one entry to the case's log (text encrypted; ``data`` holds ids, slugs, dates)."""
    event = CaseEvent(
        case=case,
        at=at or timezone.now(),
        actor=actor,
        kind=kind,
        stage=case.stage,
        party=party,
        clause=clause,
        criterion=criterion,
        data=data or {},
    )
    seal_text(event, "body_enc", body)
    seal_text(event, "reasons_enc", reasons)
    event.save()
    return event


def stops_of(case: Case) -> list[workdays.Stop]:
    return [
        workdays.Stop(started, ended)
        for started, ended in ClockStop.objects.filter(case=case).values_list(
            "started_on", "ended_on"
        )
    ]


def deadline_for(case: Case, rules: ComplaintRules) -> datetime.date | None:
    """The day the case's current stage should end, in working days from the day it began,
    skipping stopped days (None in a final stage or while the clock is stopped)."""
    stops = stops_of(case)
    if case.stage in (Stage.RECEIVED, Stage.TRIAGE):
        start = timezone.localdate(case.opened_at)
        return workdays.add_working_days(start, rules.triage_working_days, rules.nation, stops)
    key = STAGE_DEADLINE.get(Stage(case.stage))
    if key is None:
        return None
    days = rules.deadline_days(key)
    if days is None:
        return None
    start = timezone.localdate(case.stage_since)
    return workdays.add_working_days(start, days, rules.nation, stops)


def stage_days(rules: ComplaintRules, key: str) -> int:
    """The working days of one of the rulebook's [complaints.deadlines] (the parser requires
    every one of them)."""
    days = rules.deadline_days(key)
    if days is None:
        raise CaseError(
            f"The rulebook in force gives no deadline for {key}; add it to [complaints.deadlines].",
            code=RefusalCode.STATE,
        )
    return days


def current(case: Case, *roles: str) -> Any:
    """The case's current (not ended) assignments in ``roles``."""
    return Assignment.objects.filter(case=case, role__in=roles, ended_at__isnull=True)


def holds(user: Any, case: Case, *roles: str) -> bool:
    """Whether ``user`` holds one of ``roles`` on the case now."""
    if user is None or not getattr(user, "pk", None):
        return False
    member_id = getattr(getattr(user, "member", None), "pk", None)
    person = Q(user_id=user.pk) | (Q(member_id=member_id) if member_id else Q(pk__in=[]))
    return current(case, *roles).filter(person).exists()


def require_role(user: Any, case: Case, *roles: str, doing: str) -> None:
    """Refuse ``doing`` unless ``user`` holds one of ``roles`` on the case (R-E1: decisions need
    a role on the case, never a general one)."""
    if not holds(user, case, *roles):
        from moot.cases.models import AssignmentRole

        names = " or ".join(AssignmentRole(role).label.lower() for role in roles)
        raise CaseError(
            f"Only the case's {names} may {doing}; ask to be assigned to the case.",
            code=RefusalCode.FORBIDDEN,
        )


def line(value: str, *, field: str, max_length: int, needed: str = "") -> str:
    """One line of text, stripped and checked (``moot.text``); refused empty with ``needed``."""
    value = check_text((value or "").strip(), field=field, max_length=max_length)
    if needed and not value:
        raise CaseError(needed, field=field)
    return value


def prose(value: str, *, field: str, needed: str = "", max_length: int = 20000) -> str:
    """Several lines of text (reasons, a report), stripped and checked."""
    value = check_text((value or "").strip(), field=field, single_line=False, max_length=max_length)
    if needed and not value:
        raise CaseError(needed, field=field)
    return value
