"""Fetch-and-authorise for members (DESIGN.md): views and the API call these instead of
``Member.objects.get``. Single objects are checked with the permission rules
(``user.has_perm("members.view_member", member)``, predicates in moot.accounts.permissions);
lists use :func:`member_scope_q`, the same scope expressed as one database filter."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from moot.members.models import Member, MembershipPeriod

# Staff roles (accounts.StaffAssignment) that see every member of their scope.
LIST_ALL_ROLES = ("national_staff", "auditor")


def _staff_scopes(user: Any) -> list[Any] | None:
    """Units (None = national) where the user has a staff role that sees members; None when
    the StaffAssignment model is not installed."""
    try:
        from moot.accounts.models import StaffAssignment  # type: ignore[attr-defined]
    except ImportError:
        return None
    rows = StaffAssignment.objects.filter(user=user, role__in=LIST_ALL_ROLES).select_related("unit")
    return [row.unit for row in rows]


def officer_units(user: Any, on: datetime.date | None = None) -> list[Any]:
    """Units where the user's member record holds an office on ``on`` (today by default)."""
    from moot.units.queries import units_where_member_holds_office

    member_id = Member.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()
    if member_id is None:
        return []
    return units_where_member_holds_office(member_id, on or timezone.localdate())


def member_scope_q(user: Any) -> Q:
    """The members ``user`` may see in a list: their own record; every member for superusers,
    national staff and auditors; the members of each unit (and the units under it) where they
    hold an office."""
    from moot.units.queries import member_in_unit_q

    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    scope = Q(user_id=user.pk)
    units = [*(_staff_scopes(user) or []), *officer_units(user)]
    for unit in units:
        unit_q = Q() if unit is None else member_in_unit_q(unit)
        if not unit_q:
            return Q()  # the whole party (an empty Q would vanish from an OR)
        scope |= unit_q
    return scope


def access_member(member_id: int | str, user: Any, *, for_write: bool = False) -> Member:
    """The member, if ``user`` may see it (and change it, ``for_write``). A member the user
    may not see is reported as not found, so its existence is not revealed."""
    try:
        member = Member.objects.select_related("constituency", "branch", "user").get(
            pk=int(member_id)
        )
    except (Member.DoesNotExist, ValueError, TypeError):
        raise Http404("No such member.") from None
    if not user.has_perm("members.view_member", member):
        raise Http404("No such member.")
    if for_write and not user.has_perm("members.change_member", member):
        raise PermissionDenied("You may see this member but not change their record.")
    return member


def access_member_by_number(number: str, user: Any, *, for_write: bool = False) -> Member:
    pk = Member.objects.filter(number=number.strip().upper()).values_list("pk", flat=True).first()
    if pk is None:
        raise Http404("No such member.")
    return access_member(pk, user, for_write=for_write)


def access_named_member(number: str | None, user: Any, *, field: str) -> Member | None:
    """The member a request names by membership number (a motion's mover or seconder, a
    nominee, a meeting's chair): None when no number is given; a refusal naming ``field`` when
    no member has it. Naming someone does not need their record: whether they may take part is
    the action's question, and it tells why only to who may see their record."""
    from moot.errors import Refusal
    from moot.limits import note_number_lookup

    text = (number or "").strip()
    if not text:
        return None
    member = Member.objects.filter(number=text.upper()).first()
    note_number_lookup(member, field=field)  # limited per user (moot.limits)
    if member is None:
        raise Refusal(f"{field}: no member has the number {text}.", field=field)
    return member


def access_period(period_id: int | str, user: Any) -> MembershipPeriod:
    """A status interval, if the user may see the member it belongs to."""
    try:
        period = MembershipPeriod.objects.select_related("member").get(pk=int(period_id))
    except (MembershipPeriod.DoesNotExist, ValueError, TypeError):
        raise Http404("No such status record.") from None
    access_member(period.member_id, user)
    return period


def can_see_sensitive(user: Any, member: Member) -> bool:
    """Whether the self-described gender may be shown (RULES.md §14: special-category-like
    data, used only for balance rules)."""
    return bool(user.has_perm("members.view_member_sensitive", member))


def access_proposal(proposal_id: int | str, user: Any, *, for_write: bool = False) -> Any:
    """A proposal to the register (rulebook [membership.register]): its proposer and the
    register's authority see it; only the authority decides it (``for_write``). Anyone else is
    told it does not exist."""
    from moot.members.actions import register_clause
    from moot.members.models import RegisterProposal

    try:
        proposal = RegisterProposal.objects.select_related("unit", "member", "proposed_by").get(
            pk=int(proposal_id)
        )
    except (RegisterProposal.DoesNotExist, ValueError, TypeError):
        raise Http404("No such proposal.") from None
    decides = user.has_perm("members.decide_register", proposal.member or proposal.unit)
    if not decides and proposal.proposed_by_id != user.pk:
        raise Http404("No such proposal.")
    if for_write and not decides:
        clause = register_clause()
        raise PermissionDenied(
            "Only the register's authority decides proposals"
            + (f" (clause {clause})" if clause else "")
            + "."
        )
    return proposal


def proposals_visible_to(user: Any) -> Any:
    """The proposals to the register ``user`` may see: all of them for the national office,
    else the ones they made."""
    from moot.members.models import RegisterProposal

    rows = RegisterProposal.objects.select_related("unit", "member", "proposed_by", "decided_by")
    if user.has_perm("members.decide_register", None):
        return rows
    return rows.filter(proposed_by_id=user.pk)
