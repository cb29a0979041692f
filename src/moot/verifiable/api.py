"""The verifiable ballot's API (issue 12, items 5 and 6), at /api/verifiable/: the same actions
as the pages; refusals are raised (``moot.api.errors`` answers them with their field).

* ``POST /ballots/{id}/cast``: the booth casts the encrypted ballot. The voter is the browser
  session's: the invitation's credential put in it by ``/ballots/{id}/vote/`` (no account
  needed) or the signed-in member; CSRF is checked either way.
* ``POST /ballots/{id}/cast/credential``: the same with the invitation's credential in the body
  (no session: a program casting for a voter who gave it their credential; paced like issue
  11's).
* ``GET /ballots/{id}/election``, ``.../board``, ``.../board/{height}``,
  ``.../trackers/{tracker}`` and ``POST .../audit``: public.
* ``PUT|DELETE /ballots/{id}/setup`` and ``POST /ballots/{id}/open``: the ballot's manager.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.security import SessionAuth
from pydantic import ConfigDict

from moot.accounts.api_auth import API_AUTH
from moot.api_common import Message
from moot.api_common import caller as _user
from moot.ballots import casting
from moot.ballots.access import access_ballot_role
from moot.ballots.credential_pacing import entry_paced
from moot.ballots.errors import BallotError
from moot.ballots.views_casting import SESSION_KEY
from moot.text import Text
from moot.verifiable import queries
from moot.verifiable.access import access_election
from moot.verifiable.actions import (
    do_cast_verifiable,
    do_drop_verifiable,
    do_make_verifiable,
    do_open_verifiable_now,
)
from moot.verifiable.audit_check import COMPARE_TRACKER, check_audit_text
from moot.verifiable.errors import RefusalCode, VerifiableError
from moot.verifiable.voter import voter_for
from moot.verify import vballot

router = Router(tags=["verifiable"], auth=API_AUTH)

REFUSALS: dict[int, Any] = {403: Message, 404: Message, 409: Message, 422: Message}


class VoterSession(SessionAuth):
    """The browser session of a voter: a signed-in member, or one whose invitation's
    credential is in the session (no account); CSRF checked (``csrf=True``)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        if request.user.is_authenticated:
            return request.user
        if request.session.get(SESSION_KEY):
            return "voter"
        return None


voter_session = VoterSession(csrf=True)


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


class CastIn(StrictIn):
    ballot: dict[str, Any] = Field(
        description="The encrypted ballot as the booth made it (docs/verifiable.md §7): "
        "version, election_hash, credential, answers, signature."
    )


class CredentialCastIn(CastIn):
    credential: Annotated[str, Text(max_length=40)] = Field(
        min_length=1,
        description="The credential from the invitation (issue 11), not the "
        "voting credential: that one signs the ballot.",
    )


class CastOut(Schema):
    tracker: str
    tracker_shown: str
    height: int
    replaced: bool
    board_url: str
    # The board's head after this ballot (its entry's hash), also in the cast's audit event.
    board_head: str


class SetupIn(StrictIn):
    threshold: int = Field(ge=2, le=9)
    trustees: int = Field(ge=2, le=9)


class SetupOut(Schema):
    uuid: str
    state: str
    threshold: int
    trustees: int
    missing: list[str]


class BoardRowOut(Schema):
    height: int
    type: str
    tracker: str
    entry_hash: str
    # A tracker's look-up: the next ballot of the same credential, which supersedes this one.
    superseded_by: int | None = None


class BoardOut(Schema):
    size: int
    head: str
    entries: list[BoardRowOut]
    next_after: int | None


class AuditIn(StrictIn):
    audit: dict[str, Any]


class AuditLineOut(Schema):
    choice: str
    mark: str


class AuditQuestionOut(Schema):
    text: str
    lines: list[AuditLineOut]


class AuditOut(Schema):
    checked: bool
    tracker: str
    tracker_shown: str
    compare: str
    questions: list[AuditQuestionOut]


def _cast_out(ballot_id: int, cast: Any) -> dict[str, Any]:
    return {
        "tracker": cast.tracker,
        "tracker_shown": vballot.format_tracker(cast.tracker),
        "height": cast.height,
        "replaced": cast.replaced,
        "board_head": cast.head,
        "board_url": f"/ballots/{ballot_id}/verifiable/board/?tracker={cast.tracker}",
    }


@router.post(
    "/ballots/{ballot_id}/cast",
    response={201: CastOut, **REFUSALS},
    auth=voter_session,
    summary="Cast an encrypted ballot from the booth (the session's voter; CSRF)",
)
def verifiable_cast(request: HttpRequest, ballot_id: int, payload: CastIn) -> Status:
    ballot, _election = access_election(ballot_id, request.user)
    voter = voter_for(request, ballot)
    if voter.entry is None:
        raise VerifiableError(voter.why, code=RefusalCode.FORBIDDEN)
    cast = do_cast_verifiable(ballot, voter.entry, payload.ballot, acting_user=voter.acting_user)
    return Status(201, _cast_out(ballot.pk, cast))


@router.post(
    "/ballots/{ballot_id}/cast/credential",
    response={201: CastOut, **REFUSALS, 429: Message},
    auth=None,
    summary="Cast an encrypted ballot with the invitation's credential (no account needed)",
)
def verifiable_cast_with_credential(
    request: HttpRequest, ballot_id: int, payload: CredentialCastIn
) -> Status:
    ballot, _election = access_election(ballot_id, request.user)
    try:
        casting.check_open_for_returns(ballot)
        entry = entry_paced(ballot, request, payload.credential)
    except BallotError as exc:
        raise VerifiableError(
            exc.message, clause=exc.clause, field=exc.field, code=exc.code
        ) from None
    cast = do_cast_verifiable(ballot, entry, payload.ballot)
    return Status(201, _cast_out(ballot.pk, cast))


@router.get(
    "/ballots/{ballot_id}/election",
    response={200: dict[str, Any], 404: Message, 422: Message},
    auth=None,
    summary="election.json (its SHA-256 is every ballot's election_hash)",
)
def verifiable_election(request: HttpRequest, ballot_id: int) -> HttpResponse:
    _ballot, election = access_election(ballot_id, request.user)
    if not election.election_json:
        raise Http404("election.json is published when the verifiable election opens.")
    return HttpResponse(
        election.election_json.encode("utf-8"), content_type="application/json; charset=utf-8"
    )


@router.get(
    "/ballots/{ballot_id}/board",
    response={200: BoardOut, 404: Message, 422: Message},
    auth=None,
    summary="The board a page at a time (heights above `after`; trackers of ballots)",
)
def verifiable_board(
    request: HttpRequest, ballot_id: int, after: int = -1, limit: int = 100
) -> dict[str, Any]:
    _ballot, election = access_election(ballot_id, request.user)
    page = queries.board_page(election, after=max(-1, after), size=max(1, min(limit, 1000)))
    return {
        "size": election.board_size,
        "head": election.board_head,
        "entries": [
            {"height": e.height, "type": e.kind, "tracker": e.tracker, "entry_hash": e.entry_hash}
            for e in page.rows
        ],
        "next_after": page.after,
    }


@router.get(
    "/ballots/{ballot_id}/board/{height}",
    response={200: dict[str, Any], 404: Message, 422: Message},
    auth=None,
    summary="One board entry, its canonical JSON",
)
def verifiable_board_entry(request: HttpRequest, ballot_id: int, height: int) -> HttpResponse:
    _ballot, election = access_election(ballot_id, request.user)
    entry = queries.entry_at(election, height)
    if entry is None:
        raise Http404(f"The board has no entry at height {height} (it has {election.board_size}).")
    return HttpResponse(entry.body.encode("utf-8"), content_type="application/json; charset=utf-8")


@router.get(
    "/ballots/{ballot_id}/trackers/{tracker}",
    response={200: BoardRowOut, 404: Message, 422: Message},
    auth=None,
    summary="Find a ballot on the board by its tracker",
)
def verifiable_tracker(request: HttpRequest, ballot_id: int, tracker: str) -> dict[str, Any]:
    _ballot, election = access_election(ballot_id, request.user)
    normal = queries.normal_tracker(tracker)
    if not normal:
        raise VerifiableError(
            "A tracker is 64 letters a–f and digits (spaces do not matter).", field="tracker"
        )
    entry = queries.entry_for_tracker(election, normal)
    if entry is None:
        raise Http404("No ballot with this tracker is on the board.")
    return {
        "height": entry.height,
        "type": entry.kind,
        "tracker": entry.tracker,
        "entry_hash": entry.entry_hash,
        "superseded_by": queries.superseded_by(election, entry),
    }


@router.post(
    "/ballots/{ballot_id}/audit",
    response={200: AuditOut, 404: Message, 409: Message, 422: Message},
    auth=None,
    summary="Check a Benaloh audit (a ballot revealed instead of cast); nothing is stored",
)
def verifiable_audit(request: HttpRequest, ballot_id: int, payload: AuditIn) -> dict[str, Any]:
    _ballot, election = access_election(ballot_id, request.user)
    if not election.election_json:
        raise VerifiableError(
            "Ballots can be checked once the verifiable election opens.", code=RefusalCode.STATE
        )
    result = check_audit_text(election.election_json, json.dumps(payload.audit))
    return {
        "checked": True,
        "tracker": result.tracker,
        "tracker_shown": result.tracker_shown,
        "compare": f"This audited ballot's tracker is {result.tracker_shown}: {COMPARE_TRACKER}.",
        "questions": [
            {"text": q.text, "lines": [{"choice": c, "mark": m} for c, m in q.lines]}
            for q in result.questions
        ],
    }


def _setup_out(ballot: Any) -> dict[str, Any]:
    from moot.verifiable.readiness import missing_to_open

    election = queries.election_of(ballot)
    if election is None:
        raise Http404("This ballot is not run verifiable.")
    return {
        "uuid": str(election.uuid),
        "state": election.state,
        "threshold": election.threshold,
        "trustees": election.trustee_count,
        "missing": missing_to_open(election, ballot),
    }


@router.get(
    "/ballots/{ballot_id}/setup",
    response={200: SetupOut, **REFUSALS},
    summary="Whether the ballot is run verifiable, and what its election still needs (manager)",
)
def verifiable_setup(request: HttpRequest, ballot_id: int) -> dict[str, Any]:
    ballot = access_ballot_role(ballot_id, _user(request), "oversee")
    return _setup_out(ballot)


@router.put(
    "/ballots/{ballot_id}/setup",
    response={200: SetupOut, **REFUSALS},
    summary="Run a draft ballot verifiable, with its trustees and threshold (manager)",
)
def verifiable_make(request: HttpRequest, ballot_id: int, payload: SetupIn) -> dict[str, Any]:
    user = _user(request)
    ballot = access_ballot_role(ballot_id, user, "manage")
    do_make_verifiable(
        ballot, threshold=payload.threshold, trustees=payload.trustees, acting_user=user
    )
    return _setup_out(ballot)


@router.delete(
    "/ballots/{ballot_id}/setup",
    response={204: None, **REFUSALS},
    summary="Run a draft ballot as an ordinary ballot after all (manager)",
)
def verifiable_drop(request: HttpRequest, ballot_id: int) -> Status:
    user = _user(request)
    ballot = access_ballot_role(ballot_id, user, "manage")
    do_drop_verifiable(ballot, acting_user=user)
    return Status(204, None)


@router.post(
    "/ballots/{ballot_id}/open",
    response={200: SetupOut, **REFUSALS},
    summary="Open the verifiable election once keys and credentials are in (manager)",
)
def verifiable_open(request: HttpRequest, ballot_id: int) -> dict[str, Any]:
    user = _user(request)
    ballot = access_ballot_role(ballot_id, user, "manage")
    election = queries.election_of(ballot)
    if election is None:
        raise Http404("This ballot is not run verifiable.")
    do_open_verifiable_now(election, acting_user=user)
    return _setup_out(ballot)
