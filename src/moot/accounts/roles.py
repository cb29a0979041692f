"""Roles, derived (never stored as such) from what a person currently is in the organisation.

* ``member``: the account has a member record;
* ``unit_officer``: the member holds an office (units.OfficeHolding) today; the scope of each
  office is its unit and every unit under it;
* ``national_staff``, ``complaints_staff``, ``auditor``: an accounts.StaffAssignment, national
  (unit null) or limited to a unit and the units under it;
* ``admin``: a superuser (the staff admin).

:func:`roles_of` computes the set once per request (it is cached on the user object, which
Django builds afresh for every request) so that permission checks in a list of a hundred rows
cost no extra queries.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

MEMBER = "member"
UNIT_OFFICER = "unit_officer"
NATIONAL_STAFF = "national_staff"
COMPLAINTS_STAFF = "complaints_staff"
AUDITOR = "auditor"
ADMIN = "admin"
ALL_ROLES = (MEMBER, UNIT_OFFICER, NATIONAL_STAFF, COMPLAINTS_STAFF, AUDITOR, ADMIN)

# Posts whose holders keep a unit's register and papers (rulebook post slugs; both spellings
# of the membership secretary are accepted because editions name posts as data).
SECRETARY_POSTS = frozenset({"secretary", "membership-secretary", "membership_secretary"})
# Posts that need the self-described gender for the balance rules (RULES.md §14): the
# officers who run a unit's elections.
BALANCE_POSTS = frozenset({"secretary", "chair"})

_CACHE_ATTRIBUTE = "_moot_roleset"


@dataclass(frozen=True)
class Office:
    """A current office: the post's slug and the materialised path of its unit."""

    post_slug: str
    unit_id: int
    unit_path: str


@dataclass(frozen=True)
class StaffScope:
    """A staff role and where it applies: ``unit_path`` "" means the whole organisation."""

    role: str
    unit_id: int | None
    unit_path: str


@dataclass(frozen=True)
class RoleSet:
    user_id: int | None
    member_id: int | None = None
    is_superuser: bool = False
    offices: tuple[Office, ...] = ()
    staff: tuple[StaffScope, ...] = ()
    roles: frozenset[str] = field(default_factory=frozenset)

    def __contains__(self, role: object) -> bool:
        return role in self.roles

    def has_staff_role(self, role: str, unit: Any = None) -> bool:
        """Whether a ``role`` assignment covers ``unit`` (None: "anywhere"; national
        assignments cover every unit)."""
        for scope in self.staff:
            if scope.role != role:
                continue
            if unit is None or scope.unit_path == "" or _path_of(unit).startswith(scope.unit_path):
                return True
        return False

    def audits(self, unit: Any) -> bool:
        """Whether an auditor's assignment covers ``unit`` (None: national business, which only
        a national auditor reads). The auditor reads meetings, motions, polls, elections and
        minutes in that scope and writes nothing (issue 9 item 6)."""
        if unit is None:
            return self.is_national(AUDITOR)
        return self.has_staff_role(AUDITOR, unit)

    def is_national(self, role: str) -> bool:
        """Whether ``role`` is held for the whole organisation (not limited to a unit)."""
        return any(s.role == role and s.unit_path == "" for s in self.staff)

    def holds_office_over(self, unit: Any, posts: Iterable[str] | None = None) -> bool:
        """Whether an office (one of ``posts``, any when None) is held in ``unit`` or a unit
        above it."""
        wanted = None if posts is None else frozenset(posts)
        path = _path_of(unit)
        return any(
            path.startswith(office.unit_path)
            for office in self.offices
            if wanted is None or office.post_slug in wanted
        )

    def holds_office(self, posts: Iterable[str] | None = None) -> bool:
        wanted = None if posts is None else frozenset(posts)
        return any(wanted is None or o.post_slug in wanted for o in self.offices)

    def office_units(self, posts: Iterable[str] | None = None) -> list[int]:
        wanted = None if posts is None else frozenset(posts)
        return sorted({o.unit_id for o in self.offices if wanted is None or o.post_slug in wanted})


ANONYMOUS = RoleSet(user_id=None)


def _path_of(unit: Any) -> str:
    path = getattr(unit, "path", "")
    if not path:
        raise ValueError(f"unit {unit!r} has no tree path; save it before checking roles")
    return path


def compute_roles(user: Any, on: datetime.date | None = None) -> RoleSet:
    """The roles of ``user`` on ``on`` (today by default), read from the database."""
    from moot.accounts.models import StaffAssignment
    from moot.members.models import FORMER_STATUSES, Member
    from moot.units.models import OfficeHolding

    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    on = on or timezone.localdate()
    record = Member.objects.filter(user_id=user.pk).values_list("pk", "status").first()
    member_id = record[0] if record is not None else None
    # A lapsed, resigned or expelled person keeps ``member_id`` (their own record) but is no
    # longer a member: no MEMBER role and no office (review finding E).
    is_member = record is not None and record[1] not in FORMER_STATUSES
    offices: tuple[Office, ...] = ()
    if is_member and member_id is not None:
        rows = (
            OfficeHolding.objects.filter(member_id=member_id, start__lte=on)
            .filter(Q(end__isnull=True) | Q(end__gt=on))
            .values_list("post__slug", "post__unit_id", "post__unit__path")
        )
        offices = tuple(Office(slug, unit_id, path) for slug, unit_id, path in rows)
    staff = tuple(
        StaffScope(role, unit_id, path or "")
        for role, unit_id, path in StaffAssignment.objects.filter(user_id=user.pk).values_list(
            "role", "unit_id", "unit__path"
        )
    )
    roles = {scope.role for scope in staff}
    if is_member:
        roles.add(MEMBER)
    if offices:
        roles.add(UNIT_OFFICER)
    if user.is_superuser:
        roles.add(ADMIN)
    return RoleSet(
        user_id=user.pk,
        member_id=member_id,
        is_superuser=user.is_superuser,
        offices=offices,
        staff=staff,
        roles=frozenset(roles),
    )


def roles_of(user: Any) -> RoleSet:
    """The user's roles today, computed once per user object (so once per request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = compute_roles(user)
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def forget_roles(user: Any) -> None:
    """Drop the cached roles (after an action changed them within the same request)."""
    if user is not None and hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)
