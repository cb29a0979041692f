"""Keyset pagination for long lists (members, audit trail).

Offset pagination makes the database walk and discard every row before the page, and a total
count walks all of them; on a register of 500,000 members both grow with the table. A keyset
page instead asks for "the next N rows after this sort key", which an index answers directly
however deep the page. Totals are counted only up to a cap (``bounded_count``).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

COUNT_CAP = 10_000


class BadCursorError(ValueError):
    pass


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps(list(values), separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str, size: int) -> list[Any]:
    try:
        padded = text + "=" * (-len(text) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise BadCursorError(text) from exc
    if not isinstance(values, list) or len(values) != size:
        raise BadCursorError(text)
    return values


def _after_q(fields: Sequence[str], values: Sequence[Any], *, backwards: bool) -> Q:
    """Rows strictly after (or before) ``values`` in the order of ``fields``, written as
    ``a >= x AND (a > x OR (b > y))`` so the leading comparison can use the index."""
    op, op_eq = ("lt", "lte") if backwards else ("gt", "gte")
    first, rest = fields[0], fields[1:]
    if not rest:
        return Q(**{f"{first}__{op}": values[0]})
    inner = Q(**{f"{first}__{op}": values[0]}) | (
        Q(**{first: values[0]}) & _after_q(rest, values[1:], backwards=backwards)
    )
    return Q(**{f"{first}__{op_eq}": values[0]}) & inner


@dataclass
class KeysetPage:
    rows: list[Any]
    next_cursor: str  # "" when this is the last page
    previous_cursor: str  # "" when this is the first page

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.previous_cursor)


def keyset_page(
    queryset: QuerySet[Any],
    fields: Sequence[str],
    *,
    size: int,
    after: str = "",
    before: str = "",
    descending: bool = False,
) -> KeysetPage:
    """One page of ``queryset`` ordered by ``fields`` (unique together, e.g. name then id),
    starting after the ``after`` cursor or ending before the ``before`` cursor.

    Raises BadCursorError for a cursor that was not made here."""

    def key_of(row: Any) -> str:
        return encode_cursor([getattr(row, f) for f in fields])

    forward_order = [f"-{f}" if descending else f for f in fields]
    reverse_order = [f if descending else f"-{f}" for f in fields]
    if before:
        values = decode_cursor(before, len(fields))
        rows = list(
            queryset.filter(_after_q(fields, values, backwards=not descending)).order_by(
                *reverse_order
            )[: size + 1]
        )
        has_more_before = len(rows) > size
        rows = rows[:size][::-1]
        return KeysetPage(
            rows=rows,
            next_cursor=key_of(rows[-1]) if rows else "",
            previous_cursor=key_of(rows[0]) if rows and has_more_before else "",
        )
    qs = queryset
    if after:
        values = decode_cursor(after, len(fields))
        qs = qs.filter(_after_q(fields, values, backwards=descending))
    rows = list(qs.order_by(*forward_order)[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    return KeysetPage(
        rows=rows,
        next_cursor=key_of(rows[-1]) if rows and has_more else "",
        previous_cursor=key_of(rows[0]) if rows and after else "",
    )


def bounded_count(queryset: QuerySet[Any], cap: int = COUNT_CAP) -> tuple[int, bool]:
    """How many rows match, counting no further than ``cap``: (count, more_than_cap)."""
    n = queryset.order_by().values("pk")[: cap + 1].count()
    return min(n, cap), n > cap
