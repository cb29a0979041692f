"""The trustees' mix and decryption after the close (docs/verifiable.md §10–§11), each post
checked on arrival before it goes on the board:

* the mixing order is the qualified trustees' index order: each mixes every ranked question
  once, on the previous mixer's outputs (the counted ballots for the first); a shuffle whose
  proof does not verify is refused and nothing is written;
* the returning officer may skip the trustee whose turn it is (one who does not mix in time),
  with a reason, recorded in the audit chain — but at least the threshold t of trustees must
  mix (fewer, and a coalition below t — even one mixer alone — would know the permutation;
  ``moot verify`` rejects such a record): a skip is refused unless t trustees can still have
  mixed after it, counting those who already have;
* then each qualified trustee posts decryption shares of the homomorphic sums and of the last
  mixer's outputs; every share's Chaum–Pedersen proof is checked against the trustee's
  verification key; when t trustees' shares are in, the plaintexts are combined into the
  board's ``result`` entry (``moot.verify.vtally``: the count's rankings and invalid ones).

The board's ``tally`` entry (the homomorphic sums) is appended with the first post after the
close.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from django.db import transaction
from django.utils import timezone

from moot.audit.actions import record
from moot.audit.models import AuditEvent
from moot.trustee.tally import Tally, check_decryption, check_shuffle, read_tally
from moot.verifiable import board
from moot.verifiable.audit_verbs import AuditVerb
from moot.verifiable.errors import RefusalCode, VerifiableError
from moot.verifiable.models import BoardEntry, Election, ElectionState, Trustee, TrusteeState
from moot.verify import vboard
from moot.verify.group import Point
from moot.verify.vcommon import ProofError
from moot.verify.vproofs import DecryptionShare
from moot.verify.vrecord_checks import sums_json
from moot.verify.vtally import result_payload

CLAUSE = "docs/verifiable.md §11"
AFTER_CLOSE = (ElectionState.CLOSED, ElectionState.MIXING)


def _refuse(message: str, *, field: str = "", code: RefusalCode = RefusalCode.INVALID) -> NoReturn:
    raise VerifiableError(message, clause=CLAUSE, field=field, code=code)


def read_board(election: Election) -> Tally:
    """The tally so far, from the board (each entry was checked when it was appended). Once
    the board holds its tally entry and a shuffle of every ranked question, the ballots are
    not read again: the sums are the tally entry's, the rows the last shuffle's outputs."""
    document = json.loads(election.election_json)
    rows = BoardEntry.objects.filter(election_id=election.pk).order_by("height")
    others = [
        json.loads(body) for body in rows.exclude(kind=vboard.BALLOT).values_list("body", flat=True)
    ]
    ranked = {q for q, question in enumerate(document["questions"]) if question["type"] == "ranked"}
    shuffled = {int(e["payload"]["question"]) for e in others if e["type"] == vboard.SHUFFLE}
    has_tally = any(e["type"] == vboard.TALLY for e in others)
    if has_tally and ranked <= shuffled:
        return read_tally(document, others, verify=False, without_ballots=True)
    entries = [json.loads(body) for body in rows.values_list("body", flat=True)]
    return read_tally(document, entries, verify=False)


def qualified_indices(election: Election) -> list[int]:
    return list(
        Trustee.objects.filter(election=election, state=TrusteeState.DONE)
        .order_by("index")
        .values_list("index", flat=True)
    )


def skipped_mixers(election: Election) -> dict[int, str]:
    """The mixers the returning officer skipped (index → reason), from the audit chain."""
    events = AuditEvent.objects.filter(
        verb=AuditVerb.SKIP_MIXER, object_type="verifiable.election", object_id=str(election.pk)
    ).order_by("seq")
    return {int((e.after or {})["index"]): e.reason for e in events}


def next_mixer(election: Election, tally: Tally) -> int | None:
    if not tally.ranked:
        return None
    skipped = skipped_mixers(election)
    for index in qualified_indices(election):
        if index not in tally.mixers and index not in skipped:
            return index
    return None


def mixers_after_skip(election: Election, tally: Tally, index: int) -> int:
    """How many trustees will have mixed at most if ``index`` (whose turn it is) is skipped:
    those who have, and the later qualified ones not skipped."""
    skipped = skipped_mixers(election)
    later = [i for i in qualified_indices(election) if i > index and i not in skipped]
    return len(tally.mixers) + len(later)


def _begin(held: Election, tally: Tally) -> None:
    """The board's tally entry and the next state, at the first post after the close."""
    if held.state == ElectionState.CLOSED:
        if not tally.tally_entry:
            board.append(held, vboard.TALLY, sums_json(tally.sums), locked=True)
            tally.tally_entry = True
        held.state = ElectionState.MIXING if tally.ranked else ElectionState.DECRYPTING
        Election.objects.filter(pk=held.pk).update(state=held.state)


def _mixing_done(held: Election, tally: Tally) -> None:
    if held.state == ElectionState.MIXING and next_mixer(held, tally) is None:
        held.state = ElectionState.DECRYPTING
        Election.objects.filter(pk=held.pk).update(state=held.state)


def _own(trustee: Trustee) -> None:
    if trustee.state != TrusteeState.DONE:
        _refuse(
            f"Trustee {trustee.index} did not finish the key generation: it takes no part in "
            "the tally.",
            code=RefusalCode.FORBIDDEN,
        )


@transaction.atomic(durable=True)
def do_post_shuffle(
    trustee: Trustee, shuffles: list[dict[str, Any]], *, acting_user: Any
) -> Election:
    """This trustee's shuffle of every ranked question, in its turn; each proof verified on
    the current rows before anything is written."""
    held = board.lock_election(trustee.election_id)
    _own(trustee)
    if held.state not in AFTER_CLOSE:
        _refuse(
            f"The mix is not open (the election is {held.get_state_display().lower()}).",
            code=RefusalCode.STATE,
        )
    tally = read_board(held)
    turn = next_mixer(held, tally)
    if trustee.index in tally.mixers:
        _refuse(f"Trustee {trustee.index} has already mixed.", code=RefusalCode.CONFLICT)
    if turn != trustee.index:
        _refuse(
            f"It is trustee {turn}'s turn to mix, not trustee {trustee.index}'s."
            if turn
            else "No more mixing is wanted.",
            code=RefusalCode.STATE,
        )
    if len(shuffles) != len(tally.ranked):
        _refuse(
            f"Send one shuffle for each ranked question ({len(tally.ranked)}).", field="shuffles"
        )
    _begin(held, tally)
    for position, payload in enumerate(shuffles):
        try:
            outputs = check_shuffle(tally, payload, trustee.index, f"shuffles[{position}]")
        except ProofError as exc:
            _refuse(f"The shuffle does not verify: {exc}", field=exc.where)
        board.append(held, vboard.SHUFFLE, payload, locked=True)
        tally.current[int(payload["question"])] = outputs
    tally.mixers.append(trustee.index)
    _mixing_done(held, tally)
    record(
        actor=acting_user,
        verb=AuditVerb.POST_SHUFFLE,
        obj=trustee,
        after={"index": trustee.index, "questions": tally.ranked, "head": held.board_head},
        clause=CLAUSE,
    )
    return held


@transaction.atomic(durable=True)
def do_skip_mixer(election: Election, index: int, reason: str, *, acting_user: Any) -> Election:
    """The returning officer skips the trustee whose turn it is to mix (one who did not mix
    in time), with a reason; never when fewer than the threshold could then have mixed."""
    held = board.lock_election(election.pk)
    if held.state not in AFTER_CLOSE:
        _refuse("Only a mixer whose turn it is can be skipped.", code=RefusalCode.STATE)
    reason = reason.strip()
    if not reason:
        _refuse("Say why the trustee is skipped (recorded in the audit log).", field="reason")
    tally = read_board(held)
    turn = next_mixer(held, tally)
    if turn != index:
        _refuse(f"It is trustee {turn}'s turn to mix, not trustee {index}'s.", field="index")
    could_mix = mixers_after_skip(held, tally, index)
    if could_mix < held.threshold:
        _refuse(
            f"At least the threshold ({held.threshold}) of trustees must mix the ballots: "
            f"skipping trustee {index} would leave {could_mix} who have mixed or still can "
            f"({len(tally.mixers)} have mixed).",
            code=RefusalCode.RULE,
        )
    _begin(held, tally)
    record(
        actor=acting_user,
        verb=AuditVerb.SKIP_MIXER,
        object_type="verifiable.election",
        object_id=held.pk,
        object_repr=str(held),
        after={"index": index},
        reason=reason,
        clause=CLAUSE,
    )
    _mixing_done(held, tally)
    return held


def _factors(tally: Tally) -> tuple[dict[int, Any], dict[int, Any]]:
    sums: dict[int, Any] = {}
    ranked: dict[int, Any] = {}
    for j, payload in tally.decryptions.items():
        sums[j] = {
            block["question"]: [
                DecryptionShare.from_json(s, "share").factor for s in block["shares"]
            ]
            for block in payload["sums"]
        }
        ranked[j] = {
            block["question"]: [
                [DecryptionShare.from_json(s, "share").factor for s in row]
                for row in block["shares"]
            ]
            for block in payload["ranked"]
        }
    return sums, ranked


@transaction.atomic(durable=True)
def do_post_decryption(trustee: Trustee, payload: dict[str, Any], *, acting_user: Any) -> Election:
    """This trustee's decryption shares, each proof checked; with t trustees' shares in, the
    result is combined onto the board."""
    held = board.lock_election(trustee.election_id)
    _own(trustee)
    tally = read_board(held)
    if held.state == ElectionState.CLOSED and not tally.ranked:
        _begin(held, tally)
    if held.state != ElectionState.DECRYPTING:
        _refuse(
            f"Decryption comes after the mix (the election is {held.get_state_display().lower()}).",
            code=RefusalCode.STATE,
        )
    if trustee.index in tally.decryptions:
        _refuse(f"Trustee {trustee.index} has already decrypted.", code=RefusalCode.CONFLICT)
    if tally.ranked and len(tally.mixers) < held.threshold:
        _refuse(
            f"Only {len(tally.mixers)} trustee(s) mixed the ballots; at least the threshold "
            f"({held.threshold}) must mix before anything is decrypted.",
            code=RefusalCode.RULE,
        )
    key = Point.decode(trustee.verification_key)
    try:
        check_decryption(tally, trustee.index, key, payload)
    except ProofError as exc:
        _refuse(f"The decryption shares do not verify: {exc}", field=exc.where)
    board.append(held, vboard.DECRYPTION, payload, locked=True)
    tally.decryptions[trustee.index] = payload
    record(
        actor=acting_user,
        verb=AuditVerb.POST_DECRYPTION,
        obj=trustee,
        after={"index": trustee.index, "head": held.board_head},
        clause=CLAUSE,
    )
    if len(tally.decryptions) >= held.threshold:
        sums, ranked = _factors(tally)
        result, _files = result_payload(
            tally.document,
            tally.counting,
            tally.sums,
            tally.current,
            sums,
            ranked,
            tally.counted_count,
        )
        board.append(held, vboard.RESULT, result, locked=True)
        Election.objects.filter(pk=held.pk).update(
            state=ElectionState.DECRYPTED, decrypted_at=timezone.now()
        )
    return held
