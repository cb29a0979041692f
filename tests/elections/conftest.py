"""Fixtures for the elections tests: a constituency party with the preset's posts, members
with accounts (men and women, long enough in membership to stand), a returning officer, and
helpers to nominate and consent through the real actions."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from factories import MemberFactory, OfficeHoldingFactory, UnitFactory, UserFactory
from moot.accounts.models import StaffAssignment
from moot.elections.actions import (
    do_answer_nomination,
    do_create_election,
    do_nominate,
)
from moot.units.models import Post


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def unit(db: Any) -> Any:
    from moot.units.actions import create_posts_for_unit
    from moot.units.queries import edition_in_force

    unit = UnitFactory(kind="constituency", name="Riverside & Hollow CLP")
    create_posts_for_unit(unit, edition_in_force())
    return unit


def post_of(unit: Any, slug: str) -> Post:
    return Post.objects.get(unit=unit, slug=slug)


def make_member(unit: Any, *, woman: bool = False, **kwargs: Any) -> Any:
    kwargs.setdefault("joined_weeks_ago", 200)
    return MemberFactory(
        constituency=unit, gender="woman" if woman else "man", with_account=True, **kwargs
    )


@pytest.fixture(name="make_member")
def make_member_fixture() -> Callable[..., Any]:
    return make_member


@pytest.fixture
def officer(db: Any) -> Any:
    """National governance staff: may run any unit's elections."""
    user = UserFactory(email="returning.officer@example.org")
    StaffAssignment.objects.create(user=user, role="national_staff")
    return user


def hold(unit: Any, slug: str, *, woman: bool) -> Any:
    """An outgoing office holding (100 days old) of a new member."""
    member = make_member(unit, woman=woman)
    return OfficeHoldingFactory(post=post_of(unit, slug), member=member)


@pytest.fixture
def election_factory(unit: Any, officer: Any) -> Callable[..., Any]:
    """A standalone election, nominations open from 10 days ago to yesterday."""

    def make(slug: str = "chair", **kwargs: Any) -> Any:
        kwargs.setdefault("method", "irv")
        kwargs.setdefault("nominations_open_on", today() - datetime.timedelta(days=10))
        kwargs.setdefault("nominations_close_on", today() - datetime.timedelta(days=1))
        kwargs.setdefault("election_date", today())
        return do_create_election(post=post_of(unit, slug), acting_user=officer, **kwargs)

    return make


def stand(
    election: Any,
    nominee: Any,
    *,
    officer: Any,
    partner: Any = None,
    statement: str = "",
    on: datetime.date | None = None,
) -> Any:
    """A paper nomination entered by the officer, then the nominee's (and partner's) consent."""
    unit = election.unit
    nomination = do_nominate(
        election,
        nominee=nominee,
        partner=partner,
        nominator=make_member(unit),
        seconder=make_member(unit),
        on=on or election.nominations_open_on,
        acting_user=officer,
    )
    nomination = do_answer_nomination(
        nomination, accept=True, statement=statement, acting_user=nominee.user
    )
    if partner is not None:
        nomination = do_answer_nomination(nomination, accept=True, acting_user=partner.user)
    return nomination
