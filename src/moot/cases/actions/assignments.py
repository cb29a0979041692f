"""Who works on a case (issue 10 items 3, 4; RULES.md §10 R-E2, R-E7): assignments checked for
conflicts computed from the register and for current training, declared conflicts (in force at
once: the person's assignments end and the case disappears from their view), training records
and panels drawn at random from the trained pool."""

from __future__ import annotations

import calendar
import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from moot.audit.actions import record
from moot.cases import draw as draws
from moot.cases.actions._process import current, line, lock_case, log_event, rules_on
from moot.cases.audit_verbs import AuditVerb
from moot.cases.conflict_facts import case_facts, person_for_user, since_for
from moot.cases.conflicts import Conflict, conflicts_of
from moot.cases.errors import CaseError, RefusalCode
from moot.cases.models import (
    Assignment,
    AssignmentRole,
    Case,
    ConflictDeclaration,
    DrawPurpose,
    EventKind,
    PanelDraw,
    Stage,
    Training,
)

# The role each draw fills, and the stages in which it may be made.
DRAW_ROLE = {
    DrawPurpose.PANEL: AssignmentRole.PANEL_MEMBER,
    DrawPurpose.REVIEW: AssignmentRole.REVIEWER,
    DrawPurpose.APPEAL: AssignmentRole.APPEAL_PANEL_MEMBER,
}
DRAW_STAGES = {
    DrawPurpose.PANEL: (Stage.REPORT, Stage.REVIEW),
    DrawPurpose.REVIEW: (Stage.DECIDED,),
    DrawPurpose.APPEAL: (Stage.DECIDED,),
}
# Where a sitting panel left short (a member's conflict) is refilled by drawing its empty seats.
REFILL_STAGE = {DrawPurpose.PANEL: Stage.PANEL, DrawPurpose.APPEAL: Stage.APPEAL}


def trained_users(category: str, on: datetime.date) -> Any:
    """Ids of the accounts with current training for ``category`` (or for every category) on
    ``on``: completed by then and not yet expired (training expires on ``expires_on``)."""
    return (
        Training.objects.filter(category__in=[category, "all"], completed_on__lte=on)
        .filter(expires_on__gt=on)
        .values_list("user_id", flat=True)
        .distinct()
    )


def check_trained(case: Case, user: Any, on: datetime.date) -> None:
    """Refuse someone without current training for the case's category (R-E7)."""
    rules = rules_on(on)
    if user.pk in set(trained_users(case.category, on)):
        return
    lapsed = (
        Training.objects.filter(user=user, category__in=[case.category, "all"])
        .order_by("-expires_on")
        .values_list("expires_on", flat=True)
        .first()
    )
    category = rules.category(case.category)
    what = category.title if category else case.category
    why = (
        f"their training expired on {lapsed:%-d %B %Y}"
        if lapsed is not None
        else "no training is recorded for them"
    )
    raise CaseError(
        f"{user.get_full_name() or user.email} cannot be assigned: {why}, and this case "
        f"({what}) needs current training in it. Record their training first.",
        clause=rules.training_clause,
        field="user",
    )


def conflicts_for(case: Case, user: Any, role: str, on: datetime.date) -> list[Conflict]:
    """Every conflict ``user`` has for ``role`` on ``case`` (rulebook's rules in force)."""
    rules = rules_on(on)
    since = since_for(case, rules.conflict_lookback_years)
    return conflicts_of(
        person_for_user(user, since),
        case_facts(case, since),
        role=role,
        enabled=frozenset(rules.conflict_rules),
    )


def check_assignment(case: Case, user: Any, role: str, on: datetime.date) -> None:
    """Refuse an assignment that the process does not allow: a role that does not exist, a
    closed case, someone already in that role, someone untrained or conflicted (each reason
    given)."""
    if role not in AssignmentRole.values:
        raise CaseError(
            f"{role!r} is not a role on a case; use one of {', '.join(AssignmentRole.values)}",
            field="role",
        )
    if case.stage == Stage.CLOSED:
        raise CaseError("The case is closed; reopen it first.", code=RefusalCode.STATE)
    if current(case, role).filter(user=user).exists():
        raise CaseError(
            f"{user.get_full_name() or user.email} is already "
            f"{AssignmentRole(role).label.lower()} on {case.reference}.",
            code=RefusalCode.CONFLICT,
            field="user",
        )
    check_trained(case, user, on)
    found = conflicts_for(case, user, role, on)
    if found:
        rules = rules_on(on)
        raise CaseError(
            f"{user.get_full_name() or user.email} cannot be "
            f"{AssignmentRole(role).label.lower()} on {case.reference}: "
            + "; ".join(conflict.reason for conflict in found)
            + ". Choose someone else.",
            clause=rules.conflicts_clause,
            field="user",
        )


def _assign(
    case: Case, user: Any, role: str, *, acting_user: Any, panel: PanelDraw | None = None
) -> Assignment:
    assignment = Assignment.objects.create(
        case=case,
        user=user,
        role=role,
        assigned_at=timezone.now(),
        assigned_by=acting_user,
        panel=panel,
    )
    log_event(
        case,
        EventKind.ASSIGNMENT,
        actor=acting_user,
        data={"assignment": assignment.pk, "user": user.pk, "role": role},
    )
    return assignment


@transaction.atomic(durable=True)
def do_assign_to_case(case: Case, *, user: Any, role: str, acting_user: Any) -> Assignment:
    """Give ``user`` a role on the case after checking training and conflicts (R-E2, R-E7)."""
    case = lock_case(case)
    check_assignment(case, user, role, timezone.localdate())
    assignment = _assign(case, user, role, acting_user=acting_user)
    record(
        actor=acting_user,
        verb=AuditVerb.ASSIGN_TO_CASE,
        obj=case,
        after={"assignment": assignment.pk, "user": user.pk, "role": role},
    )
    return assignment


@transaction.atomic(durable=True)
def do_record_assignment_refusal(
    case: Case, *, user: Any, role: str, refusal: CaseError, acting_user: Any
) -> None:
    """Keep in the case's log that an assignment was refused and why (the reasons name the
    rules, which the person assigning saw), so a file shows who was kept off it."""
    case = lock_case(case)
    log_event(
        case,
        EventKind.ASSIGNMENT_REFUSED,
        actor=acting_user,
        reasons=refusal.message,
        clause=refusal.clause,
        data={"user": user.pk, "role": role},
    )
    record(
        actor=acting_user,
        verb=AuditVerb.RECORD_ASSIGNMENT_REFUSAL,
        obj=case,
        after={"user": user.pk, "role": role},
        clause=refusal.clause,
    )


def _end(assignment: Assignment, reason: str, *, acting_user: Any) -> None:
    assignment.ended_at = timezone.now()
    assignment.ended_reason = reason[:200]
    assignment.save(update_fields=["ended_at", "ended_reason"])
    log_event(
        assignment.case,
        EventKind.ASSIGNMENT_ENDED,
        actor=acting_user,
        reasons=reason,
        data={"assignment": assignment.pk, "role": assignment.role},
    )


@transaction.atomic(durable=True)
def do_end_assignment(assignment: Assignment, *, reason: str, acting_user: Any) -> Assignment:
    """End someone's role on a case (with the reason); they lose access at once."""
    lock_case(assignment.case)
    assignment = Assignment.objects.select_for_update(of=("self",)).get(pk=assignment.pk)
    if assignment.ended_at is not None:
        raise CaseError("That assignment has already ended.", code=RefusalCode.CONFLICT)
    reason = line(reason, field="reason", max_length=200, needed="Say why the assignment ends.")
    _end(assignment, reason, acting_user=acting_user)
    record(
        actor=acting_user,
        verb=AuditVerb.END_ASSIGNMENT,
        obj=assignment.case,
        after={"assignment": assignment.pk, "role": assignment.role},
    )
    return assignment


@transaction.atomic(durable=True)
def do_declare_conflict(
    case: Case | None, *, user: Any, reason: str, acting_user: Any
) -> ConflictDeclaration:
    """Record a declared conflict of interest — for one case, or standing (``case`` None: every
    case). It takes effect at once: the person's current assignments it covers end now, so the
    case leaves their view with no row and no count."""
    reason = line(reason, field="reason", max_length=300, needed="Say what the conflict is.")
    if case is not None:
        case = lock_case(case)
    declaration = ConflictDeclaration.objects.create(
        case=case,
        user=user,
        reason=reason,
        declared_at=timezone.now(),
        declared_by=acting_user,
    )
    ended = Assignment.objects.filter(user=user, ended_at__isnull=True)
    if case is not None:
        ended = ended.filter(case=case)
    ended_ids = []
    for assignment in ended.select_related("case"):
        _end(assignment, "declared a conflict of interest", acting_user=acting_user)
        ended_ids.append(assignment.pk)
    if case is not None:
        log_event(
            case,
            EventKind.CONFLICT_DECLARED,
            actor=acting_user,
            reasons=reason,
            data={"user": user.pk, "declaration": declaration.pk},
        )
    record(
        actor=acting_user,
        verb=AuditVerb.DECLARE_CONFLICT,
        obj=case if case is not None else declaration,
        after={
            "user": user.pk,
            "declaration": declaration.pk,
            "standing": case is None,
            "assignments_ended": ended_ids,
        },
    )
    return declaration


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


@transaction.atomic(durable=True)
def do_record_training(
    *,
    user: Any,
    category: str,
    completed_on: datetime.date,
    provider: str,
    acting_user: Any,
) -> Training:
    """Record training someone completed in a category (or "all"); it lasts the rulebook's
    validity months from the day it was completed. A second officer records it: nobody
    certifies their own training."""
    rules = rules_on()
    if acting_user is not None and getattr(user, "pk", None) == acting_user.pk:
        raise CaseError(
            "Nobody records their own training: another complaints officer who has seen the "
            "certificate records it.",
            clause=rules.training_clause,
            field="user",
            code=RefusalCode.FORBIDDEN,
        )
    if category != "all" and rules.category(category) is None:
        known = ", ".join(c.slug for c in rules.categories)
        raise CaseError(
            f"{category!r} is not a category of complaint in the rulebook; use all or one of "
            f"{known}",
            clause=rules.training_clause,
            field="category",
        )
    if completed_on > timezone.localdate():
        raise CaseError("Training cannot be recorded before it is completed.", field="completed_on")
    provider = line(provider, field="provider", max_length=200, needed="Say who gave the training.")
    training = Training.objects.create(
        user=user,
        category=category,
        completed_on=completed_on,
        expires_on=_add_months(completed_on, rules.training_validity_months),
        provider=provider,
        recorded_by=acting_user,
        recorded_at=timezone.now(),
    )
    record(
        actor=acting_user,
        verb=AuditVerb.RECORD_TRAINING,
        obj=training,
        after={
            "user": user.pk,
            "category": category,
            "completed_on": completed_on,
            "expires_on": training.expires_on,
        },
        clause=rules.training_clause,
    )
    return training


def eligible_for_draw(case: Case, purpose: str, on: datetime.date) -> list[int]:
    """The accounts a draw may pick: trained for the case's category, with no conflict for the
    role (which also keeps out everyone who held a deciding role in the case or a linked one)
    and not already on the case."""
    from moot.accounts.models import User

    role = DRAW_ROLE[DrawPurpose(purpose)]
    on_case = set(
        current(case, *AssignmentRole.values)
        .exclude(user__isnull=True)
        .values_list("user_id", flat=True)
    )
    eligible = []
    for user in User.objects.filter(pk__in=trained_users(case.category, on), is_active=True):
        if user.pk in on_case:
            continue
        if not conflicts_for(case, user, role, on):
            eligible.append(user.pk)
    return eligible


def panel_size(purpose: str, on: datetime.date | None = None) -> int:
    rules = rules_on(on)
    return {
        DrawPurpose.PANEL: rules.panel_size,
        DrawPurpose.REVIEW: rules.review_panel_size,
        DrawPurpose.APPEAL: rules.appeal_panel_size,
    }[DrawPurpose(purpose)]


@transaction.atomic(durable=True)
def do_draw_panel(case: Case, *, purpose: str, acting_user: Any) -> PanelDraw:
    """Draw a panel (or the reviewer, or the appeal panel) at random from the trained,
    unconflicted pool, keeping the seed and the hash of the eligible list so anyone can repeat
    the draw (R-E2); the people drawn are assigned. A fresh panel after a veto, and an appeal
    panel, exclude everyone who decided before (the ``earlier_role`` rule). A sitting panel
    left short (a member declared a conflict) is refilled: only its empty seats are drawn, and
    the refilled panel decides afresh."""
    if purpose not in DrawPurpose.values:
        raise CaseError(
            f"{purpose!r} is not a kind of draw; use one of {', '.join(DrawPurpose.values)}",
            field="purpose",
        )
    case = lock_case(case)
    rules = rules_on()
    role = DRAW_ROLE[DrawPurpose(purpose)]
    stages = DRAW_STAGES[DrawPurpose(purpose)]
    on = timezone.localdate()
    size = panel_size(purpose, on)
    sitting = current(case, role).count()
    refill = case.stage == REFILL_STAGE.get(DrawPurpose(purpose)) and 0 < sitting < size
    if refill:
        size -= sitting  # only the empty seats; the sitting members are not in the pool
    elif case.stage not in stages:
        raise CaseError(
            f"A {DrawPurpose(purpose).label.lower()} is drawn when the case is at "
            f"{' or '.join(Stage(s).label.lower() for s in stages)}; it is at "
            f"{Stage(case.stage).label.lower()}.",
            code=RefusalCode.STATE,
        )
    if sitting and not refill:
        raise CaseError(
            f"The case already has its {DrawPurpose(purpose).label.lower()}; end those "
            "assignments before drawing again.",
            code=RefusalCode.CONFLICT,
        )
    if purpose == DrawPurpose.REVIEW and not case.protected_characteristic:
        raise CaseError(
            "Only decisions on protected-characteristic complaints go to independent review.",
            clause=rules.panels_clause,
            code=RefusalCode.RULE,
        )
    eligible = eligible_for_draw(case, purpose, on)
    seed = draws.new_seed()
    try:
        result = draws.draw(eligible, size, seed)
    except ValueError as exc:
        raise CaseError(
            f"The {DrawPurpose(purpose).label.lower()} cannot be drawn: {exc}. Record training "
            "for more people first.",
            clause=rules.panels_clause,
            code=RefusalCode.STATE,
        ) from None
    panel = PanelDraw.objects.create(
        case=case,
        purpose=purpose,
        seed=result.seed,
        eligible_hash=result.eligible_hash,
        eligible_count=result.eligible_count,
        drawn=list(result.drawn),
        at=timezone.now(),
        by=acting_user,
    )
    from moot.accounts.models import User

    users = User.objects.in_bulk(list(result.drawn))
    for user_id in result.drawn:
        _assign(case, users[user_id], role, acting_user=acting_user, panel=panel)
    log_event(
        case,
        EventKind.PANEL_DRAWN,
        actor=acting_user,
        clause=rules.panels_clause,
        data={
            "draw": panel.pk,
            "purpose": purpose,
            "seed": result.seed,
            "eligible_hash": result.eligible_hash,
            "eligible_count": result.eligible_count,
            "drawn": list(result.drawn),
        },
    )
    record(
        actor=acting_user,
        verb=AuditVerb.DRAW_PANEL,
        obj=case,
        after={
            "draw": panel.pk,
            "purpose": purpose,
            "seed": result.seed,
            "eligible_hash": result.eligible_hash,
            "eligible_count": result.eligible_count,
            "drawn": list(result.drawn),
        },
        clause=rules.panels_clause,
    )
    return panel


def people_on(case: Case) -> Any:
    """The case's current assignments with their people (for the case page)."""
    return (
        Assignment.objects.filter(case=case, ended_at__isnull=True)
        .select_related("user", "member")
        .order_by("role", "assigned_at")
    )


def declared_by(user: Any) -> Any:
    """A person's own declarations (standing and per case)."""
    return ConflictDeclaration.objects.filter(Q(user=user)).order_by("-declared_at")
