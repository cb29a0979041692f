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
    row = _token_with_user(digest(token))
    if row is None or not row.is_usable or not row.user.is_active:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


def _token_with_user(token_hash: str) -> Any | None:
    """The token with this digest and its user (every field), in one plain-SQL read, as
    ``ApiToken.objects.select_related("user").get(token_hash=...)`` would give them.

    Plain SQL because every API request signed with a token starts here (at a live vote, 2,000
    in a minute), and building the ORM query costs more than running it; the tests compare the
    two."""
    from django.db import connection

    from moot.accounts.models import ApiToken, User
    from moot.rows import field_names, instance_from_row, select_list

    token_fields = ["id", "user_id", "name", "prefix", "last_used_at", "expires_at", "revoked_at"]
    user_fields = field_names(User)
    sql = (
        f"SELECT {select_list(ApiToken, 't', token_fields)}, {select_list(User, 'u')} "  # noqa: S608 - names from the models
        f"FROM {ApiToken._meta.db_table} t JOIN {User._meta.db_table} u ON u.id = t.user_id "
        "WHERE t.token_hash = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [token_hash])
        found = cursor.fetchone()
    if found is None:
        return None
    data = dict(zip(token_fields, found, strict=False))
    row = instance_from_row(ApiToken, {**data, "token_hash": token_hash})
    row.user = instance_from_row(
        User, dict(zip(user_fields, found[len(token_fields) :], strict=True))
    )
    return row
