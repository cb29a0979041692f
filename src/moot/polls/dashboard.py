"""The dashboard panel "Votes open to you": open polls the signed-in member may vote in and has
not voted in yet, with a link to each ballot."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from moot.polls.models import Participation, Poll, PollState, Voting
from moot.polls.permissions import member_of
from moot.polls.queries import voter_standing


def open_votes_panel(request: HttpRequest) -> dict[str, Any] | None:
    member = member_of(request.user)
    if member is None:
        return None
    voted = Participation.objects.filter(member=member).values("poll_id")
    candidates = (
        Poll.objects.filter(state=PollState.OPEN, voting=Voting.ELECTRONIC)
        .exclude(pk__in=voted)
        .order_by("-opened_at")[:20]
    )
    polls = [poll for poll in candidates if voter_standing(poll, member).allowed]
    if not polls:
        return None
    return {"title": "Votes open to you", "template": "polls/_dashboard_panel.html", "polls": polls}
