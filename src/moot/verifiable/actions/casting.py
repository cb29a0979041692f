"""Casting an encrypted ballot (docs/verifiable.md §7; issue 12, items 4 and 6).

:func:`do_cast_verifiable` takes the voter's roll entry (from the invitation's credential, or
the signed-in member) and the ballot the booth encrypted. Before any lock, the ballot is checked
as the verifier checks it (``moot.verify.vballot.verify_ballot``: encodings, the credential in
the published list, the signature, every proof); a refusal says where and what and writes
nothing. Then, in one transaction:

* the entitlement's one return (issue 11's slot, ``casting.place_return``) is taken with a
  marker instead of sealed content (:func:`return_mark`: ``models.RETURN_MARK`` and a keyed
  hash of the public credential): turnout, reminders and the declared precedence work as for
  any online vote;
* the voting credential must not have cast a ballot already (unless the ballot allows a
  revote, when the last one counts), and the same ballot is never taken twice;
* one entitlement, one credential: an entitlement that has voted re-votes only with the
  credential it first used (its return's keyed hash must match), and a credential another
  entitlement has used is refused, so that re-voting cannot put two counted ballots on the
  board for one entitlement (the close would refuse to count, "board counted 3 … close
  counted 1");
* the ballot is appended to the board (``board.append``), and the audit event records the
  board's new head (height and hash) in the site's audit chain.

Nothing in the database links the two: the return names the roll entry and holds
HMAC-SHA-256 of the public credential under a key derived from the ballot's key in
``MOOT_KEYS_DIR`` (issue 11's ``credentials.ballot_key``, outside the database and destroyed
at the close), never the credential; the board entry holds the public credential (from the
authority's list, which names nobody) and no voter. A copy of the database alone cannot tell
which return is which board entry's. The audit event names nobody, as an ordinary online
vote's does.
"""

from __future__ import annotations

import hmac
import json
import threading
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q

from moot.audit.actions import record
from moot.ballots import credentials as ballot_credentials
from moot.ballots.casting import (
    check_open_for_returns,
    lock_ballot_for_return,
    lock_entry,
    place_return,
)
from moot.ballots.errors import BallotError
from moot.ballots.models import Ballot, Channel, Return, RollEntry
from moot.verifiable import board
from moot.verifiable.audit_verbs import AuditVerb
from moot.verifiable.errors import RefusalCode, VerifiableError
from moot.verifiable.models import RETURN_MARK, BoardEntry, BoardKind, Election, ElectionState
from moot.verify import vballot, vboard
from moot.verify.vcommon import ProofError

__all__ = [
    "Cast",
    "check_cast",
    "do_cast_verifiable",
    "election_context",
    "open_election",
    "return_mark",
]

MARK_LABEL = b"moot-verifiable/1:return-mark"


@dataclass(frozen=True)
class Cast:
    """A ballot taken: its tracker, its height on the board, and whether it replaced an
    earlier ballot of the same credential (a revote)."""

    tracker: str
    height: int
    replaced: bool
    head: str = ""


# The parsed election.json and the credential set of each open election, by its hash: built
# once per process (parsing and a set of 500,000 credentials would cost more than a ballot).
_CACHE: dict[tuple[int, str], tuple[vballot.Election, frozenset[str]]] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 4


def election_context(election: Election) -> tuple[vballot.Election, frozenset[str]]:
    """The open election's parsed ``election.json`` and its set of public credentials."""
    key = (election.pk, election.election_hash)
    with _CACHE_LOCK:
        held = _CACHE.get(key)
    if held is not None:
        return held
    document = Election.objects.filter(pk=election.pk).values_list("election_json", flat=True)[0]
    parsed = vballot.parse_election(json.loads(document))
    listed = board.payload_of(board.entry_of_kind(election, vboard.CREDENTIALS))["credentials"]
    credentials = frozenset(listed)
    with _CACHE_LOCK:
        while len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = (parsed, credentials)
    return parsed, credentials


def open_election(ballot: Ballot) -> Election:
    """The ballot's verifiable election, open for ballots; else a refusal saying why."""
    election = (
        Election.objects.filter(ballot_id=ballot.pk)
        .only("id", "ballot_id", "state", "election_hash")
        .first()
    )
    if election is None:
        raise VerifiableError(
            "This ballot is not run verifiable: vote on its ordinary ballot page.",
            code=RefusalCode.NOT_FOUND,
        )
    if election.state != ElectionState.OPEN:
        raise VerifiableError(
            "The verifiable election is not taking ballots: it is "
            f"{election.get_state_display().lower()}.",
            code=RefusalCode.STATE,
        )
    return election


def check_cast(election: Election, cast: object) -> tuple[str, str]:
    """Check ``cast`` as the verifier will (``vballot.verify_ballot``): (tracker, public
    credential), or a refusal naming the field and what is wrong with it."""
    parsed, credentials = election_context(election)
    try:
        vballot.verify_ballot(parsed, cast, credentials)
    except ProofError as exc:
        where = exc.where or "ballot"
        raise VerifiableError(
            f"Your ballot was refused and nothing was recorded: {where}: {exc.what}.",
            field=where,
            code=RefusalCode.INVALID,
        ) from None
    assert isinstance(cast, dict)  # verify_ballot read it as an object
    return vballot.tracker(cast), str(cast["credential"])


def _check_entry(row: RollEntry, entry: RollEntry, ballot: Ballot, acting_user: Any) -> None:
    if row.ballot_id != ballot.pk:
        raise VerifiableError(
            "This entitlement belongs to another ballot, not this one.",
            field="credential",
            code=RefusalCode.INVALID,
        )
    if acting_user is None:
        if not row.credential_hash or row.credential_hash != entry.credential_hash:
            raise VerifiableError(
                "The credential from your invitation was replaced while you were voting: use "
                "the newest one you were sent.",
                field="credential",
                code=RefusalCode.CONFLICT,
            )
    elif row.member.user_id != acting_user.pk:
        raise VerifiableError("You can cast only your own vote.", code=RefusalCode.FORBIDDEN)
    if not row.eligible:
        raise VerifiableError(
            f"This entitlement may not vote in this ballot: {row.reason or 'not eligible'}.",
            clause=row.clause,
            code=RefusalCode.INELIGIBLE,
        )


def return_mark(ballot: Ballot, credential: str) -> str:
    """What the entitlement's return holds: ``RETURN_MARK``, a colon and HMAC-SHA-256 of the
    public credential under a key derived from the ballot's key (kept in ``MOOT_KEYS_DIR``,
    outside the database): the same credential gives the same mark, and without the key the
    mark says nothing of which credential (board entry) it is."""
    key = hmac.digest(ballot_credentials.ballot_key(ballot), MARK_LABEL, "sha256")
    digest = hmac.new(key, credential.encode("ascii"), "sha256").hexdigest()
    return f"{RETURN_MARK}:{digest}"


def _tie_to_credential(previous: str | None, mark: str, used: bool) -> None:
    """One entitlement, one credential: a re-vote with the credential first used; never a
    credential another entitlement has used."""
    if previous is not None and not hmac.compare_digest(previous, mark):
        raise VerifiableError(
            "Your ballot was not recorded: you voted with another voting credential; a re-vote "
            "must use the same one.",
            field="credential",
            code=RefusalCode.CONFLICT,
        )
    if previous is None and used:
        raise VerifiableError(
            "Your ballot was not recorded: this voting credential has already been used for "
            "another entitlement's vote. Use the voting credential you were sent.",
            field="credential",
            code=RefusalCode.CONFLICT,
        )


def _refuse_if_used(election: Election, tracker: str, credential: str) -> bool:
    """Refuse the same ballot twice, and a second ballot of a credential unless the election
    allows a revote; True when this ballot replaces an earlier one."""
    held = list(
        BoardEntry.objects.filter(election_id=election.pk)
        .filter(Q(tracker=tracker) | Q(kind=BoardKind.BALLOT, credential=credential))
        .values_list("tracker", flat=True)[:2]
    )
    if tracker in held:
        raise VerifiableError(
            f"This very ballot (tracker {vballot.format_tracker(tracker)}) is already on the "
            "board: a ballot is taken once. Encrypt afresh to vote again.",
            field="ballot",
            code=RefusalCode.CONFLICT,
        )
    used = bool(held)
    if used and not election.revote:
        raise VerifiableError(
            "This voting credential has already cast a ballot, and in this ballot only one "
            "counts: nothing was recorded.",
            field="credential",
            code=RefusalCode.CONFLICT,
        )
    return used


def do_cast_verifiable(
    ballot: Ballot, entry: RollEntry, cast: object, *, acting_user: Any = None
) -> Cast:
    """Take ``entry``'s encrypted ballot ``cast`` (the booth's JSON). ``acting_user`` None: the
    entry came from the invitation's credential (checked again under the lock); else it must
    be the signed-in member's own. Refused, writing nothing: the ballot not open, a ballot that
    does not verify (where and what), the entitlement's return already taken (under the
    ballot's precedence), the voting credential already used (without a revote), the same
    ballot twice."""
    if Channel.ONLINE not in (ballot.channels or []):
        raise VerifiableError(
            "This ballot takes votes by post only: return the paper you were sent.",
            code=RefusalCode.STATE,
        )
    _as_verifiable(check_open_for_returns, ballot)
    election = open_election(ballot)
    tracker, credential = check_cast(election, cast)
    assert isinstance(cast, dict)
    with transaction.atomic(durable=True):
        locked = _as_verifiable(lock_ballot_for_return, ballot.pk)
        _as_verifiable(check_open_for_returns, locked)
        row = lock_entry(entry.pk)
        _check_entry(row, entry, locked, acting_user)
        mark = return_mark(locked, credential)
        previous = (
            Return.objects.filter(entry_id=row.pk, channel=Channel.ONLINE)
            .values_list("sealed", flat=True)
            .first()
        )
        placed = place_return(locked, row, Channel.ONLINE, mark)
        if not placed.placed:
            raise VerifiableError(
                f"Your ballot was not recorded: a vote was already received for you "
                f"({placed.reason}), and under this ballot's rule only one counts.",
                code=RefusalCode.CONFLICT,
            )
        held = board.lock_election(election.pk, fields=board.APPEND_FIELDS)
        if held.state != ElectionState.OPEN:
            raise VerifiableError(
                "The verifiable election stopped taking ballots while you were voting.",
                code=RefusalCode.STATE,
            )
        replaced = _refuse_if_used(held, tracker, credential)
        _tie_to_credential(previous, mark, replaced)
        added = board.append(
            held, vboard.BALLOT, cast, tracker=tracker, credential=credential, locked=True
        )
        head = added.entry_hash  # the board's new head: this entry's hash
        record(
            actor=None,
            verb=AuditVerb.CAST_VERIFIABLE,
            obj=locked,
            object_repr=locked.title,
            after={
                "channel": Channel.ONLINE,
                "replaced": replaced,
                "board_height": added.height,
                "board_head": head,
            },
        )
    return Cast(tracker=tracker, height=added.height, replaced=replaced, head=head)


def _as_verifiable(function: Any, *args: Any) -> Any:
    """Issue 11's checks speak as ``BallotError``; here they are this app's refusals."""
    try:
        return function(*args)
    except BallotError as exc:
        raise VerifiableError(
            exc.message, clause=exc.clause, field=exc.field, code=exc.code
        ) from None
