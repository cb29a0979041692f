"""Fixtures for the meetings tests: the permission world (Riverside CLP with its chair and
secretary, a member, a recent joiner, a stranger elsewhere) and an AGM of Riverside today whose
notice went out 30 days ago."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from accounts.world import World, build_world
from factories import MemberFactory
from moot.meetings.actions import do_create_meeting
from moot.meetings.models import Meeting


def tonight(days: int = 0) -> datetime.datetime:
    """19:00 local time, ``days`` from today."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(19, 0)))


@pytest.fixture(autouse=True)
def _fresh_editions() -> None:
    """The quorum's short edition cache never carries one test's rulebook into the next."""
    from moot.meetings.queries import forget_editions

    forget_editions()


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


@pytest.fixture
def secretary_user(world: World) -> Any:
    return world.users["secretary"]


@pytest.fixture
def make_meeting(world: World) -> Callable[..., Meeting]:
    def make(**kwargs: Any) -> Meeting:
        kwargs.setdefault("unit", world.riverside)
        kwargs.setdefault("kind", "agm")
        kwargs.setdefault("starts_at", tonight())
        kwargs.setdefault("location", "Hollow Community Hall")
        kwargs.setdefault("notice_sent_on", timezone.localdate() - datetime.timedelta(days=30))
        kwargs.setdefault("chair", world.members["chair"])
        kwargs.setdefault("secretary", world.members["secretary"])
        kwargs.setdefault("acting_user", world.users["secretary"])
        return do_create_meeting(**kwargs)

    return make


@pytest.fixture
def meeting(make_meeting: Callable[..., Meeting]) -> Meeting:
    return make_meeting()


@pytest.fixture
def make_members(world: World) -> Callable[..., list[Any]]:
    """make_members(n, **traits) -> n members of Riverside (North branch)."""

    def make(count: int, **kwargs: Any) -> list[Any]:
        return [
            MemberFactory(constituency=world.riverside, branch=world.north, **kwargs)
            for _ in range(count)
        ]

    return make
