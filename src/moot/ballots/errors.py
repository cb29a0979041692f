"""Refusals of the ballots app: what a person can act on (shown by forms, pages and the API)."""

from __future__ import annotations

from moot.errors import Refusal, RefusalCode

__all__ = ["BallotError", "RefusalCode"]


class BallotError(Refusal):
    """A ballots action was refused: a :class:`moot.errors.Refusal` (message, clause, field and
    a RefusalCode that fixes the API's status), kept as its own class so that pages can catch
    this app's refusals alone."""
