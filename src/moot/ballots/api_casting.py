"""The API of casting, papers and turnout (issue 11, items 7, 8 and 11): the same actions as the
pages; refusals are raised (``moot.api.errors`` answers them with their clause and field).

A vote with a credential needs no account (``auth=None``: the credential is the authority);
a signed-in member votes for their own roll entry; tellers key papers; turnout is public.
An answer never says what was voted."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from moot.accounts.api_auth import API_AUTH
from moot.api_common import Message
from moot.api_common import caller as _user
from moot.ballots import casting, paper_reasons
from moot.ballots.access import access_ballot, access_ballot_role
from moot.ballots.access_papers import access_resolver
from moot.ballots.actions.casting import do_cast_online, do_key_paper, do_resolve_paper
from moot.ballots.credential_pacing import entry_paced
from moot.ballots.turnout import turnout_of
from moot.text import Text

router = Router(tags=["ballots"], auth=API_AUTH)

REFUSALS: dict[int, Any] = {403: Message, 404: Message, 409: Message, 422: Message}
Choice = list[int] | list[str] | str | None


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


class BallotCastIn(StrictIn):
    choice: Choice = Field(
        description="An election: candidate ids, most preferred first (crosses: any order). "
        "A question: 'yes', 'no' or null (blank)."
    )


class CredentialCastIn(BallotCastIn):
    credential: Annotated[str, Text(max_length=40)] = Field(min_length=1)


class CastOut(Schema):
    received: bool
    replaced: bool


SPOILT_HELP = (
    "Why the paper is spoilt (required if spoilt), one of: "
    + ", ".join(paper_reasons.SPOILT_REASONS)
    + ". Free text is refused (422): nothing describing a paper's marks is recorded."
)
RESOLUTION_HELP = (
    "Why the keyings differed, one of: "
    + ", ".join(paper_reasons.RESOLUTION_REASONS)
    + ". Free text is refused (422)."
)


class KeyIn(StrictIn):
    paper_number: int = Field(ge=1)
    check_code: Annotated[str, Text(max_length=10)] = ""
    choice: Choice = None
    spoilt: bool = False
    spoilt_reason: Annotated[str, Text(max_length=40)] = Field(default="", description=SPOILT_HELP)


class ResolveIn(StrictIn):
    paper_number: int = Field(ge=1)
    choice: Choice = None
    spoilt: bool = False
    spoilt_reason: Annotated[str, Text(max_length=40)] = Field(default="", description=SPOILT_HELP)
    reason: Annotated[str, Text(max_length=40)] = Field(min_length=1, description=RESOLUTION_HELP)


class KeyingOut(Schema):
    paper_number: int
    outcome: str
    reason: str
    message: str


class CellOut(Schema):
    region: str
    electorate: int
    voted: int | None
    shown: str


class BallotTurnoutOut(Schema):
    min_cell: int
    clause: str
    electorate: int
    voted: int | None
    voted_shown: str
    regions: list[CellOut]
    other_regions: CellOut | None


def _keying(result: Any) -> dict[str, Any]:
    return {
        "paper_number": result.paper_number,
        "outcome": result.outcome,
        "reason": result.reason,
        "message": result.message,
    }


@router.post(
    "/{ballot_id}/cast",
    response={201: CastOut, **REFUSALS},
    auth=None,
    summary="Vote with the credential from the invitation (no account needed)",
)
def casting_cast_with_credential(
    request: HttpRequest, ballot_id: int, payload: CredentialCastIn
) -> Status:
    ballot = access_ballot(ballot_id, request.user)
    casting.check_open_for_returns(ballot)  # a closed ballot says so before the credential
    entry = entry_paced(ballot, request, payload.credential)
    placed = do_cast_online(ballot, entry, payload.choice)
    return Status(201, {"received": True, "replaced": placed.replaced})


@router.post(
    "/{ballot_id}/cast/mine",
    response={201: CastOut, **REFUSALS},
    summary="Vote as the signed-in member, for their own roll entry",
)
def casting_cast_own(request: HttpRequest, ballot_id: int, payload: BallotCastIn) -> Status:
    user = _user(request)
    ballot = access_ballot(ballot_id, user)
    casting.check_open_for_returns(ballot)
    entry = casting.entry_for_member(ballot, user)
    placed = do_cast_online(ballot, entry, payload.choice, acting_user=user)
    return Status(201, {"received": True, "replaced": placed.replaced})


@router.post(
    "/{ballot_id}/papers/keyings",
    response={201: KeyingOut, **REFUSALS},
    summary="Key a returned paper (a teller; a second teller keys it independently)",
)
def casting_key_paper(request: HttpRequest, ballot_id: int, payload: KeyIn) -> Status:
    user = _user(request)
    ballot = access_ballot_role(ballot_id, user, "tell")
    result = do_key_paper(
        ballot,
        payload.paper_number,
        payload.check_code,
        payload.choice,
        spoilt=payload.spoilt,
        spoilt_reason=payload.spoilt_reason,
        acting_user=user,
    )
    return Status(201, _keying(result))


@router.post(
    "/{ballot_id}/papers/resolutions",
    response={201: KeyingOut, **REFUSALS},
    summary="Resolve a paper whose keyings differ (a teller who keyed neither, or the scrutineer)",
)
def casting_resolve_paper(request: HttpRequest, ballot_id: int, payload: ResolveIn) -> Status:
    user = _user(request)
    ballot = access_resolver(ballot_id, user)
    result = do_resolve_paper(
        ballot,
        payload.paper_number,
        payload.choice,
        spoilt=payload.spoilt,
        spoilt_reason=payload.spoilt_reason,
        reason=payload.reason,
        acting_user=user,
    )
    return Status(201, _keying(result))


@router.get(
    "/{ballot_id}/turnout",
    response={200: BallotTurnoutOut, 404: Message, 422: Message},
    auth=None,
    summary="Live turnout per region (figures under the rulebook's minimum hidden)",
)
def casting_turnout(request: HttpRequest, ballot_id: int) -> dict[str, Any]:
    ballot = access_ballot(ballot_id, request.user)
    return turnout_of(ballot).as_dict()
