"""The proof of a verifiable shuffle of ElGamal ciphertexts, as Belenios 2.0 takes it from the
CHVote specification (Haenni et al.; Terelius-Wikström), for an integer group mod p.

The proof is ``(t, s, c, c_hat)``: ``t = (t1, t2, t3, (t41, t42), [t_hat_i])`` the commitments,
``s = (s1, s2, s3, s4, [s_hat_i], [s'_i])`` the responses, ``c`` the permutation commitments
and ``c_hat`` the commitment chain. The vector challenges ``u_i`` hash the inputs, the outputs and
``c`` once (``shuffle-challenges|<fingerprint>|...``) and then each index; the challenge ``c``
hashes the commitments and the whole statement (``shuffle-challenge|<fingerprint>|...``). Only
verification is written here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from moot.verify.belenios.errors import ProofError
from moot.verify.belenios.groups import Group
from moot.verify.belenios.proofs import Ciphertext


@dataclass(frozen=True)
class ShuffleProof:
    t: tuple[int, int, int, int, int]
    t_hat: list[int]
    s: tuple[int, int, int, int]
    s_hat: list[int]
    s_prime: list[int]
    c: list[int]
    c_hat: list[int]


def _list(obj: Any, length: int | None, field: str) -> list[Any]:
    if not isinstance(obj, list):
        raise ProofError(field, "expected a list")
    if length is not None and len(obj) != length:
        raise ProofError(field, f"{len(obj)} items where {length} were expected")
    return obj


def read_shuffle_proof(group: Group, obj: Any, n: int, field: str) -> ShuffleProof:
    t_obj, s_obj, c_obj, c_hat_obj = _list(obj, 4, field)
    t1, t2, t3, t4, t_hat = _list(t_obj, 5, f"{field}[0]")
    t41, t42 = _list(t4, 2, f"{field}[0][3]")
    ts = (
        group.element(t1, f"{field}[0][0]"),
        group.element(t2, f"{field}[0][1]"),
        group.element(t3, f"{field}[0][2]"),
        group.element(t41, f"{field}[0][3][0]"),
        group.element(t42, f"{field}[0][3][1]"),
    )
    s1, s2, s3, s4, s_hat, s_prime = _list(s_obj, 6, f"{field}[1]")
    ss = tuple(group.scalar(v, f"{field}[1][{i}]") for i, v in enumerate((s1, s2, s3, s4)))

    def elements(items: Any, where: str) -> list[int]:
        return [group.element(v, f"{where}[{i}]") for i, v in enumerate(_list(items, n, where))]

    def scalars(items: Any, where: str) -> list[int]:
        return [group.scalar(v, f"{where}[{i}]") for i, v in enumerate(_list(items, n, where))]

    return ShuffleProof(
        t=(ts[0], ts[1], ts[2], ts[3], ts[4]),
        t_hat=elements(t_hat, f"{field}[0][4]"),
        s=(ss[0], ss[1], ss[2], ss[3]),
        s_hat=scalars(s_hat, f"{field}[1][4]"),
        s_prime=scalars(s_prime, f"{field}[1][5]"),
        c=elements(c_obj, f"{field}[2]"),
        c_hat=elements(c_hat_obj, f"{field}[3]"),
    )


def _ciphertexts_text(cts: list[Ciphertext]) -> str:
    return "".join(f"{a},{b}," for a, b in cts)


def _elements_text(xs: list[int]) -> str:
    return "".join(f"{x}," for x in xs)


def _sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def vector_challenges(group: Group, n: int, text: str) -> list[int]:
    seed = _sha256_hex(text)
    return [int(_sha256_hex(seed + _sha256_hex(str(i))), 16) % group.q for i in range(n)]


def check_shuffle(
    group: Group,
    y: int,
    fingerprint: str,
    inputs: list[Ciphertext],
    outputs: list[Ciphertext],
    *,
    proof: ShuffleProof,
    field: str,
) -> None:
    """Raises :class:`ProofError` unless ``outputs`` is a re-encryption and permutation of
    ``inputs`` under the election key ``y``, as ``proof`` shows."""
    n = len(inputs)
    if len(outputs) != n:
        raise ProofError(field, f"{len(outputs)} ciphertexts out for {n} in")
    p, q, g = group.p, group.q, group.g
    h = group.generator(-1)
    hs = [group.generator(i) for i in range(n)]
    text1 = _ciphertexts_text(inputs) + _ciphertexts_text(outputs) + _elements_text(proof.c)
    u = vector_challenges(group, n, f"shuffle-challenges|{fingerprint}|{text1}")
    t1, t2, t3, t41, t42 = proof.t
    text2 = _elements_text([t1, t2, t3, t41, t42]) + _elements_text(proof.t_hat)
    text3 = text1 + _elements_text(proof.c_hat) + str(y)
    digest = _sha256_hex(f"shuffle-challenge|{fingerprint}|{text2}{text3}")
    c = int(digest, 16) % q
    minus_c = -c % q
    s1, s2, s3, s4 = proof.s

    def product(xs: list[int]) -> int:
        return group.mul(*xs)

    def multi(bases: list[int], exponents: list[int]) -> int:
        return product([pow(b, e, p) for b, e in zip(bases, exponents, strict=True)])

    c_bar = product(proof.c) * group.inv(product(hs)) % p
    u_all = 1
    for ui in u:
        u_all = u_all * ui % q
    last = proof.c_hat[-1] if n else h
    c_hat = last * group.inv(pow(h, u_all, p)) % p
    c_tilde = multi(proof.c, u)
    beta_u = multi([b for _, b in inputs], u)
    alpha_u = multi([a for a, _ in inputs], u)
    expected = {
        "t1": pow(c_bar, minus_c, p) * pow(g, s1, p) % p,
        "t2": pow(c_hat, minus_c, p) * pow(g, s2, p) % p,
        "t3": pow(c_tilde, minus_c, p) * pow(g, s3, p) * multi(hs, proof.s_prime) % p,
        "t41": pow(beta_u, minus_c, p)
        * pow(y, -s4 % q, p)
        * multi([b for _, b in outputs], proof.s_prime)
        % p,
        "t42": pow(alpha_u, minus_c, p)
        * pow(g, -s4 % q, p)
        * multi([a for a, _ in outputs], proof.s_prime)
        % p,
    }
    for (name, value), given, index in zip(
        expected.items(), proof.t, ("0", "1", "2", "3][0", "3][1"), strict=True
    ):
        if value != given:
            raise ProofError(f"{field}[0][{index}]", f"shuffle proof fails ({name})")
    previous = h
    for i in range(n):
        value = (
            pow(proof.c_hat[i], minus_c, p)
            * pow(g, proof.s_hat[i], p)
            * pow(previous, proof.s_prime[i], p)
            % p
        )
        if value != proof.t_hat[i]:
            raise ProofError(f"{field}[0][4][{i}]", "shuffle proof fails (commitment chain)")
        previous = proof.c_hat[i]
