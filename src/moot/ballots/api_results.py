"""The API of the close, the count, the scrutineer's report, the declaration, the results and
countbacks. The result and the report follow ``ballots.results``: the ballot's scrutineer alone
reads them before the sign-off, those who oversee the ballot after it (never a candidate), and
everyone, anonymous callers too, after the declaration."""

from __future__ import annotations

from typing import Annotated, Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import AuthenticationError
from pydantic import ConfigDict

from moot.accounts.api_auth import API_AUTH
from moot.api_common import Message
from moot.api_common import caller as _user
from moot.ballots import queries_results, results
from moot.ballots.access import access_ballot, access_ballot_role
from moot.ballots.actions.closing import (
    do_close_ballot,
    do_count_ballot,
    do_countback,
    do_declare_ballot,
    do_sign_scrutineer_report,
)
from moot.ballots.errors import BallotError, RefusalCode
from moot.ballots.models import Ballot, BallotState, Countback
from moot.text import Text

router = Router(tags=["ballots"], auth=API_AUTH)


def _anyone(request: HttpRequest) -> Any | None:
    """Anonymous callers of the public reads (after the declaration). A request that carries a
    bearer token the token check refused stays refused (401), never read as anonymous."""
    if request.headers.get("Authorization"):
        return None
    return AnonymousUser()


def _signed_in(user: Any) -> None:
    """Before the declaration the public reads are for signed-in callers: 401 otherwise."""
    if not getattr(user, "is_authenticated", False):
        raise AuthenticationError()


# The reads the results page shows publicly: a token or session if given, else anyone; each
# endpoint still decides (``results.may_read_result``) what an anonymous caller may read.
PUBLIC_READ: list[Any] = [*API_AUTH, _anyone]

REFUSALS: dict[int, Any] = {403: Message, 404: Message, 409: Message, 422: Message}


class StateOut(Schema):
    id: int
    state: str
    returns: dict[str, Any] | None
    counted: bool
    signed: bool
    declared: bool


class ScrutineerStatementIn(Schema):
    model_config = ConfigDict(extra="forbid")
    satisfied: bool
    reasons: Annotated[str, Text(5000, single_line=False)] = ""


class SignIn(Schema):
    model_config = ConfigDict(extra="forbid")
    a: ScrutineerStatementIn
    b: ScrutineerStatementIn
    c: ScrutineerStatementIn


class CountbackIn(Schema):
    model_config = ConfigDict(extra="forbid")
    departed: int = Field(..., description="The candidate id of the member who left the seat")
    reason: Annotated[str, Text(2000, single_line=False)]


class CountbackOut(Schema):
    id: int
    departed: str
    reason: str
    requested_at: str
    filled_by: str | None
    elected: list[str]
    report: str


def _state(ballot: Ballot) -> dict[str, Any]:
    return {
        "id": ballot.pk,
        "state": ballot.state,
        "returns": ballot.returns,
        "counted": ballot.counted_at is not None,
        "signed": ballot.signed_at is not None,
        "declared": ballot.declared_at is not None,
    }


def _countback(cb: Countback) -> dict[str, Any]:
    return {
        "id": cb.pk,
        "departed": cb.departed.name,
        "reason": cb.reason,
        "requested_at": cb.requested_at.isoformat(),
        "filled_by": cb.filled_by.name if cb.filled_by else None,
        "elected": list(cb.result.get("elected") or []),
        "report": cb.result_text,
    }


@router.post(
    "/{ballot_id}/close",
    response={200: StateOut, **REFUSALS},
    summary="Close the ballot: precedence applied, returns separated from voters (managers)",
)
def results_close(request: HttpRequest, ballot_id: int) -> dict[str, Any]:
    user = _user(request)
    return _state(do_close_ballot(access_ballot(ballot_id, user, for_write=True), acting_user=user))


@router.post(
    "/{ballot_id}/count",
    response={200: StateOut, **REFUSALS},
    summary="Count the closed ballot; the result stays locked until the scrutineer signs",
)
def results_count(request: HttpRequest, ballot_id: int) -> dict[str, Any]:
    user = _user(request)
    return _state(do_count_ballot(access_ballot(ballot_id, user, for_write=True), acting_user=user))


@router.get(
    "/{ballot_id}/result",
    response={200: dict[str, Any], **REFUSALS},
    auth=PUBLIC_READ,
    summary="The count's result (JSON report): public after the declaration",
)
def results_result(request: HttpRequest, ballot_id: int) -> dict[str, Any]:
    user = _user(request)
    ballot = access_ballot(ballot_id, user)
    if not results.may_read_result(ballot, user):
        _signed_in(user)
        raise BallotError(results.locked_reason(ballot), code=RefusalCode.STATE)
    return dict(ballot.result or {})


@router.get(
    "/{ballot_id}/scrutineer-report",
    response={200: dict[str, Any], **REFUSALS},
    auth=PUBLIC_READ,
    summary="The scrutineer's report (TULRCA s.52 fields): public after the declaration",
)
def results_scrutineer_report(request: HttpRequest, ballot_id: int) -> dict[str, Any]:
    user = _user(request)
    ballot = access_ballot(ballot_id, user)
    if ballot.state != BallotState.DECLARED and not results.may_read_result(ballot, user):
        # Before the declaration the signed report (with the votes) is the result's: the
        # scrutineer, then those who oversee the ballot, never a candidate.
        _signed_in(user)
        access_ballot_role(ballot_id, user, "scrutinise")
        raise BallotError(results.locked_reason(ballot), code=RefusalCode.STATE)
    if not ballot.scrutineer_report:
        raise BallotError("The scrutineer has not signed a report yet.", code=RefusalCode.STATE)
    return dict(ballot.scrutineer_report)


@router.post(
    "/{ballot_id}/scrutineer-report/sign",
    response={200: StateOut, **REFUSALS},
    summary="The scrutineer signs the report with the three statements (the scrutineer only)",
)
def results_sign(request: HttpRequest, ballot_id: int, payload: SignIn) -> dict[str, Any]:
    user = _user(request)
    ballot = access_ballot_role(ballot_id, user, "scrutinise")
    if ballot.scrutineer_id != user.pk:
        raise PermissionDenied("Only the ballot's scrutineer signs the report.")
    statements = {key: getattr(payload, key).model_dump() for key in ("a", "b", "c")}
    return _state(do_sign_scrutineer_report(ballot, statements=statements, acting_user=user))


@router.post(
    "/{ballot_id}/declare",
    response={200: StateOut, **REFUSALS},
    summary="Declare the result, after the scrutineer's sign-off (the returning officer)",
)
def results_declare(request: HttpRequest, ballot_id: int) -> dict[str, Any]:
    user = _user(request)
    ballot = access_ballot(ballot_id, user, for_write=True)
    return _state(do_declare_ballot(ballot, acting_user=user))


@router.get(
    "/{ballot_id}/countbacks",
    response={200: list[CountbackOut], **REFUSALS},
    auth=PUBLIC_READ,
    summary="The countbacks run to fill vacancies (public after the declaration)",
)
def results_countbacks(request: HttpRequest, ballot_id: int) -> list[dict[str, Any]]:
    user = _user(request)
    ballot = access_ballot(ballot_id, user)
    if ballot.state != BallotState.DECLARED:
        _signed_in(user)
        return []
    return [_countback(cb) for cb in queries_results.countbacks(ballot)]


@router.post(
    "/{ballot_id}/countbacks",
    response={200: CountbackOut, **REFUSALS},
    summary="Fill a vacancy by countback: the stored count re-run without the departed",
)
def results_countback(request: HttpRequest, ballot_id: int, payload: CountbackIn) -> dict[str, Any]:
    user = _user(request)
    ballot = access_ballot(ballot_id, user, for_write=True)
    departed = queries_results.candidate(ballot, payload.departed)
    return _countback(do_countback(ballot, departed, reason=payload.reason, acting_user=user))
