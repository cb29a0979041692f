from __future__ import annotations

import pytest
from django.test import Client

from accounts.world import World
from moot.accounts.actions import do_create_api_token


@pytest.fixture
def api_as(world: World):
    """api_as("secretary") -> a client calling the API with a personal API token of that role's
    account (``as_role`` in tests/pages signs a browser session in instead)."""

    def make(role: str) -> Client:
        user = world.users[role]
        _row, secret = do_create_api_token(user, name="tests", acting_user=user)
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    return make
