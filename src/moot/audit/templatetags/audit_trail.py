"""Template helpers of the audit trail.

``events|shown_to:request.user`` hides what the reader may not see elsewhere (moot.audit.redaction);
``event.verb|verb_label`` names the verb for people (moot.audit.verb_labels);
``{% audit_seal obj "verb" %}`` prints the seq and hash of the event that sealed ``obj`` (a
declaration, a closed poll, approved minutes): the chain's head at that moment, so every printed or
downloaded copy of the result is a copy of the head kept outside moot (docs/audit.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.db.models import Model
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from moot.audit.models import AuditEvent
from moot.audit.queries import sealing_event
from moot.audit.redaction import ShownEvent, shown_to
from moot.audit.verb_labels import verb_label

register = template.Library()


@register.filter(name="shown_to")
def shown_to_filter(events: Iterable[AuditEvent], user: Any) -> list[ShownEvent]:
    return shown_to(events, user)


@register.filter(name="verb_label")
def verb_label_filter(verb: str) -> str:
    """What the verb is called for people ("Member status changed"); moot.audit.verb_labels."""
    return verb_label(verb)


@register.filter(name="breakable")
def breakable(digest: str) -> SafeString:
    """A 64-digit hash with a line-break opportunity (<wbr>) every 16 digits, so it fits a
    phone's width; copying it still gives the digits alone."""
    text = escape(digest)
    return mark_safe("<wbr>".join(text[i : i + 16] for i in range(0, len(text), 16)))  # noqa: S308 - escaped above


@register.inclusion_tag("audit/_seal.html")
def audit_seal(obj: Model, *verbs: str, plain: bool = False) -> dict[str, Any]:
    """The sealing event under one of ``verbs`` (give a renamed verb's old name too, so results
    sealed before the rename keep their head). ``plain=True`` for PDFs: text without links or
    markup classes."""
    return {"event": sealing_event(obj, *verbs), "plain": plain}
