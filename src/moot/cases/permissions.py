"""Who may do what with cases, as ``rules`` predicates (checked with ``user.has_perm``); the
role on a case comes from :mod:`moot.cases.roles`.

* ``cases.view_case`` (obj Case): anyone with a role on the case (complaints staff in scope,
  an assigned person not conflicted, the auditor for metadata).
* ``cases.read_case_text`` (obj Case): the roles that read the case's text — not the auditor.
* ``cases.act_on_case`` (obj Case): the same roles (notes, questions, evidence, the process).
* ``cases.manage_cases`` (obj Case, a Unit or None): complaints staff (in the unit's scope):
  record complaints received otherwise, record representations, work the list.
* ``cases.list_cases``: complaints staff, the auditor, or anyone with an assignment; the list
  shows only the cases ``view_case`` allows.
* ``cases.view_party_case`` (obj Case): the complainant or respondent, signed in.
"""

from __future__ import annotations

from typing import Any

import rules

from moot.cases.roles import (
    AUDITOR,
    COMPLAINTS_STAFF,
    TEXT_ROLES,
    case_role,
    is_conflicted,
    party_role,
)


def _is_case(obj: Any) -> bool:
    return obj is not None and hasattr(obj, "stage") and hasattr(obj, "reference")


@rules.predicate
def can_view_case(user: Any, case: Any = None) -> bool:
    return _is_case(case) and case_role(user, case) is not None


@rules.predicate
def can_read_case_text(user: Any, case: Any = None) -> bool:
    return _is_case(case) and case_role(user, case) in TEXT_ROLES


@rules.predicate
def can_manage_cases(user: Any, obj: Any = None) -> bool:
    from moot.accounts.roles import roles_of

    roles = roles_of(user)
    if roles.user_id is None:
        return False
    if _is_case(obj):
        return case_role(user, obj) == COMPLAINTS_STAFF
    return roles.has_staff_role(COMPLAINTS_STAFF, obj)


@rules.predicate
def can_list_cases(user: Any) -> bool:
    from moot.accounts.roles import roles_of
    from moot.cases.models import Assignment

    roles = roles_of(user)
    if roles.user_id is None:
        return False
    if roles.has_staff_role(COMPLAINTS_STAFF) or roles.has_staff_role(AUDITOR):
        return True
    return Assignment.objects.filter(user_id=roles.user_id, ended_at__isnull=True).exists()


@rules.predicate
def can_view_party_case(user: Any, case: Any = None) -> bool:
    return _is_case(case) and party_role(user, case) is not None and not is_conflicted(user, case)


rules.add_perm("cases.view_case", can_view_case)
rules.add_perm("cases.read_case_text", can_read_case_text)
rules.add_perm("cases.act_on_case", can_read_case_text)
rules.add_perm("cases.manage_cases", can_manage_cases)
rules.add_perm("cases.list_cases", can_list_cases)
rules.add_perm("cases.view_party_case", can_view_party_case)
