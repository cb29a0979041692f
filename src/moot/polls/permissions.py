"""Who may do what with a poll, as ``rules`` predicates (checked with ``user.has_perm``).

* ``polls.manage_poll`` (obj Poll, or None for "may create polls at all"): the chair or
  secretary of the poll's meeting, a chair, vice-chair or secretary of the poll's unit or a unit
  above it, the poll's returning officer or creator, national staff (or staff assigned to the
  unit), superusers. Roles come from moot.accounts.roles.
* ``polls.view_poll`` (obj Poll): managers, and members of the poll's unit (or its units below).
* ``polls.vote`` (obj Poll): the signed-in member may cast a vote in it now.
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import ObjectDoesNotExist

# Offices whose holders run the unit's votes (rulebook post slugs).
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


def _chairs_meeting(member_id: int | None, poll: Any) -> bool:
    meeting = getattr(poll, "meeting", None) if getattr(poll, "meeting_id", None) else None
    if meeting is None or member_id is None:
        return False
    return member_id in {getattr(meeting, "chair_id", None), getattr(meeting, "secretary_id", None)}


@rules.predicate
def can_manage_poll(user: Any, poll: Any = None) -> bool:
    from moot.accounts.roles import NATIONAL_STAFF, roles_of

    roles = roles_of(user)
    if roles.user_id is None:
        return False
    if roles.is_superuser or roles.is_national(NATIONAL_STAFF):
        return True
    if poll is None:
        return roles.holds_office(MANAGING_POSTS)
    if user.pk in {poll.returning_officer_id, poll.created_by_id}:
        return True
    if _chairs_meeting(roles.member_id, poll):
        return True
    if poll.unit_id is None:
        return False
    return roles.has_staff_role(NATIONAL_STAFF, poll.unit) or roles.holds_office_over(
        poll.unit, MANAGING_POSTS
    )


@rules.predicate
def can_view_poll(user: Any, poll: Any = None) -> bool:
    if not getattr(user, "is_authenticated", False) or poll is None:
        return False
    if can_manage_poll(user, poll):
        return True
    from moot.accounts.roles import roles_of

    if roles_of(user).audits(poll.unit if poll.unit_id is not None else None):
        return True  # the auditor reads results, never who voted how (no such link is kept)
    member = member_of(user)
    if member is None:
        return False
    if poll.unit_id is None:
        return True
    from moot.members.queries import member_belongs_to

    return member_belongs_to(member, poll.unit)


@rules.predicate
def can_vote(user: Any, poll: Any = None) -> bool:
    from moot.polls.queries import voter_standing

    member = member_of(user)
    if member is None or poll is None or not poll.is_open or poll.voting != "electronic":
        return False
    return voter_standing(poll, member).allowed


rules.add_perm("polls.manage_poll", can_manage_poll)
rules.add_perm("polls.view_poll", can_view_poll)
rules.add_perm("polls.vote", can_vote)
