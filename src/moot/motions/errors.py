"""Refusals of motions' actions: what a person can act on (shown by forms, pages and the API)."""

from __future__ import annotations

from moot.members.errors import ActionError


class MotionError(ActionError):
    """A motions action was refused (a :class:`moot.errors.Refusal`), kept as its own class so
    that pages can catch these actions' refusals alone."""
