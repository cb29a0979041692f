"""Reading and verifying the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Model, QuerySet

from moot.audit.chain import GENESIS, event_hash, stamp
from moot.audit.models import AuditEvent


def history_of(obj: Model) -> QuerySet[AuditEvent]:
    """Every event about ``obj``, oldest first."""
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    kind: str  # "edited", "missing", "reordered", "broken-link"
    message: str


def _fields(event: AuditEvent) -> dict[str, object]:
    return {
        "seq": event.seq,
        "occurred_at": stamp(event.occurred_at),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "verb": event.verb,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "clause": event.clause,
        "reason": event.reason,
        "prev_hash": event.prev_hash,
    }


def verify_chain(batch_size: int = 5000) -> tuple[int, list[ChainProblem]]:
    """Walk the chain in storage order (primary key) and report every break.

    Storage order is the order rows were written. An event whose stored hash does not match its
    content was edited; a gap in ``seq`` means events were deleted; ``seq`` going backwards in
    storage order, or a ``prev_hash`` that names another event, means events were reordered.
    """
    problems: list[ChainProblem] = []
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    for event in _in_storage_order(batch_size):
        checked += 1
        if event_hash(_fields(event)) != event.hash:
            problems.append(
                ChainProblem(
                    event.seq,
                    "edited",
                    f"event #{event.seq} ({event.verb} {event.object_type}:{event.object_id}) was "
                    "edited after it was written: its content no longer matches its hash",
                )
            )
        if event.seq > expected_seq:
            missing = (
                f"#{expected_seq}"
                if event.seq == expected_seq + 1
                else f"#{expected_seq}–#{event.seq - 1}"
            )
            problems.append(
                ChainProblem(
                    event.seq,
                    "missing",
                    f"event {missing} is missing (deleted) before event #{event.seq}",
                )
            )
        elif event.seq < expected_seq:
            problems.append(
                ChainProblem(
                    event.seq,
                    "reordered",
                    f"event #{event.seq} is stored after event #{expected_seq - 1}: "
                    "events were reordered",
                )
            )
        if event.prev_hash != expected_prev and event.seq == expected_seq:
            problems.append(
                ChainProblem(
                    event.seq,
                    "broken-link",
                    f"event #{event.seq} does not follow the event stored before it "
                    "(its link to the previous hash is broken)",
                )
            )
        expected_prev = event.hash
        expected_seq = max(expected_seq, event.seq) + 1
    return checked, problems


def _in_storage_order(batch_size: int) -> Iterator[AuditEvent]:
    last_pk = 0
    while True:
        batch = list(AuditEvent.objects.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
        if not batch:
            return
        yield from batch
        last_pk = batch[-1].pk
