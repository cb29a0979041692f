"""The API of a ballot's deliveries: the dashboard's counts (its overseers), a reminder round and
a retry (its managers). Counts only: never an address, a name or a credential."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from moot.accounts.api_auth import API_AUTH
from moot.api_common import Message
from moot.api_common import caller as _user
from moot.ballots import queries_deliveries
from moot.ballots.access import access_ballot_role
from moot.ballots.actions.deliveries import (
    do_retry_deliveries,
    do_send_reminders,
    reminder_rounds_sent,
)

router = Router(tags=["ballots"], auth=API_AUTH)

REFUSALS: dict[int, Any] = {403: Message, 404: Message, 409: Message, 422: Message}


class DeliveryRowOut(Schema):
    kind: str
    channel: str
    states: dict[str, int]
    total: int


class ProblemOut(Schema):
    state: str
    error: str
    n: int


class RoundOut(Schema):
    round: int
    n: int


class DeliveriesOut(Schema):
    rows: list[DeliveryRowOut]
    totals: dict[str, int]
    total: int
    stuck: int
    problems: list[ProblemOut]
    post: dict[str, int]
    rounds: list[RoundOut]
    next_reminder: int


class ReminderIn(Schema):
    model_config = ConfigDict(extra="forbid")

    round: int | None = Field(
        default=None, ge=1, le=50, description="The round to send; the next one when left out"
    )


class ReminderOut(Schema):
    round: int
    queued: int


class RetryOut(Schema):
    stuck: int
    failed: int
    batches: int


@router.get(
    "/{ballot_id}/deliveries",
    response={200: DeliveriesOut, **REFUSALS},
    summary="A ballot's deliveries: counts per kind, channel and state, bounces, post queue",
)
def deliveries_summary(request: HttpRequest, ballot_id: int) -> dict[str, Any]:
    ballot = access_ballot_role(ballot_id, _user(request), "oversee")
    counts = queries_deliveries.delivery_counts(ballot)
    return {
        "rows": counts["rows"],
        "totals": counts["totals"],
        "total": counts["total"],
        "stuck": counts["stuck"],
        "problems": queries_deliveries.problems_by_reason(ballot),
        "post": queries_deliveries.post_queue(ballot),
        "rounds": queries_deliveries.reminder_rounds(ballot),
        "next_reminder": queries_deliveries.not_voted_by_email(ballot),
    }


@router.post(
    "/{ballot_id}/deliveries/reminders",
    response={200: ReminderOut, **REFUSALS},
    summary="Send a reminder round to every member who has not voted and has e-mail",
)
def deliveries_remind(request: HttpRequest, ballot_id: int, payload: ReminderIn) -> dict[str, int]:
    user = _user(request)
    ballot = access_ballot_role(ballot_id, user, "manage")
    queued = do_send_reminders(ballot, payload.round, acting_user=user)
    return {"round": reminder_rounds_sent(ballot), "queued": queued}


@router.post(
    "/{ballot_id}/deliveries/retry",
    response={200: RetryOut, **REFUSALS},
    summary="Queue again what is stuck, waiting or failed",
)
def deliveries_retry(request: HttpRequest, ballot_id: int) -> dict[str, int]:
    user = _user(request)
    ballot = access_ballot_role(ballot_id, user, "manage")
    return do_retry_deliveries(ballot, acting_user=user)
