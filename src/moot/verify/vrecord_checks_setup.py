"""The record's setup (docs/verifiable.md §12): the election's shape, the trustees' key
generation transcript of the setup entry and the credential list. Each check raises
:class:`~moot.verify.vrecord.RecordError` naming the entry's height and the field.

The setup entry's payload: ``{"election": <election.json>, "counting": {"<q>": rules},
"dkg": {"trustees": [...], "complaints": [...], "qualified": [i, ...]}}`` where each trustee is
``{"index", "name", "sealing_key", "commitment_hash", "coefficients": [F_k...],
"coefficient_proofs": [pok...], "share_proof": pok}`` and each complaint
``{"by": j, "against": i, "share": f_i(j), "answer"?: f_i(j)}`` (the share revealed in clear;
the dealer's answer, if it gave one, publishing the share it says it sent).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from moot.verify import vdkg
from moot.verify.group import Point
from moot.verify.vcommon import (
    ProofError,
    at,
    canonical,
    read_hex,
    read_int,
    read_list,
    read_object,
    read_point,
    read_scalar,
    read_str,
)
from moot.verify.vproofs import Proof

TRUSTEE_KEYS = (
    "index",
    "name",
    "sealing_key",
    "commitment_hash",
    "coefficients",
    "coefficient_proofs",
    "share_proof",
)


def _failure(height: int | None, exc: ProofError, file: str = "board.jsonl") -> Exception:
    from moot.verify.vrecord import RecordError

    return RecordError(file, exc.what, height=height, where=exc.where)


def check_setup(
    election: Mapping[str, Any], entry: Mapping[str, Any]
) -> tuple[dict[str, Any], list[int]]:
    """The setup entry: its election is election.json; the DKG transcript holds (returns the
    counting rules by question, and the qualified dealers)."""
    height = int(entry["height"])
    payload = entry["payload"]
    try:
        data = read_object(payload, "payload", ("election", "counting", "dkg"))
        if canonical(data["election"]) != canonical(election):
            raise ProofError("payload.election", "is not election.json")
        counting = read_object(data["counting"], "payload.counting", (), _counting_keys(election))
        for key, rules in counting.items():
            where = at("payload.counting", key)
            read_object(rules, where, ("method",), ("tie_break", "seed", "min_women", "women"))
            read_str(rules["method"], at(where, "method"))
        for q in _ranked(election):
            if str(q) not in counting:
                raise ProofError(at("payload.counting", str(q)), "missing: the count's rules")
        qualified = _check_dkg(election, data["dkg"])
    except ProofError as exc:
        raise _failure(height, exc) from None
    return dict(counting), qualified


def _ranked(election: Mapping[str, Any]) -> list[int]:
    return [q for q, question in enumerate(election["questions"]) if question["type"] == "ranked"]


def _counting_keys(election: Mapping[str, Any]) -> list[str]:
    return [str(q) for q in _ranked(election)]


def _check_dkg(election: Mapping[str, Any], dkg: Any) -> list[int]:
    uuid = election["uuid"]
    t = election["threshold"]
    n = len(election["trustees"])
    data = read_object(dkg, "payload.dkg", ("trustees", "complaints", "qualified"))
    trustees = read_list(data["trustees"], "payload.dkg.trustees", n)
    coefficients: dict[int, list[Point]] = {}
    for number, trustee in enumerate(trustees):
        i = number + 1
        where = at("payload.dkg.trustees", number)
        row = read_object(trustee, where, TRUSTEE_KEYS)
        read_int(row["index"], at(where, "index"), i, i)
        if row["name"] != election["trustees"][number]["name"]:
            raise ProofError(at(where, "name"), "is not the trustee's name in election.json")
        read_hex(row["sealing_key"], at(where, "sealing_key"), 32)
        points = [
            read_point(value, at(at(where, "coefficients"), k))
            for k, value in enumerate(read_list(row["coefficients"], at(where, "coefficients"), t))
        ]
        committed = read_hex(row["commitment_hash"], at(where, "commitment_hash"), 32).hex()
        if committed != vdkg.commitment_hash(uuid, i, points):
            raise ProofError(
                at(where, "commitment_hash"),
                "is not the hash of the coefficients revealed: the trustee changed them after "
                "seeing the others' commitments",
            )
        proofs = [
            Proof.from_json(value, at(at(where, "coefficient_proofs"), k))
            for k, value in enumerate(
                read_list(row["coefficient_proofs"], at(where, "coefficient_proofs"), t)
            )
        ]
        try:
            vdkg.verify_coefficients(uuid, i, points, proofs, threshold=t, committed=committed)
        except ProofError as exc:
            raise ProofError(
                at(where, exc.where.replace("proofs", "coefficient_proofs")), exc.what
            ) from None
        coefficients[i] = points
    disqualified = _check_complaints(data["complaints"], coefficients)
    qualified = sorted(set(coefficients) - disqualified)
    listed = read_list(data["qualified"], "payload.dkg.qualified")
    if listed != qualified:
        raise ProofError(
            "payload.dkg.qualified",
            f"lists {listed}; the complaints leave trustees {qualified} qualified",
        )
    if len(qualified) < t:
        raise ProofError(
            "payload.dkg.qualified", f"{len(qualified)} qualified trustees, fewer than {t}"
        )
    dealt = {i: coefficients[i] for i in qualified}
    joint = vdkg.joint_public_key(dealt)
    if joint.hex() != election["public_key"]:
        raise ProofError(
            "payload.election.public_key",
            f"is not the sum of the qualified trustees' first coefficients ({joint.hex()})",
        )
    for number, trustee in enumerate(trustees):
        j = number + 1
        key = vdkg.verification_key(dealt, j)
        where = at("payload.election.trustees", number)
        if key.hex() != election["trustees"][number]["verification_key"]:
            raise ProofError(
                at(where, "verification_key"),
                f"is not Σ_i Σ_k j^k·F_i,k over the qualified trustees ({key.hex()})",
            )
        proof_at = at(at("payload.dkg.trustees", number), "share_proof")
        proof = Proof.from_json(trustee["share_proof"], proof_at)
        if not vdkg.verify_share_proof(uuid, j, key, proof):
            raise ProofError(proof_at, "the proof of knowledge of the trustee's share fails")
    return qualified


def _check_complaints(value: Any, coefficients: Mapping[int, list[Point]]) -> set[int]:
    """Each complaint ``{"by", "against", "share", "answer"?}``: the revealed share must fail
    the dealer's commitments (a complaint against a share that passes is unfounded, and
    refused: the board never takes it); the dealer is disqualified unless its ``answer`` (the
    share for that trustee, published in clear) passes (docs/verifiable.md §9)."""
    disqualified: set[int] = set()
    for n, complaint in enumerate(read_list(value, "payload.dkg.complaints")):
        where = at("payload.dkg.complaints", n)
        row = read_object(complaint, where, ("by", "against", "share"), ("answer",))
        by = read_int(row["by"], at(where, "by"), 1, len(coefficients))
        against = read_int(row["against"], at(where, "against"), 1, len(coefficients))
        share = read_scalar(row["share"], at(where, "share"))
        answer = read_scalar(row["answer"], at(where, "answer")) if "answer" in row else None
        if not vdkg.check_complaint(share, by, coefficients[against]):
            raise ProofError(
                at(where, "share"),
                f"matches trustee {against}'s commitments: trustee {by}'s complaint is unfounded",
            )
        if vdkg.dealer_disqualified(share, answer, by, coefficients[against]):
            disqualified.add(against)
    return disqualified


def credentials_sha256(credentials: Sequence[str]) -> str:
    return hashlib.sha256(canonical(list(credentials))).hexdigest()


def check_credentials(election: Mapping[str, Any], entry: Mapping[str, Any]) -> set[str]:
    """The credential list: sorted, distinct points, its hash the election's."""
    height = int(entry["height"])
    try:
        data = read_object(entry["payload"], "payload", ("credentials",))
        listed = read_list(data["credentials"], "payload.credentials")
        for n, value in enumerate(listed):
            read_point(value, at("payload.credentials", n))
        for n in range(1, len(listed)):
            if listed[n - 1] >= listed[n]:
                raise ProofError(
                    at("payload.credentials", n),
                    "the list is not sorted without repeats"
                    + (" (a credential is listed twice)" if listed[n - 1] == listed[n] else ""),
                )
        digest = credentials_sha256(listed)
        if digest != election["credentials_sha256"]:
            raise ProofError(
                "payload.credentials",
                f"its SHA-256 is {digest}; election.json's credentials_sha256 is "
                f"{election['credentials_sha256']}",
            )
    except ProofError as exc:
        raise _failure(height, exc) from None
    return set(listed)


__all__ = [
    "check_credentials",
    "check_setup",
    "credentials_sha256",
]
