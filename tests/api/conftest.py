from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.world import World, build_world
from moot.accounts.actions import do_create_api_token


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


@pytest.fixture
def as_role(world: World):
    """A client calling the API with a personal API token of the given role's account."""

    def make(role: str) -> Client:
        user = world.users[role]
        _row, secret = do_create_api_token(user, name="tests", acting_user=user)
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    return make
