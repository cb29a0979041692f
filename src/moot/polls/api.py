"""Polls in the JSON API: list, detail, open, close, cast, result.

Casting is always the caller's own vote: the member is the authenticated account's member
record (browser session with CSRF, or the caller's personal API token); there is no field for
"on behalf of"."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from moot.accounts.api_auth import API_AUTH
from moot.api_common import Message
from moot.api_common import caller as _user
from moot.polls import queries
from moot.polls.access import access_poll
from moot.polls.actions import PollError, do_cast_ballot, do_close_poll, do_open_poll
from moot.polls.hooks import option_details
from moot.polls.models import Poll

# A personal API token or the browser session (with CSRF), as everywhere in the API.
router = Router(tags=["polls"], auth=API_AUTH)

STATUS_FOR_CODE = {
    "invalid": 400,
    "state": 409,
    "conflict": 409,
    "ineligible": 403,
    "forbidden": 403,
}


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


# Answers other than success, each {"detail": "..."}: 403 not allowed (with the rule where one
# applies), 404 no such poll, 409 the poll's state does not allow it (or you have voted),
# 422 a malformed id or body.
REFUSALS: dict[int, Any] = {403: Message, 404: Message, 409: Message, 422: Message}


def _access(request: HttpRequest, poll_id: int, *, for_write: bool = False) -> Poll:
    from django.http import Http404

    try:
        return access_poll(poll_id, _user(request), for_write=for_write)
    except Http404 as exc:
        raise HttpError(404, "No such poll.") from exc
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "Not allowed.") from exc


def _refuse(exc: PollError) -> HttpError:
    return HttpError(STATUS_FOR_CODE.get(exc.code, 400), str(exc))


@router.get("/", response=list[PollOut], summary="Polls you can see")
def list_polls(request: HttpRequest) -> list[dict[str, Any]]:
    return [_poll_out(poll) for poll in queries.polls_visible_to(_user(request))]


@router.get(
    "/{poll_id}",
    response={200: PollOut, 403: Message, 404: Message, 422: Message},
    summary="One poll with its options and turnout",
)
def get_poll(request: HttpRequest, poll_id: int) -> dict[str, Any]:
    return _poll_out(_access(request, poll_id))


@router.post(
    "/{poll_id}/open", response={200: PollOut, **REFUSALS}, summary="Open a draft poll (managers)"
)
def open_poll(request: HttpRequest, poll_id: int) -> dict[str, Any]:
    poll = _access(request, poll_id, for_write=True)
    try:
        poll = do_open_poll(poll, acting_user=_user(request))
    except PollError as exc:
        raise _refuse(exc) from exc
    return _poll_out(poll)


@router.post(
    "/{poll_id}/close",
    response={200: PollOut, **REFUSALS},
    summary="Close and count a poll (managers)",
)
def close_poll(request: HttpRequest, poll_id: int) -> dict[str, Any]:
    poll = _access(request, poll_id, for_write=True)
    try:
        poll = do_close_poll(poll, acting_user=_user(request))
    except PollError as exc:
        raise _refuse(exc) from exc
    return _poll_out(poll)


@router.post(
    "/{poll_id}/cast",
    response={201: Message, 400: Message, **REFUSALS},
    summary="Cast your own vote",
    description="Always the authenticated member's own vote. 409 when you have already voted "
    "or the poll is not open, 403 when you may not vote (with the rule), 400 for a bad choice.",
)
def cast(request: HttpRequest, poll_id: int, payload: CastIn) -> Status:
    user = _user(request)
    # No view-permission check here: do_cast_ballot's eligibility test (present and eligible,
    # or in the frozen electorate) is the stricter rule, and this is the hot path of a vote.
    poll = queries.poll_for_cast(poll_id)
    if poll is None:
        raise HttpError(404, "No such poll.")
    member = queries.voter_for_user(user.pk)  # with the status and edition for the cast
    try:
        do_cast_ballot(poll, member, payload.choice, acting_user=user)
    except PollError as exc:
        raise _refuse(exc) from exc
    return Status(201, {"detail": "Your vote has been recorded."})


@router.get(
    "/{poll_id}/result",
    response={200: dict[str, Any], 403: Message, 404: Message, 422: Message},
    summary="The result of a closed poll",
    description="403 until the poll closes: results are hidden while voting is open.",
)
def result(request: HttpRequest, poll_id: int) -> dict[str, Any]:
    poll = _access(request, poll_id)
    try:
        return queries.result_for(poll, _user(request))
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
