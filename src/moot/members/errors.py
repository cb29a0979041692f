"""Refusals of the members, units and accounts actions (shown by forms, pages and the API)."""

from __future__ import annotations

from moot.errors import Refusal, RefusalCode

__all__ = ["ActionError", "RefusalCode"]


class ActionError(Refusal):
    """A members, units or accounts action was refused: a :class:`moot.errors.Refusal`, kept as
    its own class so that pages (and ``MotionError``) can catch these actions' refusals alone."""
