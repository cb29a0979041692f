"""Who may do what with motions, as ``rules`` predicates (checked with ``user.has_perm``).

* ``motions.view_meeting_motions`` (obj Meeting): managers of the meeting and members of its unit;
  the auditor over the unit, read-only.
* ``motions.table_motion`` (obj Meeting): a member of the meeting's unit, or a manager (who
  tables motions received from branches and affiliates).
* ``motions.view_motion`` (obj Motion): as the meeting's motions, plus — once forwarded — the
  officers, staff and members of the unit it was forwarded to; a motion withheld as
  confidential business also to complaints staff over the unit (``moot.motions.confidential``).
* ``motions.manage_motion`` (obj Motion): the chair or secretary of the meeting, a chair,
  vice-chair or secretary of the unit or a unit above it, national staff (or staff assigned to
  the unit), superusers. They record amendments, put questions to the vote, composite, forward.
* ``motions.manage_meeting_motions`` (obj Meeting): the same people, for the meeting as a whole
  (compositing its motions).
* ``motions.rule_on_motion`` (obj Motion): the chair of the meeting (a chair of the unit when
  the meeting has none), or national staff ("national office"). Not the secretary.
* ``motions.see_chair_flags`` (obj Motion): the same people — the chair and national staff —
  and nobody else. It guards the "likely not competent" warning about disciplinary cases.
* ``motions.propose_amendment`` (obj Motion): a member of the unit, or a manager.
* ``motions.accept_amendment`` (obj Amendment): the motion's mover, or a manager recording that
  the mover accepted it.
* ``motions.view_received`` (obj Unit): who may see the motions forwarded to a unit.
"""

from __future__ import annotations

from typing import Any

import rules

from moot.polls.permissions import MANAGING_POSTS, member_of

CHAIR_POSTS = frozenset({"chair"})


def _roles(user: Any) -> Any:
    from moot.accounts.roles import roles_of

    return roles_of(user)


def _national_staff_over(roles: Any, unit: Any) -> bool:
    from moot.accounts.roles import NATIONAL_STAFF

    if roles.is_national(NATIONAL_STAFF):
        return True
    return unit is not None and roles.has_staff_role(NATIONAL_STAFF, unit)


def _belongs(user: Any, unit: Any) -> bool:
    member = member_of(user)
    if member is None or unit is None:
        return False
    from moot.members.queries import member_belongs_to

    return member_belongs_to(member, unit)


def manages_meeting(user: Any, meeting: Any) -> bool:
    roles = _roles(user)
    if roles.user_id is None or meeting is None:
        return False
    if roles.is_superuser or _national_staff_over(roles, meeting.unit):
        return True
    if roles.member_id is not None and roles.member_id in {
        meeting.chair_id,
        meeting.secretary_id,
    }:
        return True
    return roles.holds_office_over(meeting.unit, MANAGING_POSTS)


def chairs_meeting(user: Any, meeting: Any) -> bool:
    """The member in the chair (or, with no chair named, a chair of the unit or above)."""
    roles = _roles(user)
    if roles.member_id is None or meeting is None:
        return False
    if meeting.chair_id is not None:
        return roles.member_id == meeting.chair_id
    return roles.holds_office_over(meeting.unit, CHAIR_POSTS)


def national_office(user: Any, meeting: Any) -> bool:
    roles = _roles(user)
    return roles.user_id is not None and _national_staff_over(roles, meeting.unit)


def _takes_part(user: Any, meeting: Any) -> bool:
    """A manager of the meeting or a member of its unit: who may table and amend."""
    if meeting is None or not getattr(user, "is_authenticated", False):
        return False
    return manages_meeting(user, meeting) or _belongs(user, meeting.unit)


@rules.predicate
def can_view_meeting_motions(user: Any, meeting: Any = None) -> bool:
    if _takes_part(user, meeting):
        return True
    # The auditor reads them, read-only (issue 9 item 6); never a withheld motion's text.
    return meeting is not None and _roles(user).audits(meeting.unit)


@rules.predicate
def can_table_motion(user: Any, meeting: Any = None) -> bool:
    return _takes_part(user, meeting)


@rules.predicate
def can_manage_motion(user: Any, motion: Any = None) -> bool:
    return motion is not None and manages_meeting(user, motion.meeting)


@rules.predicate
def can_manage_meeting_motions(user: Any, meeting: Any = None) -> bool:
    return meeting is not None and manages_meeting(user, meeting)


@rules.predicate
def can_view_motion(user: Any, motion: Any = None) -> bool:
    if motion is None or not getattr(user, "is_authenticated", False):
        return False
    if can_view_meeting_motions(user, motion.meeting):
        return True
    from moot.motions.confidential import is_withheld

    if is_withheld(motion):
        # Confidential business (or held until the chair rules): complaints staff over the
        # unit read it (and nothing else of the meeting's motions); the page records the read.
        from moot.motions.confidential import may_read_confidential

        return may_read_confidential(user, motion)
    return motion.forwarded_to_id is not None and can_view_received(user, motion.forwarded_to)


@rules.predicate
def can_rule_on_motion(user: Any, motion: Any = None) -> bool:
    if motion is None:
        return False
    return chairs_meeting(user, motion.meeting) or national_office(user, motion.meeting)


# Deliberately the same people as those who rule, and no one else: not the secretary, not the
# mover, not a superuser without a national staff role.
can_see_chair_flags = can_rule_on_motion


@rules.predicate
def can_propose_amendment(user: Any, motion: Any = None) -> bool:
    return motion is not None and _takes_part(user, motion.meeting)


@rules.predicate
def can_accept_amendment(user: Any, amendment: Any = None) -> bool:
    if amendment is None:
        return False
    member = member_of(user)
    motion = amendment.motion
    if member is not None and motion.mover_id == member.pk:
        return True
    return manages_meeting(user, motion.meeting)


@rules.predicate
def can_view_received(user: Any, unit: Any = None) -> bool:
    if unit is None or not getattr(user, "is_authenticated", False):
        return False
    roles = _roles(user)
    if roles.is_superuser or _national_staff_over(roles, unit):
        return True
    return roles.holds_office_over(unit) or _belongs(user, unit)


rules.add_perm("motions.view_meeting_motions", can_view_meeting_motions)
rules.add_perm("motions.table_motion", can_table_motion)
rules.add_perm("motions.view_motion", can_view_motion)
rules.add_perm("motions.manage_motion", can_manage_motion)
rules.add_perm("motions.manage_meeting_motions", can_manage_meeting_motions)
rules.add_perm("motions.rule_on_motion", can_rule_on_motion)
rules.add_perm("motions.see_chair_flags", can_see_chair_flags)
rules.add_perm("motions.propose_amendment", can_propose_amendment)
rules.add_perm("motions.accept_amendment", can_accept_amendment)
rules.add_perm("motions.view_received", can_view_received)
