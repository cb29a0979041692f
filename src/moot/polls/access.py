"""Fetch a poll and authorise the user in one step (404 when it does not exist, 403 when the
user may not do what they ask)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from moot.polls.models import Poll


def access_poll(poll_id: int, user: Any, *, for_write: bool = False) -> Poll:
    """The poll, if the user may see it (``for_write``: manage it: open, close, tellers)."""
    poll = Poll.objects.select_related("unit").filter(pk=poll_id).first()
    if poll is None:
        raise Http404("No such poll.")
    if for_write:
        if not user.has_perm("polls.manage_poll", poll):
            raise PermissionDenied(
                "Only the chair, the secretary or the returning officer can do this."
            )
    elif not user.has_perm("polls.view_poll", poll):
        raise PermissionDenied("You may not see this poll.")
    return poll
