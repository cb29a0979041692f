"""Who may do what with a meeting, as ``rules`` predicates (checked with ``user.has_perm``).

* ``meetings.manage_meeting`` (obj Meeting; a Unit: "may schedule meetings of this unit";
  None: "may schedule meetings somewhere"): the chair or secretary of the meeting, a chair,
  vice-chair or secretary of the meeting's unit or a unit above it, national staff (or staff
  assigned to the unit), superusers. Schedules, sends notice, edits the agenda, runs the chair's
  console, drafts and edits the minutes.
* ``meetings.check_in`` (obj Meeting): whoever manages the meeting (the secretary at the door).
* ``meetings.view_meeting`` (obj Meeting): managers; members of the meeting's unit, of a unit
  under it, and anyone checked in at it.
* ``meetings.list_meetings``: any signed-in member or staff (the list shows only what
  ``view_meeting`` allows).
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import ObjectDoesNotExist

# Offices whose holders run a unit's meetings (rulebook post slugs).
MANAGING_POSTS = frozenset({"chair", "secretary", "vice-chair"})


def member_of(user: Any) -> Any | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        member = user.member
    except ObjectDoesNotExist:  # the account has no membership record
        return None
    # A lapsed, resigned or expelled person keeps their record, not a member's rights.
    return member if member.is_current else None


def _unit_of(obj: Any) -> Any:
    """The unit a meeting belongs to, or the unit itself."""
    if obj is None:
        return None
    return obj.unit if hasattr(obj, "unit_id") and hasattr(obj, "starts_at") else obj


@rules.predicate
def can_manage_meeting(user: Any, obj: Any = None) -> bool:
    from moot.accounts.roles import NATIONAL_STAFF, roles_of

    roles = roles_of(user)
    if roles.user_id is None:
        return False
    if roles.is_superuser or roles.is_national(NATIONAL_STAFF):
        return True
    unit = _unit_of(obj)
    if unit is None:
        return roles.holds_office(MANAGING_POSTS) or roles.has_staff_role(NATIONAL_STAFF)
    if obj is not unit and roles.member_id in {obj.chair_id, obj.secretary_id} - {None}:
        return True
    return roles.has_staff_role(NATIONAL_STAFF, unit) or roles.holds_office_over(
        unit, MANAGING_POSTS
    )


@rules.predicate
def can_view_meeting(user: Any, meeting: Any = None) -> bool:
    if not getattr(user, "is_authenticated", False) or meeting is None:
        return False
    if can_manage_meeting(user, meeting):
        return True
    from moot.accounts.roles import roles_of

    if roles_of(user).audits(meeting.unit):
        return True  # read-only: no write permission above includes the auditor
    member = member_of(user)
    if member is None:
        return False
    from moot.meetings.models import Attendance
    from moot.members.queries import member_belongs_to

    if member_belongs_to(member, meeting.unit):
        return True
    return Attendance.objects.filter(meeting=meeting, member=member).exists()


@rules.predicate
def audits_meeting(user: Any, meeting: Any = None) -> bool:
    """An auditor whose assignment covers the meeting's unit (read-only records)."""
    if not getattr(user, "is_authenticated", False) or meeting is None:
        return False
    from moot.accounts.roles import roles_of

    return roles_of(user).audits(meeting.unit)


@rules.predicate
def can_list_meetings(user: Any) -> bool:
    from moot.accounts.roles import MEMBER, roles_of

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    roles = roles_of(user)
    return MEMBER in roles or bool(roles.staff) or roles.is_superuser


rules.add_perm("meetings.manage_meeting", can_manage_meeting)
rules.add_perm("meetings.check_in", can_manage_meeting)
# The attendance register (the records the minutes cite): those who run the meeting, and the
# auditor read-only (the page and its CSV write nothing).
rules.add_perm("meetings.view_attendance", can_manage_meeting | audits_meeting)
rules.add_perm("meetings.view_meeting", can_view_meeting)
rules.add_perm("meetings.list_meetings", can_list_meetings)
