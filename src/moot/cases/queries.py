"""Every queryset the cases pages and the API list (views and routers never build one).

``cases_visible_to`` is the list's half of the access rule in ``roles``: complaints staff see
the cases of the units in their scope, an assigned person their cases, the auditor the cases in
their scope (metadata); a declared conflict removes the case (a standing one, every case) and a
person never sees a case they are a party to in the staff list. Everyone else gets no rows —
not a greyed row, not a count.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from moot.cases.models import (
    FINAL_STAGES,
    Assignment,
    Case,
    CaseEvent,
    CaseRead,
    Communication,
    ConflictDeclaration,
    EventKind,
    Evidence,
    ExternalRepresentation,
    Party,
    Stage,
)


def _scope_filter(paths: list[str]) -> Q | None:
    """Cases whose unit is under one of ``paths`` ("" is everywhere); None: nothing. (Never an
    empty ``Q()`` for everywhere: OR-ed with another condition it would vanish.)"""
    if not paths:
        return None
    if "" in paths:
        return Q(pk__isnull=False)
    within = Q(pk__in=[])
    for path in paths:
        within |= Q(unit__path__startswith=path)
    return within


def cases_visible_to(user: Any) -> QuerySet[Case]:
    from moot.accounts.roles import AUDITOR, COMPLAINTS_STAFF, roles_of

    roles = roles_of(user)
    if roles.user_id is None:
        return Case.objects.none()
    person = Q(user_id=roles.user_id)
    if roles.member_id is not None:
        person |= Q(member_id=roles.member_id)
    declared = ConflictDeclaration.objects.filter(person)
    if declared.filter(case__isnull=True).exists():
        return Case.objects.none()
    scopes = [s.unit_path for s in roles.staff if s.role in {COMPLAINTS_STAFF, AUDITOR}]
    assigned = Q(pk__in=Assignment.objects.filter(person, ended_at__isnull=True).values("case_id"))
    in_scope = _scope_filter(scopes)
    visible = assigned if in_scope is None else in_scope | assigned
    cases = Case.objects.filter(visible).exclude(
        pk__in=declared.exclude(case__isnull=True).values("case_id")
    )
    if roles.member_id is not None:
        cases = cases.exclude(
            Q(respondent_id=roles.member_id) | Q(complainant_member_id=roles.member_id)
        )
    return cases


def staff_case_list(
    user: Any,
    *,
    stage: str = "",
    category: str = "",
    overdue: bool = False,
    mine: bool = False,
    today: datetime.date | None = None,
) -> QuerySet[Case]:
    """The staff's case list with its filters, newest first."""
    cases = cases_visible_to(user).select_related("unit")
    if stage:
        cases = cases.filter(stage=stage)
    if category:
        cases = cases.filter(category=category)
    if overdue:
        cases = cases.filter(
            deadline__lt=today or timezone.localdate(), clock_stopped=False
        ).exclude(stage__in=FINAL_STAGES)
    if mine:
        cases = cases.filter(
            pk__in=Assignment.objects.filter(user_id=user.pk, ended_at__isnull=True).values(
                "case_id"
            )
        )
    return cases.order_by("-opened_at", "-id")


def untriaged_overdue(user: Any, today: datetime.date | None = None) -> QuerySet[Case]:
    """Complaints still waiting for triage after their triage deadline (the dashboard alert)."""
    return (
        cases_visible_to(user)
        .filter(stage__in=(Stage.RECEIVED, Stage.TRIAGE), triaged_at__isnull=True)
        .filter(deadline__lt=today or timezone.localdate())
        .order_by("deadline", "id")
    )


def party_cases(member_id: int | None) -> QuerySet[Case]:
    """The cases a member is the complainant or the respondent of (the party's own list)."""
    if member_id is None:
        return Case.objects.none()
    return Case.objects.filter(
        Q(complainant_member_id=member_id) | Q(respondent_id=member_id)
    ).order_by("-opened_at", "-id")


def case_by_receipt(receipt_hash: str) -> Case | None:
    if not receipt_hash:
        return None
    return Case.objects.filter(receipt_hash=receipt_hash).first()


def timeline(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("at", "id")


def party_timeline(case: Case, party: str) -> QuerySet[CaseEvent]:
    """What a party sees of the log: their own submissions (received, answers, evidence they
    gave) and the questions put to them — never the other side's material or staff notes."""
    mine = Q(party=party, kind__in=(EventKind.ANSWER, EventKind.EVIDENCE_ADDED))
    asked = Q(party=party, kind=EventKind.QUESTION)
    received = Q(kind=EventKind.RECEIVED) if party == Party.COMPLAINANT else Q(pk__in=[])
    return case.events.filter(mine | asked | received).order_by("at", "id")


def evidence_of(case: Case, *, by_party: str = "") -> QuerySet[Evidence]:
    items = case.evidence.select_related("uploaded_by")
    return items.filter(by_party=by_party) if by_party else items


def communications_to(case: Case, party: str) -> QuerySet[Communication]:
    return case.communications.filter(to=party).order_by("queued_at", "id")


def representations_of(case: Case) -> QuerySet[ExternalRepresentation]:
    return case.representations.select_related("recorded_by", "from_user").order_by("at", "id")


def reads_of(case: Case, limit: int = 200) -> QuerySet[CaseRead]:
    return case.reads.select_related("user").order_by("-at", "-id")[:limit]


def current_assignments(case: Case) -> QuerySet[Assignment]:
    return case.assignments.filter(ended_at__isnull=True).select_related("user", "member")


def constituencies() -> QuerySet[Any]:
    """Units a complaint may be filed under when the respondent is not a member on record."""
    from moot.units.models import Unit

    return Unit.objects.filter(kind__in=("national", "region", "constituency")).order_by("path")


def member_by_number(number: str) -> Any:
    from moot.members.models import Member

    return Member.objects.select_related("constituency").filter(number=number).first()
