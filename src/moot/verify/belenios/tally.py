"""The encrypted tally, the shuffles, the partial decryptions and the result of a Belenios 2.0
archive.

The encrypted tally is recomputed from the counted ballots (the last one per credential): for a
homomorphic question, the product of each answer's ciphertexts raised to the ballot's weight; for a
non-homomorphic one, the ballots' ciphertexts sorted by (alpha, beta). The shuffles take the
non-homomorphic ciphertexts one after the other; the trustees decrypt the tally in which the last
shuffle's output replaced them; the result must be what the combined factors decrypt to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from moot.verify.belenios.archive import Archive, Event, load_json
from moot.verify.belenios.election import CountedBallot, Election
from moot.verify.belenios.errors import ProofError, VerifyError
from moot.verify.belenios.groups import Group
from moot.verify.belenios.proofs import Ciphertext, check_decryption, read_ciphertext
from moot.verify.belenios.shuffle import check_shuffle, read_shuffle_proof
from moot.verify.belenios.trustees import combine

Tally = list[list[Ciphertext]]


def _owned(archive: Archive, event: Event, group: str) -> tuple[int, str]:
    assert event.payload is not None
    obj = load_json(
        archive.data[event.payload], group=group, file=event.payload, height=event.height
    )
    if (
        not isinstance(obj, dict)
        or set(obj) != {"owner", "payload"}
        or not isinstance(obj["owner"], int)
        or isinstance(obj["owner"], bool)
        or not isinstance(obj["payload"], str)
    ):
        raise VerifyError(
            group, "expected {owner, payload}", file=event.payload, height=event.height
        )
    archive.get(obj["payload"], group=group, height=event.height, field="payload")
    return obj["owner"], obj["payload"]


def expected_tally(election: Election, ballots: list[CountedBallot]) -> Tally:
    group = election.group
    out: Tally = []
    for index, question in enumerate(election.questions):
        if question.homomorphic:
            column = []
            for j in range(question.choices):
                alpha = beta = 1
                for ballot in ballots:
                    a, b = ballot.answers[index][j]
                    if ballot.weight != 1:
                        a, b = pow(a, ballot.weight, group.p), pow(b, ballot.weight, group.p)
                    alpha, beta = alpha * a % group.p, beta * b % group.p
                column.append((alpha, beta))
            out.append(column)
        else:
            heavy = next((b for b in ballots if b.weight != 1), None)
            if heavy is not None:
                raise VerifyError(
                    "tally",
                    f"a ballot of weight {heavy.weight} in an election with a non-homomorphic "
                    "question (weights must be 1)",
                    file=heavy.file,
                    height=heavy.height,
                )
            out.append(sorted(ballot.answers[index][0] for ballot in ballots))
    return out


def read_tally(group: Group, obj: Any, shape: list[int] | None, field: str) -> Tally:
    if not isinstance(obj, list) or (shape is not None and len(obj) != len(shape)):
        raise ProofError(field, "expected one list of ciphertexts per question")
    out = []
    for i, column in enumerate(obj):
        expected = None if shape is None else shape[i]
        if not isinstance(column, list) or (expected is not None and len(column) != expected):
            raise ProofError(f"{field}[{i}]", f"expected {expected} ciphertexts")
        out.append([read_ciphertext(group, c, f"{field}[{i}][{j}]") for j, c in enumerate(column)])
    return out


def check_tally(
    archive: Archive, election: Election, event: Event, ballots: list[CountedBallot]
) -> Tally:
    assert event.payload is not None
    digest, height = event.payload, event.height
    sized = load_json(archive.data[digest], group="tally", file=digest, height=height)
    if not isinstance(sized, dict) or set(sized) != {
        "num_tallied",
        "total_weight",
        "encrypted_tally",
    }:
        raise VerifyError(
            "tally",
            "expected {num_tallied, total_weight, encrypted_tally}",
            file=digest,
            height=height,
        )
    if sized["num_tallied"] != len(ballots):
        raise VerifyError(
            "tally",
            f"num_tallied says {sized['num_tallied']!r}, {len(ballots)} ballots count",
            file=digest,
            height=height,
            field="num_tallied",
        )
    total = sum(ballot.weight for ballot in ballots)
    weight = sized["total_weight"]
    if isinstance(weight, bool) or (weight != total and weight != str(total)):
        raise VerifyError(
            "tally",
            f"total_weight says {weight!r}, the counted ballots weigh {total}",
            file=digest,
            height=height,
            field="total_weight",
        )
    tally_file = sized["encrypted_tally"]
    if not isinstance(tally_file, str):
        raise VerifyError(
            "tally", "expected a hash", file=digest, height=height, field="encrypted_tally"
        )
    raw = archive.get(tally_file, group="tally", height=height, field="encrypted_tally")
    expected = expected_tally(election, ballots)
    try:
        given = read_tally(
            election.group,
            load_json(raw, group="tally", file=tally_file, height=height),
            [len(column) for column in expected],
            "",
        )
    except ProofError as exc:
        raise VerifyError(
            "tally", exc.what, file=tally_file, height=height, field=exc.field
        ) from None
    for i, (mine, theirs) in enumerate(zip(expected, given, strict=True)):
        for j, (a, b) in enumerate(zip(mine, theirs, strict=True)):
            if a != b:
                what = (
                    "is not the product of the ballots"
                    if election.questions[i].homomorphic
                    else ("is not the ballots' ciphertext in sorted order")
                )
                raise VerifyError(
                    "tally",
                    f"encrypted tally {what}",
                    file=tally_file,
                    height=height,
                    field=f"[{i}][{j}]",
                )
    return expected


@dataclass
class ShuffleStats:
    owners: list[int]
    proofs: int = 0


def check_shuffles(
    archive: Archive, election: Election, events: list[Event], tally: Tally, trustees: int
) -> tuple[Tally, ShuffleStats]:
    """Each shuffle takes the previous one's output; returns the tally the trustees decrypt."""
    nh = [i for i, q in enumerate(election.questions) if not q.homomorphic]
    stats = ShuffleStats(owners=[])
    if nh and not events:
        raise VerifyError("shuffles", "the election has non-homomorphic questions and no shuffle")
    if events and not nh:
        raise VerifyError(
            "shuffles",
            "a shuffle in an election without non-homomorphic questions",
            height=events[0].height,
        )
    current = [tally[i] for i in nh]
    group = election.group
    for event in events:
        owner, digest = _owned(archive, event, "shuffles")
        if not 1 <= owner <= trustees or owner in stats.owners:
            raise VerifyError(
                "shuffles",
                f"owner {owner} is not a trustee who has not shuffled yet",
                file=event.payload,
                height=event.height,
                field="owner",
            )
        stats.owners.append(owner)
        obj = load_json(archive.data[digest], group="shuffles", file=digest, height=event.height)
        try:
            if not isinstance(obj, dict) or set(obj) != {"ciphertexts", "proofs"}:
                raise ProofError("", "expected {ciphertexts, proofs}")
            outputs = read_tally(
                group, obj["ciphertexts"], [len(c) for c in current], "ciphertexts"
            )
            proofs = obj["proofs"]
            if not isinstance(proofs, list) or len(proofs) != len(current):
                raise ProofError("proofs", f"expected {len(current)} proofs")
            for k, (inputs, out, proof) in enumerate(zip(current, outputs, proofs, strict=True)):
                parsed = read_shuffle_proof(group, proof, len(inputs), f"proofs[{k}]")
                check_shuffle(
                    group,
                    election.public_key,
                    election.fingerprint,
                    inputs,
                    out,
                    proof=parsed,
                    field=f"proofs[{k}]",
                )
                stats.proofs += 1
        except ProofError as exc:
            raise VerifyError(
                "shuffles", exc.what, file=digest, height=event.height, field=exc.field
            ) from None
        current = outputs
    final = [list(column) for column in tally]
    for i, column in zip(nh, current, strict=True):
        final[i] = column
    return final, stats


def check_decryptions(
    archive: Archive, election: Election, events: list[Event], final: Tally
) -> tuple[list[list[int]], list[int], int]:
    """Every trustee's factors and proofs; returns the combined factor of each ciphertext, the
    owners in order and the number of factors checked."""
    group = election.group
    keys = election.trustee_keys
    by_owner: dict[int, list[list[int]]] = {}
    owners: list[int] = []
    checked = 0
    for event in events:
        owner, digest = _owned(archive, event, "decryptions")
        if not 1 <= owner <= len(keys) or owner in owners:
            raise VerifyError(
                "decryptions",
                f"owner {owner} is not a trustee who has not decrypted yet",
                file=event.payload,
                height=event.height,
                field="owner",
            )
        owners.append(owner)
        key = keys[owner - 1]
        obj = load_json(archive.data[digest], group="decryptions", file=digest, height=event.height)
        try:
            if not isinstance(obj, dict) or set(obj) != {"decryption_factors", "decryption_proofs"}:
                raise ProofError("", "expected {decryption_factors, decryption_proofs}")
            factors, proofs = obj["decryption_factors"], obj["decryption_proofs"]
            for name, value in (("decryption_factors", factors), ("decryption_proofs", proofs)):
                if (
                    not isinstance(value, list)
                    or len(value) != len(final)
                    or any(
                        not isinstance(col, list) or len(col) != len(final[i])
                        for i, col in enumerate(value)
                    )
                ):
                    raise ProofError(name, "not the shape of the encrypted tally")
            mine = by_owner.setdefault(owner, [[] for _ in final])
            for i, column in enumerate(final):
                for j, (alpha, _) in enumerate(column):
                    factor = group.element(factors[i][j], f"decryption_factors[{i}][{j}]")
                    check_decryption(
                        group,
                        election.fingerprint,
                        key,
                        alpha,
                        factor,
                        obj=proofs[i][j],
                        field=f"decryption_proofs[{i}][{j}]",
                    )
                    mine[i].append(factor)
                    checked += 1
        except ProofError as exc:
            raise VerifyError(
                "decryptions", exc.what, file=digest, height=event.height, field=exc.field
            ) from None
    if not by_owner:
        raise VerifyError("decryptions", "no partial decryption")
    try:
        combined = combine(group, election.trustee_items, by_owner)
    except ProofError as exc:
        raise VerifyError("decryptions", exc.what, height=events[-1].height) from None
    return combined, owners, checked


def check_result(
    archive: Archive,
    election: Election,
    event: Event,
    final: Tally,
    *,
    combined: list[list[int]],
    total_weight: int,
) -> Any:
    """The published result equals the decryption: g^count for a homomorphic answer, the decoded
    integer vector for a non-homomorphic ballot. Returns the result as published."""
    assert event.payload is not None
    digest, height = event.payload, event.height
    group = election.group
    obj = load_json(archive.data[digest], group="result", file=digest, height=height)

    def fail(what: str, where: str) -> VerifyError:
        return VerifyError("result", what, file=digest, height=height, field=where)

    if not isinstance(obj, dict) or set(obj) != {"result"}:
        raise fail("expected {result}", "")
    result = obj["result"]
    if not isinstance(result, list) or len(result) != len(final):
        raise fail(f"expected {len(final)} question results", "result")
    for i, question in enumerate(election.questions):
        entries = result[i]
        if not isinstance(entries, list) or len(entries) != len(final[i]):
            raise fail(f"expected {len(final[i])} values", f"result[{i}]")
        for j, ((_, beta), factor) in enumerate(zip(final[i], combined[i], strict=True)):
            plain = beta * group.inv(factor) % group.p
            value = entries[j]
            where = f"result[{i}][{j}]"
            if question.homomorphic:
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise fail("expected a count", where)
                if value > total_weight:
                    # g^value only fixes value mod q: a count above the total weight could pass.
                    raise fail(f"{value} is more than the total weight {total_weight}", where)
                if pow(group.g, value, group.p) != plain:
                    raise fail(f"{value} is not what the ciphertext decrypts to", where)
            elif value != group.decode_ints(question.answers, plain):
                raise fail(f"{value!r} is not what the ciphertext decrypts to", where)
    return result
