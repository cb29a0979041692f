"""Polls in the JSON API: list, detail, open, close, cast, result.

Casting is always the caller's own vote: the member is the authenticated account's member
record (browser session with CSRF, or the caller's personal API token); there is no field for
"on behalf of"."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from moot.accounts.api_auth import API_AUTH
from moot.api_common import Message
from moot.api_common import caller as _user
from moot.polls import queries
from moot.polls.access import access_poll
from moot.polls.actions import do_cast_ballot, do_close_poll, do_open_poll
from moot.polls.errors import PollError
from moot.polls.hooks import option_details
from moot.polls.models import Poll

# A personal API token or the browser session (with CSRF), as everywhere in the API.
router = Router(tags=["polls"], auth=API_AUTH)


class OptionOut(Schema):
    id: int
    label: str
    order: int
    code: str
    statement: str = Field(
        description="What the voter may read about this option on the ballot, as plain text "
        "(for an election, the candidate's own statement); an empty string when there is none.",
    )


class TurnoutOut(Schema):
    voted: int
    eligible: int


class PollOut(Schema):
    id: int
    title: str
    question: str
    kind: str
    method: str
    seats: int
    secret: bool
    voting: str
    state: str
    majority: str
    majority_basis: str
    opened_at: str | None
    closed_at: str | None
    options: list[OptionOut]
    turnout: TurnoutOut
    ballot: str  # what a cast takes: yes_no, single, multi, ranked


def _poll_out(poll: Poll) -> dict[str, Any]:
    turnout = queries.turnout(poll)
    details = option_details(poll)
    return {
        "id": poll.pk,
        "title": poll.title,
        "question": poll.question,
        "kind": poll.kind,
        "method": poll.method,
        "seats": poll.seats,
        "secret": poll.secret,
        "voting": poll.voting,
        "state": poll.state,
        "majority": poll.majority,
        "majority_basis": poll.majority_basis,
        "opened_at": poll.opened_at.isoformat() if poll.opened_at else None,
        "closed_at": poll.closed_at.isoformat() if poll.closed_at else None,
        "options": [
            {
                "id": o.pk,
                "label": o.label,
                "order": o.order,
                "code": o.code,
                "statement": details[o.pk].statement if o.pk in details else "",
            }
            for o in poll.options.all()
        ],
        "turnout": {"voted": turnout.voted, "eligible": turnout.eligible},
        "ballot": queries.ballot_kind(poll.method),
    }


class CastIn(Schema):
    """yes/no: "yes", "no" or "abstain"; single choice: an option id; multiple choice: a list
    of option ids; ranked: option ids most preferred first, or {option id: rank}."""

    choice: int | str | list[int] | dict[str, int]


# Answers other than success, each a Message (moot.api.errors answers every refusal): 403 not
# allowed, 404 no such poll (or one you may not see), 409 the poll's state does not allow it (or
# you have voted), 422 a malformed body, a bad choice or a vote the rulebook refuses you (with
# the clause).
REFUSALS: dict[int, Any] = {403: Message, 404: Message, 409: Message, 422: Message}


@router.get("/", response=list[PollOut], summary="Polls you can see")
def list_polls(request: HttpRequest) -> list[dict[str, Any]]:
    return [_poll_out(poll) for poll in queries.polls_visible_to(_user(request))]


@router.get(
    "/{poll_id}",
    response={200: PollOut, 403: Message, 404: Message, 422: Message},
    summary="One poll with its options and turnout",
)
def get_poll(request: HttpRequest, poll_id: int) -> dict[str, Any]:
    return _poll_out(access_poll(poll_id, _user(request)))


@router.post(
    "/{poll_id}/open", response={200: PollOut, **REFUSALS}, summary="Open a draft poll (managers)"
)
def open_poll(request: HttpRequest, poll_id: int) -> dict[str, Any]:
    poll = access_poll(poll_id, _user(request), for_write=True)
    poll = do_open_poll(poll, acting_user=_user(request))
    return _poll_out(poll)


@router.post(
    "/{poll_id}/close",
    response={200: PollOut, **REFUSALS},
    summary="Close and count a poll (managers)",
)
def close_poll(request: HttpRequest, poll_id: int) -> dict[str, Any]:
    poll = access_poll(poll_id, _user(request), for_write=True)
    poll = do_close_poll(poll, acting_user=_user(request))
    return _poll_out(poll)


@router.post(
    "/{poll_id}/cast",
    response={201: Message, **REFUSALS},
    summary="Cast your own vote",
    description="Always the authenticated member's own vote. 409 when you have already voted "
    "or the poll is not open, 422 for a bad choice or when the rulebook does not let you vote "
    "(with the clause), 403 for someone else's vote.",
)
def cast(request: HttpRequest, poll_id: int, payload: CastIn) -> Status:
    user = _user(request)
    # No view-permission check here: do_cast_ballot's eligibility test (present and eligible,
    # or in the frozen electorate) is the stricter rule, and this is the hot path of a vote.
    poll = queries.poll_for_cast(poll_id)
    if poll is None:
        raise Http404("No such poll.")
    member = queries.voter_for_user(user.pk)  # with the status and edition for the cast
    try:
        do_cast_ballot(poll, member, payload.choice, acting_user=user)
    except PollError:
        # A poll the caller may not see is answered as one that does not exist, refusal or not
        # (moot.access); asked only once the cast is refused, so a vote reads nothing more.
        access_poll(poll_id, user)
        raise
    return Status(201, {"detail": "Your vote has been recorded."})


@router.get(
    "/{poll_id}/result",
    response={200: dict[str, Any], 403: Message, 404: Message, 422: Message},
    summary="The result of a closed poll",
    description="403 until the poll closes: results are hidden while voting is open.",
)
def result(request: HttpRequest, poll_id: int) -> dict[str, Any]:
    poll = access_poll(poll_id, _user(request))
    return queries.result_for(poll, _user(request))
