"""Who may do what with a poll, as ``rules`` predicates (checked with ``user.has_perm``).

* ``polls.manage_poll`` (obj Poll, or None for "may create polls at all"): the chair or
  secretary of the poll's meeting, a chair or secretary of the poll's unit or a unit above it,
  the poll's returning officer or creator, national staff, superusers.
* ``polls.view_poll`` (obj Poll): managers, and members of the poll's unit (or its units below).
* ``polls.vote`` (obj Poll): the signed-in member may cast a vote in it now.
"""

from __future__ import annotations

from typing import Any

import rules
from django.apps import apps
from django.db.models import Q
from django.utils import timezone

# Offices whose holders run the unit's votes (rulebook post slugs).
MANAGING_POSTS = frozenset({"chair", "secretary", "vice-chair"})


def member_of(user: Any) -> Any | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.member
    except Exception:
        return None


def _is_national_staff(user: Any) -> bool:
    try:
        model = apps.get_model("accounts", "StaffAssignment")
    except LookupError:
        return False
    return model.objects.filter(user=user, role="national_staff").exists()


def _officer_unit_ids(member: Any) -> set[int]:
    from moot.units.models import OfficeHolding

    today = timezone.localdate()
    return set(
        OfficeHolding.objects.filter(member=member, post__slug__in=MANAGING_POSTS, start__lte=today)
        .filter(Q(end__isnull=True) | Q(end__gt=today))
        .values_list("post__unit_id", flat=True)
    )


def _chairs_meeting(member: Any, poll: Any) -> bool:
    meeting = getattr(poll, "meeting", None) if getattr(poll, "meeting_id", None) else None
    if meeting is None:
        return False
    return member.pk in {getattr(meeting, "chair_id", None), getattr(meeting, "secretary_id", None)}


@rules.predicate
def can_manage_poll(user: Any, poll: Any = None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or _is_national_staff(user):
        return True
    member = member_of(user)
    if poll is None:
        return member is not None and bool(_officer_unit_ids(member))
    if user.pk in {poll.returning_officer_id, poll.created_by_id}:
        return True
    if member is None:
        return False
    if _chairs_meeting(member, poll):
        return True
    if poll.unit_id is None:
        return False
    officer_units = _officer_unit_ids(member)
    return bool(officer_units & {poll.unit_id, *poll.unit.ancestor_ids()})


@rules.predicate
def can_view_poll(user: Any, poll: Any = None) -> bool:
    if not getattr(user, "is_authenticated", False) or poll is None:
        return False
    if can_manage_poll(user, poll):
        return True
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
