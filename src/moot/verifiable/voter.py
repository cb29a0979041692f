"""Who is voting in the booth: the roll entry the invitation's credential put in the session
(issue 11's ``/ballots/<id>/vote/`` and its link: the session holds the entry and the
credential's hash, never the credential), or the signed-in member's own entry. The entry is
checked again under the lock when the ballot is cast."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from moot.ballots import casting, queries_casting
from moot.ballots.errors import BallotError
from moot.ballots.models import Ballot, RollEntry
from moot.ballots.views_casting import SESSION_KEY

__all__ = ["Voter", "voter_for"]


@dataclass(frozen=True)
class Voter:
    """``entry`` the voter's roll entry (None: not identified, ``why`` says so);
    ``acting_user`` the signed-in member when the entry is theirs, None for a credential."""

    entry: RollEntry | None
    acting_user: Any = None
    why: str = ""


def voter_for(request: HttpRequest, ballot: Ballot) -> Voter:
    held = request.session.get(SESSION_KEY, {}).get(str(ballot.pk))
    if held:
        entry = queries_casting.entry_by_id(ballot, held.get("entry"))
        if (
            entry is not None
            and entry.credential_hash
            and entry.credential_hash == held.get("hash")
        ):
            return Voter(entry)
    user = request.user
    if not user.is_authenticated:
        return Voter(
            None,
            why="Follow the link in your invitation, or enter the credential it gives, or sign "
            "in, to vote.",
        )
    try:
        return Voter(casting.entry_for_member(ballot, user), acting_user=user)
    except BallotError as exc:
        return Voter(None, why=str(exc))
