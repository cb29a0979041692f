"""Who may do what: ``rules`` predicates over the roles of :mod:`moot.accounts.roles`, checked
with ``user.has_perm(name, obj)`` on every read and write (views, the API and the access
functions). The names are the shared contract (notes/foundation-contract.md).

Scope is the unit tree: an office in a unit reaches that unit and every unit under it; a staff
role is national unless limited to a unit. Superusers pass every check (Django's
``User.has_perm`` answers True for active superusers before asking any backend).

* members.list_members: unit officers, national staff, auditors;
* members.view_member (Member): the member, officers of their unit or a unit above, national
  staff, complaints staff over them, auditors — name, number, branch, standing and its date;
* members.view_member_contact (Member): e-mail, phone, address, postcode, date of birth: the
  member, a secretary (the register's keeper) over them, national staff, complaints staff over
  them — not a chair, treasurer or youth officer (need-to-know, docs/security.md §3);
* members.view_member_sensitive (Member): the self-described gender: the member, a secretary or
  chair over them (the balance rules), national staff;
* members.view_standing_reason (Member): the reason and reference of a suspension or expulsion
  (e.g. "Complaint 17: …", "case:17"): the member, complaints staff over them and whoever the
  rulebook lets record a suspension, never a political office (EHRC 2020; RULES.md §10);
  others see the standing and its date (members.disclosure applies it);
* members.change_member, members.invite_member (Member): secretaries over them, national staff
  — a member's details, not their status;
* members.record_suspension (Member): suspending a member pending investigation and lifting it:
  complaints staff over them, and national staff only when the rulebook says
  ([membership.register] suspensions); whoever may record it may read its reason;
* members.record_expulsion (Member): complaints staff over them, recording the disciplinary
  panel's decision; lapse, a resignation recorded on the member's behalf, readmission and every
  other status are members.decide_register (members.register.status_change_refusal);
* members.decide_register (Member, Unit or None): the register's authority, as the rulebook
  in force says ([membership.register]): national staff (the membership office), or also the
  secretaries over the member or unit when the edition leaves the register to them — admits
  members, sets or back-dates join dates, changes a member's e-mail, decides proposals;
* members.propose_register (Member, Unit or None): secretaries over them, when the edition
  lets unit officers propose to the office;
* members.import_members, members.export_members (Unit or None): secretaries of the unit or a
  unit above, national staff;
* units.view_unit, rulebook.view: any signed-in member, any staff role;
* units.change_unit, rulebook.adopt: national staff;
* units.manage_affiliations, units.manage_offices (Unit): secretaries of the unit or a unit
  above, national staff;
* audit.view_trail: national staff, auditors;
* audit.view_history (any object): whoever may change the object, auditors, national staff.
"""

from __future__ import annotations

from typing import Any

import rules

from moot.accounts.roles import (
    AUDITOR,
    BALANCE_POSTS,
    COMPLAINTS_STAFF,
    MEMBER,
    NATIONAL_STAFF,
    SECRETARY_POSTS,
    roles_of,
)


def _member_unit(member: Any) -> Any:
    """The most specific unit a member belongs to: their branch, else their constituency."""
    return member.branch if member.branch_id else member.constituency


def _is_self(user: Any, member: Any) -> bool:
    return member is not None and member.user_id is not None and member.user_id == user.pk


# --- building blocks ------------------------------------------------------------------------


@rules.predicate
def is_signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def is_national_staff(user: Any, obj: Any = None) -> bool:
    return roles_of(user).is_national(NATIONAL_STAFF)


@rules.predicate
def is_auditor(user: Any, obj: Any = None) -> bool:
    return AUDITOR in roles_of(user)


@rules.predicate
def is_unit_officer(user: Any, obj: Any = None) -> bool:
    return roles_of(user).holds_office()


@rules.predicate
def has_member_record(user: Any) -> bool:
    """A current member (a lapsed, resigned or expelled person keeps their record, not this)."""
    return MEMBER in roles_of(user)


@rules.predicate
def has_staff_role(user: Any) -> bool:
    return bool(roles_of(user).staff)


# --- members --------------------------------------------------------------------------------


@rules.predicate
def is_the_member(user: Any, member: Any) -> bool:
    return _is_self(user, member)


@rules.predicate
def is_officer_over_member(user: Any, member: Any) -> bool:
    return member is not None and roles_of(user).holds_office_over(_member_unit(member))


@rules.predicate
def is_balance_officer_over_member(user: Any, member: Any) -> bool:
    return member is not None and roles_of(user).holds_office_over(
        _member_unit(member), BALANCE_POSTS
    )


@rules.predicate
def is_secretary_over_member(user: Any, member: Any) -> bool:
    return member is not None and roles_of(user).holds_office_over(
        _member_unit(member), SECRETARY_POSTS
    )


@rules.predicate
def is_staff_over_member(user: Any, member: Any) -> bool:
    """National staff, or staff whose assignment is limited to a unit above the member."""
    return member is not None and roles_of(user).has_staff_role(
        NATIONAL_STAFF, _member_unit(member)
    )


@rules.predicate
def is_complaints_staff_over_member(user: Any, member: Any) -> bool:
    """Complaints staff, national or limited to a unit above the member."""
    return member is not None and roles_of(user).has_staff_role(
        COMPLAINTS_STAFF, _member_unit(member)
    )


@rules.predicate
def is_auditor_over_member(user: Any, member: Any) -> bool:
    return member is not None and roles_of(user).has_staff_role(AUDITOR, _member_unit(member))


# --- units ----------------------------------------------------------------------------------


@rules.predicate
def is_secretary_over_unit(user: Any, unit: Any = None) -> bool:
    """A secretary of ``unit`` or of a unit above it; with no unit, a secretary anywhere."""
    roleset = roles_of(user)
    if unit is None:
        return roleset.holds_office(SECRETARY_POSTS)
    return roleset.holds_office_over(unit, SECRETARY_POSTS)


@rules.predicate
def is_staff_over_unit(user: Any, unit: Any = None) -> bool:
    """National staff (with no unit), or staff whose assignment covers ``unit``."""
    roleset = roles_of(user)
    if unit is None:
        return roleset.is_national(NATIONAL_STAFF)
    return roleset.has_staff_role(NATIONAL_STAFF, unit)


# --- the register's authority ---------------------------------------------------------------


def register_rules() -> Any:
    """The [membership.register] rules of the edition in force today."""
    from moot.units.queries import edition_in_force

    return edition_in_force().membership.register


def _is_unit(obj: Any) -> bool:
    return obj is not None and obj._meta.label_lower == "units.unit"


@rules.predicate
def is_register_authority(user: Any, obj: Any = None) -> bool:
    """Who decides what the register says about ``obj`` (a member, a unit, or None for the
    whole register): national staff over it, and its secretaries only when the edition in force
    leaves the register to unit secretaries."""
    staff = (
        is_staff_over_unit(user, obj)
        if obj is None or _is_unit(obj)
        else (is_staff_over_member(user, obj))
    )
    if staff:
        return True
    if register_rules().office_decides:
        return False
    if obj is None or _is_unit(obj):
        return bool(is_secretary_over_unit(user, obj))
    return bool(is_secretary_over_member(user, obj))


@rules.predicate
def may_propose_to_register(user: Any, obj: Any = None) -> bool:
    """A secretary over ``obj`` when the edition lets unit officers propose to the office."""
    if not register_rules().officers_propose:
        return False
    if obj is None or _is_unit(obj):
        return bool(is_secretary_over_unit(user, obj))
    return bool(is_secretary_over_member(user, obj))


# --- who records a member's status (RULES.md §10: the complaints process, not politics) -------


@rules.predicate
def may_record_suspension(user: Any, member: Any = None) -> bool:
    """Who suspends a member pending investigation, and lifts the suspension: complaints staff
    over them; national staff too only when the edition in force says so
    ([membership.register] suspensions = "complaints_and_national_staff")."""
    if member is None:
        return False
    if is_complaints_staff_over_member(user, member):
        return True
    return register_rules().national_staff_suspend and bool(is_staff_over_member(user, member))


# --- audit ----------------------------------------------------------------------------------

# Which permission lets a person change each kind of object, for audit.view_history.
_CHANGE_PERMISSION = {
    "members.member": ("members.change_member", lambda obj: obj),
    "members.membershipperiod": ("members.change_member", lambda obj: obj.member),
    "members.resignation": ("members.change_member", lambda obj: obj.member),
    "units.unit": ("units.manage_offices", lambda obj: obj),
    "units.affiliation": ("units.manage_affiliations", lambda obj: obj.unit),
    "units.post": ("units.manage_offices", lambda obj: obj.unit),
    "units.officeholding": ("units.manage_offices", lambda obj: obj.post.unit),
    "units.organisation": ("units.change_unit", lambda obj: None),
}


@rules.predicate
def may_change_object(user: Any, obj: Any = None) -> bool:
    """Whether ``user`` may change ``obj`` (the rule behind audit.view_history). Objects of
    other apps answer with their own ``<app>.change_<model>`` permission."""
    if obj is None:
        return False
    label = obj._meta.label_lower
    permission, target = _CHANGE_PERMISSION.get(label, (f"{label.replace('.', '.change_')}", None))
    return bool(user.has_perm(permission, target(obj) if target else obj))


# --- the contract ---------------------------------------------------------------------------

PERMISSIONS: dict[str, Any] = {
    "members.list_members": is_unit_officer | is_national_staff | is_auditor,
    "members.view_member": is_the_member
    | is_officer_over_member
    | is_staff_over_member
    | is_complaints_staff_over_member
    | is_auditor_over_member,
    "members.view_member_contact": is_the_member
    | is_secretary_over_member
    | is_staff_over_member
    | is_complaints_staff_over_member,
    "members.view_standing_reason": is_the_member
    | is_complaints_staff_over_member
    | may_record_suspension,
    "members.record_suspension": may_record_suspension,
    "members.record_expulsion": is_complaints_staff_over_member,
    "members.view_member_sensitive": is_the_member
    | is_balance_officer_over_member
    | is_staff_over_member,
    "members.change_member": is_secretary_over_member | is_staff_over_member,
    "members.invite_member": is_secretary_over_member | is_staff_over_member,
    "members.decide_register": is_register_authority,
    "members.propose_register": may_propose_to_register,
    "members.import_members": is_secretary_over_unit | is_staff_over_unit,
    "members.export_members": is_secretary_over_unit | is_staff_over_unit,
    "units.view_unit": is_signed_in & (has_member_record | has_staff_role),
    "units.change_unit": is_national_staff,
    "units.manage_affiliations": is_secretary_over_unit | is_staff_over_unit,
    "units.manage_offices": is_secretary_over_unit | is_staff_over_unit,
    "audit.view_trail": is_national_staff | is_auditor,
    "audit.view_history": is_auditor | is_national_staff | may_change_object,
    "rulebook.view": is_signed_in & (has_member_record | has_staff_role),
    "rulebook.adopt": is_national_staff,
    "accounts.manage_own_tokens": is_signed_in,
}

for _name, _predicate in PERMISSIONS.items():
    rules.set_perm(_name, _predicate)
