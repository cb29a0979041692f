"""Secrets handed to people (API tokens, invitation links): generated here, stored only as
SHA-256 digests. The tokens carry 256 random bits, so a plain digest is enough: there is
nothing to brute-force, and lookup by digest does not leak timing about the secret."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.utils import timezone

API_TOKEN_PREFIX = "moot_"  # noqa: S105 - a public marker, not a secret
# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def new_api_token() -> str:
    return API_TOKEN_PREFIX + new_secret()


def user_for_token(token: str) -> Any | None:
    """The active user owning the usable API token ``token``, else None."""
    from moot.accounts.models import ApiToken

    token = token.strip()
    if not token.startswith(API_TOKEN_PREFIX) or len(token) > 100:
        return None
    try:
        row = ApiToken.objects.select_related("user").get(token_hash=digest(token))
    except ApiToken.DoesNotExist:
        return None
    if not row.is_usable or not row.user.is_active:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user
