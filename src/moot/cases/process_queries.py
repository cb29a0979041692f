"""Reads for the case process: the overdue view and the reminders (issue 10 item 5, R-E5)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from moot.cases import workdays
from moot.cases.models import (
    FINAL_STAGES,
    Assignment,
    AssignmentRole,
    Case,
    ConflictDeclaration,
    Stage,
)


@dataclass(frozen=True)
class OverdueRow:
    case_id: int
    reference: str
    stage: str
    stage_label: str
    category: str
    deadline: datetime.date
    days_over: int
    handler_emails: tuple[str, ...]
    handler_names: tuple[str, ...]


def staff_cases(user: Any) -> QuerySet[Case]:
    """Cases in the units where ``user`` is complaints staff, less those they declared a conflict
    on (none at all after a standing declaration): the excluded see no row and no count."""
    from moot.accounts.roles import COMPLAINTS_STAFF, roles_of

    roles = roles_of(user)
    scopes = [s.unit_path for s in roles.staff if s.role == COMPLAINTS_STAFF]
    if not scopes:
        return Case.objects.none()
    declared = ConflictDeclaration.objects.filter(user_id=user.pk)
    if declared.filter(case__isnull=True).exists():
        return Case.objects.none()
    cases = Case.objects.all()
    if "" not in scopes:
        within = Q()
        for path in scopes:
            within |= Q(unit__path__startswith=path)
        cases = cases.filter(within)
    return cases.exclude(pk__in=declared.values("case_id"))


def overdue_cases(today: datetime.date, cases: QuerySet[Case] | None = None) -> list[OverdueRow]:
    """Cases past their deadline on ``today`` (a stopped clock has no deadline), most overdue
    first, with how many working days over and who handles each."""
    from moot.units.queries import edition_in_force

    nation = edition_in_force(today).complaints.nation
    rows = (
        (Case.objects.all() if cases is None else cases)
        .filter(deadline__lt=today, clock_stopped=False)
        .exclude(stage__in=FINAL_STAGES)
        .order_by("deadline", "id")
        .values_list("pk", "reference", "stage", "category", "deadline")
    )
    found = list(rows)
    handlers: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for case_id, email, first, last in Assignment.objects.filter(
        case_id__in=[row[0] for row in found],
        role=AssignmentRole.CASE_HANDLER,
        ended_at__isnull=True,
        user__isnull=False,
    ).values_list("case_id", "user__email", "user__first_name", "user__last_name"):
        handlers[case_id].append((email, f"{first} {last}".strip() or email))
    overdue = []
    for case_id, reference, stage, category, deadline in found:
        if deadline is None:  # excluded by the query; the type does not know it
            continue
        overdue.append(
            OverdueRow(
                case_id=case_id,
                reference=reference,
                stage=stage,
                stage_label=Stage(stage).label,
                category=category,
                deadline=deadline,
                days_over=workdays.working_days_between(deadline, today, nation),
                handler_emails=tuple(email for email, _ in handlers[case_id] if email),
                handler_names=tuple(name for _, name in handlers[case_id]),
            )
        )
    return overdue


def trained_people(category: str, on: datetime.date) -> list[tuple[int, str]]:
    """(id, name) of the active accounts with current training for ``category`` on ``on``."""
    from moot.accounts.models import User
    from moot.cases.actions.assignments import trained_users

    users = User.objects.filter(pk__in=trained_users(category, on), is_active=True).order_by(
        "last_name", "first_name", "pk"
    )
    return [(user.pk, user.get_full_name() or user.email) for user in users]


def active_user(user_id: Any = None, *, email: str = "") -> Any:
    """An active account by id or by e-mail address (None when there is none)."""
    from moot.accounts.models import User

    users = User.objects.filter(is_active=True)
    if email:
        return users.filter(email__iexact=email).first()
    return users.filter(pk=user_id).first()


def people_on_case(case: Case) -> list[Assignment]:
    return list(
        Assignment.objects.filter(case=case, ended_at__isnull=True)
        .select_related("user", "member")
        .order_by("role", "assigned_at")
    )


def assignment_on(case: Case, assignment_id: Any) -> Assignment | None:
    return Assignment.objects.filter(case=case, pk=assignment_id).first()


def sanctions_of(case: Case) -> list[Any]:
    from moot.cases.models import Sanction

    return list(Sanction.objects.filter(case=case).order_by("starts_on", "pk"))


def education_on(case: Case, sanction_id: Any) -> Any:
    from moot.cases.models import Sanction, SanctionKind

    return Sanction.objects.filter(case=case, pk=sanction_id, kind=SanctionKind.EDUCATION).first()


def training_register(limit: int = 500) -> list[Any]:
    """Recorded training, by person, latest expiry first (the training page)."""
    from moot.cases.models import Training

    return list(
        Training.objects.select_related("user").order_by(
            "user__last_name", "user__first_name", "-expires_on"
        )[:limit]
    )
