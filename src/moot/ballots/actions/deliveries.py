"""Deliveries of an open ballot: reminders to those who have not voted, a bounced address
switched to post, the manager's retry of what is stuck or waiting (issue 11, item 6).

Who may call them is checked by the page or the API (``access_ballot_role(…, "manage")``);
what can be asked is fixed here: a reminder goes to every eligible voter who has not voted
and is reached by e-mail — no region, unit or list of members can be chosen, so nobody can
remind only the voters they expect to agree with them."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from moot.audit.actions import record
from moot.ballots.audit_verbs import AuditVerb
from moot.ballots.delivery import enqueue_batches, queue_deliveries
from moot.ballots.errors import BallotError, RefusalCode
from moot.ballots.models import (
    Ballot,
    BallotState,
    Channel,
    Delivery,
    DeliveryKind,
    DeliveryState,
    RevokedCredential,
    RollEntry,
)

BOUNCE_REASON = "e-mail bounced"


def _lock(ballot: Ballot) -> Ballot:
    return Ballot.objects.select_for_update(of=("self",)).get(pk=ballot.pk)


def reminder_rounds_sent(ballot: Ballot) -> int:
    last = (
        Delivery.objects.filter(ballot=ballot, kind=DeliveryKind.REMINDER)
        .order_by("-round")
        .values_list("round", flat=True)
        .first()
    )
    return last or 0


@transaction.atomic(durable=True)
def do_send_reminders(ballot: Ballot, round_number: int | None = None, *, acting_user: Any) -> int:
    """Queue reminder ``round_number`` (the next round when None) to every eligible voter of
    the open ballot who has not voted and is reached by e-mail; each reminder leads with the
    post-issue notices. Returns the number queued. A round already sent is refused."""
    ballot = _lock(ballot)
    if ballot.state != BallotState.OPEN:
        raise BallotError(
            f"Reminders are sent while the ballot is open; it is {ballot.get_state_display()}.",
            code=RefusalCode.STATE,
        )
    sent = reminder_rounds_sent(ballot)
    if round_number is None:
        round_number = sent + 1
    if round_number < 1 or round_number > 50:
        raise BallotError(
            f"A reminder round is a whole number from 1 to 50; {round_number} was given.",
            field="round",
            code=RefusalCode.INVALID,
        )
    if round_number <= sent:
        raise BallotError(
            f"Reminder round {round_number} has already been sent; the next round is {sent + 1}.",
            field="round",
            code=RefusalCode.CONFLICT,
        )
    written, batches = queue_deliveries(
        ballot,
        DeliveryKind.REMINDER,
        round_number=round_number,
        only_not_voted=True,
        channels=(Channel.ONLINE,),
    )
    record(
        actor=acting_user,
        verb=AuditVerb.SEND_REMINDERS,
        obj=ballot,
        after={"round": round_number, "queued": written, "batches": len(batches)},
    )
    enqueue_batches(ballot, batches)
    return written


@transaction.atomic(durable=True)
def do_switch_to_post(delivery_id: int, *, reason: str, acting_user: Any = None) -> bool:
    """A hard bounce (a 5xx on RCPT, or an ESP's bounced/complained/rejected event): the
    delivery is marked bounced, the voter's entry goes to post with ``channel_reason`` (and a
    paper number, the next after every one given, when it had none), and a
    post delivery of the same kind is queued for the print files. Returns False when there was
    nothing to switch (already on post, the delivery is not an e-mail, or the voter has already
    voted: the row is marked bounced and nothing else changes)."""
    delivery = Delivery.objects.select_for_update(of=("self",)).filter(pk=delivery_id).first()
    if delivery is None or delivery.channel != Channel.ONLINE:
        return False
    # The ballot's row serialises the paper numbers given to voters moved to post.
    ballot = Ballot.objects.select_for_update(of=("self",)).get(pk=delivery.ballot_id)
    entry = RollEntry.objects.select_for_update(of=("self",)).get(pk=delivery.entry_id)
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.BOUNCED, error=reason[:1000], claimed_at=None
    )
    if entry.channel == Channel.POST:
        return False
    if entry.voted:
        # The voter has voted: a paper would be a second ballot paper for nobody's use, and the
        # roll would say post for a member who votes online. The bounce is kept on the row.
        Delivery.objects.filter(pk=delivery.pk).update(
            error=f"{reason} — not moved to post: the voter had already voted"[:1000]
        )
        return False
    entry.channel = Channel.POST
    entry.channel_reason = BOUNCE_REASON
    if entry.paper_number is None:
        # A paper for the print files: the next number after every one given or revoked.
        issued = RollEntry.objects.filter(ballot=ballot).aggregate(n=Max("paper_number"))["n"]
        revoked = RevokedCredential.objects.filter(ballot=ballot).aggregate(n=Max("paper_number"))[
            "n"
        ]
        entry.paper_number = max(issued or 0, revoked or 0) + 1
    entry.save(update_fields=["channel", "channel_reason", "paper_number"])
    post, _created = Delivery.objects.get_or_create(
        entry=entry,
        kind=delivery.kind,
        round=delivery.round,
        channel=Channel.POST,
        defaults={"ballot_id": delivery.ballot_id, "queued_at": timezone.now(), "batch": 0},
    )
    # Later e-mail rows of this voter (a reminder queued before the bounce) are not sent.
    Delivery.objects.filter(entry=entry, channel=Channel.ONLINE, state=DeliveryState.QUEUED).update(
        state=DeliveryState.REISSUED, error="the voter is now sent this by post"
    )
    record(
        actor=acting_user,
        verb=AuditVerb.SWITCH_TO_POST,
        obj=entry,
        after={"delivery": delivery.pk, "kind": delivery.kind, "post_delivery": post.pk},
        reason=reason[:200],
    )
    return True


@transaction.atomic(durable=True)
def do_retry_deliveries(ballot: Ballot, *, acting_user: Any) -> dict[str, int]:
    """The manager's retry: rows left in ``sending`` by a dead worker for more than the
    sweeper's timeout and rows waiting in the queue are queued again (failed rows too, with
    their attempts reset). Nothing already sent is sent again."""
    from moot.ballots.tasks import STUCK_AFTER, send_batch
    from moot.on_commit import enqueue_on_commit

    ballot = _lock(ballot)
    if ballot.state != BallotState.OPEN:
        raise BallotError(
            f"Deliveries are retried while the ballot is open; it is {ballot.get_state_display()}.",
            code=RefusalCode.STATE,
        )
    cutoff = timezone.now() - STUCK_AFTER
    email = Delivery.objects.filter(ballot=ballot, channel=Channel.ONLINE)
    stuck = email.filter(state=DeliveryState.SENDING, claimed_at__lte=cutoff).update(
        state=DeliveryState.QUEUED, claimed_at=None
    )
    failed = email.filter(state=DeliveryState.FAILED).update(state=DeliveryState.QUEUED, attempts=0)
    batches = list(
        email.filter(state=DeliveryState.QUEUED)
        .order_by("batch")
        .values_list("batch", flat=True)
        .distinct()
    )
    record(
        actor=acting_user,
        verb=AuditVerb.RETRY_DELIVERIES,
        obj=ballot,
        after={"stuck": stuck, "failed": failed, "batches": len(batches)},
    )
    for batch in batches:
        enqueue_on_commit(send_batch, ballot.pk, batch)
    return {"stuck": stuck, "failed": failed, "batches": len(batches)}
