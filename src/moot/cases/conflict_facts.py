"""The register's facts about people and a case, read into :mod:`moot.cases.conflicts`' shapes.

What counts (docs/cases.md, "Conflicts"): a member's branch and constituency party; the units of
every office they hold or held since ``since`` (the day the case was opened, less the rulebook's
look-back); the elections they stood in since then; their home address (postcode and first line).
A staff account with no member record has no register facts: only its assignments and
declarations can conflict it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q

from moot.cases.conflicts import CaseFacts, Declared, EarlierRole, Person, address_key
from moot.cases.models import Assignment, Case, CaseEvent, ConflictDeclaration, Party

__all__ = ["case_facts", "person_for_member", "person_for_user", "since_for"]

# Nominations that put a person in a contest (declined, refused and withdrawn ones do not).
_STOOD = ("awaiting_seconder", "awaiting_consent", "standing")


def since_for(case: Case, lookback_years: int) -> datetime.date:
    """The first day whose offices and contests count: ``lookback_years`` before the case was
    opened (29 February falls back to the 28th)."""
    opened = case.opened_at.date()
    try:
        return opened.replace(year=opened.year - lookback_years)
    except ValueError:
        return opened.replace(year=opened.year - lookback_years, day=28)


def person_for_member(member: Any, since: datetime.date, *, user_id: int | None = None) -> Person:
    """A member's register facts (offices and contests from ``since`` on)."""
    from moot.elections.models import Nomination
    from moot.units.models import OfficeHolding, Unit

    unit_ids = {unit_id for unit_id in (member.constituency_id, member.branch_id) if unit_id}
    offices = set(
        OfficeHolding.objects.filter(member_id=member.pk)
        .filter(Q(end__isnull=True) | Q(end__gt=since))
        .values_list("post__unit_id", flat=True)
    )
    contests = set(
        Nomination.objects.filter(Q(nominee_id=member.pk) | Q(partner_id=member.pk))
        .filter(state__in=_STOOD, election__election_date__gte=since)
        .values_list("election_id", flat=True)
    )
    names = dict(Unit.objects.filter(pk__in=unit_ids | offices).values_list("pk", "name"))
    return Person(
        member_id=member.pk,
        user_id=user_id if user_id is not None else member.user_id,
        branch_id=member.branch_id,
        constituency_id=member.constituency_id,
        office_unit_ids=frozenset(offices),
        contest_ids=frozenset(contests),
        address=address_key(member.address, member.postcode),
        unit_names=names,
    )


def person_for_user(user: Any, since: datetime.date) -> Person:
    """An account's register facts: its member record's, when it has one."""
    from moot.members.models import Member

    member = Member.objects.filter(user_id=user.pk).first()
    if member is None:
        return Person(user_id=user.pk)
    return person_for_member(member, since, user_id=user.pk)


def _known(user_id: int | None, member_id: int | None) -> Person:
    return Person(member_id=member_id, user_id=user_id)


def case_facts(case: Case, since: datetime.date) -> CaseFacts:
    """The parties, witnesses recorded as members, earlier deciding roles in the case and its
    linked cases, and the declarations that apply to the case (its own and standing ones)."""
    from moot.members.models import Member

    parties: list[tuple[str, Person]] = []
    if case.complainant_member_id:
        complainant = Member.objects.get(pk=case.complainant_member_id)
        parties.append(("complainant", person_for_member(complainant, since)))
    elif case.created_by_id and case.intake_channel == "member_form":
        parties.append(("complainant", Person(user_id=case.created_by_id)))
    if case.respondent_id:
        respondent = Member.objects.get(pk=case.respondent_id)
        parties.append(("respondent", person_for_member(respondent, since)))
    witness_ids = {
        value
        for value in CaseEvent.objects.filter(case=case, party=Party.WITNESS).values_list(
            "data__member", flat=True
        )
        if isinstance(value, int)
    }
    witnesses = tuple(Person(member_id=member_id) for member_id in sorted(witness_ids))
    linked = dict(case.linked_cases.values_list("pk", "reference"))
    earlier = tuple(
        EarlierRole(
            _known(user_id, member_id),
            case.reference if case_id == case.pk else linked[case_id],
            role,
            current_case=case_id == case.pk,
        )
        for case_id, user_id, member_id, role in Assignment.objects.filter(
            case_id__in=[case.pk, *linked]
        ).values_list("case_id", "user_id", "member_id", "role")
    )
    declared = tuple(
        Declared(_known(user_id, member_id), reason, standing=case_id is None)
        for case_id, user_id, member_id, reason in ConflictDeclaration.objects.filter(
            Q(case=case) | Q(case__isnull=True)
        ).values_list("case_id", "user_id", "member_id", "reason")
    )
    return CaseFacts(
        reference=case.reference,
        parties=tuple(parties),
        witnesses=witnesses,
        earlier_roles=earlier,
        declared=declared,
    )
