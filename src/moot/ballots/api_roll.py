"""The API of the roll and credentials: freeze, issue, the roll's counts, one entry by number,
a reissue, and the caller's own entitlement (with their Merkle path). Never a credential."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from moot.accounts.api_auth import API_AUTH
from moot.api_common import Message
from moot.api_common import caller as _user
from moot.ballots import queries_roll
from moot.ballots.access import access_ballot, access_ballot_role
from moot.ballots.actions.roll import (
    do_freeze_ballot,
    do_issue_ballot,
    do_reissue_credential,
    do_request_my_reissue,
)
from moot.ballots.models import Ballot, RollEntry

router = Router(tags=["ballots"], auth=API_AUTH)

REFUSALS: dict[int, Any] = {403: Message, 404: Message, 409: Message, 422: Message, 429: Message}


class RollStateOut(Schema):
    id: int
    state: str
    definition_hash: str
    roll_commitment: dict[str, Any] | None


class RefusalCountOut(Schema):
    reason: str
    clause: str
    members: int


class UnitCountOut(Schema):
    unit_id: int
    name: str
    eligible: int
    refused: int
    post: int


class RollSummaryOut(Schema):
    assessed: int
    eligible: int
    refused: int
    online: int
    post: int
    credentials: int
    papers: int
    reissued: int
    refusals: list[RefusalCountOut]
    units: list[UnitCountOut]
    commitment: dict[str, Any]


class EntryOut(Schema):
    member_number: str
    unit: str
    eligible: bool
    reason: str
    clause: str
    channel: str
    channel_reason: str
    credential_issued: bool
    serial: int


class ProofStep(Schema):
    side: str
    node: str


class MyEntitlementOut(Schema):
    on_roll: bool
    entry: EntryOut | None
    salt: str = ""
    leaf_text: str = ""
    leaf: str = ""
    path: list[ProofStep] = []
    root: str = ""


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


class ReissueIn(StrictIn):
    number: str = Field(max_length=20, description="The member's number")
    channel: Literal["online", "post"]
    reason: str = Field(min_length=1, max_length=200)


class MyReissueIn(StrictIn):
    channel: Literal["online", "post"]


def _state(ballot: Ballot) -> dict[str, Any]:
    return {
        "id": ballot.pk,
        "state": ballot.state,
        "definition_hash": ballot.definition_hash,
        "roll_commitment": ballot.roll_commitment,
    }


def _entry(entry: RollEntry) -> dict[str, Any]:
    return {
        "member_number": entry.member.number,
        "unit": entry.unit.name,
        "eligible": entry.eligible,
        "reason": entry.reason,
        "clause": entry.clause,
        "channel": entry.channel if entry.eligible else "",
        "channel_reason": entry.channel_reason if entry.eligible else "",
        "credential_issued": bool(entry.credential_hash),
        "serial": entry.serial,
    }


@router.post(
    "/{ballot_id}/freeze",
    response={200: RollStateOut, **REFUSALS},
    summary="Freeze a ballot's definition and roll",
)
def roll_freeze(request: HttpRequest, ballot_id: int) -> dict[str, Any]:
    user = _user(request)
    access_ballot(ballot_id, user, for_write=True)
    return _state(do_freeze_ballot(ballot_id, acting_user=user))


@router.post(
    "/{ballot_id}/issue",
    response={200: RollStateOut, **REFUSALS},
    summary="Issue a frozen ballot: credentials, papers, invitations",
)
def roll_issue(request: HttpRequest, ballot_id: int) -> dict[str, Any]:
    user = _user(request)
    access_ballot(ballot_id, user, for_write=True)
    return _state(do_issue_ballot(ballot_id, acting_user=user))


@router.get(
    "/{ballot_id}/roll",
    response={200: RollSummaryOut, **REFUSALS},
    summary="The roll's counts (returning officer, callers, scrutineer, auditor)",
)
def roll_summary(request: HttpRequest, ballot_id: int) -> dict[str, Any]:
    ballot = access_ballot_role(ballot_id, _user(request), "oversee")
    return queries_roll.roll_summary(ballot)


@router.get(
    "/{ballot_id}/roll/{number}",
    response={200: EntryOut, **REFUSALS},
    summary="One member's roll entry, by membership number (counted look-ups)",
)
def roll_entry(request: HttpRequest, ballot_id: int, number: str) -> dict[str, Any]:
    ballot = access_ballot_role(ballot_id, _user(request), "oversee")
    return _entry(queries_roll.entry_by_number(ballot, number[:20]))


@router.post(
    "/{ballot_id}/reissue",
    response={200: EntryOut, **REFUSALS},
    summary="Reissue a member's credential (the old one and its paper are revoked)",
)
def roll_reissue(request: HttpRequest, ballot_id: int, payload: ReissueIn) -> dict[str, Any]:
    user = _user(request)
    ballot = access_ballot(ballot_id, user, for_write=True)
    entry = queries_roll.entry_by_number(ballot, payload.number)
    return _entry(
        do_reissue_credential(
            entry.pk, channel=payload.channel, reason=payload.reason, acting_user=user
        )
    )


@router.get(
    "/{ballot_id}/my",
    response={200: MyEntitlementOut, **REFUSALS},
    summary="Your own entitlement in a ballot and your place in the roll commitment",
)
def roll_my(request: HttpRequest, ballot_id: int) -> dict[str, Any]:
    from moot.ballots.roll import member_proof

    user = _user(request)
    ballot = access_ballot(ballot_id, user)
    entry = queries_roll.entry_of_user(ballot, user)
    if entry is None:
        return {"on_roll": False, "entry": None}
    out: dict[str, Any] = {"on_roll": True, "entry": _entry(entry)}
    proof = member_proof(ballot, entry)
    if proof:
        out.update(
            salt=proof["salt"],
            leaf_text=proof["text"],
            leaf=proof["leaf"],
            path=[{"side": side, "node": node} for side, node in proof["path"]],
            root=proof["root"],
        )
    return out


@router.post(
    "/{ballot_id}/my/reissue",
    response={200: EntryOut, **REFUSALS},
    summary="Ask for your own credential again (a few times a day)",
)
def roll_my_reissue(request: HttpRequest, ballot_id: int, payload: MyReissueIn) -> dict[str, Any]:
    user = _user(request)
    access_ballot(ballot_id, user)
    return _entry(do_request_my_reissue(ballot_id, channel=payload.channel, acting_user=user))
