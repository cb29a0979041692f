"""Eligibility through the database: the member's intervals, the edition in force, the unit.
The weeks come from the rulebook preset (never hard-coded here)."""

from __future__ import annotations

import datetime

import pytest

from factories import MemberFactory, UnitFactory, UserFactory
from moot.members.actions import do_change_member_status
from moot.members.queries import eligibility, eligible_member_ids, search_members
from moot.units.queries import edition_in_force

pytestmark = pytest.mark.django_db

PURPOSE = "meeting"
TODAY = datetime.date.today()


@pytest.fixture
def weeks() -> int:
    """The continuous-membership weeks the preset needs for a meeting."""
    return edition_in_force(TODAY).eligibility_rule(PURPOSE).min_weeks


@pytest.fixture
def officer():
    return UserFactory()


def test_exactly_the_required_weeks_is_enough(weeks):
    on_the_day = MemberFactory(joined_weeks_ago=weeks)
    a_day_short = MemberFactory(joined_on=TODAY - datetime.timedelta(weeks=weeks, days=-1))
    assert eligibility(on_the_day, PURPOSE, at=TODAY).allowed
    verdict = eligibility(a_day_short, PURPOSE, at=TODAY)
    assert not verdict.allowed
    assert any(reason.clause for reason in verdict.reasons)
    assert any(str(weeks) in reason.text for reason in verdict.reasons)


def test_lapse_and_rejoin_resets_the_clock(weeks, officer):
    member = MemberFactory(joined_weeks_ago=weeks * 10)
    lapse = TODAY - datetime.timedelta(weeks=3)
    rejoin = TODAY - datetime.timedelta(weeks=1)
    do_change_member_status(member, "lapsed", lapse, reason="unpaid", acting_user=officer)
    do_change_member_status(member, "active", rejoin, reason="rejoined", acting_user=officer)
    assert not eligibility(member, PURPOSE, at=TODAY).allowed
    # Before the lapse the member was eligible; the history answers for past dates too.
    assert eligibility(member, PURPOSE, at=lapse - datetime.timedelta(days=1)).allowed
    # And the clock restarts from the rejoin date.
    later = rejoin + datetime.timedelta(weeks=weeks)
    assert eligibility(member, PURPOSE, at=later).allowed


def test_arrears_and_suspension_remove_rights(weeks, officer):
    arrears = MemberFactory(joined_weeks_ago=weeks * 5)
    suspended = MemberFactory(joined_weeks_ago=weeks * 5)
    do_change_member_status(
        arrears, "in_arrears", TODAY - datetime.timedelta(days=3), reason="x", acting_user=officer
    )
    do_change_member_status(
        suspended,
        "suspended",
        TODAY - datetime.timedelta(days=3),
        reason="x",
        reference="case:1",
        acting_user=officer,
    )
    for member in (arrears, suspended):
        verdict = eligibility(member, PURPOSE, at=TODAY)
        assert not verdict.allowed
        assert verdict.reasons
    # Rights return when the arrears are paid (arrears can be cured).
    do_change_member_status(arrears, "active", TODAY, reason="paid", acting_user=officer)
    assert eligibility(arrears, PURPOSE, at=TODAY).allowed


def test_member_of_another_unit_is_refused(weeks):
    member = MemberFactory(joined_weeks_ago=weeks * 2)
    elsewhere = UnitFactory()
    assert eligibility(member, PURPOSE, unit=member.constituency, at=TODAY).allowed
    assert not eligibility(member, PURPOSE, unit=elsewhere, at=TODAY).allowed


def test_bulk_matches_one_by_one(weeks, officer):
    clp = UnitFactory()
    members = [
        MemberFactory(constituency=clp, joined_weeks_ago=w) for w in (1, weeks - 1, weeks, 300)
    ]
    members.append(MemberFactory(constituency=clp, suspended=True, joined_weeks_ago=300))
    members.append(MemberFactory(constituency=clp, lapsed=True, joined_weeks_ago=300))
    MemberFactory(joined_weeks_ago=300)  # another unit
    bulk = eligible_member_ids(clp, PURPOSE, TODAY)
    single = {m.pk for m in members if eligibility(m, PURPOSE, unit=clp, at=TODAY).allowed}
    assert bulk == single
    assert bulk == {members[2].pk, members[3].pk}
    admin = UserFactory(is_superuser=True)
    listed = set(search_members(admin, unit_id=clp.pk, eligible_for=PURPOSE, at=TODAY))
    assert {m.pk for m in listed} == bulk


def test_bulk_over_two_thousand_members_uses_few_queries(django_assert_max_num_queries, weeks):
    from moot.members.imports import import_members

    clp = UnitFactory(slug="big")
    lines = ["first_name,last_name,joined_on,constituency"]
    lines += [
        f"Ada,Ash{i},{(TODAY - datetime.timedelta(days=i % 400)).isoformat()},big"
        for i in range(2100)
    ]
    assert import_members(
        "\n".join(lines), dry_run=False, acting_user=None, backdate_reason="bulk test register"
    ).ok
    with django_assert_max_num_queries(6):
        ids = eligible_member_ids(clp, PURPOSE, TODAY)
    expected = sum(1 for i in range(2100) if i % 400 >= weeks * 7)
    assert len(ids) == expected
