"""Writing audit events. Every action calls :func:`record` inside its own transaction."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from moot.audit.chain import GENESIS, event_hash, stamp
from moot.audit.models import AuditEvent

# Any constant works: it names the one advisory lock that serialises chain appends on PostgreSQL.
_CHAIN_LOCK_KEY = 0x6D6F6F74


def _jsonable(value: Any) -> Any:
    """Round-trip through JSON so the hashed form equals what the database gives back."""
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str, sort_keys=True))


def record(
    *,
    actor: Any,
    verb: str,
    obj: Model | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    object_repr: str | None = None,
    before: Any = None,
    after: Any = None,
    clause: str = "",
    reason: str = "",
) -> AuditEvent:
    """Append one event to the chain. Must run inside the action's transaction.

    ``actor`` is a user or None for the system. The event is linked to its predecessor by hash;
    on PostgreSQL an advisory transaction lock serialises appends, and on SQLite the IMMEDIATE
    transaction already holds the database's write lock. ``seq`` is unique either way.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must be called inside the action's transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
    seq = (last["seq"] + 1) if last else 1
    prev_hash = last["hash"] if last else GENESIS
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
        object_repr = object_repr or str(obj)[:300]
    now = timezone.now()
    fields: dict[str, Any] = {
        "seq": seq,
        "occurred_at": stamp(now),
        "actor_id": getattr(actor, "pk", None),
        "actor_label": _actor_label(actor),
        "verb": verb,
        "object_type": object_type or "",
        "object_id": "" if object_id is None else str(object_id),
        "object_repr": (object_repr or "")[:300],
        "before": _jsonable(before),
        "after": _jsonable(after),
        "clause": clause,
        "reason": reason,
        "prev_hash": prev_hash,
    }
    digest = event_hash(fields)
    return AuditEvent.objects.create(
        seq=seq,
        occurred_at=now,
        actor_id=fields["actor_id"],
        actor_label=fields["actor_label"],
        verb=verb,
        object_type=fields["object_type"],
        object_id=fields["object_id"],
        object_repr=fields["object_repr"],
        before=fields["before"],
        after=fields["after"],
        clause=clause,
        reason=reason,
        prev_hash=prev_hash,
        hash=digest,
    )


def _actor_label(actor: Any) -> str:
    if actor is None:
        return "system"
    name = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    email = getattr(actor, "email", "")
    return f"{name} <{email}>" if name else (email or str(actor))
