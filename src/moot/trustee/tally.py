"""The tally as a trustee takes part in it (docs/verifiable.md §10–§11): after the close each
qualified trustee, in index order, re-encrypts and shuffles every ranked question's ballots with
a proof; then at least t trustees post decryption shares of the homomorphic sums and of the
last mixer's outputs, each with a Chaum–Pedersen proof.

:func:`read_tally` reads a board (its entries in order) into what the next step needs. With
``verify`` (the trustee's machine) it checks, before this trustee mixes or decrypts anything:
the chain, every ballot that counts (signature, credential, proofs), the tally entry against
the sums of those ballots, and every shuffle's proof on the previous stage's outputs. So a
server cannot have a trustee decrypt one voter's ballot, or anything but the sums of the
board's ballots and the outputs of proved shuffles.

:func:`check_shuffle` and :func:`check_decryption` are the checks the server runs on arrival.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from moot.verify import vballot, vboard
from moot.verify.group import Ciphertext, Point
from moot.verify.shuffle import ShuffleProof, rows_digest, shuffle, verify_shuffle
from moot.verify.vcommon import (
    ProofError,
    at,
    read_ciphertext,
    read_int,
    read_list,
    read_object,
    read_str,
)
from moot.verify.vproofs import DecryptionShare, make_decryption_share, verify_decryption_share
from moot.verify.vrecord_checks import homomorphic_sums, sums_json
from moot.verify.vtally import decryption_payload, ranked_rows

Rows = list[list[Ciphertext]]


@dataclass
class Tally:
    document: dict[str, Any]
    election: vballot.Election
    counting: dict[str, Any] = field(default_factory=dict)
    setup: dict[str, Any] = field(default_factory=dict)
    counted: list[dict[str, Any]] = field(default_factory=list)
    counted_count: int = 0
    closed: bool = False
    tally_entry: bool = False
    sums: dict[int, list[Ciphertext]] = field(default_factory=dict)
    current: dict[int, Rows] = field(default_factory=dict)
    mixers: list[int] = field(default_factory=list)
    decryptions: dict[int, dict[str, Any]] = field(default_factory=dict)
    result: dict[str, Any] | None = None

    @property
    def ranked(self) -> list[int]:
        return sorted(self.current)

    @property
    def ctx(self) -> bytes:
        return self.election.ctx

    @property
    def public_key(self) -> Point:
        return self.election.public_key


def _rows(value: object, where: str) -> Rows:
    return [
        [
            read_ciphertext(ct, at(at(where, i), k))
            for k, ct in enumerate(read_list(row, at(where, i)))
        ]
        for i, row in enumerate(read_list(value, where))
    ]


def check_shuffle(tally: Tally, payload: object, mixer: int, where: str = "payload") -> Rows:
    """One mixer's shuffle of one ranked question, on that question's current rows: the
    outputs, once the proof verifies."""
    data = read_object(payload, where, ("question", "mixer", "inputs_digest", "outputs", "proof"))
    q = read_int(data["question"], at(where, "question"), 0)
    if q not in tally.current:
        raise ProofError(at(where, "question"), f"question {q} is not a ranked question")
    if read_int(data["mixer"], at(where, "mixer"), 1) != mixer:
        raise ProofError(at(where, "mixer"), f"expected mixer {mixer}")
    inputs = tally.current[q]
    if read_str(data["inputs_digest"], at(where, "inputs_digest")) != rows_digest(inputs).hex():
        raise ProofError(at(where, "inputs_digest"), "is not the digest of the current rows")
    outputs = _rows(data["outputs"], at(where, "outputs"))
    if len(outputs) != len(inputs):
        raise ProofError(
            at(where, "outputs"), f"{len(outputs)} rows, the inputs have {len(inputs)}"
        )
    proof = ShuffleProof.from_json(data["proof"], at(where, "proof"))
    try:
        verify_shuffle(tally.public_key, inputs, outputs, proof, tally.ctx, mixer)
    except ProofError as exc:
        raise exc.within(where) from None
    return outputs


def _counted(
    entries: Sequence[Mapping[str, Any]], close: Mapping[str, Any]
) -> list[dict[str, Any]]:
    superseded = set(close.get("superseded") or [])
    return [
        dict(e["payload"])
        for e in entries
        if e["type"] == vboard.BALLOT and vballot.tracker(e["payload"]) not in superseded
    ]


def read_tally(
    document: dict[str, Any],
    entries: Sequence[dict[str, Any]],
    *,
    verify: bool,
    without_ballots: bool = False,
) -> Tally:
    """The tally so far from ``entries`` (the board in order). ``verify``: check everything a
    trustee relies on (ProofError naming the entry). ``without_ballots`` (the server, never
    with ``verify``): ``entries`` leave out the ballots, and the board already holds its tally
    entry and a shuffle of every ranked question — the sums are the tally entry's and the rows
    the last shuffle's outputs, each checked when it was appended."""
    if verify and without_ballots:
        raise ValueError("a trustee verifies every ballot")
    election = vballot.parse_election(document)
    tally = Tally(document=document, election=election)
    if verify:
        try:
            vboard.check_chain(entries)
        except vboard.BoardError as exc:
            raise ProofError("board", str(exc)) from None
        if vballot.election_hash(document) != election.ctx.hex():
            raise ProofError("election.json", "does not hash to its context")
    credentials: frozenset[str] = frozenset()
    for entry in entries:
        kind, payload, where = entry["type"], entry["payload"], f"board entry {entry['height']}"
        if kind == vboard.SETUP:
            tally.counting = dict(payload.get("counting") or {})
            tally.setup = dict(payload)
            if verify and payload.get("election") != document:
                raise ProofError(where, "the setup entry's election is not election.json")
        elif kind == vboard.CREDENTIALS:
            credentials = vballot.read_credential_list(payload.get("credentials"), where)
        elif kind == vboard.BALLOT and verify:
            try:
                vballot.verify_ballot(election, payload, credentials)
            except ProofError as exc:
                raise exc.within(where) from None
        elif kind == vboard.CLOSE and without_ballots:
            tally.closed = True
            tally.counted_count = int(payload["counted"])
            tally.current = {
                q: []
                for q, question in enumerate(document["questions"])
                if question["type"] == "ranked"
            }
        elif kind == vboard.CLOSE:
            tally.closed = True
            tally.counted = _counted(entries, payload)
            tally.counted_count = len(tally.counted)
            tally.sums = homomorphic_sums(document, tally.counted)
            tally.current = {
                q: [list(row) for row in ranked_rows(document, q, tally.counted)]
                for q, question in enumerate(document["questions"])
                if question["type"] == "ranked"
            }
        elif kind == vboard.TALLY:
            tally.tally_entry = True
            if without_ballots:
                tally.sums = {
                    int(block["question"]): [
                        read_ciphertext(ct, "choices") for ct in block["choices"]
                    ]
                    for block in payload["sums"]
                }
            if verify and payload != sums_json(tally.sums):
                raise ProofError(where, "the tally is not the sum of the ballots that count")
        elif kind == vboard.SHUFFLE:
            mixer = int(payload["mixer"])
            if verify:
                try:
                    tally.current[int(payload["question"])] = check_shuffle(tally, payload, mixer)
                except ProofError as exc:
                    raise exc.within(where) from None
            else:
                tally.current[int(payload["question"])] = _rows(payload["outputs"], "outputs")
            if mixer not in tally.mixers:
                tally.mixers.append(mixer)
        elif kind == vboard.DECRYPTION:
            if verify:
                check_enough_mixers(tally, where)
            tally.decryptions[int(payload["trustee"])] = payload
        elif kind == vboard.RESULT:
            tally.result = payload
    return tally


def check_enough_mixers(tally: Tally, where: str = "board") -> None:
    """At least the threshold must have mixed the ranked questions before any decryption:
    fewer (a lone mixer above all) would know the permutation, and ``moot verify`` rejects
    such a record."""
    threshold = int(tally.document["threshold"])
    if tally.ranked and len(tally.mixers) < threshold:
        raise ProofError(
            where,
            f"only {len(tally.mixers)} trustee(s) {tally.mixers} mixed the ballots; at least "
            f"the threshold, {threshold}, must mix before anything is decrypted",
        )


# --- the trustee's own work -----------------------------------------------------------------------
def mix(tally: Tally, mixer: int) -> list[dict[str, Any]]:
    """This trustee's shuffle of every ranked question (the permutation and randomness are
    forgotten when this returns)."""
    out = []
    for q in tally.ranked:
        inputs = tally.current[q]
        outputs, proof = shuffle(tally.public_key, inputs, tally.ctx, mixer)
        out.append(
            {
                "question": q,
                "mixer": mixer,
                "inputs_digest": rows_digest(inputs).hex(),
                "outputs": [[ct.to_json() for ct in row] for row in outputs],
                "proof": proof.to_json(),
            }
        )
    return out


def decrypt(tally: Tally, trustee: int, secret: int) -> dict[str, Any]:
    """Decryption shares of the sums and of the last mixer's outputs, each with its proof."""
    sums = {
        q: [make_decryption_share(secret, trustee, ct, ctx=tally.ctx) for ct in cts]
        for q, cts in tally.sums.items()
    }
    ranked = {
        q: [
            [make_decryption_share(secret, trustee, ct, ctx=tally.ctx) for ct in row]
            for row in rows
        ]
        for q, rows in tally.current.items()
    }
    return decryption_payload(trustee, sums, ranked)


def check_decryption(
    tally: Tally, trustee: int, key: Point, payload: object, where: str = "payload"
) -> tuple[dict[int, list[Point]], dict[int, list[list[Point]]]]:
    """A trustee's decryption shares, each checked against its verification key and the
    ciphertext it decrypts: (factors of the sums, factors of the ranked rows)."""
    data = read_object(payload, where, ("trustee", "sums", "ranked"))
    if read_int(data["trustee"], at(where, "trustee"), 1) != trustee:
        raise ProofError(at(where, "trustee"), f"expected trustee {trustee}")

    def one(share: object, ct: Ciphertext, place: str) -> Point:
        parsed = DecryptionShare.from_json(share, place)
        if not verify_decryption_share(parsed, trustee, key, ct, ctx=tally.ctx):
            raise ProofError(place, "the decryption share's proof does not verify")
        return parsed.factor

    sums: dict[int, list[Point]] = {}
    items = read_list(data["sums"], at(where, "sums"), len(tally.sums))
    for n, (item, q) in enumerate(zip(items, sorted(tally.sums), strict=True)):
        place = at(at(where, "sums"), n)
        block = read_object(item, place, ("question", "shares"))
        if block["question"] != q:
            raise ProofError(at(place, "question"), f"expected question {q}")
        shares = read_list(block["shares"], at(place, "shares"), len(tally.sums[q]))
        sums[q] = [
            one(s, ct, at(at(place, "shares"), k))
            for k, (s, ct) in enumerate(zip(shares, tally.sums[q], strict=True))
        ]
    ranked: dict[int, list[list[Point]]] = {}
    items = read_list(data["ranked"], at(where, "ranked"), len(tally.current))
    for n, (item, q) in enumerate(zip(items, tally.ranked, strict=True)):
        place = at(at(where, "ranked"), n)
        block = read_object(item, place, ("question", "shares"))
        if block["question"] != q:
            raise ProofError(at(place, "question"), f"expected question {q}")
        rows = read_list(block["shares"], at(place, "shares"), len(tally.current[q]))
        ranked[q] = []
        for i, (row, cts) in enumerate(zip(rows, tally.current[q], strict=True)):
            row_place = at(at(place, "shares"), i)
            cells = read_list(row, row_place, len(cts))
            ranked[q].append(
                [
                    one(s, ct, at(row_place, k))
                    for k, (s, ct) in enumerate(zip(cells, cts, strict=True))
                ]
            )
    return sums, ranked
