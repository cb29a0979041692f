"""Reading a database id from text that a person, a URL or an API client supplied."""

from __future__ import annotations

MAX_ID_DIGITS = 18  # every 18-digit number fits a 64-bit key


def parse_id(value: object) -> int | None:
    """The id written in ``value`` (ASCII digits only, surrounding spaces ignored), else None.

    ``str.isdigit()`` alone is not enough: it is true for "¹", which ``int()`` refuses, and for
    "١" (Arabic-Indic one), which ``int()`` reads as 1; and a number too long for the key makes
    the database raise instead of finding nothing."""
    text = str(value).strip() if value is not None else ""
    if text.isascii() and text.isdigit() and len(text) <= MAX_ID_DIGITS:
        return int(text)
    return None
