"""Fetch-and-authorise for accounts (moot.access): a personal API token is its owner's alone,
so another user's token is answered as one that does not exist."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from moot.accounts.models import ApiToken
from moot.ids import parse_id


def access_api_token(token_id: Any, user: Any) -> ApiToken:
    """One of the user's own API tokens; any other id, existing or not, is the same 404."""
    token = ApiToken.objects.filter(pk=parse_id(token_id), user_id=user.pk).first()
    if token is None:
        raise Http404("No such token.")
    return token
