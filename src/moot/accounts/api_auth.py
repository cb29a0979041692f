"""How the API knows who is calling: a personal API token (``Authorization: Bearer <token>``)
or the browser session (with CSRF on unsafe methods, ninja's ``SessionAuth``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from moot.accounts.tokens import user_for_token


class TokenAuth(HttpBearer):
    """A personal API token. The matching user becomes ``request.user`` too, so permission
    checks and actions see the same account whichever way the caller signed in."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


token_auth = TokenAuth()
session_auth = SessionAuth(csrf=True)

# Tried in order: a request carrying a bearer token never falls back to its cookies.
API_AUTH: list[Any] = [token_auth, session_auth]
