"""The rules every return of a ballot passes, by either channel (issue 11, item 8; BALLOTS.md
§1.10): the ballot is open (issued, and not past ``close_at`` even if nobody has closed it),
the entitlement is on the roll and may vote, and a return takes a **slot** that the database
holds once per entitlement.

Slots, by the declared precedence:

* ``first_received``: every return takes the slot ``"any"``: the unique constraint on
  ``Return(entry, slot)`` refuses a second by either channel, whatever the code above it does.
* ``online_wins`` and ``paper_wins``: the slot is the channel (at most one online return and
  one paper); the close keeps the one the precedence names and sets the other aside.
* ``last_online``: the slot is the channel, and a later online vote replaces the earlier one in
  place (the entry's row is locked); a paper counts only where no online vote is held.

Every return is written under two locks taken in this order: the ballot's row (PostgreSQL:
``FOR KEY SHARE``, so returns do not wait for each other while the close's ``FOR UPDATE`` waits
for all of them and blocks new ones, and a replacement's counter update on the row, ``FOR NO KEY
UPDATE``, does not deadlock with the others' share; SQLite: the IMMEDIATE transaction holds the
write lock), then
the roll entry's row (``FOR UPDATE``: returns for one entitlement queue).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import formats, timezone

from moot.ballots.errors import BallotError, RefusalCode
from moot.ballots.models import Ballot, BallotState, Channel, Precedence, Return, RollEntry
from moot.rows import instance_from_row, select_list

__all__ = [
    "ALREADY_RETURNED",
    "Placed",
    "check_open_for_returns",
    "entry_for_member",
    "lock_ballot_for_return",
    "lock_entry",
    "place_return",
    "slot_for",
]

ANY_SLOT = "any"
ALREADY_RETURNED = {
    Channel.ONLINE: "already voted online",
    Channel.POST: "already returned a paper",
}
_BALLOT_FIELDS = [
    "id",
    "title",
    "kind",
    "method",
    "seats",
    "state",
    "precedence",
    "channels",
    "candidate_order",
    "opened_at",
    "close_at",
    "closed_at",
    "issue_at",
    "unit_id",
    "returning_officer_id",
]


def _when(moment: datetime.datetime | None) -> str:
    if moment is None:
        return "a time not yet set"
    return formats.date_format(timezone.localtime(moment), "j F Y, H:i")


def slot_for(precedence: str, channel: str) -> str:
    """The slot a return by ``channel`` takes under ``precedence``."""
    return ANY_SLOT if precedence == Precedence.FIRST_RECEIVED else str(channel)


def lock_ballot_for_return(ballot_id: int) -> Ballot:
    """The ballot's row, locked for the rest of the transaction (see the module's note): no
    return is written during or after the close."""
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    sql = (
        f"SELECT {select_list(Ballot, 'b', _BALLOT_FIELDS)} "  # noqa: S608 - names from the model
        f"FROM {Ballot._meta.db_table} b WHERE b.id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql + lock, [ballot_id])
        row = cursor.fetchone()
    if row is None:
        raise BallotError("No such ballot.", code=RefusalCode.NOT_FOUND)
    return instance_from_row(Ballot, dict(zip(_BALLOT_FIELDS, row, strict=True)))


def check_open_for_returns(ballot: Ballot, *, now: datetime.datetime | None = None) -> None:
    """Refuse unless the ballot takes returns now: issued, not closed, not past ``close_at``."""
    now = now or timezone.now()
    if ballot.state in (BallotState.DRAFT, BallotState.FROZEN):
        raise BallotError(
            "This ballot is not open yet: voting opens when it is issued "
            f"({_when(ballot.issue_at)}).",
            code=RefusalCode.STATE,
        )
    if ballot.state != BallotState.OPEN:
        raise BallotError(
            f"Voting in this ballot closed at {_when(ballot.closed_at or ballot.close_at)}: no "
            "more votes or papers are taken.",
            code=RefusalCode.STATE,
        )
    if ballot.close_at is not None and now >= ballot.close_at:
        raise BallotError(
            f"Voting in this ballot closed at {_when(ballot.close_at)}: no more votes or papers "
            "are taken.",
            code=RefusalCode.STATE,
        )


def entry_for_member(ballot: Ballot, user: Any) -> RollEntry:
    """The signed-in member's own roll entry, or a refusal saying why they cannot vote."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise BallotError(
            "Sign in, or enter the credential you were sent, to vote.",
            field="credential",
            code=RefusalCode.FORBIDDEN,
        )
    entry = (
        RollEntry.objects.filter(ballot=ballot, member__user=user).select_related("member").first()
    )
    if entry is None:
        raise BallotError(
            "You are not on the roll of this ballot: the roll is every member of "
            f"{ballot.unit} as at the freeze date. If you think that is wrong, contact the "
            "returning officer.",
            code=RefusalCode.INELIGIBLE,
        )
    if not entry.eligible:
        raise BallotError(
            f"You may not vote in this ballot: {entry.reason or 'not eligible'}.",
            clause=entry.clause,
            code=RefusalCode.INELIGIBLE,
        )
    return entry


def lock_entry(entry_id: int) -> RollEntry:
    return RollEntry.objects.select_for_update(of=("self",)).get(pk=entry_id)


@dataclass(frozen=True)
class Placed:
    """What became of a return: ``placed`` (held for the close), ``replaced`` (a last online
    vote replacing the earlier one), or set aside with ``reason`` (the slot was taken)."""

    placed: bool
    replaced: bool = False
    reason: str = ""


def place_return(ballot: Ballot, entry: RollEntry, channel: str, sealed: str) -> Placed:
    """Hold a sealed return for ``entry`` in its slot. The caller holds the ballot's lock and the
    entry's (``lock_entry``). A taken slot is not an error here: the caller refuses an online
    vote or sets a paper aside. The unique constraint is the last word: an insert that meets
    it (a path that skipped the lock) is reported as the taken slot it is."""
    slot = slot_for(ballot.precedence, channel)
    held = Return.objects.filter(entry_id=entry.pk, slot=slot).only("pk", "channel").first()
    if held is not None:
        if ballot.precedence == Precedence.LAST_ONLINE and channel == Channel.ONLINE:
            Return.objects.filter(pk=held.pk).update(sealed=sealed)
            # An aggregate only (never who or when): the close reports it (B6, review 4).
            Ballot.objects.filter(pk=ballot.pk).update(replaced_online=F("replaced_online") + 1)
            return Placed(placed=True, replaced=True)
        return Placed(placed=False, reason=ALREADY_RETURNED[Channel(held.channel)])
    try:
        with transaction.atomic():
            Return.objects.create(
                ballot_id=ballot.pk, entry_id=entry.pk, slot=slot, channel=channel, sealed=sealed
            )
    except IntegrityError:
        held_channel = (
            Return.objects.filter(entry_id=entry.pk, slot=slot)
            .values_list("channel", flat=True)
            .first()
        )
        return Placed(placed=False, reason=ALREADY_RETURNED[Channel(held_channel or channel)])
    if not entry.voted:
        RollEntry.objects.filter(pk=entry.pk).update(voted=True)
        entry.voted = True
    return Placed(placed=True)
