"""search_members: prefix search over the normalised columns, filters and the viewer's scope."""

from __future__ import annotations

import pytest

from factories import MemberFactory, OfficeHoldingFactory, PostFactory, UnitFactory, UserFactory
from moot.members.models import normalise_for_search
from moot.members.queries import search_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(is_superuser=True, is_staff=True)


def test_normalise_for_search():
    assert normalise_for_search("Zoë O'Brien-Hart") == "zoe o brien hart"
    assert normalise_for_search("  ÉMILE  ") == "emile"


def test_name_number_and_email_prefixes(admin):
    clp = UnitFactory()
    MemberFactory(
        first_name="Zoë",
        last_name="Ashwick",
        number="M0001234",
        constituency=clp,
        email="zoe@example.org",
    )
    MemberFactory(first_name="Bram", last_name="Ashcombe", constituency=clp)
    MemberFactory(first_name="Cleo", last_name="Fernhollow", constituency=clp)

    def found(q: str) -> list[str]:
        return [m.first_name for m in search_members(admin, q=q)]

    assert found("ash") == ["Bram", "Zoë"]  # in name order: Ashcombe, Ashwick
    assert found("ASHW") == ["Zoë"]
    assert found("zoe") == ["Zoë"]  # accents ignored
    assert found("zoe ash") == ["Zoë"]  # first name first
    assert found("ashwick zo") == ["Zoë"]  # last name first
    assert found("M00012") == ["Zoë"]
    assert found("1234") == ["Zoë"]
    assert found("ZOE@EX") == ["Zoë"]
    assert found("ashwick bram") == []
    assert found("") == ["Bram", "Zoë", "Cleo"]


def test_status_and_unit_filters(admin):
    clp = UnitFactory()
    branch = UnitFactory(kind="branch", parent=clp)
    other = UnitFactory()
    in_branch = MemberFactory(constituency=clp, branch=branch)
    suspended = MemberFactory(constituency=clp, suspended=True)
    elsewhere = MemberFactory(constituency=other)
    assert set(search_members(admin, status="suspended")) == {suspended}
    assert set(search_members(admin, unit_id=clp.pk)) == {in_branch, suspended}
    assert set(search_members(admin, unit_id=branch.pk)) == {in_branch}
    assert set(search_members(admin, unit_id=clp.parent_id)) == {in_branch, suspended}
    assert set(search_members(admin)) == {in_branch, suspended, elsewhere}
    assert list(search_members(admin, status="no-such-status")) == []
    assert list(search_members(admin, unit_id=999_999)) == []


def test_scope_member_sees_self_officer_sees_unit():
    clp = UnitFactory()
    other = UnitFactory()
    user = UserFactory()
    me = MemberFactory(constituency=clp, user=user)
    neighbour = MemberFactory(constituency=clp)
    stranger = MemberFactory(constituency=other)
    assert set(search_members(user)) == {me}
    post = PostFactory(unit=clp, slug="secretary", title="Secretary")
    OfficeHoldingFactory(post=post, member=me)
    assert set(search_members(user)) == {me, neighbour}
    assert stranger not in set(search_members(user))


def test_anonymous_sees_nothing():
    from django.contrib.auth.models import AnonymousUser

    MemberFactory()
    assert list(search_members(AnonymousUser())) == []


def test_national_officer_sees_everyone():
    clp = UnitFactory()
    national = clp.parent.parent
    user = UserFactory()
    me = MemberFactory(constituency=clp, user=user)
    others = {MemberFactory(), MemberFactory()}
    OfficeHoldingFactory(post=PostFactory(unit=national, slug="gs"), member=me)
    assert set(search_members(user)) == {me, *others}
