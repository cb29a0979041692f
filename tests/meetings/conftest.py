"""Fixtures for the meetings tests: the permission world (Riverside CLP with its chair and
secretary, a member, a recent joiner, a stranger elsewhere) and an AGM of Riverside today whose
notice went out 30 days ago."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from accounts.world import World
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


@pytest.fixture
def make_quorate(make_members: Callable[..., list[Any]]) -> Callable[[Meeting], list[Any]]:
    """make_quorate(meeting) -> the eligible members of Riverside checked in so that the
    meeting reaches its quorum (votes open only at a quorate meeting)."""
    from moot.meetings.actions import do_check_in
    from moot.meetings.queries import quorum_state

    def make(meeting: Meeting) -> list[Any]:
        added: list[Any] = []
        while (shortfall := quorum_state(meeting).shortfall) > 0:
            for member in make_members(shortfall):
                do_check_in(meeting, member, acting_user=None)
                added.append(member)
        return added

    return make
