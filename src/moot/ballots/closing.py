"""The close of a ballot: one return per entitlement by the declared precedence, the rest set
aside with their reasons, the chosen contents unsealed, shuffled and written as anonymous
``CountedBallot`` rows, the returns and the tellers' keyings deleted (issue 11 item 9;
docs/ballots.md, "Close, count and declaration").

The work is done in bulk inside the close's transaction (``actions/closing.py``): the returns
are read in chunks ordered by roll entry (so the returns of one entitlement arrive together),
unsealed with the key cached in memory, shuffled with the operating system's random source
(``secrets.SystemRandom``) and inserted in batches; the sealed rows are deleted with one
statement per table. Nothing of a counted ballot says whose it was: no roll entry, no channel,
no time, and the order of the rows is random. Who voted stays on the roll (``RollEntry.voted``,
for turnout); the sealing key is destroyed once the close commits (``secrecy.destroy_key``), so
the sealed rows of an older copy of the database are noise.

What the close stores (``Ballot.returns``)::

    {"by_channel": {"online": {"received": n, "counted": n, "spoilt": n,
                               "set_aside": {reason: n}},
                    "post": {...}},
     "spoilt": {reason: n}, "counted": N, "precedence": "first_received"}

``received`` counts every return and every decided or keyed paper of the channel; for each
channel ``received − set aside − spoilt = counted`` (the published record is checked so).
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db import connection
from django.db.models import Count

from moot.ballots import hooks, secrecy
from moot.ballots.errors import BallotError, RefusalCode
from moot.ballots.models import (
    Ballot,
    Channel,
    CountedBallot,
    PaperDecision,
    PaperKeying,
    PaperOutcome,
    Precedence,
    Return,
)
from moot.polls.fields import random_key

CHUNK = 5000  # rows read and written per round trip
COUNTED_COLUMNS = ("id", "ballot_id", "content")  # CountedBallot's, in write order

# Why a return was not counted (the reasons in Ballot.returns and the scrutineer's report).
ONLINE_OVER_PAPER = "an online vote was also received: online votes count over papers"
PAPER_OVER_ONLINE = "a paper was also received: papers count over online votes"
LAST_ONLINE_OVER_PAPER = "an online vote was also received: the last online vote counts"
LATER_RETURN = "a later return of the same entitlement: the first received counts"
NOT_DECIDED = "keyed but not decided at the close (one keying only, or a discrepancy unresolved)"


@dataclass
class Closing:
    """What the close found: counts by channel and reason, and the contents to count."""

    received: Counter[str] = field(default_factory=Counter)
    counted: Counter[str] = field(default_factory=Counter)
    spoilt: Counter[str] = field(default_factory=Counter)
    set_aside: dict[str, Counter[str]] = field(default_factory=dict)
    contents: list[str] = field(default_factory=list)

    def aside(self, channel: str, reason: str, n: int = 1) -> None:
        self.set_aside.setdefault(channel, Counter())[reason] += n

    def as_returns(self, precedence: str, replaced_online: int = 0) -> dict[str, Any]:
        """The aggregates kept at the close; ``replaced``: returns of the channel that a later
        return of the same channel replaced (under last_online, online votes; never who)."""
        by_channel: dict[str, Any] = {}
        for channel in (Channel.ONLINE.value, Channel.POST.value):
            spoilt = self.spoilt.total() if channel == Channel.POST else 0
            by_channel[channel] = {
                "received": self.received[channel],
                "counted": self.counted[channel],
                "spoilt": spoilt,
                "set_aside": dict(sorted(self.set_aside.get(channel, Counter()).items())),
                "replaced": replaced_online if channel == Channel.ONLINE else 0,
            }
        return {
            "by_channel": by_channel,
            "spoilt": dict(sorted(self.spoilt.items())),
            "counted": self.counted.total(),
            "precedence": precedence,
        }


def choose(precedence: str, channels: list[str]) -> tuple[int, dict[int, str]]:
    """Which of one entitlement's returns counts (its index in ``channels``, the channel of
    each return in the order received where the slot allows several) and why each of the
    others is set aside."""
    if len(channels) == 1:
        return 0, {}
    if precedence in (Precedence.ONLINE_WINS, Precedence.LAST_ONLINE):
        wanted, reason = (
            Channel.ONLINE,
            ONLINE_OVER_PAPER if precedence == Precedence.ONLINE_WINS else LAST_ONLINE_OVER_PAPER,
        )
    elif precedence == Precedence.PAPER_WINS:
        wanted, reason = Channel.POST, PAPER_OVER_ONLINE
    else:  # first_received: one slot for both channels, so a second is a defect kept apart
        return 0, dict.fromkeys(range(1, len(channels)), LATER_RETURN)
    chosen = channels.index(wanted) if wanted in channels else 0
    return chosen, {i: reason for i in range(len(channels)) if i != chosen}


def _returns(ballot: Ballot) -> Iterator[tuple[int, list[tuple[str, str]]]]:
    """Each entitlement's returns as (channel, sealed), grouped by roll entry."""
    rows = (
        Return.objects.filter(ballot=ballot)
        .order_by("entry_id", "channel")
        .values_list("entry_id", "channel", "sealed")
        .iterator(chunk_size=CHUNK)
    )
    current: int | None = None
    group: list[tuple[str, str]] = []
    for entry_id, channel, sealed in rows:
        if entry_id != current and group:
            yield current, group  # type: ignore[misc]
            group = []
        current = entry_id
        group.append((channel, sealed))
    if group:
        yield current, group  # type: ignore[misc]


def gather(ballot: Ballot) -> Closing:
    """Apply the precedence to every entitlement's returns, unseal the chosen ones and count
    the papers the tellers spoilt, refused or left undecided."""
    closing = Closing()
    precedence = ballot.precedence
    # A verifiable ballot's online returns hold a mark, not a vote: the vote is on its board,
    # encrypted, and reaches the counted ballots after the trustees decrypt (``hooks``).
    mark = hooks.online_mark(ballot)
    for _entry, group in _returns(ballot):
        channels = [channel for channel, _ in group]
        chosen, aside = choose(precedence, channels)
        for channel in channels:
            closing.received[channel] += 1
        for index, reason in aside.items():
            closing.aside(channels[index], reason)
        channel, sealed = group[chosen]
        closing.counted[channel] += 1
        if mark and channel == Channel.ONLINE:
            # The mark, or the mark, a colon and what the app above adds to it (a keyed hash).
            if sealed != mark and not sealed.startswith(mark + ":"):
                raise BallotError(
                    "An online return of this ballot holds a sealed vote, but its online votes "
                    "are cast elsewhere (on a verifiable ballot's board): the close stops so "
                    "that this can be investigated.",
                    code=RefusalCode.STATE,
                )
            continue
        closing.contents.append(secrecy.unseal(ballot, sealed))
    decisions = (
        PaperDecision.objects.filter(
            ballot=ballot, outcome__in=[PaperOutcome.SPOILT, PaperOutcome.REFUSED]
        )
        .values_list("outcome", "reason")
        .annotate(n=Count("id"))
        .order_by()
    )
    for outcome, reason, n in decisions:
        closing.received[Channel.POST] += n
        if outcome == PaperOutcome.SPOILT:
            closing.spoilt[reason or "spoilt (no reason recorded)"] += n
        else:
            closing.aside(Channel.POST, reason or "set aside by the tellers", n)
    undecided = (
        PaperKeying.objects.filter(ballot=ballot)
        .exclude(
            paper_number__in=PaperDecision.objects.filter(ballot=ballot).values("paper_number")
        )
        .values("paper_number")
        .distinct()
        .count()
    )
    if undecided:
        closing.received[Channel.POST] += undecided
        closing.aside(Channel.POST, NOT_DECIDED, undecided)
    return closing


def write_counted(ballot: Ballot, contents: list[str]) -> int:
    """Shuffle ``contents`` with the OS random source and insert them as CountedBallot rows
    set-wise (COPY on PostgreSQL, batched executemany elsewhere: no model object per row),
    each with a random key (``moot.polls.fields.random_key``); returns how many."""
    secrets.SystemRandom().shuffle(contents)
    qn = connection.ops.quote_name
    table = qn(CountedBallot._meta.db_table)
    columns = ", ".join(qn(column) for column in COUNTED_COLUMNS)
    rows = ((random_key(), ballot.pk, text) for text in contents)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s)"  # noqa: S608 - quoted
            batch = list(islice(rows, CHUNK))
            while batch:
                cursor.executemany(sql, batch)
                batch = list(islice(rows, CHUNK))
    return len(contents)


def delete_sealed(ballot: Ballot) -> tuple[int, int]:
    """Delete the returns and the tellers' keyings (sealed): how many of each."""
    # Nothing refers to either table, so each is one DELETE statement (Django's fast delete).
    returns, _ = Return.objects.filter(ballot=ballot).delete()
    keyings, _ = PaperKeying.objects.filter(ballot=ballot).delete()
    return returns, keyings
