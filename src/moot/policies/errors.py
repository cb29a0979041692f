"""Refusals of the policies app: what a person can act on (shown by forms, pages and the API)."""

from __future__ import annotations

from moot.errors import Refusal, RefusalCode

__all__ = ["PolicyError", "RefusalCode"]


class PolicyError(Refusal):
    """A policies action was refused: a :class:`moot.errors.Refusal` (message, clause, field and
    a RefusalCode that fixes the API's status), kept as its own class so that pages can catch
    this app's refusals alone."""
