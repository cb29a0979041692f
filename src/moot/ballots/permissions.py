"""Who may do what with a ballot of a unit's members, as ``rules`` predicates
(``user.has_perm``). The roles (docs/ballots.md, "Who does what"):

* ``ballots.view_ballot`` (obj Ballot or None): anyone, signed in or not. A ballot's definition,
  timetable, candidates and state are public; what is not (the roll, deliveries, returns, the
  result before the scrutineer signs) is guarded by the permissions below, in each topic's
  access function.
* ``ballots.call_ballot`` (obj Unit; None: "may call a ballot somewhere"): whoever the rulebook
  in force lets call a ballot of that unit's members (``[ballots.callers.<unit kind>]``): the
  holders of the named posts *of that unit*, national staff (national, or assigned to the
  unit), and superusers.
* ``ballots.manage_ballot`` (obj Ballot): the ballot's returning officer once one is
  appointed; before that, whoever may call a ballot of its unit. Edits the definition,
  records nominations, freezes, issues, records events, closes, counts and declares. Never
  its scrutineer, a teller or a candidate in it, whatever else they are: independence is
  enforced here as well as when
  they are appointed.
* ``ballots.appoint_ballot_officers`` (obj Ballot): a caller of the ballot's unit or its
  returning officer (the actions say who appoints which officer).
* ``ballots.scrutinise_ballot`` (obj Ballot): the ballot's scrutineer, or an auditor whose
  assignment covers the unit (read only); never a candidate. Reads the whole administration
  of the ballot; the sign-off itself is the scrutineer's own act (checked by the action).
* ``ballots.oversee_ballot`` (obj Ballot): a manager, an appointer or a scrutiniser: reads the
  administration (roll summary, deliveries, turnout by region, the events, the record).
* ``ballots.tell_ballot`` (obj Ballot): a teller of the ballot, or its returning officer (who
  resolves a discrepancy between two tellers' keyings).
"""

from __future__ import annotations

from typing import Any

import rules


def _ballot_people(ballot: Any) -> dict[str, Any]:
    """The ballot's officers and candidates' accounts, read once per ballot object."""
    cached = getattr(ballot, "_moot_people", None)
    if cached is None:
        from moot.ballots.models import Candidate, Teller

        candidate_users = set(
            Candidate.objects.filter(ballot=ballot, member__user__isnull=False).values_list(
                "member__user_id", flat=True
            )
        )
        tellers = set(Teller.objects.filter(ballot=ballot).values_list("user_id", flat=True))
        cached = {"candidates": candidate_users, "tellers": tellers}
        ballot._moot_people = cached
    return cached


def forget_people(ballot: Any) -> None:
    """Drop the cached officers and candidates (after an action changed them)."""
    if hasattr(ballot, "_moot_people"):
        del ballot._moot_people


def may_call(user: Any, unit: Any, rules_: Any = None) -> Any:
    """The rulebook's verdict (an ``Assessment``) on ``user`` calling a ballot of ``unit``'s
    members today, with the clause (``rules_``: the edition's ``[ballots]``, when the caller
    has read it already). The offices counted are those of that unit itself."""
    from moot.accounts.roles import NATIONAL_STAFF, roles_of
    from moot.rulebook.ballots import may_call as rule
    from moot.rulebook.model import Assessment, Reason
    from moot.units.queries import edition_in_force

    roles = roles_of(user)
    rules_ = rules_ if rules_ is not None else edition_in_force().ballots
    if roles.user_id is None:
        return Assessment(False, (Reason("sign in first", rules_.clause),))
    posts = frozenset(o.post_slug for o in roles.offices if o.unit_id == unit.pk)
    staff = roles.is_superuser or roles.has_staff_role(NATIONAL_STAFF, unit)
    return rule(rules_, unit.kind, posts_held=posts, national_staff=staff)


@rules.predicate
def can_view_ballot(user: Any, ballot: Any = None) -> bool:
    return True


@rules.predicate
def can_call_ballot(user: Any, unit: Any = None) -> bool:
    from moot.accounts.roles import NATIONAL_STAFF, roles_of
    from moot.units.queries import edition_in_force

    roles = roles_of(user)
    if roles.user_id is None:
        return False
    if unit is not None:
        return bool(may_call(user, unit).allowed)
    callers = edition_in_force().ballots.callers
    if not callers:
        return False
    if roles.is_superuser or roles.has_staff_role(NATIONAL_STAFF):
        return any(c.national_staff for c in callers)
    posts = {p for c in callers for p in c.posts}
    return roles.holds_office(posts)


def _independent_of(user: Any, ballot: Any) -> bool:
    """Whether ``user`` is neither the scrutineer, a teller nor a candidate of ``ballot``."""
    if ballot.scrutineer_id is not None and ballot.scrutineer_id == user.pk:
        return False
    people = _ballot_people(ballot)
    return user.pk not in people["tellers"] and user.pk not in people["candidates"]


@rules.predicate
def can_manage_ballot(user: Any, ballot: Any = None) -> bool:
    if ballot is None or not getattr(user, "is_authenticated", False):
        return False
    if not _independent_of(user, ballot):
        return False
    if ballot.returning_officer_id is not None:
        # Once a returning officer is appointed, they run the ballot; its callers only
        # appoint (and replace) its officers.
        return ballot.returning_officer_id == user.pk
    return bool(may_call(user, ballot.unit).allowed)


@rules.predicate
def can_appoint_ballot_officers(user: Any, ballot: Any = None) -> bool:
    """A caller of the ballot's unit (the returning officer, the scrutineer as the rulebook
    says), or its returning officer (the tellers): never a candidate, teller or scrutineer."""
    if ballot is None or not getattr(user, "is_authenticated", False):
        return False
    if not _independent_of(user, ballot):
        return False
    if ballot.returning_officer_id is not None and ballot.returning_officer_id == user.pk:
        return True
    return bool(may_call(user, ballot.unit).allowed)


@rules.predicate
def can_scrutinise_ballot(user: Any, ballot: Any = None) -> bool:
    if ballot is None or not getattr(user, "is_authenticated", False):
        return False
    if user.pk in _ballot_people(ballot)["candidates"]:
        return False
    if ballot.scrutineer_id is not None and ballot.scrutineer_id == user.pk:
        return True
    from moot.accounts.roles import roles_of

    return roles_of(user).audits(ballot.unit)


@rules.predicate
def can_oversee_ballot(user: Any, ballot: Any = None) -> bool:
    return bool(
        can_scrutinise_ballot(user, ballot)
        or can_manage_ballot(user, ballot)
        or can_appoint_ballot_officers(user, ballot)
    )


@rules.predicate
def can_tell_ballot(user: Any, ballot: Any = None) -> bool:
    if ballot is None or not getattr(user, "is_authenticated", False):
        return False
    if user.pk in _ballot_people(ballot)["candidates"]:
        return False
    if ballot.returning_officer_id is not None and ballot.returning_officer_id == user.pk:
        return True
    return user.pk in _ballot_people(ballot)["tellers"]


rules.add_perm("ballots.view_ballot", can_view_ballot)
rules.add_perm("ballots.call_ballot", can_call_ballot)
rules.add_perm("ballots.manage_ballot", can_manage_ballot)
rules.add_perm("ballots.appoint_ballot_officers", can_appoint_ballot_officers)
rules.add_perm("ballots.scrutinise_ballot", can_scrutinise_ballot)
rules.add_perm("ballots.oversee_ballot", can_oversee_ballot)
rules.add_perm("ballots.tell_ballot", can_tell_ballot)
