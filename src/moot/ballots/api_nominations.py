"""The API of nominations, candidates, endorsements and post-issue events: the same actions as
the pages (refusals are raised; ``moot.api.errors`` answers them with their clause and field).
Photos are uploaded on the candidate's page only."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from moot.accounts.api_auth import API_AUTH
from moot.api_common import Message
from moot.api_common import caller as _user
from moot.ballots import queries_nominations as q
from moot.ballots.access import access_ballot
from moot.ballots.actions.events import (
    do_record_ballot_event,
    do_record_endorsement,
    do_withdraw_endorsement,
)
from moot.ballots.actions.nominations import (
    STATEMENT_LIMIT,
    do_consent_candidacy,
    do_record_affiliate_nomination,
    do_record_unit_nomination,
    do_update_candidate_statement,
    do_withdraw_candidacy,
)
from moot.ballots.errors import BallotError, RefusalCode
from moot.ballots.models import BallotEvent, Candidate, Endorsement, EventKind
from moot.ballots.notices import notices_for
from moot.text import Text

router = Router(tags=["ballots"], auth=API_AUTH)

REFUSALS: dict[int, Any] = {403: Message, 404: Message, 409: Message, 413: Message, 422: Message}


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


class BallotNominationOut(Schema):
    id: int
    unit: str
    organisation: str
    meeting_id: int | None
    poll_id: int | None
    reference: str
    recorded_at: datetime.datetime


class BallotCandidateOut(Schema):
    id: int
    name: str
    woman: bool
    consented: bool
    withdrawn: bool
    on_ballot: bool
    position: int | None
    statement: str
    has_photo: bool
    nominations: list[BallotNominationOut]


class EndorsementOut(Schema):
    id: int
    candidate_id: int
    organisation: str
    reference: str
    withdrawn_at: datetime.datetime | None


class BallotEventOut(Schema):
    id: int
    kind: str
    candidate_id: int
    endorsement_id: int | None
    authority: str
    clause: str
    notice: str
    occurred_at: datetime.datetime
    returns_before: int | None = Field(
        None, description="Returns received before it: overseers only until the declaration"
    )


class NoticeOut(Schema):
    text: str
    kind: str
    kind_label: str
    occurred_at: datetime.datetime
    clause: str
    candidate: str


class UnitNominationIn(StrictIn):
    unit_id: int
    poll_id: int


class AffiliateNominationIn(StrictIn):
    organisation_id: int
    member_number: Annotated[str, Text(max_length=20)]
    reference: Annotated[str, Text(max_length=200)]
    decided_on: datetime.date


class CandidateStatementIn(StrictIn):
    statement: Annotated[str, Text(max_length=STATEMENT_LIMIT, single_line=False)]


class WithdrawIn(StrictIn):
    reason: Annotated[str, Text(max_length=500)] = ""


class EndorsementIn(StrictIn):
    candidate_id: int
    organisation_id: int
    reference: str


class EventIn(StrictIn):
    kind: Literal[
        "endorsement_withdrawn",
        "candidate_withdrawn",
        "candidate_suspended",
        "candidate_reinstated",
    ]
    candidate_id: int
    endorsement_id: int | None = None
    authority: Annotated[str, Text(max_length=2000, single_line=False)] = Field(min_length=1)
    clause: Annotated[str, Text(max_length=120)] = ""
    notice: Annotated[str, Text(max_length=1000, single_line=False)] = Field(min_length=1)
    reference: Annotated[str, Text(max_length=200)] = ""


def _candidate_out(c: Candidate, nominations: list[Any]) -> dict[str, Any]:
    return {
        "id": c.pk,
        "name": c.name,
        "woman": c.woman,
        "consented": c.consented_at is not None,
        "withdrawn": c.withdrawn_at is not None,
        "on_ballot": c.on_ballot,
        "position": c.position,
        "statement": c.statement,
        "has_photo": bool(c.photo),
        "nominations": [
            {
                "id": n.pk,
                "unit": n.unit.name if n.unit else "",
                "organisation": n.organisation.name if n.organisation else "",
                "meeting_id": n.meeting_id,
                "poll_id": n.poll_id,
                "reference": n.reference,
                "recorded_at": n.recorded_at,
            }
            for n in nominations
        ],
    }


def _endorsement_out(e: Endorsement) -> dict[str, Any]:
    return {
        "id": e.pk,
        "candidate_id": e.candidate_id,
        "organisation": e.organisation.name,
        "reference": e.reference,
        "withdrawn_at": e.withdrawn_at,
    }


def _event_out(e: BallotEvent, *, show_returns: bool = True) -> dict[str, Any]:
    return {
        "id": e.pk,
        "kind": e.kind,
        "candidate_id": e.candidate_id,
        "endorsement_id": e.endorsement_id,
        "authority": e.authority,
        "clause": e.clause,
        "notice": e.notice,
        "occurred_at": e.occurred_at,
        "returns_before": e.returns_before if show_returns else None,
    }


def _candidate(ballot: Any, candidate_id: int) -> Candidate:
    candidate = q.candidate_of_ballot(ballot, candidate_id)
    if candidate is None:
        raise Http404("No such candidate in this ballot.")
    return candidate


def _found(value: Any, what: str) -> Any:
    if value is None:
        raise Http404(f"No such {what}.")
    return value


@router.get(
    "/{ballot_id}/nominations",
    response={200: list[BallotCandidateOut], **REFUSALS},
    summary="The candidates of a ballot and who nominated them",
)
def nominations_list(request: HttpRequest, ballot_id: int) -> list[dict[str, Any]]:
    ballot = access_ballot(ballot_id, _user(request))
    return [_candidate_out(c, noms) for c, noms in q.nominations_by_candidate(ballot)]


@router.post(
    "/{ballot_id}/nominations/unit",
    response={201: list[BallotCandidateOut], **REFUSALS},
    summary="Record a unit's nomination (its secretary) from a closed poll at its meeting",
)
def nominations_record_unit(
    request: HttpRequest, ballot_id: int, payload: UnitNominationIn
) -> Status:
    user = _user(request)
    ballot = access_ballot(ballot_id, user)
    unit = _found(q.unit_by_id(payload.unit_id), "unit")
    poll = _found(q.poll_by_id(payload.poll_id), "poll")
    done = do_record_unit_nomination(ballot, unit=unit, poll=poll, acting_user=user)
    return Status(201, [_candidate_out(n.candidate, [n]) for n in done])


@router.post(
    "/{ballot_id}/nominations/affiliate",
    response={201: BallotCandidateOut, **REFUSALS},
    summary="Record an affiliated organisation's nomination (the ballot's manager)",
)
def nominations_record_affiliate(
    request: HttpRequest, ballot_id: int, payload: AffiliateNominationIn
) -> Status:
    user = _user(request)
    ballot = access_ballot(ballot_id, user, for_write=True)
    organisation = _found(q.organisation_by_id(payload.organisation_id), "organisation")
    member = q.member_by_number(payload.member_number)
    if member is None:
        raise BallotError(
            "No member has that number: check the nominee's membership number.",
            field="member_number",
            code=RefusalCode.INVALID,
        )
    nomination = do_record_affiliate_nomination(
        ballot,
        organisation=organisation,
        member=member,
        reference=payload.reference,
        decided_on=payload.decided_on,
        acting_user=user,
    )
    return Status(201, _candidate_out(nomination.candidate, [nomination]))


@router.post(
    "/{ballot_id}/candidates/{candidate_id}/consent",
    response={200: BallotCandidateOut, **REFUSALS},
    summary="The candidate consents to stand (their own candidacy)",
)
def nominations_consent(request: HttpRequest, ballot_id: int, candidate_id: int) -> dict[str, Any]:
    user = _user(request)
    ballot = access_ballot(ballot_id, user)
    candidate = do_consent_candidacy(_candidate(ballot, candidate_id), acting_user=user)
    return _candidate_out(candidate, list(candidate.nominations.all()))


@router.put(
    "/{ballot_id}/candidates/{candidate_id}/statement",
    response={200: BallotCandidateOut, **REFUSALS},
    summary="The candidate's own statement",
)
def nominations_statement(
    request: HttpRequest, ballot_id: int, candidate_id: int, payload: CandidateStatementIn
) -> dict[str, Any]:
    user = _user(request)
    ballot = access_ballot(ballot_id, user)
    candidate = do_update_candidate_statement(
        _candidate(ballot, candidate_id), payload.statement, acting_user=user
    )
    return _candidate_out(candidate, list(candidate.nominations.all()))


@router.post(
    "/{ballot_id}/candidates/{candidate_id}/withdraw",
    response={200: BallotCandidateOut, **REFUSALS},
    summary="The candidate withdraws before the freeze",
)
def nominations_withdraw(
    request: HttpRequest, ballot_id: int, candidate_id: int, payload: WithdrawIn
) -> dict[str, Any]:
    user = _user(request)
    ballot = access_ballot(ballot_id, user)
    candidate = do_withdraw_candidacy(
        _candidate(ballot, candidate_id), reason=payload.reason, acting_user=user
    )
    return _candidate_out(candidate, list(candidate.nominations.all()))


@router.get(
    "/{ballot_id}/endorsements",
    response={200: list[EndorsementOut], **REFUSALS},
    summary="Endorsements of a ballot's candidates",
)
def nominations_endorsements(request: HttpRequest, ballot_id: int) -> list[dict[str, Any]]:
    ballot = access_ballot(ballot_id, _user(request))
    return [_endorsement_out(e) for e in q.endorsements_of(ballot)]


@router.post(
    "/{ballot_id}/endorsements",
    response={201: EndorsementOut, **REFUSALS},
    summary="Record an endorsement before the issue (the ballot's manager)",
)
def nominations_endorse(request: HttpRequest, ballot_id: int, payload: EndorsementIn) -> Status:
    user = _user(request)
    ballot = access_ballot(ballot_id, user, for_write=True)
    endorsement = do_record_endorsement(
        ballot,
        candidate=_candidate(ballot, payload.candidate_id),
        organisation=_found(q.organisation_by_id(payload.organisation_id), "organisation"),
        reference=payload.reference,
        acting_user=user,
    )
    return Status(201, _endorsement_out(endorsement))


@router.post(
    "/{ballot_id}/endorsements/{endorsement_id}/withdraw",
    response={200: EndorsementOut, **REFUSALS},
    summary="Withdraw an endorsement before the issue (the ballot's manager)",
)
def nominations_unendorse(
    request: HttpRequest, ballot_id: int, endorsement_id: int
) -> dict[str, Any]:
    user = _user(request)
    ballot = access_ballot(ballot_id, user, for_write=True)
    endorsement = _found(q.endorsement_of_ballot(ballot, endorsement_id), "endorsement")
    return _endorsement_out(do_withdraw_endorsement(endorsement, acting_user=user))


@router.get(
    "/{ballot_id}/events",
    response={200: list[BallotEventOut], **REFUSALS},
    summary="The post-issue events of a ballot",
)
def nominations_events(request: HttpRequest, ballot_id: int) -> list[dict[str, Any]]:
    user = _user(request)
    ballot = access_ballot(ballot_id, user)
    shown = q.returns_shown(ballot, user)
    return [_event_out(e, show_returns=shown) for e in q.events_of(ballot)]


@router.post(
    "/{ballot_id}/events",
    response={201: BallotEventOut, **REFUSALS},
    summary="Record a post-issue event (the ballot's manager, while it is open)",
)
def nominations_record_event(request: HttpRequest, ballot_id: int, payload: EventIn) -> Status:
    user = _user(request)
    ballot = access_ballot(ballot_id, user, for_write=True)
    endorsement = None
    if payload.endorsement_id is not None:
        endorsement = _found(q.endorsement_of_ballot(ballot, payload.endorsement_id), "endorsement")
    event = do_record_ballot_event(
        ballot,
        kind=EventKind(payload.kind),
        candidate=_candidate(ballot, payload.candidate_id),
        endorsement=endorsement,
        authority=payload.authority,
        clause=payload.clause,
        notice=payload.notice,
        reference=payload.reference,
        occurred_at=timezone.now(),
        acting_user=user,
    )
    return Status(201, _event_out(event))


@router.get(
    "/{ballot_id}/notices",
    response={200: list[NoticeOut], **REFUSALS},
    summary="The notices voters are shown of post-issue events",
)
def nominations_notices(request: HttpRequest, ballot_id: int) -> list[dict[str, Any]]:
    ballot = access_ballot(ballot_id, _user(request))
    return [n.as_dict() for n in notices_for(ballot)]
