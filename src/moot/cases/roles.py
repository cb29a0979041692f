"""Who someone is on a case, computed once per (user, case) and shared by the permissions, the
access functions and the pages (docs/cases.md, "Who sees a case").

In order: a person with a declared conflict on the case (or a standing one) is nobody on it; a
party (the complainant or the respondent) is only a party, whatever else they are; complaints
staff whose scope covers the case's unit are ``complaints_staff``; someone with an assignment
that has not ended holds that role (``investigator``, ``panel_member`` ...); an auditor sees the
case's metadata, read log and representations but not its text (``auditor``). Everyone else —
unit officers, national executive members not on the case, national staff, the staff admin —
is nobody: the case does not exist for them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

COMPLAINTS_STAFF = "complaints_staff"
AUDITOR = "auditor"
COMPLAINANT = "complainant"
RESPONDENT = "respondent"
# Roles that read the case's text and act on it (the auditor reads metadata only).
TEXT_ROLES = frozenset(
    {
        COMPLAINTS_STAFF,
        "case_handler",
        "investigator",
        "panel_member",
        "reviewer",
        "appeal_panel_member",
    }
)


def role_label(role: str | None) -> str:
    """How a role on a case reads on a page ("Complaints staff", "Panel member")."""
    from moot.cases.models.choices import AssignmentRole

    labels = {
        COMPLAINTS_STAFF: "Complaints staff",
        AUDITOR: "Auditor",
        COMPLAINANT: "Complainant",
        RESPONDENT: "Respondent",
        **{choice.value: str(choice.label) for choice in AssignmentRole},
    }
    if not role:
        return ""
    return labels.get(role, role.replace("_", " ").capitalize())


_CACHE = "_moot_case_roles"


def _person(user: Any) -> tuple[int | None, int | None]:
    from moot.accounts.roles import roles_of

    roles = roles_of(user)
    return roles.user_id, roles.member_id


def is_conflicted(user: Any, case: Any) -> bool:
    """A conflict declared by or for this person on the case, or a standing one."""
    from moot.cases.models import ConflictDeclaration

    user_id, member_id = _person(user)
    if user_id is None:
        return False
    person = Q(user_id=user_id)
    if member_id is not None:
        person |= Q(member_id=member_id)
    return (
        ConflictDeclaration.objects.filter(person)
        .filter(Q(case_id=case.pk) | Q(case__isnull=True))
        .exists()
    )


def party_role(user: Any, case: Any) -> str | None:
    """``complainant`` or ``respondent`` when the signed-in person is that party."""
    _, member_id = _person(user)
    if member_id is None:
        return None
    if case.complainant_member_id == member_id:
        return COMPLAINANT
    if case.respondent_id == member_id:
        return RESPONDENT
    return None


def assignment_role(user: Any, case: Any) -> str | None:
    from moot.cases.models import Assignment

    user_id, member_id = _person(user)
    person = Q(user_id=user_id)
    if member_id is not None:
        person |= Q(member_id=member_id)
    return (
        Assignment.objects.filter(person, case_id=case.pk, ended_at__isnull=True)
        .order_by("assigned_at")
        .values_list("role", flat=True)
        .first()
    )


def case_role(user: Any, case: Any) -> str | None:
    """The role ``user`` holds on ``case`` for the staff pages (None: the case does not exist
    for them; parties use the party view instead)."""
    from moot.accounts.roles import roles_of

    if case is None or not getattr(user, "is_authenticated", False):
        return None
    cache = getattr(user, _CACHE, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE, cache)
    if case.pk in cache:
        return cache[case.pk]
    roles = roles_of(user)
    role: str | None = None
    if roles.user_id is None or is_conflicted(user, case) or party_role(user, case):
        role = None
    elif roles.has_staff_role(COMPLAINTS_STAFF, case.unit):
        role = COMPLAINTS_STAFF
    else:
        role = assignment_role(user, case)
        if role is None and roles.has_staff_role(AUDITOR, case.unit):
            role = AUDITOR
    cache[case.pk] = role
    return role


def forget_case_roles(user: Any) -> None:
    """Drop the cached roles (after an assignment or a declared conflict in this request)."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)
