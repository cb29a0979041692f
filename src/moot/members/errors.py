"""Errors that actions raise for people to act on (shown by forms, pages and the API)."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class ActionError(ValidationError):
    """An action was refused. ``message`` says why and how to fix it; ``clause`` names the
    rulebook clause when a rule refused it (empty otherwise)."""

    def __init__(self, message: str, *, clause: str = "", code: str = "refused") -> None:
        text = f"{message} (clause {clause})" if clause and clause not in message else message
        super().__init__(text, code=code)
        self.clause = clause
        self.text = text

    def __str__(self) -> str:
        return self.text
