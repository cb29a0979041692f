"""The frozen roll of a ballot and its commitment (issue 11, item 4).

At the freeze every member of the ballot's unit (and the units under it) is written to the roll
(``RollEntry``) with the rulebook's verdict on ``[eligibility.ballot]`` as at the freeze date —
the reason and clause of each refusal kept —, the member's constituency and region, and the
channel: online when the member has a usable e-mail address that no other eligible member
shares, else post with the reason. Everything is done with a few set-wise queries and
``bulk_create`` in large batches: 500,000 members freeze in well under a minute.

The commitment (``Ballot.roll_commitment``) is a Merkle tree over the eligible entries:

* leaf = SHA-256(0x00 ‖ salt ‖ ``"moot-roll-leaf/1:<ballot>:<member number>:<unit id>"``), where
  the 16-byte salt is HMAC-derived from the ballot's credential key (``credentials.leaf_salt``):
  a published leaf says nothing about whose it is, and nobody can test a guess without the key;
* the leaves are sorted (so their order says nothing of member numbers or joining dates) and
  paired: node = SHA-256(0x01 ‖ left ‖ right); an odd node at the end of a level is carried up
  as it is; the root of no leaves is SHA-256 of nothing.

The root, the size and the counts per constituency go into the record at the freeze; a member
is shown their own leaf's contents and its path to the root, so they can check with any SHA-256
tool that they are in the committed roll (``member_proof``, ``verify_path``).
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection

from moot.ballots.credentials import leaf_salt

if TYPE_CHECKING:
    from moot.ballots.models import Ballot, RollEntry

LEAF_FORMAT = "moot-roll-leaf/1"
COMMITMENT_FORMAT = "moot-roll-commitment/1"
INSERT_BATCH = 10_000
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
NO_EMAIL = "no usable e-mail address on the register"
SHARED_EMAIL = "the e-mail address is shared with another eligible member"
POST_ONLY = "this ballot is by post only"


def leaf_text(ballot_id: int, member_number: str, unit_id: int) -> str:
    return f"{LEAF_FORMAT}:{ballot_id}:{member_number}:{unit_id}"


def leaf_hash(salt: bytes, text: str) -> bytes:
    return hashlib.sha256(b"\x00" + salt + text.encode()).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def merkle_root(leaves: list[bytes]) -> bytes:
    """The root of the tree over ``leaves`` (already in tree order: sorted)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    level = leaves
    while len(level) > 1:
        upper = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            upper.append(level[-1])
        level = upper
    return level[0]


def merkle_path(leaves: list[bytes], index: int) -> list[tuple[str, bytes]]:
    """The siblings from leaf ``index`` up to the root, each with the side it sits on
    ("left": hash it before ours; "right": after). A carried-up odd node has no sibling."""
    path: list[tuple[str, bytes]] = []
    level = leaves
    while len(level) > 1:
        sibling = index ^ 1
        if sibling < len(level):
            path.append(("left" if sibling < index else "right", level[sibling]))
        upper = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            upper.append(level[-1])
        level = upper
        index //= 2
    return path


def verify_path(leaf: bytes, path: list[tuple[str, bytes]], root: bytes) -> bool:
    """Whether ``leaf`` with ``path`` leads to ``root`` (what a member's check does)."""
    node = leaf
    for side, sibling in path:
        node = node_hash(sibling, node) if side == "left" else node_hash(node, sibling)
    return node == root


@dataclass(frozen=True)
class RollFigures:
    assessed: int
    eligible: int
    refused: Counter[tuple[str, str]]  # (reason, clause) -> members
    channels: Counter[str]
    per_unit: Counter[int]  # eligible members per constituency
    per_region: Counter[int | None]
    leaves: list[bytes]  # the eligible entries' leaves, sorted


def _regions() -> dict[int, int | None]:
    """Every unit's region: its parent when that is a region."""
    from moot.units.models import Unit

    units = list(Unit.objects.values_list("pk", "parent_id", "kind"))
    kinds = {pk: kind for pk, _parent, kind in units}
    return {
        pk: parent if parent is not None and kinds.get(parent) == "region" else None
        for pk, parent, _kind in units
    }


def assess_roll(unit: Any, on: datetime.date) -> tuple[list[tuple[Any, ...]], list[Any]]:
    """The members of ``unit`` (and the units under it) as (pk, number, email, constituency)
    rows in id order, and the rulebook's "ballot" verdict on each as at ``on`` (the freeze
    date). Two queries whatever the size; a verdict depends only on the status history, so
    members with the same history (most: the same status since the same day) share one."""
    from moot import rulebook
    from moot.members.models import Member, MembershipPeriod
    from moot.units.queries import edition_in_force, member_in_unit_q

    edition = edition_in_force(on)
    rows = list(
        Member.objects.filter(member_in_unit_q(unit))
        .order_by("pk")
        .values_list("pk", "number", "email", "constituency_id")
    )
    histories: dict[int, list[tuple[Any, ...]]] = {}
    periods = (
        MembershipPeriod.objects.filter(member_in_unit_q(unit, prefix="member__"))
        .order_by("member_id", "start")
        .values_list("member_id", "status", "start", "end")
    )
    for member_id, *interval in periods:
        histories.setdefault(member_id, []).append(tuple(interval))
    memo: dict[tuple[Any, ...], Any] = {}
    verdicts = []
    for row in rows:
        history = tuple(histories.get(row[0], ()))
        verdict = memo.get(history)
        if verdict is None:
            intervals = tuple(rulebook.StatusInterval(*interval) for interval in history)
            verdict = memo[history] = rulebook.assess_eligibility(
                edition, "ballot", intervals, on=on, freeze_date=on, in_unit=True
            )
        verdicts.append(verdict)
    return rows, verdicts


def build_roll(ballot: Ballot, key: bytes) -> RollFigures:
    """Write the roll of ``ballot`` (frozen now: ``ballot.freeze_date`` set, its credential key
    ``key`` made). The caller holds the transaction and has locked the ballot."""
    from moot.ballots.models import Channel

    assert ballot.freeze_date is not None
    rows, verdicts = assess_roll(ballot.unit, ballot.freeze_date)
    regions = _regions()
    online_offered = Channel.ONLINE in (ballot.channels or [])
    usable = re.compile(EMAIL_PATTERN)
    addresses = [(email or "").strip().lower() for _pk, _number, email, _unit in rows]
    eligible_emails = Counter(
        address
        for address, verdict in zip(addresses, verdicts, strict=True)
        if verdict.allowed and address
    )
    refused: Counter[tuple[str, str]] = Counter()
    channels: Counter[str] = Counter()
    per_unit: Counter[int] = Counter()
    per_region: Counter[int | None] = Counter()
    leaves: list[bytes] = []
    values: list[tuple[Any, ...]] = []
    ballot_id = ballot.pk
    for (pk, number, _email, unit_id), address, verdict in zip(
        rows, addresses, verdicts, strict=True
    ):
        region_id = regions.get(unit_id)
        if verdict.allowed:
            if not online_offered:
                channel, channel_reason = Channel.POST, POST_ONLY
            elif not address or not usable.match(address):
                channel, channel_reason = Channel.POST, NO_EMAIL
            elif eligible_emails[address] > 1:
                channel, channel_reason = Channel.POST, SHARED_EMAIL
            else:
                channel, channel_reason = Channel.ONLINE, ""
            channels[channel] += 1
            per_unit[unit_id] += 1
            per_region[region_id] += 1
            leaf = leaf_hash(leaf_salt(key, pk), leaf_text(ballot_id, number, unit_id))
            leaves.append(leaf)
            reason = clause = ""
            leaf_hex = leaf.hex()
        else:
            channel, channel_reason, leaf_hex = Channel.ONLINE, "", ""
            reason, clause = verdict.text[:2000], verdict.clause[:120]
            refused[(reason, clause)] += 1
        values.append(
            (
                ballot_id,
                pk,
                unit_id,
                region_id,
                verdict.allowed,
                reason,
                clause,
                str(channel),
                channel_reason,
                address[:254],
                0,
                "",
                leaf_hex,
                False,
            )
        )
    _insert_entries(values)
    leaves.sort()
    return RollFigures(len(rows), len(leaves), refused, channels, per_unit, per_region, leaves)


ENTRY_COLUMNS = (
    "ballot_id",
    "member_id",
    "unit_id",
    "region_id",
    "eligible",
    "reason",
    "clause",
    "channel",
    "channel_reason",
    "email",
    "serial",
    "credential_hash",
    "leaf",
    "voted",
)


def _insert_entries(values: list[tuple[Any, ...]]) -> None:
    """Insert roll entries set-wise: COPY on PostgreSQL, batched executemany elsewhere."""
    from moot.ballots.models import RollEntry

    qn = connection.ops.quote_name
    table = qn(RollEntry._meta.db_table)
    columns = ", ".join(qn(c) for c in ENTRY_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg 3
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(ENTRY_COLUMNS))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - quoted names
        for start in range(0, len(values), INSERT_BATCH):
            cursor.executemany(sql, values[start : start + INSERT_BATCH])


def commitment(ballot: Ballot, figures: RollFigures) -> dict[str, Any]:
    """The published commitment to the frozen roll: root, size, counts per constituency (and
    region), the refusals by reason and clause, the channels, and how the tree is built."""
    from moot.units.models import Unit

    ids = set(figures.per_unit) | {r for r in figures.per_region if r}
    names = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name"))
    return {
        "format": COMMITMENT_FORMAT,
        "ballot": ballot.pk,
        "freeze_date": ballot.freeze_date.isoformat() if ballot.freeze_date else None,
        "root": merkle_root(figures.leaves).hex(),
        "size": len(figures.leaves),
        "assessed": figures.assessed,
        "refused": figures.assessed - figures.eligible,
        "constituencies": [
            {"unit": pk, "name": names.get(pk, ""), "eligible": n}
            for pk, n in sorted(figures.per_unit.items(), key=lambda i: (names.get(i[0], ""), i[0]))
        ],
        "regions": [
            {"unit": pk, "name": names.get(pk, "") if pk else "(no region)", "eligible": n}
            for pk, n in sorted(figures.per_region.items(), key=lambda i: (i[0] is None, i[0] or 0))
        ],
        "refusals": [
            {"reason": reason, "clause": clause, "members": n}
            for (reason, clause), n in sorted(figures.refused.items(), key=lambda i: (-i[1], i[0]))
        ],
        "channels": dict(sorted(figures.channels.items())),
        "leaf": f"SHA-256(0x00 || salt || '{LEAF_FORMAT}:<ballot>:<member number>:<unit id>')",
        "node": "SHA-256(0x01 || left || right); leaves sorted; an odd last node is carried up",
    }


def member_proof(ballot: Ballot, entry: RollEntry) -> dict[str, Any] | None:
    """What a member needs to check their own place in the committed roll: their salt and leaf
    text, the leaf, its path to the root and the root. None for an entry not in the tree."""
    from moot.ballots.credentials import ballot_key
    from moot.ballots.models import RollEntry

    if not entry.eligible or not entry.leaf or not ballot.roll_commitment:
        return None
    leaves = sorted(
        bytes.fromhex(leaf)
        for leaf in RollEntry.objects.filter(ballot=ballot, eligible=True)
        .values_list("leaf", flat=True)
        .iterator(chunk_size=20_000)
    )
    mine = bytes.fromhex(entry.leaf)
    index = leaves.index(mine)
    salt = leaf_salt(ballot_key(ballot), entry.member_id)
    return {
        "salt": salt.hex(),
        "text": leaf_text(ballot.pk, entry.member.number, entry.unit_id),
        "leaf": entry.leaf,
        "path": [(side, node.hex()) for side, node in merkle_path(leaves, index)],
        "root": ballot.roll_commitment.get("root", ""),
    }


def check_roll(ballot: Ballot) -> list[str]:
    """Recompute the roll's commitment from the stored roll and the ballot's key, and say what
    does not match (nothing: the roll is the one committed to at the freeze). Finds an entry
    added, removed or moved to another constituency after the freeze, a leaf edited, and a
    commitment edited in the database (against the root the audit chain recorded)."""
    from moot.audit.models import AuditEvent
    from moot.ballots.credentials import ballot_key
    from moot.ballots.models import RollEntry

    key = ballot_key(ballot)
    problems: list[str] = []
    leaves = []
    entries = (
        RollEntry.objects.filter(ballot=ballot, eligible=True)
        .values_list("member_id", "member__number", "unit_id", "leaf")
        .iterator(chunk_size=20_000)
    )
    for member_id, number, unit_id, stored in entries:
        leaf = leaf_hash(leaf_salt(key, member_id), leaf_text(ballot.pk, number, unit_id))
        if leaf.hex() != stored:
            problems.append(f"the entry of member {number} does not match its leaf")
        leaves.append(leaf)
    leaves.sort()
    root = merkle_root(leaves).hex()
    committed = (ballot.roll_commitment or {}).get("root")
    if root != committed:
        problems.append(
            f"the roll's root is {root} ({len(leaves)} voters), the commitment's {committed}"
        )
    recorded = (
        AuditEvent.objects.filter(verb="ballots.freeze_ballot", object_id=str(ballot.pk))
        .order_by("-seq")
        .values_list("after", flat=True)
        .first()
    )
    if not recorded or recorded.get("roll_root") != committed:
        problems.append("the commitment is not the one the audit trail recorded at the freeze")
    return problems


# -- set-wise updates used by the issue and the reissue -------------------------------------


def bulk_set(table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """``UPDATE table SET columns = values WHERE id = pk`` for many ``(pk, *values)`` rows
    (text or integer values): on PostgreSQL through a temporary table filled by COPY and one
    UPDATE … FROM; elsewhere by batched executemany."""
    if not rows:
        return
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(c)} = v.{qn(c)}" for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            types = ", ".join(
                f"{qn(c)} {'bigint' if isinstance(v, int) else 'text'}"
                for c, v in zip(columns, rows[0][1:], strict=True)
            )
            cursor.execute(
                f"CREATE TEMPORARY TABLE moot_bulk_set (pk bigint PRIMARY KEY, {types}) "
                "ON COMMIT DROP"
            )
            names = ", ".join(qn(c) for c in columns)
            with cursor.cursor.copy(f"COPY moot_bulk_set (pk, {names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute("ANALYZE moot_bulk_set")
            cursor.execute(
                f"UPDATE {qn(table)} SET {sets} FROM moot_bulk_set v "  # noqa: S608 - quoted
                f"WHERE {qn(table)}.{qn('id')} = v.pk"
            )
            cursor.execute("DROP TABLE moot_bulk_set")
            return
        assignments = ", ".join(f"{qn(c)} = %s" for c in columns)
        sql = f"UPDATE {qn(table)} SET {assignments} WHERE {qn('id')} = %s"  # noqa: S608
        reordered = [(*row[1:], row[0]) for row in rows]
        for start in range(0, len(reordered), INSERT_BATCH):
            cursor.executemany(sql, reordered[start : start + INSERT_BATCH])


def settle_channels_at_issue(ballot: Ballot) -> Counter[str]:
    """At the issue: freeze each eligible online entry's address as the register has it now,
    and put on post any whose address is no longer usable or is now shared with another
    eligible member. Entries on post at the freeze stay on post. One read, set-wise writes."""
    from moot.ballots.models import Channel, RollEntry

    usable = re.compile(EMAIL_PATTERN)
    rows = list(
        RollEntry.objects.filter(ballot=ballot, eligible=True)
        .values_list("pk", "channel", "email", "member__email")
        .iterator(chunk_size=20_000)
    )
    current = [
        ((now or "").strip().lower()[:254] if channel == Channel.ONLINE else frozen)
        for _pk, channel, frozen, now in rows
    ]
    counts = Counter(address for address in current if address)
    changed = [
        (pk, address)
        for (pk, _channel, frozen, _now), address in zip(rows, current, strict=True)
        if address != frozen
    ]
    moved = []
    channels: Counter[str] = Counter()
    for (pk, frozen_channel, _frozen, _now), address in zip(rows, current, strict=True):
        channel = str(frozen_channel)
        if channel == Channel.ONLINE:
            if not address or not usable.match(address):
                moved.append((pk, str(Channel.POST), NO_EMAIL))
                channel = Channel.POST
            elif counts[address] > 1:
                moved.append((pk, str(Channel.POST), SHARED_EMAIL))
                channel = Channel.POST
        channels[str(channel)] += 1
    table = RollEntry._meta.db_table
    bulk_set(table, ("email",), changed)
    bulk_set(table, ("channel", "channel_reason"), moved)
    return channels
