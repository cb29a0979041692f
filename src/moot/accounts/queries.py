"""Reads for the accounts pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from moot.accounts.models import ApiToken


def api_tokens_of(user: Any) -> QuerySet[ApiToken]:
    """The user's API tokens, live ones first, newest first."""
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")
