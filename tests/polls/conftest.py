"""Fixtures for the polls tests: a constituency party, its voters with accounts, a manager."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from factories import MemberFactory, UnitFactory, UserFactory
from moot.polls.actions import do_create_poll, do_open_poll
from moot.polls.models import Poll


@pytest.fixture(autouse=True)
def _poll_keys(settings: Any, tmp_path: Any) -> None:
    """Each test's ballot keys (moot.polls.sealing) in its own directory, not in var/."""
    settings.MOOT_POLL_KEY_DIR = str(tmp_path / "poll-keys")


@pytest.fixture
def unit(db: Any) -> Any:
    return UnitFactory(kind="constituency", name="Riverside & Hollow CLP")


def make_voter(unit: Any, **kwargs: Any) -> Any:
    return MemberFactory(constituency=unit, with_account=True, **kwargs)


@pytest.fixture(name="make_voter")
def make_voter_fixture() -> Callable[..., Any]:
    return make_voter


@pytest.fixture
def voters(unit: Any) -> list[Any]:
    return [make_voter(unit) for _ in range(5)]


@pytest.fixture
def manager(db: Any) -> Any:
    return UserFactory(email="returning.officer@example.org")


@pytest.fixture
def open_poll(unit: Any, voters: list[Any], manager: Any) -> Callable[..., Poll]:
    """open_poll(method="irv", options=[...], secret=True, ...) -> an open poll whose frozen
    electorate is ``voters``."""

    def make(**kwargs: Any) -> Poll:
        kwargs.setdefault("title", "Election of the chair")
        kwargs.setdefault("kind", "election")
        kwargs.setdefault("method", "scottish-stv")
        if kwargs["method"] != "yes-no":
            kwargs.setdefault("options", ["Ada", "Ben", "Cal"])
        poll = do_create_poll(unit=unit, returning_officer=manager, acting_user=manager, **kwargs)
        return do_open_poll(poll, electorate=voters, acting_user=manager)

    return make
