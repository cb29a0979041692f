"""Writing and reading an election's bulletin board (docs/verifiable.md, "The board").

The entry format, its canonical bytes, the chain and the order of types are
:mod:`moot.verify.vboard`'s: the server writes the board with the very code that checks it.
:func:`append` is the one way an entry is written: inside the caller's transaction, with the
election's row locked (``FOR UPDATE``: appends queue), it takes the head from the row, makes the
next entry, refuses a type out of order, inserts it and moves the head. Nothing updates or
deletes an entry (the model, its queryset and a database trigger refuse it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from moot.verifiable.errors import RefusalCode, VerifiableError
from moot.verifiable.models import BoardEntry, Election, ElectionState
from moot.verify import vboard

__all__ = [
    "APPEND_FIELDS",
    "append",
    "entries",
    "entry_of_kind",
    "jsonl_lines",
    "lock_election",
    "payload_of",
]

_RANK = {name: n for n, name in enumerate(vboard.TYPES)}
_REPEATS = dict(vboard.ORDER)


# What an append reads of the election's row (a cast locks only these).
APPEND_FIELDS = ("id", "ballot_id", "state", "revote", "board_size", "board_head")


def lock_election(election_id: int, *, fields: tuple[str, ...] = ()) -> Election:
    """The election's row, locked for the rest of the transaction (appends queue here);
    ``fields``: only these columns (a cast's, ``APPEND_FIELDS``)."""
    rows = Election.objects.select_for_update(of=("self",))
    return (rows.only(*fields) if fields else rows).get(pk=election_id)


def _last_kind(election: Election) -> str | None:
    if election.board_size == 0:
        return None
    return (
        BoardEntry.objects.filter(election_id=election.pk, height=election.board_size - 1)
        .values_list("kind", flat=True)
        .first()
    )


def _check_order(previous: str | None, kind: str) -> None:
    if kind not in _RANK:
        raise VerifiableError(f"{kind!r} is not a board entry type.", code=RefusalCode.INVALID)
    if previous is None:
        if kind != vboard.SETUP:
            raise VerifiableError(
                f"The board opens with its setup entry, not a {kind} entry.",
                code=RefusalCode.STATE,
            )
        return
    before, now = _RANK[previous], _RANK[kind]
    if now == before and _REPEATS[kind]:
        return
    skipped = [t for t in vboard.TYPES[before + 1 : now] if not _REPEATS[t]]
    if now <= before or skipped:
        raise VerifiableError(
            f"A {kind} entry cannot follow the board's {previous} entry (the order is "
            f"{', '.join(vboard.TYPES)}).",
            code=RefusalCode.STATE,
        )


def append(
    election: Election,
    kind: str,
    payload: dict[str, Any],
    *,
    tracker: str = "",
    credential: str = "",
    locked: bool = False,
) -> BoardEntry:
    """Append one entry of ``kind`` to ``election``'s board and move the head. The caller holds
    a transaction; ``locked``: it already holds the election's row (``lock_election``) and
    passes that instance, which is updated in place."""
    row = election if locked else lock_election(election.pk)
    if kind == vboard.BALLOT:
        # Only an open election takes ballots, and its board then ends with its credentials
        # or a ballot (the state and the close's entry change together, under this lock).
        if row.state != ElectionState.OPEN:
            raise VerifiableError(
                "The board takes ballots only while the election is open.",
                code=RefusalCode.STATE,
            )
    else:
        _check_order(_last_kind(row), kind)
    parent = row.board_head or vboard.GENESIS
    entry = vboard.make_entry(row.board_size, parent, kind, payload)
    body = vboard.entry_bytes(entry).decode("utf-8")
    digest = vboard.entry_hash(entry)
    created = BoardEntry.objects.create(
        election_id=row.pk,
        height=row.board_size,
        kind=kind,
        body=body,
        entry_hash=digest,
        parent=parent,
        tracker=tracker,
        credential=credential,
    )
    row.board_size += 1
    row.board_head = digest
    Election.objects.filter(pk=row.pk).update(board_size=row.board_size, board_head=digest)
    if election is not row:
        election.board_size, election.board_head = row.board_size, row.board_head
    return created


def entry_of_kind(election: Election, kind: str) -> BoardEntry:
    """The board's first entry of ``kind`` (its setup or its credentials)."""
    entry = BoardEntry.objects.filter(election_id=election.pk, kind=kind).order_by("height").first()
    if entry is None:
        raise VerifiableError(
            f"The board has no {kind} entry: the election has not opened.", code=RefusalCode.STATE
        )
    return entry


def payload_of(entry: BoardEntry) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(entry.body)["payload"]
    return payload


def entries(election: Election, *, chunk: int = 2000) -> Iterator[BoardEntry]:
    """Every entry of the board in height order, read a chunk at a time (keyset by height)."""
    height = -1
    while True:
        rows = list(
            BoardEntry.objects.filter(election_id=election.pk, height__gt=height).order_by(
                "height"
            )[:chunk]
        )
        yield from rows
        if len(rows) < chunk:
            return
        height = rows[-1].height


def jsonl_lines(election: Election) -> Iterator[bytes]:
    """``board.jsonl``: each entry's canonical bytes (as stored), one a line."""
    for entry in entries(election):
        yield entry.body.encode("utf-8") + b"\n"
