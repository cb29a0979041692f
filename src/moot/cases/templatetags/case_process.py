"""Template filters of the case process's party section."""

from __future__ import annotations

from typing import Any

from django import template

from moot.cases.crypto import open_text

register = template.Library()


@register.filter
def message_text(communication: Any) -> str:
    """The text of a communication to the party viewing their own case (the page's read was
    logged by ``access_party_case``/the receipt session before any of it is shown)."""
    return open_text(communication, "body_enc")
