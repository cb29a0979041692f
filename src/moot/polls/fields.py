"""A primary key drawn at random, so that the order of rows says nothing about when they were
written (DESIGN principle 3: secrecy by construction).

On SQLite the column type is exactly ``integer`` and the key is the PRIMARY KEY, which makes it
the table's rowid alias: the table's b-tree is ordered by the random key and there is no hidden,
insertion-ordered rowid beside it. (``bigint PRIMARY KEY`` would *not* be a rowid alias: SQLite
would then keep a second, sequential rowid.) On PostgreSQL the column is ``bigint``; a heap has
no logical order, and the random key gives none either.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import models

# 63 bits: fits a signed 64-bit integer on both databases. Two ballots of one poll draw the same
# key with probability about n²/2⁶⁴ (≈10⁻¹³ for 2,000 ballots); the primary key refuses it.
RANDOM_KEY_BITS = 63


def random_key() -> int:
    """A cryptographically random positive key (never 0)."""
    return secrets.randbits(RANDOM_KEY_BITS) or 1


class RandomKeyField(models.BigIntegerField):
    """``integer PRIMARY KEY`` on SQLite (the rowid alias), ``bigint`` elsewhere, filled with
    :func:`random_key`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("primary_key", True)
        kwargs.setdefault("default", random_key)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("serialize", False)
        super().__init__(*args, **kwargs)

    def db_type(self, connection: Any) -> str | None:
        if connection.vendor == "sqlite":
            return "integer"
        return super().db_type(connection)
