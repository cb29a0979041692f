"""Background work for ballots: sending a batch of deliveries (queue "mail"; run by the task
workers — several may run — or inline when MOOT_TASKS=immediate).

``send_batch`` claims the queued e-mail rows of its batch (state ``sending``, ``claimed_at``):
``select_for_update(skip_locked=True)`` on PostgreSQL, so two workers never take one row; on
SQLite the claim is a conditional ``UPDATE … WHERE state = 'queued'`` inside a write transaction,
which SQLite runs one at a time. It derives each credential, sends on one connection, and marks
a row ``sent`` only after the server accepted its message. A recipient refused with a 5xx code
is a hard bounce: the entry goes to post (``do_switch_to_post``). A transient failure puts the row
back in the queue with its attempt counted, and the batch is queued again after a back-off.
A worker killed mid-batch leaves rows in ``sending``: ``resume_stuck`` (the command
``moot ballot deliveries --resume``) puts them back."""

from __future__ import annotations

import contextlib
import datetime
import smtplib
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import default_task_backend, task

from moot.ballots.models import Ballot, Channel, Delivery, DeliveryKind, DeliveryState

MAX_ATTEMPTS = 5
# Kinds not sent to a voter who has voted by the time the batch goes out (an invitation or a
# reissued code is: it is the voter's proof of entitlement and their code to check the roll).
NOT_AFTER_VOTING = (DeliveryKind.REMINDER,)
VOTED_REASON = "not sent: the voter had voted by the time it was to be sent"
# Seconds before the n-th retry of a batch (1, 2, …): 30 s, 2 min, 8 min, 32 min.
BACKOFF = (30, 120, 480, 1920)
# Rows the server accepted are marked sent with one UPDATE at the end of the batch, or sooner
# when this many seconds have passed since the last: a worker killed in between leaves at most
# these seconds' accepted rows in "sending", which the resume sends again (the mailbox or the
# sink sees the same Message-ID twice).
MARK_EVERY_S = 2.0
STUCK_AFTER = datetime.timedelta(minutes=10)


def _claim(ballot_id: int, batch: int) -> list[int]:
    now = timezone.now()
    with transaction.atomic():
        queued = Delivery.objects.filter(
            ballot_id=ballot_id, batch=batch, channel=Channel.ONLINE, state=DeliveryState.QUEUED
        )
        if connection.features.has_select_for_update_skip_locked:
            ids = list(
                queued.select_for_update(skip_locked=True, of=("self",)).values_list(
                    "pk", flat=True
                )
            )
            Delivery.objects.filter(pk__in=ids).update(state=DeliveryState.SENDING, claimed_at=now)
            return ids
        ids = list(queued.values_list("pk", flat=True))
        Delivery.objects.filter(pk__in=ids, state=DeliveryState.QUEUED).update(
            state=DeliveryState.SENDING, claimed_at=now
        )
        return list(
            Delivery.objects.filter(
                pk__in=ids, state=DeliveryState.SENDING, claimed_at=now
            ).values_list("pk", flat=True)
        )


def _mark_sent(rows: Iterable[tuple[int, str]]) -> None:
    """Mark these (delivery id, message id) rows sent: one UPDATE for the rows whose Message-ID
    is moot's own (``mail.message_id``, made from the id), one per row an e-mail service gave
    its own id."""
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    from moot.ballots.mail import mail_domain

    pending = list(rows)
    if not pending:
        return
    now = timezone.now()
    own = [pk for pk, mid in pending if mid.startswith("<ballot-")]
    theirs = [(pk, mid) for pk, mid in pending if not mid.startswith("<ballot-")]
    sending = Delivery.objects.filter(state=DeliveryState.SENDING)
    with transaction.atomic():
        if own:
            sending.filter(pk__in=own).update(
                state=DeliveryState.SENT,
                sent_at=now,
                error="",
                message_id=Concat(
                    Value("<ballot-"),
                    Cast("ballot_id", CharField()),
                    Value(".delivery-"),
                    Cast("id", CharField()),
                    Value(f"@{mail_domain()}>"),
                    output_field=CharField(),
                ),
            )
        for pk, mid in theirs:
            sending.filter(pk=pk).update(
                state=DeliveryState.SENT, sent_at=now, message_id=mid[:200], error=""
            )


def _requeue(pk: int, error: str) -> int:
    """Back to the queue with the attempt counted; ``failed`` after MAX_ATTEMPTS."""
    row = Delivery.objects.filter(pk=pk).values("attempts").first()
    attempts = (row["attempts"] if row else 0) + 1
    state = DeliveryState.QUEUED if attempts < MAX_ATTEMPTS else DeliveryState.FAILED
    Delivery.objects.filter(pk=pk, state=DeliveryState.SENDING).update(
        state=state, attempts=attempts, error=error[:1000], claimed_at=None
    )
    return attempts


def _classify(exc: Exception) -> tuple[str, str]:
    """("bounce" | "transient" | "failed", reason) for an exception raised by a backend."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in exc.recipients.values()]
        reason = "; ".join(
            f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
            for code, text in exc.recipients.values()
        )
        if codes and all(500 <= code < 600 for code in codes):
            return "bounce", reason
        return "transient", reason
    if isinstance(exc, smtplib.SMTPResponseException):
        kind = "failed" if 500 <= exc.smtp_code < 600 else "transient"
        text = exc.smtp_error
        return (
            kind,
            f"{exc.smtp_code} {text.decode(errors='replace') if isinstance(text, bytes) else text}",
        )
    if isinstance(exc, OSError | smtplib.SMTPException):
        return "transient", f"{type(exc).__name__}: {exc}"
    anymail_status = getattr(exc, "status_code", None)
    if (
        anymail_status is not None
        and 400 <= int(anymail_status) < 500
        and int(anymail_status) != 429
    ):
        return "failed", f"{type(exc).__name__}: {exc}"
    return "transient", f"{type(exc).__name__}: {exc}"


def deliver_batch(ballot_id: int, batch: int) -> dict[str, int]:
    """Send the queued e-mail rows of one batch. Returns counts by outcome."""
    from django.core.mail.backends.smtp import EmailBackend as SmtpBackend

    from moot.ballots.actions.deliveries import do_switch_to_post
    from moot.ballots.credentials import ballot_key, credential_text
    from moot.ballots.errors import BallotError
    from moot.ballots.mail import Composer
    from moot.ballots.notices import notices_for

    counts = {"claimed": 0, "sent": 0, "skipped": 0, "bounced": 0, "retry": 0, "failed": 0}
    ballot = Ballot.objects.select_related("unit").filter(pk=ballot_id).first()
    if ballot is None:
        return counts
    try:
        composer = Composer(ballot, notices_for(ballot))
    except BallotError as refusal:
        # No public https:// address: nothing is claimed or sent; the rows wait, saying why,
        # until the setting is fixed and the batch is retried (dashboard or --resume).
        Delivery.objects.filter(
            ballot_id=ballot_id, batch=batch, channel=Channel.ONLINE, state=DeliveryState.QUEUED
        ).update(error=str(refusal.message)[:1000])
        counts["refused"] = 1
        return counts
    ids = _claim(ballot_id, batch)
    counts["claimed"] = len(ids)
    if not ids:
        return counts
    # A reminder or notice to someone who has voted since it was queued is not sent (one
    # UPDATE, at the moment the batch is sent).
    counts["skipped"] = Delivery.objects.filter(
        pk__in=ids,
        kind__in=NOT_AFTER_VOTING,
        state=DeliveryState.SENDING,
        entry__voted=True,
    ).update(state=DeliveryState.SKIPPED, error=VOTED_REASON, claimed_at=None)
    rows = list(
        Delivery.objects.filter(pk__in=ids, state=DeliveryState.SENDING)
        .order_by("-pk")  # popped from the end: sent in id order
        .values_list(
            "pk",
            "kind",
            "attempts",
            "entry_id",
            "entry__serial",
            "entry__email",
            "entry__channel",
            "entry__member__first_name",
        )
    )
    key = ballot_key(ballot)
    accepted: list[tuple[int, str]] = []
    pending = list(rows)
    try:
        conn = get_connection(fail_silently=False)
        conn.open()
    except Exception as exc:  # the server is down: the whole batch waits
        kind, reason = _classify(exc)
        for row in pending:
            _requeue(row[0], reason)
        counts["retry"] = len(pending)
        _retry_later(ballot_id, batch)
        return counts
    # Django's SMTP backend: the message bytes go straight to smtplib on its connection.
    smtp = conn.connection if isinstance(conn, SmtpBackend) else None
    flushed = time.monotonic()
    try:
        while pending:
            pk, kind, attempts, entry_id, serial, email, channel, first_name = pending.pop()
            if channel != Channel.ONLINE or not email:
                # Switched to post since the row was queued (a bounce of another kind).
                Delivery.objects.filter(pk=pk).update(
                    state=DeliveryState.REISSUED, error="the voter is now sent this by post"
                )
                continue
            credential = credential_text(key, entry_id, serial)
            made = (
                composer.raw(pk, kind, email, credential, first_name) if smtp is not None else None
            )
            try:
                if made is not None:
                    assert smtp is not None
                    smtp.sendmail(composer.envelope_from, [email], made[0])
                    mid = made[1]
                else:
                    message = composer.message(pk, kind, email, credential, first_name)
                    conn.send_messages([message])
                    # An e-mail service's own id (anymail) finds the row when its webhook
                    # reports.
                    status = getattr(message, "anymail_status", None)
                    esp_id = getattr(status, "message_id", None) if status is not None else None
                    mid = str(esp_id) if esp_id else message.extra_headers["Message-ID"]
            except Exception as exc:
                kind, reason = _classify(exc)
                if kind == "bounce":
                    _mark_sent(accepted)
                    accepted = []
                    do_switch_to_post(pk, reason=reason)
                    counts["bounced"] += 1
                elif kind == "failed":
                    Delivery.objects.filter(pk=pk).update(
                        state=DeliveryState.FAILED, error=reason[:1000], attempts=attempts + 1
                    )
                    counts["failed"] += 1
                else:
                    tries = _requeue(pk, reason)
                    counts["retry" if tries < MAX_ATTEMPTS else "failed"] += 1
                    if isinstance(exc, OSError | smtplib.SMTPServerDisconnected):
                        # The connection is gone: the rest of the batch waits too.
                        for rest in pending:
                            _requeue(rest[0], reason)
                        counts["retry"] += len(pending)
                        pending = []
                continue
            accepted.append((pk, mid))
            counts["sent"] += 1
            if time.monotonic() - flushed >= MARK_EVERY_S:
                _mark_sent(accepted)
                accepted = []
                flushed = time.monotonic()
    finally:
        _mark_sent(accepted)
        with contextlib.suppress(Exception):  # a close after a dropped connection
            conn.close()
    if counts["retry"]:
        _retry_later(ballot_id, batch)
    return counts


def _retry_later(ballot_id: int, batch: int) -> None:
    """Queue the batch again after a back-off that grows with its rows' attempts."""
    attempts = (
        Delivery.objects.filter(ballot_id=ballot_id, batch=batch, state=DeliveryState.QUEUED)
        .order_by("-attempts")
        .values_list("attempts", flat=True)
        .first()
    )
    if not attempts:
        return
    delay = BACKOFF[min(attempts, len(BACKOFF)) - 1]
    if default_task_backend.supports_defer:
        send_batch.using(run_after=timezone.now() + datetime.timedelta(seconds=delay)).enqueue(
            ballot_id, batch
        )
    elif getattr(settings, "MOOT_BALLOT_RETRY_INLINE", False):
        time.sleep(min(delay, 1))
        send_batch.enqueue(ballot_id, batch)
    # With the immediate backend (tests, a one-process demo) the rows stay queued for
    # ``moot ballot deliveries --resume`` or the dashboard's retry button.


@task(queue_name="mail")
def send_batch(ballot_id: int, batch: int) -> str:
    """Send one batch of a ballot's deliveries. Returns what happened (the task's result)."""
    counts = deliver_batch(ballot_id, batch)
    return f"ballot {ballot_id} batch {batch}: " + ", ".join(f"{k} {v}" for k, v in counts.items())


def resume_stuck(
    ballot_id: int | None = None,
    *,
    older_than: datetime.timedelta = STUCK_AFTER,
    requeue_queued: bool = True,
) -> dict[str, int]:
    """Put rows left in ``sending`` by a dead worker (claimed more than ``older_than`` ago) back
    in the queue, and queue one ``send_batch`` per batch that has queued e-mail rows. Returns
    counts: rows put back and batches queued."""
    cutoff = timezone.now() - older_than
    stuck = Delivery.objects.filter(
        state=DeliveryState.SENDING, channel=Channel.ONLINE, claimed_at__lte=cutoff
    )
    if ballot_id is not None:
        stuck = stuck.filter(ballot_id=ballot_id)
    with transaction.atomic():
        put_back = stuck.update(state=DeliveryState.QUEUED, claimed_at=None)
    queued = Delivery.objects.filter(state=DeliveryState.QUEUED, channel=Channel.ONLINE)
    if ballot_id is not None:
        queued = queued.filter(ballot_id=ballot_id)
    pairs = list(queued.values_list("ballot_id", "batch").distinct().order_by("ballot_id", "batch"))
    if requeue_queued:
        for ballot, batch in pairs:
            send_batch.enqueue(ballot, batch)
    return {"put_back": put_back, "batches": len(pairs)}


def delivery_states(ballot_id: int | None = None) -> dict[str, int]:
    """Counts of deliveries by state (``queued_email``: e-mail rows waiting to be sent)."""
    from django.db.models import Count

    rows = Delivery.objects.all()
    if ballot_id is not None:
        rows = rows.filter(ballot_id=ballot_id)
    counts = {r["state"]: r["n"] for r in rows.values("state").annotate(n=Count("id")).order_by()}
    counts["queued_email"] = rows.filter(state=DeliveryState.QUEUED, channel=Channel.ONLINE).count()
    return counts
