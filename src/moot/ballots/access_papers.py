"""Who may open the discrepancies of returned papers (review 5, finding 2).

A discrepancy is resolved by a third person with the paper in hand: a teller who keyed neither
keying, or the scrutineer. Never the returning officer: they may download the print files, which
pair each paper number with a member's name, so letting them read a paper by its number would
let them read a member's vote. The action (``do_resolve_paper``) checks the person again."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from moot.ballots.access import access_ballot_role
from moot.ballots.models import Ballot

__all__ = ["RESOLVERS_ONLY", "access_resolver"]

RESOLVERS_ONLY = (
    "Only a teller who keyed neither keying, or the scrutineer, resolves a discrepancy: the "
    "returning officer, who may download the print files that pair numbers with names, does not."
)


def access_resolver(ballot_id: Any, user: Any) -> Ballot:
    """The ballot, for a teller or a scrutiniser of it; 403 for its returning officer."""
    try:
        ballot = access_ballot_role(ballot_id, user, "tell")
    except PermissionDenied:
        return access_ballot_role(ballot_id, user, "scrutinise")
    if ballot.returning_officer_id is not None and ballot.returning_officer_id == user.pk:
        raise PermissionDenied(RESOLVERS_ONLY)
    return ballot
