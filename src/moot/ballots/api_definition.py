"""The API of a ballot's definition and officers: the list of ballots, a ballot with its
canonical definition (``definition.json``), its versions, calling a ballot from a rulebook
preset, editing the definition while it is a draft, and appointing its officers.

Refusals: 422 with ``detail``, ``clause`` and ``field`` (the rulebook or the input), 409 when the
definition is frozen or a person already holds a conflicting role, 403 when the caller may not,
404 when there is no such ballot."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from moot.accounts.api_auth import API_AUTH
from moot.api_common import Message
from moot.api_common import caller as _user
from moot.ballots import queries
from moot.ballots.access import access_ballot, access_ballot_role, access_unit_to_call
from moot.ballots.actions.definition import (
    do_create_ballot,
    do_edit_ballot,
    edition,
    spec_from_preset,
)
from moot.ballots.actions.officers import (
    do_appoint_returning_officer,
    do_appoint_scrutineer,
    do_appoint_teller,
    do_remove_teller,
)
from moot.ballots.definition import definition_of
from moot.ballots.errors import BallotError, RefusalCode
from moot.ballots.models import Ballot
from moot.text import Text

router = Router(tags=["ballots"], auth=API_AUTH)

REFUSALS: dict[int, Any] = {403: Message, 404: Message, 409: Message, 422: Message}


class BallotOut(Schema):
    id: int
    title: str
    unit_id: int
    unit: str
    kind: str
    state: str
    version: int
    definition_hash: str
    close_at: datetime.datetime | None


class BallotDetailOut(BallotOut):
    returning_officer: str
    scrutineer: str
    definition: dict[str, Any]


class BallotVersionOut(Schema):
    version: int
    sha256: str
    created_at: datetime.datetime
    definition: dict[str, Any]


class OfficersOut(Schema):
    returning_officer: str
    scrutineer: str
    tellers: list[str]


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


class CreateIn(StrictIn):
    unit_id: int
    preset: str = Field(max_length=60, description="A preset of the rulebook's [ballots.presets]")
    title: Annotated[str, Text(200)] = ""
    position: Annotated[str, Text(200)] = ""
    question: Annotated[str, Text(4000, single_line=False)] = ""


class BallotEditIn(StrictIn):
    """Only the values to change; the rest stay as they are."""

    title: Annotated[str, Text(200)] | None = None
    position: Annotated[str, Text(200)] | None = None
    question: Annotated[str, Text(4000, single_line=False)] | None = None
    seats: int | None = Field(None, ge=1, le=100)
    min_women: int | None = Field(None, ge=0, le=100)
    method: str | None = Field(None, max_length=40)
    tie_break: str | None = Field(None, max_length=20)
    precedence: str | None = Field(None, max_length=20)
    channels: list[Literal["online", "post"]] | None = Field(None, max_length=2)
    candidate_order: str | None = Field(None, max_length=20)
    nomination_threshold: int | None = Field(None, ge=0, le=1000)
    nominating_kinds: list[str] | None = Field(None, max_length=20)
    show_endorsements: bool | None = None
    nominations_open: datetime.date | None = None
    nominations_close: datetime.date | None = None
    freeze_date: datetime.date | None = None
    issue_at: datetime.datetime | None = None
    reminders: list[datetime.datetime] | None = Field(None, max_length=20)
    close_at: datetime.datetime | None = None


class AppointIn(StrictIn):
    role: Literal["returning_officer", "scrutineer", "teller"]
    email: str = Field(max_length=254, description="The e-mail address of their account")
    reason: str = Field(
        default="", max_length=500, description="Why a scrutineer is replaced (required then)"
    )


def _out(ballot: Ballot) -> dict[str, Any]:
    return {
        "id": ballot.pk,
        "title": ballot.title,
        "unit_id": ballot.unit_id,
        "unit": ballot.unit.name,
        "kind": ballot.kind,
        "state": ballot.state,
        "version": ballot.version,
        "definition_hash": ballot.definition_hash,
        "close_at": ballot.close_at,
    }


def _detail(ballot: Ballot) -> dict[str, Any]:
    return {
        **_out(ballot),
        "returning_officer": queries.person_name(ballot.returning_officer),
        "scrutineer": queries.person_name(ballot.scrutineer),
        "definition": definition_of(ballot),
    }


def _aware(moment: datetime.datetime | None, field: str) -> None:
    if moment is not None and moment.tzinfo is None:
        raise BallotError(
            f"{field}: give the time with its offset, e.g. 2026-06-23T09:00:00Z.",
            field=field,
            code=RefusalCode.INVALID,
        )


@router.get("/", response={200: list[BallotOut]}, summary="Every ballot (public)")
def definition_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_out(b) for b in queries.ballots_list()[:500]]


@router.get(
    "/{ballot_id}",
    response={200: BallotDetailOut, **REFUSALS},
    summary="A ballot with its canonical definition (definition.json)",
)
def definition_get(request: HttpRequest, ballot_id: int) -> dict[str, Any]:
    return _detail(access_ballot(ballot_id, _user(request)))


@router.get(
    "/{ballot_id}/versions",
    response={200: list[BallotVersionOut], **REFUSALS},
    summary="The saved versions of a ballot's definition (its overseers)",
)
def definition_versions(request: HttpRequest, ballot_id: int) -> list[Any]:
    ballot = access_ballot_role(ballot_id, _user(request), "oversee")
    return list(queries.versions_of(ballot))


@router.post(
    "/",
    response={201: BallotDetailOut, **REFUSALS},
    summary="Call a ballot of a unit's members from a rulebook preset (a draft)",
)
def definition_create(request: HttpRequest, payload: CreateIn) -> Status:
    user = _user(request)
    unit = access_unit_to_call(payload.unit_id, user)
    preset = edition().ballots.preset(payload.preset)
    if preset is None or preset.unit_kind != unit.kind:
        names = ", ".join(p.slug for p in edition().ballots.presets_for(unit.kind)) or "none"
        raise BallotError(
            f"{payload.preset!r} is not a preset for a {unit.kind} unit; its presets: {names}.",
            field="preset",
            code=RefusalCode.INVALID,
        )
    spec = spec_from_preset(preset, title=payload.title)
    if payload.position:
        spec = dataclasses.replace(spec, position=payload.position)
    if payload.question:
        spec = dataclasses.replace(spec, question=payload.question)
    return Status(201, _detail(do_create_ballot(unit, spec, acting_user=user)))


@router.patch(
    "/{ballot_id}/definition",
    response={200: BallotDetailOut, **REFUSALS},
    summary="Change a draft ballot's definition (a new version); refused after the freeze",
)
def definition_edit(request: HttpRequest, ballot_id: int, payload: BallotEditIn) -> dict[str, Any]:
    user = _user(request)
    ballot = access_ballot(ballot_id, user, for_write=True)
    changes = payload.dict(exclude_unset=True)
    for name in ("issue_at", "close_at"):
        _aware(changes.get(name), name)
    for moment in changes.get("reminders") or ():
        _aware(moment, "reminders")
    return _detail(do_edit_ballot(ballot, changes, acting_user=user))


@router.get(
    "/{ballot_id}/officers",
    response={200: OfficersOut, **REFUSALS},
    summary="The returning officer, scrutineer and tellers (its overseers)",
)
def definition_officers(request: HttpRequest, ballot_id: int) -> dict[str, Any]:
    ballot = access_ballot_role(ballot_id, _user(request), "oversee")
    return {
        "returning_officer": queries.person_name(ballot.returning_officer),
        "scrutineer": queries.person_name(ballot.scrutineer),
        "tellers": [queries.person_name(t.user) for t in queries.tellers_of(ballot)],
    }


def _person(email: str) -> Any:
    person = queries.account_by_email(email)
    if person is None:
        raise BallotError(
            "No active account has this e-mail address: the person signs up first.",
            field="email",
            code=RefusalCode.INVALID,
        )
    return person


@router.post(
    "/{ballot_id}/officers",
    response={200: OfficersOut, **REFUSALS},
    summary="Appoint the returning officer (callers only), the scrutineer or a teller",
)
def definition_appoint(request: HttpRequest, ballot_id: int, payload: AppointIn) -> dict[str, Any]:
    user = _user(request)
    ballot = access_ballot_role(ballot_id, user, "appoint")
    person = _person(payload.email)
    if payload.role == "returning_officer":
        do_appoint_returning_officer(ballot, person, acting_user=user)
    elif payload.role == "scrutineer":
        do_appoint_scrutineer(ballot, person, reason=payload.reason, acting_user=user)
    else:
        do_appoint_teller(ballot, person, acting_user=user)
    return definition_officers(request, ballot_id)


@router.delete(
    "/{ballot_id}/tellers",
    response={200: OfficersOut, **REFUSALS},
    summary="Remove a teller",
)
def definition_remove_teller(request: HttpRequest, ballot_id: int, email: str) -> dict[str, Any]:
    user = _user(request)
    ballot = access_ballot_role(ballot_id, user, "appoint")
    if len(email) > 254:
        raise BallotError("email: at most 254 characters.", field="email", code="invalid")
    do_remove_teller(ballot, _person(email), acting_user=user)
    return definition_officers(request, ballot_id)
