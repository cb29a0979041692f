"""Motions in the JSON API: list, detail, table; competence rulings and challenges; amendments;
putting a motion to the vote and closing it. Votes themselves are cast through ``/polls``.

Refusals by the rules (a late motion, a ruling without reasons, a proscribed organisation …) are
answered 422 with ``detail`` (what and how to fix it) and ``clause`` (which rule); 409 when the
motion's (or the meeting's) state does not allow it now; 403 when the caller may not do it or a
named mover or seconder may not take part; 404 when there is no such thing or the caller may not
see it. The chair's private "likely not competent"
note (``chair_flags``) is empty for everyone but the chair of the meeting and national staff."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from moot.accounts.api_auth import API_AUTH
from moot.api_common import Message
from moot.api_common import caller as _user
from moot.errors import Refusal
from moot.members.access import access_named_member
from moot.motions import queries
from moot.motions.access import (
    access_amendment,
    access_meeting_motions,
    access_motion,
    access_ruling,
)
from moot.motions.actions import (
    do_accept_amendment,
    do_challenge_ruling,
    do_close_challenge,
    do_close_motion_vote,
    do_forward_motion,
    do_open_motion_vote,
    do_propose_amendment,
    do_rule_on_motion,
    do_table_motion,
)
from moot.motions.actions.confidential import do_read_confidential
from moot.motions.actions.tabling import no_member_who_may
from moot.motions.confidential import is_withheld, may_read_confidential, withheld, withhold
from moot.motions.errors import MotionError
from moot.motions.models import Amendment, Motion, Ruling
from moot.text import ModelText, Text
from moot.units.access import access_organisation, access_organisation_by_slug, access_unit

router = Router(tags=["motions"], auth=API_AUTH)


WITHHELD_REASONS = "Withheld with the motion: confidential business."

# Each a Message (moot.api.errors answers every refusal).
REFUSALS: dict[int, Any] = {403: Message, 404: Message, 409: Message, 422: Message}


class LineOut(Schema):
    number: int
    text: str
    starts_paragraph: bool


class NoteOut(Schema):
    text: str
    clause: str


class AmendmentOut(Schema):
    id: int
    number: int
    action: str
    line_from: int
    line_to: int | None
    text: str
    summary: str
    state: str
    mover: str | None
    poll_id: int | None
    votes_yes: int | None
    votes_no: int | None
    votes_abstain: int | None
    outcome_text: str


class RulingOut(Schema):
    id: int
    by: str
    decision: str
    category: str
    clause: str
    reasons: str
    referred_to: str
    ruled_at: str
    challenge: str
    challenge_poll_id: int | None
    challenge_yes: int | None
    challenge_no: int | None
    challenge_text: str


class MotionSummary(Schema):
    id: int
    meeting_id: int
    number: int
    title: str
    state: str
    proposer_kind: str
    proposer: str


class MotionOut(MotionSummary):
    text: str
    lines: list[LineOut]
    text_as_amended: str
    mover: str | None
    seconder: str | None
    tabled_on: str
    affiliate_to: str | None
    affiliation_id: int | None
    affiliation_refusal: str
    composited_into_id: int | None
    poll_id: int | None
    outcome: str
    votes_yes: int | None
    votes_no: int | None
    votes_abstain: int | None
    outcome_text: str
    forwarded_to_id: int | None
    warnings: list[NoteOut]
    chair_flags: list[NoteOut]
    amendments: list[AmendmentOut]
    rulings: list[RulingOut]


def _summary(motion: Motion) -> dict[str, Any]:
    return {
        "id": motion.pk,
        "meeting_id": motion.meeting_id,
        "number": motion.number,
        "title": motion.title,
        "state": motion.state,
        "proposer_kind": motion.proposer_kind,
        "proposer": motion.proposer_label,
    }


def _amendment_out(a: Amendment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "number": a.number,
        "action": a.action,
        "line_from": a.line_from,
        "line_to": a.line_to,
        "text": a.text,
        "summary": a.summary,
        "state": a.state,
        "mover": a.mover.number if a.mover else None,
        "poll_id": a.poll_id,
        "votes_yes": a.votes_yes,
        "votes_no": a.votes_no,
        "votes_abstain": a.votes_abstain,
        "outcome_text": a.outcome_text,
    }


def _ruling_out(r: Ruling, *, full: bool = False) -> dict[str, Any]:
    """A ruling; on a motion withheld as confidential business its reasons (which may name
    the person) are left out unless ``full`` (a recorded read by the chair or complaints staff)."""
    reasons = r.reasons if full or not is_withheld(r.motion) else WITHHELD_REASONS
    return {
        "id": r.pk,
        "by": r.by,
        "decision": r.decision,
        "category": r.category,
        "clause": r.clause,
        "reasons": reasons,
        "referred_to": r.referred_to,
        "ruled_at": r.ruled_at.isoformat(),
        "challenge": r.challenge,
        "challenge_poll_id": r.challenge_poll_id,
        "challenge_yes": r.challenge_yes,
        "challenge_no": r.challenge_no,
        "challenge_text": r.challenge_text,
    }


def _notes(items: list[Any]) -> list[dict[str, str]]:
    return [{"text": item.text, "clause": item.clause} for item in items]


def _withheld_out(motion: Motion) -> dict[str, Any]:
    """A motion withheld as confidential business, as everyone but its readers sees it."""
    ruling = queries.current_ruling(motion)
    motion = withhold(motion)
    return {
        **_summary(motion),
        "text": motion.text,  # the public sentence (withhold)
        "lines": [],
        "text_as_amended": motion.text,
        "mover": None,
        "seconder": None,
        "tabled_on": motion.tabled_on.isoformat(),
        "affiliate_to": None,
        "affiliation_id": None,
        "affiliation_refusal": "",
        "composited_into_id": None,
        "poll_id": None,
        "outcome": "",
        "votes_yes": None,
        "votes_no": None,
        "votes_abstain": None,
        "outcome_text": "",
        "forwarded_to_id": None,
        "warnings": [],
        "chair_flags": [],
        "amendments": [],
        "rulings": [_ruling_out(ruling)] if ruling is not None else [],
    }


def _motion_out(motion: Motion, user: Any) -> dict[str, Any]:
    motion = access_motion(motion.pk, user)  # afresh, with the people and the unit joined
    full = is_withheld(motion)
    if full:
        if not may_read_confidential(user, motion):
            return _withheld_out(motion)
        do_read_confidential(motion, acting_user=user)
    chair_flags = queries.chair_flags(motion, user)
    return {
        **_summary(motion),
        "text": motion.text,
        "lines": [
            {"number": n.number, "text": n.text, "starts_paragraph": n.starts_paragraph}
            for n in queries.lines_of(motion)
        ],
        "text_as_amended": queries.text_as_amended(motion),
        "mover": motion.mover.number if motion.mover else None,
        "seconder": motion.seconder.number if motion.seconder else None,
        "tabled_on": motion.tabled_on.isoformat(),
        "affiliate_to": motion.affiliate_to.slug if motion.affiliate_to else None,
        "affiliation_id": motion.affiliation_id,
        "affiliation_refusal": motion.affiliation_refusal,
        "composited_into_id": motion.composited_into_id,
        "poll_id": motion.poll_id,
        "outcome": motion.outcome,
        "votes_yes": motion.votes_yes,
        "votes_no": motion.votes_no,
        "votes_abstain": motion.votes_abstain,
        "outcome_text": motion.outcome_text,
        "forwarded_to_id": motion.forwarded_to_id,
        # As the page shows them: the public warnings, then the chair's own (the same query,
        # empty for anyone but the chair and national staff); before, the API's warnings
        # lacked the chair's (review finding M).
        "warnings": _notes(queries.public_warnings(motion) + chair_flags),
        "chair_flags": _notes(chair_flags),
        "amendments": [_amendment_out(a) for a in motion.amendments.select_related("mover")],
        "rulings": [_ruling_out(r, full=full) for r in motion.rulings.all()],
    }


ROLES = {"mover": "mover", "seconder": "seconder", "moved_by": "challenger"}


def _member(number: str | None, user: Any, field: str) -> Any:
    """The member a number names; a number nobody has is answered as the action answers one
    naming someone who may not take the part (``no_member_who_may``): the same words."""
    try:
        return access_named_member(number, user, field=field)
    except Refusal:
        raise MotionError(
            no_member_who_may(ROLES.get(field, field), number or ""), field=field
        ) from None


def _named(access: Callable[..., Any], ref: Any, user: Any, *, field: str) -> Any:
    """A unit or organisation a request names: one that does not exist (or that the user may
    not see) is a refusal of that field, as for a member number."""
    try:
        return access(ref, user)
    except Http404 as exc:
        raise MotionError(f"{field}: {exc} Check {ref!r}.", field=field) from None


@router.get("/", response={200: list[MotionSummary], **REFUSALS}, summary="Motions you can see")
def list_motions(request: HttpRequest, meeting: int | None = None) -> list[dict[str, Any]]:
    user = _user(request)
    if meeting is not None:
        motions = queries.motions_of(access_meeting_motions(meeting, user))
        return [_summary(m) for m in withheld(motions)]
    return [_summary(m) for m in withheld(queries.motions_visible_to(user))]


@router.get("/{motion_id}", response={200: MotionOut, **REFUSALS}, summary="One motion")
def get_motion(request: HttpRequest, motion_id: int) -> dict[str, Any]:
    user = _user(request)
    return _motion_out(access_motion(motion_id, user), user)


class TableIn(Schema):
    meeting: int
    title: Annotated[str, ModelText(Motion, "title")]
    text: Annotated[str, ModelText(Motion, "text")]
    mover: str  # membership number
    seconder: str
    proposer_kind: str = "member"
    proposer_id: int | None = None  # the branch (unit id) or the affiliated organisation's id
    affiliate_to: str | None = None  # an organisation's slug, for a motion to affiliate


@router.post("/", response={201: MotionOut, **REFUSALS}, summary="Table a motion")
def table_motion(request: HttpRequest, payload: TableIn) -> Status:
    user = _user(request)
    meeting = access_meeting_motions(payload.meeting, user, for_write=True)
    proposer: Any = None
    if payload.proposer_kind == "branch" and payload.proposer_id is not None:
        proposer = _named(access_unit, payload.proposer_id, user, field="proposer_id")
    elif payload.proposer_kind == "affiliate" and payload.proposer_id is not None:
        proposer = _named(access_organisation, payload.proposer_id, user, field="proposer_id")
    affiliate_to = None
    if payload.affiliate_to:
        affiliate_to = _named(
            access_organisation_by_slug, payload.affiliate_to, user, field="affiliate_to"
        )
    motion = do_table_motion(
        meeting,
        title=payload.title,
        text=payload.text,
        mover=_member(payload.mover, user, "mover"),
        seconder=_member(payload.seconder, user, "seconder"),
        proposer_kind=payload.proposer_kind,
        proposer=proposer,
        affiliate_to=affiliate_to,
        acting_user=user,
    )
    return Status(201, _motion_out(motion, user))


class RulingIn(Schema):
    decision: str  # competent | not_competent | referred
    reasons: Annotated[str, Text(single_line=False)]
    clause: str = ""
    category: str = ""  # a slug of the rulebook's not_competent categories
    referred_to: str = ""


@router.post(
    "/{motion_id}/rulings",
    response={201: RulingOut, **REFUSALS},
    summary="Rule on competence (the chair, or national office)",
    description="422 when the reasons are missing, the clause is not cited or the category is "
    "unknown; the motion's state follows the ruling.",
)
def create_ruling(request: HttpRequest, motion_id: int, payload: RulingIn) -> Status:
    user = _user(request)
    motion = access_motion(motion_id, user, permission="motions.rule_on_motion")
    ruling = do_rule_on_motion(
        motion,
        decision=payload.decision,
        reasons=payload.reasons,
        clause=payload.clause,
        category=payload.category,
        referred_to=payload.referred_to,
        acting_user=user,
    )
    return Status(201, _ruling_out(ruling))


class VoteIn(Schema):
    voting: str = "show_of_hands"  # show_of_hands | paper | electronic
    secret: bool = False  # electronic votes only


class ChallengeIn(VoteIn):
    moved_by: str | None = None  # membership number


@router.post(
    "/rulings/{ruling_id}/challenge",
    response={200: RulingOut, **REFUSALS},
    summary="Challenge the chair's ruling (opens a two-thirds vote)",
)
def challenge_ruling(request: HttpRequest, ruling_id: int, payload: ChallengeIn) -> dict[str, Any]:
    user = _user(request)
    ruling = access_ruling(ruling_id, user, permission="motions.manage_motion")
    ruling = do_challenge_ruling(
        ruling,
        moved_by=_member(payload.moved_by, user, "moved_by"),
        voting=payload.voting,
        secret=payload.secret,
        acting_user=user,
    )
    return _ruling_out(ruling)


@router.post(
    "/rulings/{ruling_id}/challenge/close",
    response={200: RulingOut, **REFUSALS},
    summary="Close the challenge vote and apply its result",
)
def close_challenge(request: HttpRequest, ruling_id: int) -> dict[str, Any]:
    user = _user(request)
    ruling = access_ruling(ruling_id, user, permission="motions.manage_motion")
    return _ruling_out(do_close_challenge(ruling, acting_user=user))


class AmendmentIn(Schema):
    action: str  # replace | insert | delete
    line_from: int  # for insert: the line after which (0: before the first)
    line_to: int | None = None
    text: Annotated[str, ModelText(Amendment, "text")] = ""
    mover: str  # membership number
    seconder: str | None = None


@router.post(
    "/{motion_id}/amendments",
    response={201: AmendmentOut, **REFUSALS},
    summary="Propose an amendment to lines of the motion as tabled",
)
def propose_amendment(request: HttpRequest, motion_id: int, payload: AmendmentIn) -> Status:
    user = _user(request)
    motion = access_motion(motion_id, user, permission="motions.propose_amendment")
    amendment = do_propose_amendment(
        motion,
        action=payload.action,
        line_from=payload.line_from,
        line_to=payload.line_to,
        text=payload.text,
        mover=_member(payload.mover, user, "mover"),
        seconder=_member(payload.seconder, user, "seconder"),
        acting_user=user,
    )
    return Status(201, _amendment_out(amendment))


@router.post(
    "/amendments/{amendment_id}/accept",
    response={200: AmendmentOut, **REFUSALS},
    summary="The mover accepts an amendment (it becomes part of the text)",
)
def accept_amendment(request: HttpRequest, amendment_id: int) -> dict[str, Any]:
    user = _user(request)
    amendment = access_amendment(amendment_id, user, permission="motions.accept_amendment")
    return _amendment_out(do_accept_amendment(amendment, acting_user=user))


@router.post(
    "/{motion_id}/vote",
    response={200: MotionOut, **REFUSALS},
    summary="Put the motion (as amended) to the vote",
    description="Opens a yes/no poll at the meeting with the rulebook's majority for a motion; "
    "members vote through /polls/{poll_id}/cast, tellers enter counts for a show of hands.",
)
def open_vote(request: HttpRequest, motion_id: int, payload: VoteIn) -> dict[str, Any]:
    user = _user(request)
    motion = access_motion(motion_id, user, permission="motions.manage_motion")
    motion = do_open_motion_vote(
        motion, voting=payload.voting, secret=payload.secret, acting_user=user
    )
    return _motion_out(motion, user)


@router.post(
    "/{motion_id}/vote/close",
    response={200: MotionOut, **REFUSALS},
    summary="Close the vote and record the outcome",
)
def close_vote(request: HttpRequest, motion_id: int) -> dict[str, Any]:
    user = _user(request)
    motion = access_motion(motion_id, user, permission="motions.manage_motion")
    return _motion_out(do_close_motion_vote(motion, acting_user=user), user)


@router.post(
    "/{motion_id}/forward",
    response={200: MotionOut, **REFUSALS},
    summary="Forward a carried motion to the parent unit",
)
def forward(request: HttpRequest, motion_id: int) -> dict[str, Any]:
    user = _user(request)
    motion = access_motion(motion_id, user, permission="motions.manage_motion")
    return _motion_out(do_forward_motion(motion, acting_user=user), user)
