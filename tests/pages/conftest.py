from __future__ import annotations

import pytest
from django.test import Client

from accounts.world import World


@pytest.fixture
def as_role(world: World):
    """as_role("secretary") -> a test Client with a session signed in as that role of the world
    (``api_as`` in tests/api calls the API with the role's token instead)."""

    def client_for(role: str) -> Client:
        client = Client()
        client.force_login(world.users[role])
        return client

    return client_for
