"""The zero-knowledge proofs of moot's verifiable ballots (docs/verifiable.md §6 and §10), on
the group of :mod:`moot.verify.group`, each made non-interactive by the strong Fiat–Shamir
hash :func:`group.challenge`: its tag, then the election context, then every public value of
the statement, then every commitment, in the order written beside each function.

Every proof has responses ``s = w + c·x mod L``; a verifier recomputes each commitment as
``s·B − c·X`` and the challenge from them. A ``prove_*`` function draws its random scalars
from ``rng`` in the order its docstring states (docs/verifiable.md §7.6), so that a test can
fix them; a ``verify_*`` function answers True or False and never raises on a proof that
decoded.

* Schnorr proof of knowledge of a logarithm (tag ``pok``): trustees' coefficients and shares.
* Disjunctive range proof (tag ``range``, Cramer–Damgård–Schoenmakers): a ciphertext holds
  one of lo, lo+1, …, hi.
* Proof of knowledge of the randomness of several ciphertexts (tag ``ranked``).
* The ballot's signature by the voter's credential (tag ``signature``).
* Decryption share with a Chaum–Pedersen proof (tag ``decrypt``), Lagrange coefficients, the
  combination of shares and the discrete logarithm by table.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import nacl.bindings as sodium

from moot.verify import group
from moot.verify.group import BASE, IDENTITY, Ciphertext, L, Point
from moot.verify.vcommon import (
    Rng,
    at,
    canonical,
    read_list,
    read_object,
    read_point,
    read_scalar,
)


@dataclass(frozen=True)
class Proof:
    """A challenge and its response: a Schnorr proof, a signature, one branch of a range
    proof, a Chaum–Pedersen proof. Wire: ``{"challenge": scalar, "response": scalar}``."""

    challenge: int
    response: int

    def to_json(self) -> dict[str, str]:
        return {
            "challenge": group.scalar_hex(self.challenge),
            "response": group.scalar_hex(self.response),
        }

    @classmethod
    def from_json(cls, value: object, where: str) -> Proof:
        data = read_object(value, where, ("challenge", "response"))
        return cls(
            read_scalar(data["challenge"], at(where, "challenge")),
            read_scalar(data["response"], at(where, "response")),
        )


# --- §6.1 Schnorr proof of knowledge -------------------------------------------------------------
def prove_pok(x: int, context: bytes, label: str, rng: Rng = group.random_scalar) -> Proof:
    """Knowledge of ``x`` with ``X = x·B``. Draws ``w``; ``A = w·B``;
    ``c = challenge("pok", context, X, A, label)``; ``s = w + c·x``."""
    w = rng()
    public = Point.base_times(x)
    c = group.challenge("pok", context, public, Point.base_times(w), label)
    return Proof(c, (w + c * x) % L)


def verify_pok(public: Point, proof: Proof, context: bytes, label: str) -> bool:
    """``A = s·B − c·X``, then the challenge must be ``challenge("pok", context, X, A, label)``."""
    commitment = Point.base_times(proof.response) - public * proof.challenge
    return proof.challenge == group.challenge("pok", context, public, commitment, label)


# --- §6.2 Range proof ----------------------------------------------------------------------------
def _range_parts(  # noqa: PLR0917 - the statement's parts, in the order they are hashed
    ctx: bytes,
    credential: Point,
    question: int,
    index: int,
    lo: int,
    hi: int,
    ct: Ciphertext,
    commitments: Iterable[tuple[Point, Point]],
) -> list[group.Part]:
    parts: list[group.Part] = [ctx, credential, question, index, lo, hi, ct.alpha, ct.beta]
    for a, b in commitments:
        parts += [a, b]
    return parts


def _check_range_bounds(lo: int, hi: int) -> None:
    if not 0 <= lo <= hi:
        raise ValueError(f"a range proof needs 0 ≤ lo ≤ hi (lo={lo}, hi={hi})")


def prove_range(
    public_key: Point,
    ct: Ciphertext,
    m: int,
    r: int,
    *,
    lo: int,
    hi: int,
    ctx: bytes,
    credential: Point,
    question: int,
    index: int,
    rng: Rng = group.random_scalar,
) -> tuple[Proof, ...]:
    """That ``ct = (r·B, m·B + r·Y)`` holds a plaintext in ``[lo, hi]``; ``m`` must be in it.

    For j = lo … hi in turn: when ``j ≠ m`` draws ``c_j`` then ``s_j`` (a simulated branch);
    when ``j = m`` draws ``w``. ``A_j = s_j·B − c_j·α``, ``B_j = s_j·Y − c_j·(β − j·B)``
    (``A_m = w·B``, ``B_m = w·Y``); ``c = challenge("range", ctx, Z, q, i, lo, hi, α, β,
    A_lo, B_lo, …, A_hi, B_hi)``; ``c_m = c − Σ_{j≠m} c_j``, ``s_m = w + c_m·r``."""
    _check_range_bounds(lo, hi)
    if not lo <= m <= hi:
        raise ValueError(f"the plaintext {m} is outside [{lo}, {hi}]: no range proof exists")
    alpha, beta = ct
    branches: list[tuple[int, int]] = []
    commitments: list[tuple[Point, Point]] = []
    w = 0
    for j in range(lo, hi + 1):
        if j == m:
            w = rng()
            branches.append((0, 0))
            commitments.append((Point.base_times(w), public_key * w))
        else:
            c_j, s_j = rng(), rng()
            branches.append((c_j, s_j))
            shifted = beta - Point.base_times(j)
            commitments.append(
                (
                    Point.base_times(s_j) - alpha * c_j,
                    public_key * s_j - shifted * c_j,
                )
            )
    c = group.challenge(
        "range", *_range_parts(ctx, credential, question, index, lo, hi, ct, commitments)
    )
    c_m = (c - sum(c_j for c_j, _ in branches)) % L
    branches[m - lo] = (c_m, (w + c_m * r) % L)
    return tuple(Proof(c_j, s_j) for c_j, s_j in branches)


def verify_range(
    public_key: Point,
    ct: Ciphertext,
    proof: Sequence[Proof],
    *,
    lo: int,
    hi: int,
    ctx: bytes,
    credential: Point,
    question: int,
    index: int,
) -> bool:
    """Recomputes every ``(A_j, B_j)`` and checks ``Σ c_j = challenge("range", …)``."""
    _check_range_bounds(lo, hi)
    if len(proof) != hi - lo + 1:
        return False
    alpha, beta = ct
    commitments = []
    for j, branch in zip(range(lo, hi + 1), proof, strict=True):
        shifted = beta - Point.base_times(j)
        commitments.append(
            (
                Point.base_times(branch.response) - alpha * branch.challenge,
                public_key * branch.response - shifted * branch.challenge,
            )
        )
    c = group.challenge(
        "range", *_range_parts(ctx, credential, question, index, lo, hi, ct, commitments)
    )
    return sum(branch.challenge for branch in proof) % L == c


def range_proof_json(proof: Sequence[Proof]) -> list[dict[str, str]]:
    return [branch.to_json() for branch in proof]


def range_proof_from_json(value: object, where: str, lo: int, hi: int) -> tuple[Proof, ...]:
    """``[{"challenge", "response"} for j in lo..hi]``: exactly ``hi − lo + 1`` branches."""
    items = read_list(value, where, hi - lo + 1)
    return tuple(Proof.from_json(item, at(where, k)) for k, item in enumerate(items))


# --- §6.3 Proof of knowledge of the randomness of a ranked answer --------------------------------
@dataclass(frozen=True)
class RankedProof:
    """One challenge, one response per ciphertext.
    Wire: ``{"challenge": scalar, "responses": [scalar, …]}``."""

    challenge: int
    responses: tuple[int, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "challenge": group.scalar_hex(self.challenge),
            "responses": [group.scalar_hex(s) for s in self.responses],
        }

    @classmethod
    def from_json(cls, value: object, where: str, count: int) -> RankedProof:
        data = read_object(value, where, ("challenge", "responses"))
        responses = read_list(data["responses"], at(where, "responses"), count)
        return cls(
            read_scalar(data["challenge"], at(where, "challenge")),
            tuple(read_scalar(s, at(at(where, "responses"), k)) for k, s in enumerate(responses)),
        )


def _ranked_challenge(
    ctx: bytes,
    credential: Point,
    question: int,
    cts: Sequence[Ciphertext],
    commitments: Sequence[Point],
) -> int:
    parts: list[group.Part] = [ctx, credential, question]
    for ct, a in zip(cts, commitments, strict=True):
        parts += [ct.alpha, ct.beta, a]
    return group.challenge("ranked", *parts)


def prove_ranked(
    cts: Sequence[Ciphertext],
    randomness: Sequence[int],
    *,
    ctx: bytes,
    credential: Point,
    question: int,
    rng: Rng = group.random_scalar,
) -> RankedProof:
    """Knowledge of every ``r_j`` with ``α_j = r_j·B``. Draws ``w_0, w_1, …`` in order;
    ``A_j = w_j·B``; ``c = challenge("ranked", ctx, Z, q, α_0, β_0, A_0, α_1, β_1, A_1, …)``;
    ``s_j = w_j + c·r_j``."""
    if len(cts) != len(randomness) or not cts:
        raise ValueError("one randomness per ciphertext, at least one ciphertext")
    ws = [rng() for _ in cts]
    c = _ranked_challenge(ctx, credential, question, cts, [Point.base_times(w) for w in ws])
    return RankedProof(c, tuple((w + c * r) % L for w, r in zip(ws, randomness, strict=True)))


def verify_ranked(
    cts: Sequence[Ciphertext], proof: RankedProof, *, ctx: bytes, credential: Point, question: int
) -> bool:
    """``A_j = s_j·B − c·α_j``, then the challenge must match."""
    if len(proof.responses) != len(cts) or not cts:
        return False
    commitments = [
        Point.base_times(s) - ct.alpha * proof.challenge
        for ct, s in zip(cts, proof.responses, strict=True)
    ]
    return proof.challenge == _ranked_challenge(ctx, credential, question, cts, commitments)


# --- §6.4 The ballot's signature -----------------------------------------------------------------
def answers_hash(answers: object) -> bytes:
    """SHA-256 of the canonical JSON of the ballot's ``answers`` (32 raw bytes)."""
    return hashlib.sha256(canonical(answers)).digest()


def sign_answers(
    secret: int, answers: object, *, ctx: bytes, rng: Rng = group.random_scalar
) -> Proof:
    """A Schnorr signature by the credential's secret ``z``: draws ``w``; ``A = w·B``;
    ``c = challenge("signature", ctx, Z, A, SHA-256(canonical(answers)))``; ``s = w + c·z``."""
    w = rng()
    credential = Point.base_times(secret)
    c = group.challenge("signature", ctx, credential, Point.base_times(w), answers_hash(answers))
    return Proof(c, (w + c * secret) % L)


def verify_signature(credential: Point, signature: Proof, answers: object, *, ctx: bytes) -> bool:
    """``A = s·B − c·Z``, then the challenge must match."""
    commitment = Point.base_times(signature.response) - credential * signature.challenge
    return signature.challenge == group.challenge(
        "signature", ctx, credential, commitment, answers_hash(answers)
    )


# --- §10 Decryption ----------------------------------------------------------------------------
@dataclass(frozen=True)
class DecryptionShare:
    """Trustee j's factor ``D = s_j·α`` of one ciphertext and its Chaum–Pedersen proof.
    Wire: ``{"factor": point, "proof": {"challenge", "response"}}``."""

    factor: Point
    proof: Proof

    def to_json(self) -> dict[str, object]:
        return {"factor": self.factor.hex(), "proof": self.proof.to_json()}

    @classmethod
    def from_json(cls, value: object, where: str) -> DecryptionShare:
        """The factor may be the identity (the one point of §2 read from the wire that may):
        the factor of a sum of no ballot, whose α is the identity. The proof binds it: for
        any other α an identity factor fails (``s_j·α`` is never the identity)."""
        data = read_object(value, where, ("factor", "proof"))
        factor = data["factor"]
        return cls(
            group.IDENTITY
            if factor == group.IDENTITY.hex()
            else read_point(factor, at(where, "factor")),
            Proof.from_json(data["proof"], at(where, "proof")),
        )


def make_decryption_share(
    secret: int, index: int, ct: Ciphertext, *, ctx: bytes, rng: Rng = group.random_scalar
) -> DecryptionShare:
    """``D = s_j·α`` with a proof that ``log_B V_j = log_α D``: draws ``w``; ``A = w·B``,
    ``C = w·α``; ``c = challenge("decrypt", ctx, j, V_j, α, D, A, C)``; ``s = w + c·s_j``."""
    w = rng()
    key = Point.base_times(secret)
    factor = ct.alpha * secret
    c = group.challenge(
        "decrypt", ctx, index, key, ct.alpha, factor, Point.base_times(w), ct.alpha * w
    )
    return DecryptionShare(factor, Proof(c, (w + c * secret) % L))


def verify_decryption_share(
    share: DecryptionShare, index: int, verification_key: Point, ct: Ciphertext, *, ctx: bytes
) -> bool:
    """``A = s·B − c·V_j``, ``C = s·α − c·D``, then the challenge must match."""
    c, s = share.proof.challenge, share.proof.response
    a = Point.base_times(s) - verification_key * c
    b = ct.alpha * s - share.factor * c
    return c == group.challenge(
        "decrypt", ctx, index, verification_key, ct.alpha, share.factor, a, b
    )


def lagrange_at_zero(indices: Iterable[int]) -> dict[int, int]:
    """``λ_j = Π_{k ∈ S, k ≠ j} k / (k − j) mod L`` for each trustee index j of the set S
    (indices 1-based, distinct)."""
    chosen = list(indices)
    if not chosen or len(set(chosen)) != len(chosen) or min(chosen) < 1:
        raise ValueError("Lagrange coefficients need distinct trustee indices, each at least 1")
    out = {}
    for j in chosen:
        num, den = 1, 1
        for k in chosen:
            if k != j:
                num = num * k % L
                den = den * (k - j) % L
        out[j] = num * pow(den, -1, L) % L
    return out


def combine_shares(ct: Ciphertext, factors: Mapping[int, Point]) -> Point:
    """``M = β − Σ_{j ∈ S} λ_j·D_j`` over the trustees S who gave a factor: ``m·B`` when S
    holds at least the threshold of valid shares."""
    lambdas = lagrange_at_zero(factors)
    total = IDENTITY
    for j, factor in factors.items():
        total = total + factor * lambdas[j]
    return ct.beta - total


class DlogTable:
    """Discrete logarithms ``m`` of ``m·B`` for ``0 ≤ m < size``, built by repeated addition
    (194,481 entries — a 20-candidate ranked chunk, 21⁴ — in a few seconds). :meth:`log`
    reaches beyond ``size`` with giant steps of ``size·B`` up to a given bound."""

    __slots__ = ("_giant", "_table", "size")

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a discrete-log table holds at least 0·B")
        self.size = size
        table: dict[bytes, int] = {bytes(IDENTITY): 0}
        add, base = sodium.crypto_core_ed25519_add, bytes(BASE)
        point = base
        for m in range(1, size):  # libsodium's addition on the encodings: no Point per entry
            table[point] = m
            point = add(point, base)
        self._table = table
        self._giant = Point(point)  # size·B

    def __len__(self) -> int:
        return self.size

    def log(self, point: Point, bound: int | None = None) -> int | None:
        """``m`` with ``m·B = point`` and ``0 ≤ m ≤ bound`` (``bound`` defaults to
        ``size − 1``), or None when there is none in that range."""
        limit = self.size - 1 if bound is None else bound
        current = point
        offset = 0
        while offset <= limit:
            m = self._table.get(bytes(current))
            if m is not None:
                return offset + m if offset + m <= limit else None
            offset += self.size
            current = current - self._giant
        return None
