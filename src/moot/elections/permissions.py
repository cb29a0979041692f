"""Who may do what with officer elections, as ``rules`` predicates (``user.has_perm``).

* ``elections.manage_election`` (obj Election, a Unit, or None for "anywhere"): the election's
  returning officer or creator, the chair or secretary of its meeting, a chair, vice-chair or
  secretary of its unit or a unit above, national staff (or staff assigned over the unit),
  superusers. Managers create elections, enter paper nominations, open and close the vote and
  declare the result.
* ``elections.view_election`` (obj Election): managers and members of the election's unit
  (or of a unit under it).
* ``elections.nominate`` (obj Election): a member of the unit, while nominations are taken
  (whether they may nominate under the rulebook is the action's check, which gives the clause).
* ``elections.answer_nomination`` (obj Nomination): the nominee or the job-share partner.
* ``elections.second_nomination`` (obj Nomination): the seconder.
* ``elections.view_refusal`` (obj Nomination): why the rulebook refused a nomination may
  reveal a nominee's status or self-described gender, so it is shown to the nominee and
  partner, and to those who may see the nominee's sensitive details (a chair or secretary over
  them, national staff) — not to every member.
"""

from __future__ import annotations

from typing import Any

import rules

from moot.polls.permissions import MANAGING_POSTS, member_of


def _unit_of(obj: Any) -> Any:
    return getattr(obj, "unit", obj)


@rules.predicate
def can_manage_election(user: Any, obj: Any = None) -> bool:
    from moot.accounts.roles import NATIONAL_STAFF, roles_of

    roles = roles_of(user)
    if roles.user_id is None:
        return False
    if roles.is_superuser or roles.is_national(NATIONAL_STAFF):
        return True
    if obj is None:
        return roles.holds_office(MANAGING_POSTS)
    if hasattr(obj, "post_id"):  # an Election
        if user.pk in {obj.returning_officer_id, obj.created_by_id}:
            return True
        meeting = obj.meeting if obj.meeting_id else None
        if (
            meeting is not None
            and roles.member_id is not None
            and roles.member_id in {meeting.chair_id, meeting.secretary_id}
        ):
            return True
    unit = _unit_of(obj)
    return roles.has_staff_role(NATIONAL_STAFF, unit) or roles.holds_office_over(
        unit, MANAGING_POSTS
    )


@rules.predicate
def can_view_election(user: Any, election: Any = None) -> bool:
    if election is None or not getattr(user, "is_authenticated", False):
        return False
    if can_manage_election(user, election):
        return True
    from moot.accounts.roles import roles_of

    if roles_of(user).audits(election.unit):
        return True  # read-only: nominating and managing do not include the auditor
    member = member_of(user)
    if member is None:
        return False
    from moot.members.queries import member_belongs_to

    return member_belongs_to(member, election.unit)


@rules.predicate
def can_nominate(user: Any, election: Any = None) -> bool:
    if election is None or election.state != "nominations":
        return False
    if can_manage_election(user, election):
        return True
    member = member_of(user)
    if member is None:
        return False
    from moot.members.queries import member_belongs_to

    return member_belongs_to(member, election.unit)


def _is_account_of(user: Any, member: Any) -> bool:
    return member is not None and member.user_id is not None and member.user_id == user.pk


@rules.predicate
def is_nominee(user: Any, nomination: Any = None) -> bool:
    if nomination is None or not getattr(user, "is_authenticated", False):
        return False
    return _is_account_of(user, nomination.nominee) or (
        nomination.partner_id is not None and _is_account_of(user, nomination.partner)
    )


@rules.predicate
def is_seconder(user: Any, nomination: Any = None) -> bool:
    if nomination is None or not getattr(user, "is_authenticated", False):
        return False
    return _is_account_of(user, nomination.seconder)


@rules.predicate
def can_view_refusal(user: Any, nomination: Any = None) -> bool:
    if nomination is None:
        return False
    if is_nominee(user, nomination):
        return True
    return all(
        user.has_perm("members.view_member_sensitive", person) for person in nomination.people()
    )


rules.add_perm("elections.manage_election", can_manage_election)
rules.add_perm("elections.view_election", can_view_election)
rules.add_perm("elections.nominate", can_nominate)
rules.add_perm("elections.answer_nomination", is_nominee)
rules.add_perm("elections.second_nomination", is_seconder)
rules.add_perm("elections.view_refusal", can_view_refusal)
