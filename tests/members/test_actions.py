"""Member actions: create, update, status changes (contiguous intervals), resignation; each
writes its audit event in the same transaction and the chain stays whole."""

from __future__ import annotations

import datetime

import pytest

from factories import MemberFactory, OfficeHoldingFactory, PostFactory, UnitFactory, UserFactory
from moot.audit.models import AuditEvent
from moot.audit.queries import history_of, verify_chain
from moot.members.actions import (
    do_change_member_status,
    do_create_member,
    do_link_account,
    do_resign,
    do_update_member,
)
from moot.members.errors import ActionError
from moot.members.models import Member, MembershipPeriod, Resignation

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


@pytest.fixture
def officer():
    return UserFactory(email="officer@example.org")


def intervals(member: Member) -> list[tuple[str, datetime.date, datetime.date | None]]:
    return list(member.periods.order_by("start").values_list("status", "start", "end"))


def test_create_member_writes_history_and_audit(officer):
    clp = UnitFactory()
    member = do_create_member(
        first_name="Ada",
        last_name="Ashwick",
        constituency=clp,
        joined_on=days_ago(100),
        email="Ada@Example.org",
        acting_user=officer,
        backdate_reason="transferred from the old register",
    )
    assert member.number == "M0000001"
    assert member.email == "ada@example.org"
    assert intervals(member) == [("active", days_ago(100), None)]
    (event,) = history_of(member)
    assert event.verb == "members.create_member"
    assert event.actor == officer
    second = do_create_member(
        first_name="Bram",
        last_name="Holt",
        constituency=clp,
        joined_on=TODAY,
        acting_user=officer,
    )
    assert second.number == "M0000002"


def test_create_member_refuses_bad_input(officer):
    clp = UnitFactory()
    other_branch = UnitFactory(kind="branch")
    with pytest.raises(ActionError, match="in the future"):
        do_create_member(
            first_name="A",
            last_name="B",
            constituency=clp,
            joined_on=days_ago(-1),
            acting_user=officer,
        )
    with pytest.raises(ActionError, match="is not a branch of"):
        do_create_member(
            first_name="A",
            last_name="B",
            constituency=clp,
            branch=other_branch,
            joined_on=TODAY,
            acting_user=officer,
        )
    assert Member.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_update_member_audits_changes_but_not_sensitive_values(officer):
    member = MemberFactory(first_name="Ada", gender="")
    do_update_member(member, acting_user=officer, first_name="Adah", gender="woman")
    member.refresh_from_db()
    assert member.first_name == "Adah"
    assert member.search_name.endswith(" adah")
    (event,) = history_of(member)
    assert event.before["first_name"] == "Ada"
    assert event.after["first_name"] == "Adah"
    assert event.after["gender"] == "(sensitive: changed)"
    assert "woman" not in str(event.after)
    with pytest.raises(ActionError, match="cannot change status here"):
        do_update_member(member, acting_user=officer, status="expelled")


def test_status_change_keeps_intervals_contiguous(officer):
    member = MemberFactory(joined_weeks_ago=100)
    joined = member.joined_on
    do_change_member_status(
        member, "in_arrears", days_ago(60), reason="subscription unpaid", acting_user=officer
    )
    do_change_member_status(member, "active", days_ago(30), reason="paid up", acting_user=officer)
    do_change_member_status(
        member,
        "suspended",
        days_ago(2),
        reason="administrative suspension",
        reference="case:17",
        acting_user=officer,
    )
    assert intervals(member) == [
        ("active", joined, days_ago(60)),
        ("in_arrears", days_ago(60), days_ago(30)),
        ("active", days_ago(30), days_ago(2)),
        ("suspended", days_ago(2), None),
    ]
    member.refresh_from_db()
    assert member.status == "suspended"
    events = list(history_of(member))
    assert [e.verb for e in events] == ["members.change_member_status"] * 3
    assert events[-1].before["status"] == "active"
    assert events[-1].after["reference"] == "case:17"
    assert verify_chain()[1] == []


@pytest.mark.parametrize(
    ("status", "start_days_ago", "message"),
    [
        ("active", 10, "already active"),
        ("lapsed", -3, "cannot start in the future"),
        ("lapsed", 2000, "before the member joined"),
        ("applied", 3, "cannot go back to 'applied'"),
        ("wizard", 3, "is not one of"),
    ],
)
def test_status_change_refusals(officer, status, start_days_ago, message):
    member = MemberFactory(joined_weeks_ago=50)
    with pytest.raises(ActionError, match=message):
        do_change_member_status(
            member, status, days_ago(start_days_ago), reason="x", acting_user=officer
        )
    assert MembershipPeriod.objects.filter(member=member).count() == 1
    assert AuditEvent.objects.count() == 0


def test_status_change_cannot_start_before_current_interval(officer):
    member = MemberFactory(joined_weeks_ago=50)
    do_change_member_status(member, "lapsed", days_ago(10), reason="x", acting_user=officer)
    with pytest.raises(ActionError, match="cannot start before"):
        do_change_member_status(member, "active", days_ago(20), reason="x", acting_user=officer)


def test_resign_from_office_ends_the_holding(officer):
    holding = OfficeHoldingFactory()
    member = holding.member
    resignation = do_resign(
        member,
        kind="office",
        holding=holding,
        letter="Dear Chair, ...",
        effective_on=TODAY,
        acting_user=officer,
    )
    holding.refresh_from_db()
    assert holding.end == TODAY
    assert holding.ended_reason == "resigned"
    assert resignation.letter.startswith("Dear")
    member.refresh_from_db()
    assert member.status == "active"  # still a member
    verbs = [e.verb for e in AuditEvent.objects.order_by("seq")]
    assert verbs == ["units.end_holding", "members.resign"]


def test_resign_from_membership_ends_every_office_and_opens_resigned(officer):
    holding = OfficeHoldingFactory()
    member = holding.member
    other_post = PostFactory(unit=holding.post.unit)
    second = OfficeHoldingFactory(post=other_post, member=member)
    do_resign(member, kind="membership", effective_on=TODAY, acting_user=officer)
    member.refresh_from_db()
    assert member.status == "resigned"
    assert intervals(member)[-1] == ("resigned", TODAY, None)
    for h in (holding, second):
        h.refresh_from_db()
        assert h.end == TODAY
    assert Resignation.objects.get().kind == "membership"
    assert verify_chain()[1] == []


def test_resign_refusals(officer):
    holding = OfficeHoldingFactory()
    stranger = MemberFactory()
    with pytest.raises(ActionError, match="does not hold"):
        do_resign(stranger, kind="office", holding=holding, effective_on=TODAY, acting_user=officer)
    with pytest.raises(ActionError, match="choose the office"):
        do_resign(stranger, kind="office", effective_on=TODAY, acting_user=officer)
    assert Resignation.objects.count() == 0


def test_link_account(officer):
    member = MemberFactory()
    other = MemberFactory()
    user = UserFactory()
    do_link_account(member, user, acting_user=officer)
    assert Member.objects.get(user=user) == member
    with pytest.raises(ActionError, match="already belongs to another member"):
        do_link_account(other, user, acting_user=officer)
    assert history_of(member)[0].verb == "members.link_account"


def test_update_member_leaves_the_email_to_the_registers_authority(officer):
    member = MemberFactory(email="ada@example.org")
    with pytest.raises(ActionError, match="changed by the register's authority") as refused:
        do_update_member(member, acting_user=officer, email="officer@example.org")
    assert refused.value.clause == "2.6"
    member.refresh_from_db()
    assert member.email == "ada@example.org"
    assert not AuditEvent.objects.exists()
