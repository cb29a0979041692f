"""`moot demo`: the Commonweal Party, seeded through the real actions."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from moot.audit.queries import verify_chain
from moot.demo import seed
from moot.members.models import Member, MembershipPeriod
from moot.units.models import Affiliation, OfficeHolding, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return seed.seed_foundation()


def test_tree_and_register(org):
    assert Unit.objects.filter(kind="national").count() == 1
    assert Unit.objects.filter(kind="region").count() == 2
    assert Unit.objects.filter(kind="constituency").count() == 4
    assert Unit.objects.filter(kind="branch").count() >= 8
    riverside = org.riverside
    assert riverside.name == "Riverside & Hollow CLP"
    members = Member.objects.filter(constituency=riverside)
    assert members.count() == seed.RIVERSIDE_MEMBERS
    statuses = Counter(members.values_list("status", flat=True))
    assert statuses["active"] > seed.RIVERSIDE_MEMBERS * 0.7
    for status in ("in_arrears", "lapsed", "suspended", "expelled", "resigned", "applied"):
        assert statuses[status] > 0, status
    eight_weeks_ago = org.today - datetime.timedelta(weeks=8)
    assert members.filter(joined_on__gt=eight_weeks_ago).count() > 20
    assert members.filter(branch__isnull=True).count() == 0
    # Every member's intervals are contiguous with exactly one open interval.
    # (Compared as sets: in the test's transaction PostgreSQL has no statistics for the rows just
    # seeded, and the ORM's exclude() across the relation became a nested loop over every pair.)
    open_periods = MembershipPeriod.objects.filter(member__in=members, end__isnull=True)
    assert set(open_periods.values_list("member_id", flat=True)) == set(
        members.values_list("pk", flat=True)
    )
    assert open_periods.count() == members.count()


def test_organisations_affiliations_and_officers(org):
    from moot.units.queries import holdings_on, is_proscribed

    proscribed = [o for o in org.organisations.values() if is_proscribed(o, org.today)]
    assert proscribed, "the demo shows proscribed organisations from the rulebook preset"
    assert Affiliation.objects.filter(unit=org.riverside).count() >= 3
    holdings = list(holdings_on(org.riverside, org.today))
    assert len(holdings) == org.riverside.posts.count()
    assert OfficeHolding.objects.filter(member=org.members["secretary"], post__slug="secretary")


def test_accounts_sign_in_and_link_to_members(org):
    for _role, local, _description in seed.DEMO_ACCOUNTS:
        email = f"{local}@{seed.DEMO_DOMAIN}"
        user = authenticate(username=email, password=seed.DEMO_PASSWORD)
        assert user is not None, email
    assert org.members["secretary"].user.email == "secretary@example.org"
    assert org.members["chair"].user.email == "chair@example.org"
    assert org.members["member"].constituency == org.riverside
    assert not OfficeHolding.objects.filter(member=org.members["member"]).exists()
    assert org.accounts["admin"].is_superuser


def test_audit_chain_is_whole(org):
    checked, problems = verify_chain()
    assert checked > 0
    assert problems == []


def test_command_if_empty_is_idempotent_and_banner(capsys):
    call_command("demo", "--if-empty")
    count = Member.objects.count()
    call_command("demo", "--if-empty")
    assert Member.objects.count() == count
    assert "already has members" in capsys.readouterr().out
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo")
    call_command("demo", "--banner", "--port", "8123")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8123/" in out
    assert "secretary@example.org" in out
    assert seed.DEMO_PASSWORD in out
    assert "Last year's minutes (http://127.0.0.1:8123/meetings/" in out
    assert "wait for approval at item 2." in out


@pytest.mark.django_db(transaction=True)  # flush truncates: outside a test transaction (PostgreSQL)
def test_deterministic():
    first = seed.seed_foundation()
    names = list(Member.objects.order_by("number").values_list("first_name", "last_name")[:50])
    call_command("flush", interactive=False, verbosity=0)
    second = seed.seed_foundation(today=first.today)
    again = list(Member.objects.order_by("number").values_list("first_name", "last_name")[:50])
    assert names == again
    assert second.members["secretary"].number == first.members["secretary"].number
