"""Who may do what with the policy register, as ``rules`` predicates (``user.has_perm``).

* ``policies.view_policies`` (obj Unit, Policy or None): whoever may see units (any signed-in
  member, any staff role, the auditor). A policy is a public decision of a unit and names nobody.
* ``policies.record_national_decision`` (obj Unit): national staff (or a superuser), for the
  national unit's policies only; a unit changes its own policies by a carried motion.
* ``policies.table_policy_motion`` (obj Meeting): whoever may table a motion for the meeting
  (``motions.table_motion``).
"""

from __future__ import annotations

from typing import Any

import rules


def _unit_of(obj: Any) -> Any:
    """The unit of a unit, a policy or a policy's version."""
    obj = getattr(obj, "policy", obj)
    return getattr(obj, "unit", obj)


@rules.predicate
def can_view_policies(user: Any, obj: Any = None) -> bool:
    return bool(user.has_perm("units.view_unit", _unit_of(obj)))


@rules.predicate
def can_record_national_decision(user: Any, unit: Any = None) -> bool:
    from moot.accounts.roles import NATIONAL_STAFF, roles_of

    unit = _unit_of(unit)
    if unit is None or getattr(unit, "kind", "") != "national":
        return False
    roles = roles_of(user)
    return roles.user_id is not None and (roles.is_superuser or roles.is_national(NATIONAL_STAFF))


@rules.predicate
def can_table_policy_motion(user: Any, meeting: Any = None) -> bool:
    return meeting is not None and bool(user.has_perm("motions.table_motion", meeting))


rules.add_perm("policies.view_policies", can_view_policies)
rules.add_perm("policies.record_national_decision", can_record_national_decision)
rules.add_perm("policies.table_policy_motion", can_table_policy_motion)
