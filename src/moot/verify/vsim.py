"""A whole verifiable ballot simulated in memory, without Django (docs/verifiable.md §12): the
trustees' key generation (commit, reveal with proofs, shares sealed to each trustee and
checked), a credential authority's credentials, the voters' ballots, the board, the close,
the homomorphic sums, the trustees' shuffles with proofs, their decryptions with proofs, the
result and its count, and the record zip. Used by the tests and the benchmark; the server
writes the same board and record with the same functions (:mod:`moot.verify.vboard`,
:mod:`moot.verify.vtally`, :mod:`moot.verify.vrecord_write`).

A vote gives, per question, what the booth encrypts: 0/1 per answer for a homomorphic
question, a rank per candidate for a ranked one; ``chunks`` instead puts raw plaintexts in a
ranked question's ciphertexts (an invalid ranking, as a faulty or malicious booth would), still
proved and signed, so the board takes it and the count lists it as invalid.
"""

from __future__ import annotations

import secrets
import uuid as uuid_module
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from nacl.public import PrivateKey

from moot.verify import group, vdkg
from moot.verify.group import Ciphertext, L, Point
from moot.verify.shuffle import rows_digest, shuffle
from moot.verify.vballot import (
    Election,
    Ranked,
    credential_secret,
    credentials_sha256,
    encrypt_ballot,
    new_credential,
    parse_election,
    public_credential,
    tracker,
)
from moot.verify.vboard import (
    BALLOT,
    CLOSE,
    CREDENTIALS,
    DECRYPTION,
    RESULT,
    SETUP,
    SHUFFLE,
    TALLY,
    append,
    head,
)
from moot.verify.vproofs import make_decryption_share, prove_ranked, sign_answers
from moot.verify.vrecord_checks import homomorphic_sums, sums_json
from moot.verify.vrecord_write import SigningKey, record_files
from moot.verify.vtally import decryption_payload, ranked_rows, result_payload


@dataclass(frozen=True)
class Vote:
    """One ballot cast with credential number ``voter``: ``selections[q]`` per question;
    ``chunks[q]`` (optional) replaces ranked question q's plaintexts by these raw values."""

    voter: int
    selections: Sequence[Sequence[int]]
    chunks: Mapping[int, Sequence[int]] = field(default_factory=dict)


@dataclass
class SimTrustee:
    index: int
    name: str
    coefficients: list[int]
    sealing: PrivateKey
    share: int = 0


@dataclass
class Simulation:
    election: dict[str, Any]
    parsed: Election
    entries: list[dict[str, Any]]
    files: dict[str, bytes]
    credentials: list[str]
    trustees: list[SimTrustee]
    result: dict[str, Any]


def run_dkg(
    uuid: str, names: Sequence[str], threshold: int, *, bad_dealer: int | None = None
) -> tuple[dict[str, Any], list[SimTrustee], Point, list[Point]]:
    """Joint-Feldman with commit-then-reveal (docs/verifiable.md §9, :mod:`moot.verify.vdkg`):
    the DKG transcript of the setup entry, the trustees (with their shares), the joint key and
    the verification keys. ``bad_dealer``: that trustee deals a wrong share to the next one,
    who complains; the dealer is disqualified."""
    n = len(names)
    trustees = []
    for i, name in enumerate(names):
        private, _ = vdkg.new_box_key()
        trustees.append(
            SimTrustee(i + 1, name, vdkg.random_polynomial(threshold), PrivateKey(private))
        )
    published = {t.index: vdkg.commitments(t.coefficients) for t in trustees}
    hashes = {t.index: vdkg.commitment_hash(uuid, t.index, published[t.index]) for t in trustees}
    # Shares sealed to each trustee's X25519 key; the server relays only the packets.
    sealed: dict[tuple[int, int], str] = {}
    for dealer in trustees:
        for t in trustees:
            value = vdkg.evaluate(dealer.coefficients, t.index)
            if dealer.index == bad_dealer and t.index == dealer.index % n + 1:
                value = (value + 1) % L
            key = bytes(t.sealing.public_key).hex()
            sealed[dealer.index, t.index] = vdkg.seal_share(key, uuid, dealer.index, t.index, value)
    complaints = []
    received: dict[int, dict[int, int]] = {}
    for t in trustees:
        for dealer in trustees:
            value = vdkg.open_share(
                bytes(t.sealing), sealed[dealer.index, t.index], uuid, dealer.index, t.index
            )
            received.setdefault(t.index, {})[dealer.index] = value
            if not vdkg.check_share(value, t.index, published[dealer.index]):
                complaints.append(
                    {"by": t.index, "against": dealer.index, "share": group.scalar_hex(value)}
                )
    disqualified = {c["against"] for c in complaints}
    qualified = [t.index for t in trustees if t.index not in disqualified]
    for t in trustees:
        t.share = vdkg.secret_share({i: received[t.index][i] for i in qualified})
    dealt = {i: published[i] for i in qualified}
    joint = vdkg.joint_public_key(dealt)
    keys = [vdkg.verification_key(dealt, t.index) for t in trustees]
    transcript = {
        "trustees": [
            {
                "index": t.index,
                "name": t.name,
                "sealing_key": bytes(t.sealing.public_key).hex(),
                "commitment_hash": hashes[t.index],
                "coefficients": [p.hex() for p in published[t.index]],
                "coefficient_proofs": [
                    proof.to_json()
                    for proof in vdkg.prove_coefficients(uuid, t.index, t.coefficients)
                ],
                "share_proof": vdkg.prove_share(uuid, t.index, t.share).to_json(),
            }
            for t in trustees
        ],
        "complaints": complaints,
        "qualified": qualified,
    }
    return transcript, trustees, joint, keys


def cast(election: Election, credential: str, vote: Vote) -> dict[str, Any]:
    """The ballot the booth makes for ``vote`` (raw chunks, when given, proved and signed)."""
    selections = [list(s) for s in vote.selections]
    for q in vote.chunks:  # a placeholder ranking, replaced below
        question = election.questions[q]
        if not isinstance(question, Ranked):
            raise ValueError(f"question {q} is not ranked: raw chunks are for ranked questions")
        selections[q] = [1] + [0] * (len(question.candidates) - 1)
    ballot, _ = encrypt_ballot(election, credential, selections)
    if not vote.chunks:
        return ballot
    secret = credential_secret(election.uuid, credential)
    z_point = Point.base_times(secret)
    answers = ballot["answers"]
    for q, chunks in vote.chunks.items():
        rs = [group.random_scalar() for _ in chunks]
        cts = [group.encrypt(election.public_key, m, r) for m, r in zip(chunks, rs, strict=True)]
        proof = prove_ranked(cts, rs, ctx=election.ctx, credential=z_point, question=q)
        answers[q] = {"choices": [ct.to_json() for ct in cts], "proof": proof.to_json()}
    ballot["signature"] = sign_answers(secret, answers, ctx=election.ctx).to_json()
    return ballot


def simulate(
    *,
    title: str,
    questions: Sequence[Mapping[str, Any]],
    counting: Mapping[str, Mapping[str, Any]],
    votes: Sequence[Vote],
    voters: int,
    trustee_names: Sequence[str] = ("Returning officer", "Scrutineer", "Candidates' trustee"),
    threshold: int = 2,
    revote: bool = False,
    mixers: Sequence[int] | None = None,
    decryptors: Sequence[int] | None = None,
    signing_key: SigningKey | None = None,
    ballot_id: int = 1,
    uuid: str | None = None,
    bad_dealer: int | None = None,
    events: Mapping[int, Sequence[Mapping[str, Any]]] | None = None,
) -> Simulation:
    """Run a whole election and return its board and record files (see the module)."""
    uuid = uuid or str(uuid_module.uuid4())
    transcript, trustees, joint, keys = run_dkg(
        uuid, trustee_names, threshold, bad_dealer=bad_dealer
    )
    credentials = [new_credential() for _ in range(voters)]
    listed = sorted(public_credential(uuid, c).hex() for c in credentials)
    election = {
        "version": group.VERSION,
        "group": group.GROUP_NAME,
        "uuid": uuid,
        "ballot": {"id": ballot_id, "title": title},
        "questions": [dict(q) for q in questions],
        "public_key": joint.hex(),
        "threshold": threshold,
        "trustees": [
            {"index": t.index, "name": t.name, "verification_key": key.hex()}
            for t, key in zip(trustees, keys, strict=True)
        ],
        "credentials_sha256": credentials_sha256(listed),
        "revote": revote,
    }
    parsed = parse_election(election)
    entries: list[dict[str, Any]] = []
    append(entries, SETUP, {"election": election, "counting": dict(counting), "dkg": transcript})
    append(entries, CREDENTIALS, {"credentials": listed})
    last: dict[int, dict[str, Any]] = {}
    superseded: list[str] = []
    for vote in votes:
        ballot = cast(parsed, credentials[vote.voter], vote)
        if vote.voter in last:
            if not revote:
                raise ValueError(f"voter {vote.voter} votes twice without re-voting")
            superseded.append(tracker(last[vote.voter]))
            del last[vote.voter]
        last[vote.voter] = ballot
        append(entries, BALLOT, ballot)
    counted_set = {tracker(b) for b in last.values()}
    counted = [e["payload"] for e in entries if e["type"] == BALLOT]
    counted = [b for b in counted if tracker(b) in counted_set]
    append(
        entries,
        CLOSE,
        {
            "ballots": len(votes),
            "counted": len(counted),
            "head": head(entries),
            "superseded": sorted(superseded),
            "voters_online": len(last),
        },
    )
    sums = homomorphic_sums(election, counted)
    append(entries, TALLY, sums_json(sums))
    ranked = [q for q, x in enumerate(questions) if x["type"] == "ranked"]
    current = {q: ranked_rows(election, q, counted) for q in ranked}
    for q in ranked:
        for mixer in mixers or [t.index for t in trustees]:
            inputs = current[q]
            outputs, proof = shuffle(joint, inputs, parsed.ctx, mixer)
            append(
                entries,
                SHUFFLE,
                {
                    "question": q,
                    "mixer": mixer,
                    "inputs_digest": rows_digest(inputs).hex(),
                    "outputs": [[ct.to_json() for ct in row] for row in outputs],
                    "proof": proof.to_json(),
                },
            )
            current[q] = outputs
    sum_factors: dict[int, dict[int, list[Point]]] = {}
    ranked_factors: dict[int, dict[int, list[list[Point]]]] = {}
    for j in decryptors or [t.index for t in trustees][:threshold]:
        secret = trustees[j - 1].share
        share_sums = {
            q: [make_decryption_share(secret, j, ct, ctx=parsed.ctx) for ct in cts]
            for q, cts in sums.items()
        }
        share_ranked = {
            q: [
                [make_decryption_share(secret, j, ct, ctx=parsed.ctx) for ct in row] for row in rows
            ]
            for q, rows in current.items()
        }
        append(entries, DECRYPTION, decryption_payload(j, share_sums, share_ranked))
        sum_factors[j] = {q: [s.factor for s in row] for q, row in share_sums.items()}
        ranked_factors[j] = {
            q: [[s.factor for s in row] for row in rows] for q, rows in share_ranked.items()
        }
    finals: dict[int, Sequence[Sequence[Ciphertext]]] = dict(current)
    payload, made = result_payload(
        election, counting, sums, finals, sum_factors, ranked_factors, len(counted), events
    )
    append(entries, RESULT, payload)
    files = record_files(election, entries, made, signing_key=signing_key)
    return Simulation(election, parsed, entries, files, credentials, trustees, payload)


def random_votes(
    questions: Sequence[Mapping[str, Any]], voters: int, *, seed: int | None = None
) -> list[Vote]:
    """One valid vote per voter: a random ranking of some candidates, a random allowed
    choice of answers (for the benchmark)."""
    rand = secrets.SystemRandom() if seed is None else __import__("random").Random(seed)
    votes = []
    for v in range(voters):
        selections: list[list[int]] = []
        for question in questions:
            if question["type"] == "ranked":
                n = len(question["candidates"])
                k = rand.randint(1, n)
                order = rand.sample(range(n), k)
                ranks = [0] * n
                for rank, i in enumerate(order, start=1):
                    ranks[i] = rank
                selections.append(ranks)
            else:
                m = len(question["answers"])
                chosen = rand.sample(range(m), rand.randint(question["min"], question["max"]))
                selections.append([1 if i in chosen else 0 for i in range(m)])
        votes.append(Vote(v, selections))
    return votes


__all__ = ["SimTrustee", "Simulation", "Vote", "cast", "random_votes", "run_dkg", "simulate"]
