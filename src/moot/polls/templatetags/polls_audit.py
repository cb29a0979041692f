"""The closing event printed under a poll's result (a copy of the audit chain's head kept
outside moot; docs/audit.md), found under today's verb or the one it had before."""

from __future__ import annotations

from typing import Any

from django import template

from moot.audit.queries import sealing_event
from moot.polls.audit_verbs import LEGACY_VERBS, AuditVerb

register = template.Library()


@register.inclusion_tag("audit/_seal.html")
def poll_close_seal(poll: Any, plain: bool = False) -> dict[str, Any]:
    """``plain=True`` for PDFs: text without links or markup classes."""
    event = sealing_event(poll, AuditVerb.CLOSE_POLL) or sealing_event(
        poll, LEGACY_VERBS[AuditVerb.CLOSE_POLL]
    )
    return {"event": event, "plain": plain}
