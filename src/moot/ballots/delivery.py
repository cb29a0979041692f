"""Deliveries of a ballot (issue 11, item 6): one ``Delivery`` row per message to one voter —
an invitation at the issue, a reissued credential, a reminder — by e-mail or by post.

E-mail rows are numbered into batches of ``BATCH_SIZE``; each batch is one ``send_batch`` task
(``moot.ballots.tasks``), queued when the transaction that wrote the rows commits, so a worker
never sends for an issue that was rolled back. Post rows have batch 0: they go into the print
files for the mailing house (``printing.py``), not to a mail server.

The rows are written with one ``INSERT … SELECT`` per call, not one ORM object per voter: the
issue of a national ballot writes 500,000 of them inside its transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils import timezone

from moot.ballots.models import Ballot, Channel, Delivery, DeliveryKind, DeliveryState, RollEntry

BATCH_SIZE = 2000


def next_batch(ballot: Ballot) -> int:
    """The first batch number not yet used by a delivery of ``ballot`` (numbers are shared by
    every kind, so a batch names one task's rows)."""
    last = (
        Delivery.objects.filter(ballot=ballot)
        .order_by("-batch")
        .values_list("batch", flat=True)
        .first()
    )
    return (last or 0) + 1


def queue_deliveries(
    ballot: Ballot,
    kind: str,
    *,
    round_number: int = 0,
    only_not_voted: bool = False,
    entry_ids: list[int] | None = None,
    channels: tuple[str, ...] = (Channel.ONLINE, Channel.POST),
) -> tuple[int, list[int]]:
    """Write a queued ``kind`` delivery for each eligible roll entry of ``ballot`` (by its own
    channel; only ``entry_ids`` when given) that has none of this kind and round yet; number
    the e-mail rows into batches. Returns (rows written, e-mail batch numbers). The caller
    holds the transaction."""
    if kind not in DeliveryKind.values:
        raise ValueError(f"{kind!r} is not a kind of delivery ({', '.join(DeliveryKind.values)})")
    first = next_batch(ballot)
    qn = connection.ops.quote_name
    d = Delivery._meta.db_table
    r = RollEntry._meta.db_table
    where = [f"r.{qn('ballot_id')} = %s", f"r.{qn('eligible')} = %s"]
    params: list[Any] = [ballot.pk, True]
    placeholders = ", ".join(["%s"] * len(channels))
    where.append(f"r.{qn('channel')} IN ({placeholders})")
    params.extend(channels)
    # An e-mail row needs an address: an entry without one is the roll's to put on post.
    where.append(f"(r.{qn('channel')} <> %s OR r.{qn('email')} <> %s)")
    params.extend([Channel.ONLINE, ""])
    if only_not_voted:
        where.append(f"r.{qn('voted')} = %s")
        params.append(False)
    if entry_ids is not None:  # a reissue: these entries only
        if not entry_ids:
            return 0, []
        where.append(f"r.{qn('id')} IN ({', '.join(['%s'] * len(entry_ids))})")
        params.extend(int(pk) for pk in entry_ids)
    where.append(
        f"NOT EXISTS (SELECT 1 FROM {qn(d)} x WHERE x.{qn('entry_id')} = r.{qn('id')} "  # noqa: S608 - names from the model
        f"AND x.{qn('kind')} = %s AND x.{qn('round')} = %s "
        f"AND x.{qn('channel')} = r.{qn('channel')})"
    )
    params.extend([kind, round_number])
    now = timezone.now()
    sql = (
        f"INSERT INTO {qn(d)} ({qn('ballot_id')}, {qn('entry_id')}, {qn('kind')}, {qn('round')}, "  # noqa: S608 - names from the model
        f"{qn('channel')}, {qn('state')}, {qn('batch')}, {qn('attempts')}, {qn('message_id')}, "
        f"{qn('error')}, {qn('queued_at')}) "
        f"SELECT r.{qn('ballot_id')}, r.{qn('id')}, %s, %s, r.{qn('channel')}, %s, "
        f"CASE WHEN r.{qn('channel')} = %s THEN "
        f"%s + (ROW_NUMBER() OVER (PARTITION BY r.{qn('channel')} ORDER BY r.{qn('id')}) - 1) / %s "
        f"ELSE 0 END, 0, '', '', %s FROM {qn(r)} r WHERE {' AND '.join(where)}"
    )
    head: list[Any] = [
        kind,
        round_number,
        DeliveryState.QUEUED,
        Channel.ONLINE,
        first,
        BATCH_SIZE,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*head, now, *params])
        written = cursor.rowcount
    batches = list(
        Delivery.objects.filter(ballot=ballot, batch__gte=first, channel=Channel.ONLINE)
        .order_by("batch")
        .values_list("batch", flat=True)
        .distinct()
    )
    return max(written, 0), batches


def enqueue_batches(ballot: Ballot, batches: list[int]) -> None:
    """Queue one ``send_batch`` task per batch when the transaction commits."""
    from moot.ballots.tasks import send_batch
    from moot.on_commit import enqueue_on_commit

    for batch in batches:
        enqueue_on_commit(send_batch, ballot.pk, batch)


def queue_invitations(ballot: Ballot) -> int:
    """Queue the invitation of every eligible voter of ``ballot``: an e-mail row (in batches of
    ``BATCH_SIZE``, each sent by one ``send_batch`` task after the commit) or a post row (for
    the print files). Called inside the issue's transaction; an entry already invited is left
    alone, so a second call queues nothing. Returns the number of rows written."""
    written, batches = queue_deliveries(ballot, DeliveryKind.INVITATION)
    enqueue_batches(ballot, batches)
    return written
