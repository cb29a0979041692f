"""Pieces every app's API router shares (kept out of the ``moot.api`` package, which imports
the routers to mount them)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Schema


def caller(request: HttpRequest) -> Any:
    """The account making an API request: the token's user, else the session's."""
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else request.user


class Message(Schema):
    """Every error the API answers (moot.api.errors): what is wrong and how to fix it
    (``detail``), the refusal's code (``invalid``, ``rule``, ``ineligible``, ``forbidden``,
    ``not_found``, ``state``, ``conflict``, ``too_large``, ``rate_limited``; see
    moot.errors.RefusalCode), the rulebook clause and the input to blame where there is one."""

    detail: str
    code: str = ""
    clause: str = ""
    field: str = ""
