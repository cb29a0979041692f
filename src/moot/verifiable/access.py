"""Fetch a verifiable ballot and authorise the user (moot.access through ballots' access): a
ballot is public, and so are its election.json, its board and its audit-check page; 404 means
there is no such ballot, or it is not run verifiable."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from moot.ballots.access import access_ballot, access_ballot_role
from moot.ballots.models import Ballot
from moot.verifiable.models import Election

__all__ = ["NOT_VERIFIABLE", "access_election", "access_election_role"]

NOT_VERIFIABLE = "This ballot is not run verifiable."


def _election(ballot: Ballot) -> Election:
    election = Election.objects.filter(ballot_id=ballot.pk).first()
    if election is None:
        raise Http404(NOT_VERIFIABLE)
    return election


def access_election(ballot_id: Any, user: Any) -> tuple[Ballot, Election]:
    """The ballot and its verifiable election (anyone may read them)."""
    ballot = access_ballot(ballot_id, user)
    return ballot, _election(ballot)


def access_election_role(ballot_id: Any, user: Any, role: str) -> tuple[Ballot, Election]:
    """The ballot and its election if the user holds ``role`` in the ballot (``manage``,
    ``oversee`` …: ballots' roles); 404 when the ballot is not verifiable, 403 without the
    role."""
    ballot = access_ballot_role(ballot_id, user, role)
    return ballot, _election(ballot)
