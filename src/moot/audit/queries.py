"""Reading and verifying the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db.models import Count, Max, Model, Q, QuerySet

from moot.audit.chain import GENESIS, event_hash, stamp
from moot.audit.checkpoint import Checkpoint, signature_problem
from moot.audit.models import AuditEvent


def history_of(obj: Model) -> QuerySet[AuditEvent]:
    """Every genuine event about ``obj``, oldest first."""
    return (
        genuine_events()
        .filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor")
    )


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    # "edited", "missing", "reordered", "broken-link", "forged", "duplicate" (the walk);
    # "signature", "deleted", "truncated", "resealed", "count" (a checkpoint); "anchor".
    kind: str
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


def genuine_events() -> QuerySet[AuditEvent]:
    """The rows that can be links of the chain. moot writes ids and ``seq`` from 1 up, so a row
    with an id or ``seq`` of 0 or less was written around moot; it is never shown as genuine."""
    return AuditEvent.objects.all()


def head() -> tuple[int, str, int]:
    """The chain's head as stored now: (seq, hash, number of events); (0, GENESIS, 0) when empty."""
    last = genuine_events().order_by("-seq").values("seq", "hash").first()
    if last is None:
        return 0, GENESIS, 0
    # Counted up to the head read, so an event appended meanwhile is not counted without it.
    return last["seq"], last["hash"], genuine_events().filter(seq__lte=last["seq"]).count()


def sealing_event(obj: Model, *verbs: str) -> AuditEvent | None:
    """The latest genuine event about ``obj`` with one of ``verbs`` (a verb's name today and
    the names it had before): the event that sealed a declaration, a closed poll or approved
    minutes. When it was written it was the head of the chain, so its seq and hash, printed on
    the result, are a copy of the head kept outside moot."""
    return (
        genuine_events()
        .filter(object_type=obj._meta.label_lower, object_id=str(obj.pk), verb__in=verbs)
        .order_by("-seq")
        .first()
    )


def forged_rows() -> list[ChainProblem]:
    """Rows with an id or ``seq`` of 0 or less: never written by moot."""
    rows = AuditEvent.every_row.filter(Q(pk__lte=0) | Q(seq__lte=0)).order_by("pk")
    return [
        ChainProblem(
            event.seq,
            "forged",
            f"row id {event.pk} (seq {event.seq}, {event.verb} "
            f"{event.object_type}:{event.object_id}) has an id or seq of 0 or less: moot never "
            "writes such a row, so it was inserted around moot and is not part of the chain",
        )
        for event in rows
    ]


def duplicated_seqs() -> list[ChainProblem]:
    """Sequence numbers held by more than one row (possible only if the unique index was
    dropped)."""
    rows = genuine_events().values("seq").annotate(n=Count("id")).filter(n__gt=1).order_by("seq")
    return [
        ChainProblem(
            row["seq"],
            "duplicate",
            f"seq #{row['seq']} is held by {row['n']} events: the chain was forked around moot",
        )
        for row in rows
    ]


def verify_chain(batch_size: int = 5000) -> tuple[int, list[ChainProblem]]:
    """Walk the chain in storage order (primary key) and report every break.

    Storage order is the order rows were written. An event whose stored hash does not match its
    content was edited; a gap in ``seq`` (from 1 on) means events were deleted; ``seq`` going
    backwards in storage order, or a ``prev_hash`` that names another event, means events were
    reordered. Rows with an id or ``seq`` of 0 or less and duplicated ``seq`` numbers are
    reported too. What this walk cannot see (the newest events cut off, every event deleted,
    or events edited and every later hash recomputed) a signed checkpoint shows:
    :func:`check_checkpoint`.
    """
    problems: list[ChainProblem] = [*forged_rows(), *duplicated_seqs()]
    duplicates = {p.seq for p in problems if p.kind == "duplicate"}
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    for event in _in_storage_order(batch_size):
        if event.seq <= 0:
            continue  # reported by forged_rows()
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
        elif event.seq < expected_seq and event.seq not in duplicates:
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


def check_checkpoint(
    checkpoint: Checkpoint, key: Ed25519PublicKey
) -> tuple[list[ChainProblem], int]:
    """Whether the stored chain still reaches the signed head of ``checkpoint``; and how many
    events follow it. A bad signature, the chain ending before the checkpoint's ``seq`` (the
    newest events cut off), no events at all, and a different hash at that ``seq`` (events
    edited and every later hash recomputed, or deleted and written anew) each give a problem."""
    problems: list[ChainProblem] = []
    where = checkpoint.describe()
    bad_signature = signature_problem(checkpoint, key)
    if bad_signature:
        problems.append(ChainProblem(checkpoint.seq, "signature", bad_signature))
    events = genuine_events()
    following = events.filter(seq__gt=checkpoint.seq).count()
    if checkpoint.seq == 0:
        return problems, following
    stored = events.aggregate(n=Count("id"), last=Max("seq"))
    if not stored["n"]:
        problems.append(
            ChainProblem(
                checkpoint.seq,
                "deleted",
                f"the audit trail is empty, but {where} counted {checkpoint.events} events: "
                "every event was deleted",
            )
        )
        return problems, following
    if stored["last"] < checkpoint.seq:
        cut = checkpoint.seq - stored["last"]
        problems.append(
            ChainProblem(
                checkpoint.seq,
                "truncated",
                f"the chain ends at event #{stored['last']}, but {where} reached "
                f"#{checkpoint.seq}: the newest "
                + (
                    f"event (#{checkpoint.seq}) was deleted"
                    if cut == 1
                    else f"{cut} events (#{stored['last'] + 1}–#{checkpoint.seq}) were deleted"
                ),
            )
        )
        return problems, following
    at_head = list(events.filter(seq=checkpoint.seq).values_list("hash", flat=True))
    if not at_head:
        problems.append(
            ChainProblem(
                checkpoint.seq,
                "missing",
                f"event #{checkpoint.seq}, the head signed by {where}, is missing",
            )
        )
    elif checkpoint.hash not in at_head:
        problems.append(
            ChainProblem(
                checkpoint.seq,
                "resealed",
                f"event #{checkpoint.seq} has hash {at_head[0][:16]}…, but {where} signed "
                f"{checkpoint.hash[:16]}…: events up to #{checkpoint.seq} were rewritten and "
                "their hashes recomputed (or deleted and written anew)",
            )
        )
    counted = events.filter(seq__lte=checkpoint.seq).count()
    if counted != checkpoint.events:
        problems.append(
            ChainProblem(
                checkpoint.seq,
                "count",
                f"{counted} events reach #{checkpoint.seq}, but {where} counted "
                f"{checkpoint.events}",
            )
        )
    return problems, following


def check_anchor(seq: int, expected_hash: str) -> ChainProblem | None:
    """A head printed on a result or in minutes (``seq`` and hash) against the stored chain."""
    stored = list(genuine_events().filter(seq=seq).values_list("hash", flat=True))
    if not stored:
        return ChainProblem(
            seq, "anchor", f"event #{seq}, printed as {expected_hash[:16]}…, is not in the chain"
        )
    if expected_hash not in stored:
        return ChainProblem(
            seq,
            "anchor",
            f"event #{seq} has hash {stored[0][:16]}…, but a printed copy says "
            f"{expected_hash[:16]}…: the chain up to #{seq} was rewritten",
        )
    return None


def _in_storage_order(batch_size: int) -> Iterator[AuditEvent]:
    last_pk = 0
    while True:
        batch = list(AuditEvent.objects.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
        if not batch:
            return
        yield from batch
        last_pk = batch[-1].pk
