"""The closing event printed under a poll's result (a copy of the audit chain's head kept
outside moot; docs/audit.md), found under today's verb or the one it had before."""

from __future__ import annotations

from typing import Any

from django import template

from moot.audit.queries import sealing_event
from moot.audit.verbs import with_former
from moot.polls.audit_verbs import AuditVerb

register = template.Library()


@register.inclusion_tag("audit/_seal.html")
def poll_close_seal(poll: Any, plain: bool = False) -> dict[str, Any]:
    """``plain=True`` for PDFs: text without links or markup classes."""
    events = (sealing_event(poll, verb) for verb in with_former(AuditVerb.CLOSE_POLL))
    return {"event": next((event for event in events if event is not None), None), "plain": plain}
