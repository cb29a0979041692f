"""The refusals of the polls app."""

from __future__ import annotations


class PollError(ValueError):
    """A refusal a person can act on: the message says why, ``clause`` which rule."""

    def __init__(
        self, message: str, *, clause: str = "", field: str | None = None, code: str = "invalid"
    ) -> None:
        self.message = message
        self.clause = clause
        self.field = field
        # "invalid" (fix the input), "state" (not open / closed), "ineligible", "not_yours",
        # "already_voted": lets the API answer 400, 409 or 403.
        self.code = code
        super().__init__(message)

    def __str__(self) -> str:
        return f"{self.message} (rule {self.clause})" if self.clause else self.message
