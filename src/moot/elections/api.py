"""Officer elections in the JSON API: list, detail, create, nominations (create, second,
consent), open, close, result, declare.

Every write is the authenticated account's own act: a member nominates in their own name,
seconds or answers their own nomination; managers (returning officer, chair, secretary,
national staff) create elections, enter paper nominations, open, close and declare. Voting is
``POST /api/polls/{poll_id}/cast`` on the election's poll."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from moot.accounts.api_auth import API_AUTH
from moot.api_common import Message
from moot.api_common import caller as _user
from moot.elections import queries
from moot.elections.access import access_election, access_nomination, access_post_for_election
from moot.elections.actions import (
    ElectionError,
    do_answer_nomination,
    do_close_election,
    do_create_election,
    do_declare_result,
    do_nominate,
    do_open_election,
    do_second_nomination,
)
from moot.elections.models import Election, Nomination
from moot.errors import RefusalCode
from moot.meetings.access import access_agenda_item, access_meeting
from moot.members.access import access_named_member
from moot.text import ModelText
from moot.units.access import access_unit

router = Router(tags=["elections"], auth=API_AUTH)

# Each a Message (moot.api.errors answers every refusal): 403 not allowed, 404 no such election
# (or one you may not see), 409 the election's state does not allow it, 422 a malformed request
# or a refusal by the rulebook (with the clause).
REFUSALS: dict[int, Any] = {403: Message, 404: Message, 409: Message, 422: Message}


class CandidateOut(Schema):
    nomination: int
    label: str
    statement: str
    poll_option: int | None


class NominationOut(Schema):
    id: int
    election: int
    label: str
    state: str
    nominee: str  # membership numbers
    partner: str | None
    nominator: str
    seconder: str
    seconded: bool
    nominated_on: datetime.date
    statement: str


class ElectionOut(Schema):
    id: int
    title: str
    unit: int
    post: str
    post_title: str
    meeting: int | None
    agenda_item: int | None
    election_date: datetime.date
    method: str
    seats: int
    nominations_open_on: datetime.date
    nominations_close_on: datetime.date
    statement_limit: int
    state: str
    poll: int | None
    poll_state: str | None
    min_women: int | None
    candidates: list[CandidateOut]
    declaration: dict[str, Any] | None


def _election_out(election: Election) -> dict[str, Any]:
    poll = election.poll
    return {
        "id": election.pk,
        "title": election.title,
        "unit": election.unit_id,
        "post": election.post.slug,
        "post_title": election.post.title,
        "meeting": election.meeting_id,
        "agenda_item": election.agenda_item_id,
        "election_date": election.election_date,
        "method": election.method,
        "seats": election.seats,
        "nominations_open_on": election.nominations_open_on,
        "nominations_close_on": election.nominations_close_on,
        "statement_limit": election.statement_limit,
        "state": election.state,
        "poll": election.poll_id,
        "poll_state": poll.state if poll is not None else None,
        "min_women": election.min_women,
        "candidates": [
            {
                "nomination": n.pk,
                "label": n.label,
                "statement": n.statement,
                "poll_option": n.poll_option_id,
            }
            for n in queries.candidates(election)
        ],
        "declaration": election.declaration,
    }


def _nomination_out(nomination: Nomination) -> dict[str, Any]:
    return {
        "id": nomination.pk,
        "election": nomination.election_id,
        "label": nomination.label,
        "state": nomination.state,
        "nominee": nomination.nominee.number,
        "partner": nomination.partner.number if nomination.partner_id else None,
        "nominator": nomination.nominator.number,
        "seconder": nomination.seconder.number,
        "seconded": nomination.seconded,
        "nominated_on": nomination.nominated_on,
        "statement": nomination.statement,
    }


class ElectionIn(Schema):
    post: int  # units.Post id
    method: str  # plurality, irv, scottish-stv, meek
    nominations_open_on: datetime.date
    nominations_close_on: datetime.date
    meeting: int | None = None
    agenda_item: int | None = None
    election_date: datetime.date | None = None  # only for a ballot outside a meeting
    seats: int | None = None
    title: Annotated[str, ModelText(Election, "title")] = ""
    statement_limit: int = 1500


class NominationIn(Schema):
    """Membership numbers. ``partner`` only for a job share. The statement is the candidate's
    own: they write it when they consent."""

    nominee: str
    nominator: str
    seconder: str
    partner: str | None = None


class AnswerIn(Schema):
    accept: bool
    statement: Annotated[str, ModelText(Nomination, "statement")] | None = None


@router.get("/", response={200: list[ElectionOut], 422: Message}, summary="Elections you can see")
def list_elections(
    request: HttpRequest, meeting: int | None = None, unit: int | None = None
) -> list[dict[str, Any]]:
    user = _user(request)
    try:
        meeting_obj = access_meeting(meeting, user) if meeting else None
        unit_obj = access_unit(unit, user) if unit else None
    except Http404:
        return []  # no such meeting or unit (or one you may not see): no elections in it
    return [
        _election_out(e)
        for e in queries.elections_visible_to(user, meeting=meeting_obj, unit=unit_obj)
    ]


@router.post(
    "/",
    response={201: ElectionOut, **REFUSALS},
    summary="Set up an election (managers)",
    description="Refused (422 with the clause) when the window breaks the rulebook's "
    "nomination deadline, the method does not fit the seats, or the meeting does not elect "
    "officers.",
)
def create_election(request: HttpRequest, payload: ElectionIn) -> Status:
    user = _user(request)
    post = access_post_for_election(payload.post, user)
    meeting = access_meeting(payload.meeting, user) if payload.meeting else None
    item = access_agenda_item(payload.agenda_item, user) if payload.agenda_item else None
    election = do_create_election(
        post=post,
        method=payload.method,
        seats=payload.seats,
        meeting=meeting,
        agenda_item=item,
        election_date=payload.election_date,
        nominations_open_on=payload.nominations_open_on,
        nominations_close_on=payload.nominations_close_on,
        statement_limit=payload.statement_limit,
        title=payload.title,
        returning_officer=user,
        acting_user=user,
    )
    return Status(201, _election_out(election))


@router.get(
    "/{election_id}",
    response={200: ElectionOut, **REFUSALS},
    summary="One election with its candidates and, once declared, the declaration",
)
def get_election(request: HttpRequest, election_id: int) -> dict[str, Any]:
    return _election_out(access_election(election_id, _user(request)))


@router.get(
    "/{election_id}/nominations",
    response={200: list[NominationOut], **REFUSALS},
    summary="Nominations: every one for managers; candidates and your own for members",
)
def list_nominations(request: HttpRequest, election_id: int) -> list[dict[str, Any]]:
    election = access_election(election_id, _user(request))
    user = _user(request)
    manager = user.has_perm("elections.manage_election", election)
    from moot.polls.permissions import member_of

    member = member_of(user)
    mine = set() if member is None else {member.pk}
    return [
        _nomination_out(n)
        for n in queries.nominations(election)
        if manager
        or n.state == "standing"
        or mine & {n.nominee_id, n.partner_id, n.nominator_id, n.seconder_id}
    ]


@router.post(
    "/{election_id}/nominations",
    response={201: NominationOut, **REFUSALS},
    summary="Nominate (in your own name, or a paper nomination by a manager)",
    description="422 with the clause when the nominee may not stand or the nominator or "
    "seconder may not nominate; 409 outside the nomination window.",
)
def create_nomination(request: HttpRequest, election_id: int, payload: NominationIn) -> Status:
    election = access_election(election_id, _user(request))
    user = _user(request)
    if not user.has_perm("elections.nominate", election):
        raise ElectionError(
            "Nominations for this election are closed, or you are not a member of its unit.",
            code=RefusalCode.STATE,
        )
    nomination = do_nominate(
        election,
        **{
            role: access_named_member(getattr(payload, role), user, field=role)
            for role in ("nominee", "partner", "nominator", "seconder")
        },
        acting_user=user,
    )
    return Status(201, _nomination_out(nomination))


@router.post(
    "/nominations/{nomination_id}/second",
    response={200: NominationOut, **REFUSALS},
    summary="Second a nomination made in your name",
)
def second_nomination(request: HttpRequest, nomination_id: int) -> dict[str, Any]:
    nomination = access_nomination(nomination_id, _user(request))
    return _nomination_out(do_second_nomination(nomination, acting_user=_user(request)))


@router.post(
    "/nominations/{nomination_id}/consent",
    response={200: NominationOut, **REFUSALS},
    summary="Accept or decline your own nomination (with your statement)",
)
def answer_nomination(
    request: HttpRequest, nomination_id: int, payload: AnswerIn
) -> dict[str, Any]:
    nomination = access_nomination(nomination_id, _user(request))
    nomination = do_answer_nomination(
        nomination,
        accept=payload.accept,
        statement=payload.statement,
        acting_user=_user(request),
    )
    return _nomination_out(nomination)


def _manage(request: HttpRequest, election_id: int, action: Any) -> dict[str, Any]:
    election = access_election(election_id, _user(request), for_write=True)
    election = action(election, acting_user=_user(request))
    return _election_out(election)


@router.post(
    "/{election_id}/open",
    response={200: ElectionOut, **REFUSALS},
    summary="Close nominations and open the vote (managers)",
)
def open_election(request: HttpRequest, election_id: int) -> dict[str, Any]:
    return _manage(request, election_id, do_open_election)


@router.post(
    "/{election_id}/close",
    response={200: ElectionOut, **REFUSALS},
    summary="Close the vote and count it (managers)",
)
def close_election(request: HttpRequest, election_id: int) -> dict[str, Any]:
    return _manage(request, election_id, do_close_election)


@router.get(
    "/{election_id}/result",
    response={200: dict[str, Any], **REFUSALS},
    summary="The count (from the poll's stored result) and the declaration",
    description="403 while the vote is open: results are hidden until it closes.",
)
def result(request: HttpRequest, election_id: int) -> dict[str, Any]:
    from moot.polls.queries import result_for

    election = access_election(election_id, _user(request))
    user = _user(request)
    count = None
    if election.poll is not None:
        count = result_for(election.poll, user)
    elif not election.is_declared:
        raise ElectionError(
            "There is no result yet: the vote has not been held.", code=RefusalCode.STATE
        )
    return {
        "election": election.pk,
        "poll": election.poll_id,
        "count": count,
        "declared": election.is_declared,
        "declaration": election.declaration,
    }


@router.post(
    "/{election_id}/declare",
    response={200: ElectionOut, **REFUSALS},
    summary="Declare the result and update the office holdings (returning officer, chair)",
)
def declare(request: HttpRequest, election_id: int) -> dict[str, Any]:
    return _manage(request, election_id, do_declare_result)
