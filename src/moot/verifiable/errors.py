"""Refusals of the verifiable app: what a person can act on (shown by pages and the API)."""

from __future__ import annotations

from moot.errors import Refusal, RefusalCode

__all__ = ["RefusalCode", "VerifiableError"]


class VerifiableError(Refusal):
    """A verifiable-ballot action was refused: a :class:`moot.errors.Refusal` (message, clause,
    field, RefusalCode), its own class so pages can catch this app's refusals alone."""
