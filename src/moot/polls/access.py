"""Fetch a poll and authorise the user in one step (moot.access): 404 when it does not exist or
the user may not see it (the same answer), 403 when they may see it but not manage it."""

from __future__ import annotations

from typing import Any

from moot.access import authorise
from moot.ids import parse_id
from moot.polls.models import Poll


def access_poll(poll_id: Any, user: Any, *, for_write: bool = False) -> Poll:
    """The poll, if the user may see it (``for_write``: manage it: open, close, tellers)."""
    poll = Poll.objects.select_related("unit").filter(pk=parse_id(poll_id)).first()
    return authorise(
        poll,
        user,
        view="polls.view_poll",
        missing="No such poll.",
        permission="polls.manage_poll" if for_write else None,
        refused="Only the chair, the secretary or the returning officer can do this.",
    )
