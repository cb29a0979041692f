"""The sigma proofs of Belenios 2.0, verified (written from the specification, sections
"Verification keys", "Signatures", "Encrypted answers", "Proofs of interval membership",
"Proofs of possibly-blank votes" and "Partial decryptions").

Belenios' convention: ``response = w - x * challenge``, so the verifier recomputes every
commitment as ``g^response * X^challenge``. Challenges hash a text prefix that names the proof and
binds its statement, then the commitments in base 10 separated by commas (``Group.hash``).
Every function raises :class:`ProofError` naming the field that failed, relative to the object it
was given.
"""

from __future__ import annotations

from typing import Any

from moot.verify.belenios.errors import ProofError
from moot.verify.belenios.groups import Group

Ciphertext = tuple[int, int]


def read_proof(group: Group, obj: Any, field: str) -> tuple[int, int]:
    if not isinstance(obj, dict) or set(obj) != {"challenge", "response"}:
        raise ProofError(field, "expected {challenge, response}")
    return (
        group.scalar(obj["challenge"], f"{field}.challenge"),
        group.scalar(obj["response"], f"{field}.response"),
    )


def read_proofs(group: Group, obj: Any, field: str, count: int) -> list[tuple[int, int]]:
    if not isinstance(obj, list):
        raise ProofError(field, "expected a list of proofs")
    if len(obj) != count:
        raise ProofError(field, f"{len(obj)} proofs where {count} were expected")
    return [read_proof(group, item, f"{field}[{i}]") for i, item in enumerate(obj)]


def read_ciphertext(group: Group, obj: Any, field: str) -> Ciphertext:
    if not isinstance(obj, dict) or set(obj) != {"alpha", "beta"}:
        raise ProofError(field, "expected a ciphertext {alpha, beta}")
    return (
        group.element(obj["alpha"], f"{field}.alpha"),
        group.element(obj["beta"], f"{field}.beta"),
    )


def _commit(group: Group, base: int, response: int, statement: int, challenge: int) -> int:
    return group.power(base, response) * group.power(statement, challenge) % group.p


def _schnorr(
    group: Group, prefix: str, key: int, proof: tuple[int, int], *, field: str, what: str
) -> None:
    challenge, response = proof
    commitment = _commit(group, group.g, response, key, challenge)
    if group.hash(prefix, [commitment]) != challenge:
        raise ProofError(field, what)


def check_pok(group: Group, public_key: int, obj: Any, field: str) -> None:
    """A trustee's proof of knowledge of its private key: prefix ``pok|<group>|<X>|``."""
    proof = read_proof(group, obj, field)
    prefix = f"pok|{group.name}|{public_key}|"
    _schnorr(group, prefix, public_key, proof, field=field, what="proof of knowledge fails")


def check_signed_message(group: Group, key: int, message: str, obj: Any, field: str) -> None:
    """A trustee's signature on a message (certificates, coefficients): ``sigmsg|<M>|``."""
    proof = read_proof(group, obj, field)
    _schnorr(group, f"sigmsg|{message}|", key, proof, field=field, what="signature fails")


def check_ballot_signature(
    group: Group, ballot_hash: str, credential: int, obj: Any, field: str
) -> None:
    """The voter's Schnorr signature by the credential over the ballot's hash: ``sig|<H>|``."""
    proof = read_proof(group, obj, field)
    _schnorr(
        group, f"sig|{ballot_hash}|", credential, proof, field=field, what="ballot signature fails"
    )


def check_interval(
    group: Group,
    y: int,
    zkp: str,
    ct: Ciphertext,
    obj: Any,
    *,
    values: list[int],
    field: str,
) -> None:
    """A disjunctive proof that ``ct`` encrypts g^M for one M in ``values``:
    ``prove|<zkp>|<alpha>,<beta>|A_0,B_0,...`` must equal the sum of the challenges."""
    proofs = read_proofs(group, obj, field, len(values))
    alpha, beta = ct
    commitments = []
    total = 0
    for (challenge, response), m in zip(proofs, values, strict=True):
        shifted = beta * group.power(group.g, -m % group.q) % group.p
        commitments.append(_commit(group, group.g, response, alpha, challenge))
        commitments.append(_commit(group, y, response, shifted, challenge))
        total += challenge
    if group.hash(f"prove|{zkp}|{alpha},{beta}|", commitments) != total % group.q:
        raise ProofError(field, "interval proof fails")


def check_blank(
    group: Group,
    y: int,
    zkp: str,
    *,
    blank_ct: Ciphertext,
    sum_ct: Ciphertext,
    overall: Any,
    blank: Any,
    bounds: tuple[int, int],
    field: str,
) -> None:
    """For a question that allows a blank vote: ``blank_proof`` shows m0 = 0 or sum = 0 and
    ``overall_proof`` shows m0 = 1 or min <= sum <= max."""
    qmin, qmax = bounds
    blank_field = f"{field}.blank_proof" if field else "blank_proof"
    overall_field = f"{field}.overall_proof" if field else "overall_proof"
    (c0, s0), (c1, s1) = read_proofs(group, blank, blank_field, 2)
    commitments = [
        _commit(group, group.g, s0, blank_ct[0], c0),
        _commit(group, y, s0, blank_ct[1], c0),
        _commit(group, group.g, s1, sum_ct[0], c1),
        _commit(group, y, s1, sum_ct[1], c1),
    ]
    if group.hash(f"bproof0|{zkp}|", commitments) != (c0 + c1) % group.q:
        raise ProofError(blank_field, "blank proof fails")
    proofs = read_proofs(group, overall, overall_field, qmax - qmin + 2)
    commitments = []
    total = 0
    for i, (challenge, response) in enumerate(proofs):
        if i == 0:
            alpha, shifted = blank_ct[0], blank_ct[1] * group.inv(group.g) % group.p
        else:
            m = qmin + i - 1
            alpha = sum_ct[0]
            shifted = sum_ct[1] * group.power(group.g, -m % group.q) % group.p
        commitments.append(_commit(group, group.g, response, alpha, challenge))
        commitments.append(_commit(group, y, response, shifted, challenge))
        total += challenge
    if group.hash(f"bproof1|{zkp}|", commitments) != total % group.q:
        raise ProofError(overall_field, "overall proof (blank or in range) fails")


def check_raw_elgamal(
    group: Group, y: int, prefix: str, ct: Ciphertext, obj: Any, *, field: str
) -> None:
    """A non-homomorphic answer's proof of knowledge of its randomness:
    ``raweg|<S0>|<y>,<alpha>,<beta>|A`` with A = g^response * alpha^challenge."""
    challenge, response = read_proof(group, obj, field)
    alpha, beta = ct
    commitment = _commit(group, group.g, response, alpha, challenge)
    if group.hash(f"raweg|{prefix}|{y},{alpha},{beta}|", [commitment]) != challenge:
        raise ProofError(field, "proof of knowledge of the encryption randomness fails")


def check_decryption(
    group: Group,
    fingerprint: str,
    key: int,
    alpha: int,
    factor: int,
    *,
    obj: Any,
    field: str,
) -> None:
    """Chaum-Pedersen: log_g(key) = log_alpha(factor); ``decrypt|<fingerprint>|<key>|A,B``."""
    challenge, response = read_proof(group, obj, field)
    commitments = [
        _commit(group, group.g, response, key, challenge),
        _commit(group, alpha, response, factor, challenge),
    ]
    if group.hash(f"decrypt|{fingerprint}|{key}|", commitments) != challenge:
        raise ProofError(field, "decryption proof fails")
