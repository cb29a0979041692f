"""Fetch an election or a nomination and authorise the user in one step (404 when it does not
exist, 403 when the user may not do what they ask)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from moot.elections.models import Election, Nomination


def access_election(election_id: int, user: Any, *, for_write: bool = False) -> Election:
    """The election, if the user may see it (``for_write``: manage it — paper nominations,
    open and close the vote, declare the result)."""
    election = (
        Election.objects.select_related("post__unit", "unit", "meeting", "agenda_item", "poll")
        .filter(pk=election_id)
        .first()
    )
    if election is None:
        raise Http404("No such election.")
    if for_write:
        if not user.has_perm("elections.manage_election", election):
            raise PermissionDenied(
                "Only the returning officer, the chair or the secretary can do this."
            )
    elif not user.has_perm("elections.view_election", election):
        raise PermissionDenied("You may not see this election.")
    return election


def access_nomination(nomination_id: int, user: Any) -> Nomination:
    """A nomination, if the user may see its election."""
    nomination = (
        Nomination.objects.select_related(
            "election__post__unit",
            "election__unit",
            "election__meeting",
            "nominee",
            "partner",
            "nominator",
            "seconder",
        )
        .filter(pk=nomination_id)
        .first()
    )
    if nomination is None:
        raise Http404("No such nomination.")
    if not user.has_perm("elections.view_election", nomination.election):
        raise PermissionDenied("You may not see this election.")
    return nomination
