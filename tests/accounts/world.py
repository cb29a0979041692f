"""A small organisation with one account per role, shared by the accounts, API, permission
matrix and security tests.

    national ─ region ─ riverside CLP ─┬─ north branch   (member, branch secretary, secretary)
                      │                └─ south branch   (target: the member others look up)
                      └─ elsewhere CLP ── east branch    (stranger)
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from factories import MemberFactory, OfficeHoldingFactory, PostFactory, UnitFactory, UserFactory
from moot.accounts.models import StaffAssignment

PASSWORD = "moot-test-password"
# Every role the matrix knows, in the order the report prints them.
ROLES = (
    "anonymous",
    "outsider",
    "member",
    "branch_secretary",
    "chair",
    "secretary",
    "national_staff",
    "complaints_staff",
    "auditor",
    "admin",
)


@dataclass
class World:
    national: Any
    region: Any
    riverside: Any
    north: Any
    south: Any
    elsewhere: Any
    east: Any
    users: dict[str, Any] = field(default_factory=dict)
    members: dict[str, Any] = field(default_factory=dict)

    @property
    def target(self) -> Any:
        return self.members["target"]


def _member_with_account(role: str, **kwargs: Any) -> Any:
    member = MemberFactory(**kwargs)
    user = UserFactory(email=f"{role.replace('_', '.')}@example.org")
    member.user = user
    member.save(update_fields=["user"])
    return member


def _hold(unit: Any, slug: str, member: Any) -> None:
    post = unit.posts.filter(slug=slug).first() or PostFactory(unit=unit, slug=slug, title=slug)
    OfficeHoldingFactory(
        post=post, member=member, start=timezone.localdate() - datetime.timedelta(days=200)
    )


def build_world() -> World:
    national = UnitFactory(kind="national", parent=None, name="National", slug="national")
    region = UnitFactory(kind="region", parent=national, name="Region", slug="region")
    riverside = UnitFactory(kind="constituency", parent=region, name="Riverside", slug="riverside")
    north = UnitFactory(kind="branch", parent=riverside, name="North", slug="north")
    south = UnitFactory(kind="branch", parent=riverside, name="South", slug="south")
    elsewhere = UnitFactory(kind="constituency", parent=region, name="Elsewhere", slug="elsewhere")
    east = UnitFactory(kind="branch", parent=elsewhere, name="East", slug="east")
    world = World(national, region, riverside, north, south, elsewhere, east)

    member = _member_with_account("member", constituency=riverside, branch=north)
    branch_secretary = _member_with_account(
        "branch_secretary", constituency=riverside, branch=north
    )
    chair = _member_with_account("chair", constituency=riverside, branch=north, woman=True)
    secretary = _member_with_account("secretary", constituency=riverside, branch=north)
    _hold(north, "secretary", branch_secretary)
    _hold(riverside, "chair", chair)
    _hold(riverside, "secretary", secretary)
    target = MemberFactory(
        constituency=riverside,
        branch=south,
        woman=True,
        date_of_birth=datetime.date(1980, 5, 17),
        phone="01632 960001",
        address="1 River Row",
        postcode="RH1 1AA",
        joined_weeks_ago=3,
    )
    stranger = MemberFactory(constituency=elsewhere, branch=east)
    world.members = {
        "member": member,
        "branch_secretary": branch_secretary,
        "chair": chair,
        "secretary": secretary,
        "target": target,
        "stranger": stranger,
    }
    world.users = {role: m.user for role, m in world.members.items() if m.user_id}
    world.users["outsider"] = UserFactory(email="outsider@example.org")
    for role in ("national_staff", "complaints_staff", "auditor"):
        user = UserFactory(email=f"{role.replace('_', '.')}@example.org")
        StaffAssignment.objects.create(user=user, role=role, unit=None)
        world.users[role] = user
    admin = UserFactory(email="admin@example.org")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    world.users["admin"] = admin
    return world
