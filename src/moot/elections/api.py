"""Officer elections in the JSON API: list, detail, create, nominations (create, second,
consent), open, close, result, declare.

Every write is the authenticated account's own act: a member nominates in their own name,
seconds or answers their own nomination; managers (returning officer, chair, secretary,
national staff) create elections, enter paper nominations, open, close and declare. Voting is
``POST /api/polls/{poll_id}/cast`` on the election's poll."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from moot.accounts.api_auth import API_AUTH
from moot.api_common import Message
from moot.api_common import caller as _user
from moot.elections import queries
from moot.elections.access import access_election, access_nomination
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
from moot.members.models import Member
from moot.text import ModelText

router = Router(tags=["elections"], auth=API_AUTH)

STATUS_FOR_CODE = {"invalid": 400, "state": 409, "forbidden": 403, "ineligible": 422}


REFUSALS: dict[int, Any] = {400: Message, 403: Message, 404: Message, 409: Message, 422: Message}


def _refuse(exc: ElectionError) -> HttpError:
    return HttpError(STATUS_FOR_CODE.get(exc.code, 400), str(exc))


def _access(request: HttpRequest, election_id: int, *, for_write: bool = False) -> Election:
    try:
        return access_election(election_id, _user(request), for_write=for_write)
    except Http404 as exc:
        raise HttpError(404, "No such election.") from exc
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "Not allowed.") from exc


def _access_nomination(request: HttpRequest, nomination_id: int) -> Nomination:
    try:
        return access_nomination(nomination_id, _user(request))
    except Http404 as exc:
        raise HttpError(404, "No such nomination.") from exc
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "Not allowed.") from exc


def _member(number: str | None, *, field: str) -> Any:
    if not number:
        return None
    member = Member.objects.filter(number=number.strip().upper()).first()
    if member is None:
        raise HttpError(422, f"{field}: no member has the number {number!r}.")
    return member


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
    from moot.meetings.models import Meeting
    from moot.units.models import Unit

    user = _user(request)
    meeting_obj = Meeting.objects.filter(pk=meeting).first() if meeting else None
    unit_obj = Unit.objects.filter(pk=unit).first() if unit else None
    if meeting and meeting_obj is None:
        return []
    return [
        _election_out(e)
        for e in queries.elections_visible_to(user, meeting=meeting_obj, unit=unit_obj)
    ]


@router.post(
    "/",
    response={201: ElectionOut, **REFUSALS},
    summary="Set up an election (managers)",
    description="Refused (422/400 with the clause) when the window breaks the rulebook's "
    "nomination deadline, the method does not fit the seats, or the meeting does not elect "
    "officers.",
)
def create_election(request: HttpRequest, payload: ElectionIn) -> Status:
    from moot.meetings.models import AgendaItem, Meeting
    from moot.units.models import Post

    user = _user(request)
    post = Post.objects.select_related("unit").filter(pk=payload.post).first()
    if post is None:
        raise HttpError(404, "No such post.")
    if not user.has_perm("elections.manage_election", post.unit):
        raise HttpError(
            403, "Only the chair, the secretary or national staff can set up an election."
        )
    meeting = Meeting.objects.filter(pk=payload.meeting).first() if payload.meeting else None
    if payload.meeting and meeting is None:
        raise HttpError(404, "No such meeting.")
    item = (
        AgendaItem.objects.filter(pk=payload.agenda_item).first() if payload.agenda_item else None
    )
    if payload.agenda_item and item is None:
        raise HttpError(404, "No such agenda item.")
    try:
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
    except ElectionError as exc:
        raise _refuse(exc) from exc
    return Status(201, _election_out(election))


@router.get(
    "/{election_id}",
    response={200: ElectionOut, **REFUSALS},
    summary="One election with its candidates and, once declared, the declaration",
)
def get_election(request: HttpRequest, election_id: int) -> dict[str, Any]:
    return _election_out(_access(request, election_id))


@router.get(
    "/{election_id}/nominations",
    response={200: list[NominationOut], **REFUSALS},
    summary="Nominations: every one for managers; candidates and your own for members",
)
def list_nominations(request: HttpRequest, election_id: int) -> list[dict[str, Any]]:
    election = _access(request, election_id)
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
    election = _access(request, election_id)
    user = _user(request)
    if not user.has_perm("elections.nominate", election):
        raise HttpError(
            409, "Nominations for this election are closed, or you are not a member of its unit."
        )
    try:
        nomination = do_nominate(
            election,
            nominee=_member(payload.nominee, field="nominee"),
            partner=_member(payload.partner, field="partner"),
            nominator=_member(payload.nominator, field="nominator"),
            seconder=_member(payload.seconder, field="seconder"),
            acting_user=user,
        )
    except ElectionError as exc:
        raise _refuse(exc) from exc
    return Status(201, _nomination_out(nomination))


@router.post(
    "/nominations/{nomination_id}/second",
    response={200: NominationOut, **REFUSALS},
    summary="Second a nomination made in your name",
)
def second_nomination(request: HttpRequest, nomination_id: int) -> dict[str, Any]:
    nomination = _access_nomination(request, nomination_id)
    try:
        return _nomination_out(do_second_nomination(nomination, acting_user=_user(request)))
    except ElectionError as exc:
        raise _refuse(exc) from exc


@router.post(
    "/nominations/{nomination_id}/consent",
    response={200: NominationOut, **REFUSALS},
    summary="Accept or decline your own nomination (with your statement)",
)
def answer_nomination(
    request: HttpRequest, nomination_id: int, payload: AnswerIn
) -> dict[str, Any]:
    nomination = _access_nomination(request, nomination_id)
    try:
        nomination = do_answer_nomination(
            nomination,
            accept=payload.accept,
            statement=payload.statement,
            acting_user=_user(request),
        )
    except ElectionError as exc:
        raise _refuse(exc) from exc
    return _nomination_out(nomination)


def _manage(request: HttpRequest, election_id: int, action: Any) -> dict[str, Any]:
    election = _access(request, election_id, for_write=True)
    try:
        election = action(election, acting_user=_user(request))
    except ElectionError as exc:
        raise _refuse(exc) from exc
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

    election = _access(request, election_id)
    user = _user(request)
    count = None
    if election.poll is not None:
        try:
            count = result_for(election.poll, user)
        except PermissionDenied as exc:
            raise HttpError(403, str(exc)) from exc
    elif not election.is_declared:
        raise HttpError(409, "There is no result yet: the vote has not been held.")
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
