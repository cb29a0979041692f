"""Fetch an election or a nomination and authorise the user in one step (moot.access): 404 when
it does not exist or the user may not see it (the same answer), 403 when they may see it but not
do what they ask."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from moot.access import authorise
from moot.elections.models import Election, Nomination
from moot.ids import parse_id

MANAGE_REFUSED = "Only the returning officer, the chair or the secretary can do this."
CREATE_REFUSED = "Only the chair, the secretary or national staff can set up an election."


def access_election(election_id: Any, user: Any, *, for_write: bool = False) -> Election:
    """The election, if the user may see it (``for_write``: manage it — paper nominations,
    open and close the vote, declare the result)."""
    election = (
        Election.objects.select_related("post__unit", "unit", "meeting", "agenda_item", "poll")
        .filter(pk=parse_id(election_id))
        .first()
    )
    return authorise(
        election,
        user,
        view="elections.view_election",
        missing="No such election.",
        permission="elections.manage_election" if for_write else None,
        refused=MANAGE_REFUSED,
    )


def access_nomination(nomination_id: Any, user: Any, *, for_write: bool = False) -> Nomination:
    """A nomination, if the user may see its election (``for_write``: manage the election)."""
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
        .filter(pk=parse_id(nomination_id))
        .first()
    )
    if nomination is None:
        raise Http404("No such nomination.")
    authorise(
        nomination.election,
        user,
        view="elections.view_election",
        missing="No such nomination.",
        permission="elections.manage_election" if for_write else None,
        refused=MANAGE_REFUSED,
    )
    return nomination


def access_post_for_election(post_id: Any, user: Any) -> Any:
    """The post an election would fill: 404 when there is no such post or the user may not see
    its unit, 403 when they may see it but not set up elections there."""
    from moot.units.access import access_post

    post = access_post(post_id, user)
    _check_may_set_up(post.unit, user)
    return post


def access_unit_for_elections(unit_id: Any, user: Any) -> Any:
    """The unit where the user would set up an election: 404 when there is no such unit or the
    user may not see it, 403 when they may see it but not set up elections there."""
    from moot.units.access import access_unit

    unit = access_unit(unit_id, user)
    _check_may_set_up(unit, user)
    return unit


def _check_may_set_up(unit: Any, user: Any) -> None:
    if not user.has_perm("elections.manage_election", unit):
        raise PermissionDenied(CREATE_REFUSED)
