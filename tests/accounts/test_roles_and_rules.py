"""Roles come from current offices and staff assignments; permissions follow the unit tree."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.world import World
from factories import MemberFactory, OfficeHoldingFactory, PostFactory
from moot.accounts.actions import do_assign_staff_role, do_remove_staff_role
from moot.accounts.models import StaffAssignment
from moot.accounts.roles import compute_roles, roles_of
from moot.audit.models import AuditEvent


def fresh(user):
    """A new user object, as the next request would load it (roles are cached per object)."""
    return type(user).objects.get(pk=user.pk)


def test_roles_of_each_account(world: World) -> None:
    assert roles_of(AnonymousUser()).roles == frozenset()
    assert roles_of(world.users["outsider"]).roles == frozenset()
    assert roles_of(world.users["member"]).roles == {"member"}
    assert roles_of(world.users["secretary"]).roles == {"member", "unit_officer"}
    assert roles_of(world.users["national_staff"]).roles == {"national_staff"}
    assert roles_of(world.users["complaints_staff"]).roles == {"complaints_staff"}
    assert roles_of(world.users["auditor"]).roles == {"auditor"}
    assert "admin" in roles_of(world.users["admin"]).roles


def test_roles_are_computed_once_per_user_object(world: World, django_assert_num_queries) -> None:
    user = fresh(world.users["secretary"])
    roles_of(user)
    with django_assert_num_queries(0):
        for _ in range(20):
            user.has_perm("members.view_member", world.target)


def test_an_ended_office_gives_no_role(world: World) -> None:
    today = timezone.localdate()
    member = MemberFactory(constituency=world.riverside)
    post = PostFactory(unit=world.riverside, slug="treasurer")
    OfficeHoldingFactory(
        post=post,
        member=member,
        start=today - datetime.timedelta(days=400),
        end=today - datetime.timedelta(days=10),
    )
    from factories import UserFactory

    member.user = UserFactory(email="former.treasurer@example.org")
    member.save(update_fields=["user"])
    assert compute_roles(member.user).roles == {"member"}
    on_duty = today - datetime.timedelta(days=100)
    assert "unit_officer" in compute_roles(member.user, on=on_duty).roles


@pytest.mark.parametrize(
    ("role", "target", "allowed"),
    [
        ("member", "target", False),
        ("member", "member", True),  # one's own record
        ("branch_secretary", "member", True),  # same branch
        ("branch_secretary", "target", False),  # another branch of the CLP
        ("secretary", "target", True),
        ("chair", "target", True),
        ("secretary", "stranger", False),  # another constituency
        ("national_staff", "stranger", True),
        ("auditor", "stranger", True),
        # Complaints staff read a member's record (and its suspension reason): cases need it.
        ("complaints_staff", "target", True),
        ("outsider", "target", False),
    ],
)
def test_view_member_follows_the_tree(world: World, role: str, target: str, allowed: bool) -> None:
    user = world.users[role]
    assert user.has_perm("members.view_member", world.members[target]) is allowed


def test_sensitive_contact_and_change_permissions(world: World) -> None:
    target = world.target
    users = world.users
    assert users["chair"].has_perm("members.view_member_sensitive", target)
    assert users["secretary"].has_perm("members.view_member_sensitive", target)
    assert not users["auditor"].has_perm("members.view_member_sensitive", target)
    assert not users["auditor"].has_perm("members.view_member_contact", target)
    assert users["auditor"].has_perm("members.view_member", target)
    assert users["secretary"].has_perm("members.change_member", target)
    assert not users["chair"].has_perm("members.change_member", target)
    assert users["national_staff"].has_perm("members.change_member", target)
    assert not users["branch_secretary"].has_perm("members.change_member", target)
    assert users["member"].has_perm("members.view_member_sensitive", world.members["member"])


def test_unit_permissions(world: World) -> None:
    users = world.users
    assert users["member"].has_perm("units.view_unit", world.riverside)
    assert users["complaints_staff"].has_perm("units.view_unit", world.riverside)
    assert not users["outsider"].has_perm("units.view_unit", world.riverside)
    assert users["secretary"].has_perm("units.manage_affiliations", world.riverside)
    assert users["secretary"].has_perm("units.manage_offices", world.north)
    assert not users["secretary"].has_perm("units.manage_offices", world.elsewhere)
    assert not users["branch_secretary"].has_perm("units.manage_offices", world.riverside)
    assert users["branch_secretary"].has_perm("units.manage_offices", world.north)
    assert users["national_staff"].has_perm("units.change_unit", world.riverside)
    assert not users["secretary"].has_perm("units.change_unit", world.riverside)
    assert users["secretary"].has_perm("members.import_members", world.riverside)
    assert not users["secretary"].has_perm("members.import_members", world.elsewhere)
    assert not users["chair"].has_perm("members.import_members", world.riverside)


def test_audit_and_rulebook_permissions(world: World) -> None:
    users = world.users
    assert users["auditor"].has_perm("audit.view_trail")
    assert users["national_staff"].has_perm("audit.view_trail")
    assert not users["secretary"].has_perm("audit.view_trail")
    assert users["secretary"].has_perm("audit.view_history", world.target)
    assert not users["chair"].has_perm("audit.view_history", world.target)
    assert users["auditor"].has_perm("audit.view_history", world.target)
    assert users["member"].has_perm("rulebook.view")
    assert not users["outsider"].has_perm("rulebook.view")
    assert users["national_staff"].has_perm("rulebook.adopt")
    assert not users["secretary"].has_perm("rulebook.adopt")


def test_staff_role_limited_to_a_unit(world: World) -> None:
    from factories import UserFactory

    regional = UserFactory(email="regional.staff@example.org")
    do_assign_staff_role(
        regional, role="national_staff", unit=world.riverside, acting_user=world.users["admin"]
    )
    regional = fresh(regional)
    assert regional.has_perm("members.view_member", world.target)
    assert not regional.has_perm("members.view_member", world.members["stranger"])
    assert not regional.has_perm("units.change_unit", world.riverside)  # national only
    assert not regional.has_perm("audit.view_trail")


def test_staff_role_actions_are_audited(world: World) -> None:
    from factories import UserFactory

    user = UserFactory(email="new.auditor@example.org")
    admin = world.users["admin"]
    assignment = do_assign_staff_role(user, role="auditor", acting_user=admin)
    assert fresh(user).has_perm("audit.view_trail")
    do_remove_staff_role(assignment, acting_user=admin, reason="left")
    assert not fresh(user).has_perm("audit.view_trail")
    assert not StaffAssignment.objects.filter(user=user).exists()
    verbs = list(AuditEvent.objects.order_by("seq").values_list("verb", flat=True))
    assert verbs[-2:] == ["accounts.assign_staff_role", "accounts.remove_staff_role"]


def test_unknown_staff_role_is_refused(world: World) -> None:
    from moot.members.errors import ActionError

    with pytest.raises(ActionError, match="not one of"):
        do_assign_staff_role(world.users["outsider"], role="boss", acting_user=None)
