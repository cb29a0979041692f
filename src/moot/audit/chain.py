"""Hashing of audit events. Pure: used when writing and when verifying."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64

HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_label",
    "verb",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "clause",
    "reason",
    "prev_hash",
)


def stamp(moment: datetime) -> str:
    """The hashed form of a time: UTC, microseconds, so every database gives back the same text."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(fields: Mapping[str, Any]) -> bytes:
    return json.dumps(
        {name: fields[name] for name in HASHED_FIELDS},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    ).encode()


def event_hash(fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()
