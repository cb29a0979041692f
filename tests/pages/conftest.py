from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.world import World, build_world


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


@pytest.fixture
def as_role(world: World):
    """as_role("secretary") -> a test Client signed in as that role of the world."""

    def client_for(role: str) -> Client:
        client = Client()
        client.force_login(world.users[role])
        return client

    return client_for
