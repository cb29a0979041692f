"""The one error the rulebook raises: it names the file, the key path and the fix."""

from __future__ import annotations


class RulebookError(ValueError):
    """An invalid edition, or a question the edition cannot answer.

    ``str(error)`` reads "<source>: <key path>: <what is wrong and how to fix it>", e.g.
    ``party.toml: meetings.agm.notice_days_members: expected a whole number of days, got
    "two weeks"; write a number such as 14``. A ValueError, so callers that report bad input
    (forms, the API) catch it with the rest.
    """

    def __init__(self, message: str, *, source: str = "", path: str = "") -> None:
        self.message = message
        self.source = source
        self.path = path
        super().__init__(": ".join(part for part in (source, path, message) if part))
