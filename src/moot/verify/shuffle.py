"""The verifiable re-encryption mix of moot's verifiable ballots (docs/verifiable.md §11).

A mixer takes ``N`` rows of ``ω`` ciphertexts (a ranked ballot's chunks, which move
together), re-encrypts every ciphertext with its own fresh randomness, permutes the rows, and
proves in zero knowledge that the output rows are a re-encrypted permutation of the input rows:
Terelius–Wikström's proof of a shuffle as Haenni, Locher, Koenig and Dubuis wrote it out
("Pseudo-code algorithms for verifiable re-encryption mix-nets", FC 2017 workshops: GenPermutation,
GenShuffle, GenPermutationCommitment, GenCommitmentChain, GenShuffleProof, CheckShuffleProof),
in the additive notation of edwards25519 and generalised to rows: the re-encryption commitment
``t4`` is one pair per column with its own ``w4`` and ``s4``.

Notation (additive): ``B`` the base point, ``Y`` the election key, ``h, h_0..h_{N−1}`` independent
generators derived in public from the context (:func:`moot.verify.group.generators`), ``c`` the
challenge; every response is ``s = w + c·x`` and every check is ``t == s·G − c·X``.

Pure: the group of :mod:`moot.verify.group` only; the permutation and the randomness come from
the OS random source and stay in memory.
"""

from __future__ import annotations

import hashlib
import itertools
import multiprocessing
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from moot.verify import group
from moot.verify.group import IDENTITY, Ciphertext, L, Point
from moot.verify.vcommon import (
    ProofError,
    at,
    read_ciphertext,
    read_list,
    read_object,
    read_point,
    read_scalar,
)

Rows = Sequence[Sequence[Ciphertext]]

_PROOF_KEYS = ("permutation_commitments", "commitment_chain", "commitments", "responses")
_T_KEYS = ("t1", "t2", "t3", "t4", "t_hat")
_S_KEYS = ("s1", "s2", "s3", "s4", "s_hat", "s_prime")


@dataclass(frozen=True)
class ShuffleProof:
    """A proof of shuffle in commitment form (the verifier recomputes the challenge from the
    commitments and checks every equation, so a failure names its equation).

    ``permutation_commitments`` ``c_1..c_N``; ``commitment_chain`` ``ĉ_1..ĉ_N``; commitments
    ``t1, t2, t3`` (points), ``t4`` (``ω`` pairs), ``t_hat`` (``N`` points); responses
    ``s1, s2, s3`` (scalars), ``s4`` (``ω``), ``s_hat`` and ``s_prime`` (``N`` each)."""

    permutation_commitments: tuple[Point, ...]
    commitment_chain: tuple[Point, ...]
    t1: Point
    t2: Point
    t3: Point
    t4: tuple[Ciphertext, ...]
    t_hat: tuple[Point, ...]
    s1: int
    s2: int
    s3: int
    s4: tuple[int, ...]
    s_hat: tuple[int, ...]
    s_prime: tuple[int, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "permutation_commitments": [p.hex() for p in self.permutation_commitments],
            "commitment_chain": [p.hex() for p in self.commitment_chain],
            "commitments": {
                "t1": self.t1.hex(),
                "t2": self.t2.hex(),
                "t3": self.t3.hex(),
                "t4": [ct.to_json() for ct in self.t4],
                "t_hat": [p.hex() for p in self.t_hat],
            },
            "responses": {
                "s1": group.scalar_hex(self.s1),
                "s2": group.scalar_hex(self.s2),
                "s3": group.scalar_hex(self.s3),
                "s4": [group.scalar_hex(s) for s in self.s4],
                "s_hat": [group.scalar_hex(s) for s in self.s_hat],
                "s_prime": [group.scalar_hex(s) for s in self.s_prime],
            },
        }

    @classmethod
    def from_json(cls, data: object, where: str = "proof") -> ShuffleProof:
        """A proof received from outside: every key present and no other, every point a
        canonical point of the prime-order subgroup, every scalar reduced; the lists of one
        row each (``permutation_commitments``, ``commitment_chain``, ``t_hat``, ``s_hat``,
        ``s_prime``) of one length, ``t4`` and ``s4`` of one length. Raises
        :class:`ProofError` naming the field."""
        top = read_object(data, where, _PROOF_KEYS)
        t_where, s_where = at(where, "commitments"), at(where, "responses")
        t = read_object(top["commitments"], t_where, _T_KEYS)
        s = read_object(top["responses"], s_where, _S_KEYS)
        pc_where = at(where, "permutation_commitments")
        n = len(read_list(top["permutation_commitments"], pc_where))
        rows = {
            at(where, "commitment_chain"): top["commitment_chain"],
            at(t_where, "t_hat"): t["t_hat"],
            at(s_where, "s_hat"): s["s_hat"],
            at(s_where, "s_prime"): s["s_prime"],
        }
        for name, value in rows.items():
            read_list(value, name, n)
        width = len(read_list(t["t4"], at(t_where, "t4")))
        read_list(s["s4"], at(s_where, "s4"), width)

        def points(key: str, values: list[Any]) -> tuple[Point, ...]:
            return tuple(read_point(v, at(key, i)) for i, v in enumerate(values))

        def scalars(key: str, values: list[Any]) -> tuple[int, ...]:
            return tuple(read_scalar(v, at(key, i)) for i, v in enumerate(values))

        return cls(
            permutation_commitments=points(pc_where, top["permutation_commitments"]),
            commitment_chain=points(at(where, "commitment_chain"), top["commitment_chain"]),
            t1=read_point(t["t1"], at(t_where, "t1")),
            t2=read_point(t["t2"], at(t_where, "t2")),
            t3=read_point(t["t3"], at(t_where, "t3")),
            t4=tuple(read_ciphertext(v, at(at(t_where, "t4"), i)) for i, v in enumerate(t["t4"])),
            t_hat=points(at(t_where, "t_hat"), t["t_hat"]),
            s1=read_scalar(s["s1"], at(s_where, "s1")),
            s2=read_scalar(s["s2"], at(s_where, "s2")),
            s3=read_scalar(s["s3"], at(s_where, "s3")),
            s4=scalars(at(s_where, "s4"), s["s4"]),
            s_hat=scalars(at(s_where, "s_hat"), s["s_hat"]),
            s_prime=scalars(at(s_where, "s_prime"), s["s_prime"]),
        )


# --- the statement: shape, digests, generators, challenges ----------------------------------
def row_width(rows: Rows, where: str) -> int:
    """The common number of ciphertexts per row (0 for no rows); a row of another width, or
    an empty row, is refused."""
    if not rows:
        return 0
    width = len(rows[0])
    if width == 0:
        raise ProofError(at(where, 0), "a row holds at least one ciphertext")
    for i, row in enumerate(rows):
        if len(row) != width:
            raise ProofError(
                at(where, i),
                f"{len(row)} ciphertexts where row 0 has {width}: rows are of one width",
            )
        for j, ct in enumerate(row):
            if not isinstance(ct, Ciphertext):
                raise ProofError(at(at(where, i), j), "not a ciphertext")
    return width


def rows_to_json(rows: Rows) -> list[list[dict[str, str]]]:
    """Rows on the wire: ``[[{"alpha": …, "beta": …} × ω] × N]``."""
    return [[ct.to_json() for ct in row] for row in rows]


def rows_from_json(value: object, where: str) -> list[list[Ciphertext]]:
    """Rows received from outside: every point checked, every row of one width (at least
    one ciphertext). Raises :class:`ProofError` naming the row, column and field."""
    rows = [
        [
            read_ciphertext(ct, at(at(where, i), j))
            for j, ct in enumerate(read_list(row, at(where, i)))
        ]
        for i, row in enumerate(read_list(value, where))
    ]
    row_width(rows, where)
    return rows


def rows_digest(rows: Rows) -> bytes:
    """The 64-byte SHA-512 fingerprint of a list of rows: ``transcript("shuffle-rows", [N, ω])``
    followed by ``transcript("shuffle-row", [α_1, β_1, …, α_ω, β_ω])`` for each row in order.
    A mixer's outputs and the next mixer's inputs have the same digest."""
    width = len(rows[0]) if rows else 0
    h = hashlib.sha512(group.transcript("shuffle-rows", [len(rows), width]))
    for row in rows:
        h.update(group.transcript("shuffle-row", [p for ct in row for p in ct]))
    return h.digest()


def shuffle_generators(n: int, ctx: bytes) -> tuple[Point, list[Point]]:
    """``h`` and ``h_0..h_{N−1}``: ``group.generators("shuffle", N + 1, ctx)``, in public
    (nobody knows a logarithm between them: VERIFIABLE.md §2 #10)."""
    gens = group.generators("shuffle", n + 1, ctx)
    return gens[0], gens[1:]


def vector_challenges(  # noqa: PLR0917 - the statement's parts, in the order they are hashed
    ctx: bytes,
    mixer_index: int,
    public_key: Point,
    inputs_digest: bytes,
    outputs_digest: bytes,
    permutation_commitments: Sequence[Point],
) -> list[int]:
    """``u_1..u_N``: ``seed = SHA-512(transcript("shuffle-u-seed", [ctx, mixer_index, Y,
    inputs digest, outputs digest, c_1, …, c_N]))``, then ``u_i = challenge("shuffle-u", seed,
    i)`` for i = 0..N−1 (0-based): the statement is hashed once, each u_i costs one short hash."""
    seed = hashlib.sha512(
        group.transcript(
            "shuffle-u-seed",
            [ctx, mixer_index, public_key, inputs_digest, outputs_digest, *permutation_commitments],
        )
    ).digest()
    return [group.challenge("shuffle-u", seed, i) for i in range(len(permutation_commitments))]


def _challenge(
    *,
    ctx: bytes,
    mixer_index: int,
    public_key: Point,
    inputs_digest: bytes,
    outputs_digest: bytes,
    width: int,
    proof_points: tuple[
        Sequence[Point], Sequence[Point], Point, Point, Point, Sequence[Ciphertext], Sequence[Point]
    ],
) -> int:
    commitments, chain, t1, t2, t3, t4, t_hat = proof_points
    return group.challenge(
        "shuffle",
        ctx,
        mixer_index,
        public_key,
        inputs_digest,
        outputs_digest,
        len(commitments),
        width,
        *commitments,
        *chain,
        t1,
        t2,
        t3,
        *(p for pair in t4 for p in pair),
        *t_hat,
    )


def _check_context(ctx: object, mixer_index: object) -> None:
    if not isinstance(ctx, bytes):
        raise ProofError("ctx", "the election context is bytes (the election hash, 32 bytes)")
    if isinstance(mixer_index, bool) or not isinstance(mixer_index, int) or mixer_index < 0:
        raise ProofError("mixer_index", "a mixer's index is a whole number, 0 or more")


# --- the prover ------------------------------------------------------------------------------
def random_permutation(n: int) -> list[int]:
    """GenPermutation: a uniform permutation ψ of 0..n−1 (Fisher–Yates over the OS source)."""
    psi = list(range(n))
    for i in range(n - 1):
        k = i + secrets.randbelow(n - i)
        psi[i], psi[k] = psi[k], psi[i]
    return psi


def shuffle(
    public_key: Point, rows: Rows, ctx: bytes, mixer_index: int
) -> tuple[list[list[Ciphertext]], ShuffleProof]:
    """GenShuffle then GenShuffleProof: output row ``i`` is input row ``ψ(i)`` with each of its
    ciphertexts re-encrypted under its own fresh randomness ``r'_{i,l}``; the proof shows it
    without revealing ψ or the randomness, which are forgotten when this returns."""
    _check_context(ctx, mixer_index)
    width = row_width(rows, "inputs")
    n = len(rows)
    psi = random_permutation(n)
    rand = [[group.random_scalar() for _ in range(width)] for _ in range(n)]
    outputs = [
        [group.reencrypt(public_key, ct, r) for ct, r in zip(rows[psi[i]], rand[i], strict=True)]
        for i in range(n)
    ]
    proof = _prove(
        public_key=public_key,
        rows=rows,
        outputs=outputs,
        psi=psi,
        rand=rand,
        ctx=ctx,
        mixer_index=mixer_index,
        width=width,
    )
    return outputs, proof


def _prove(
    *,
    public_key: Point,
    rows: Rows,
    outputs: list[list[Ciphertext]],
    psi: list[int],
    rand: list[list[int]],
    ctx: bytes,
    mixer_index: int,
    width: int,
) -> ShuffleProof:
    n = len(rows)
    h, hs = shuffle_generators(n, ctx)
    # GenPermutationCommitment: c_{ψ(i)} = r_{ψ(i)}·B + h_i.
    r = [group.random_scalar() for _ in range(n)]
    commitments: list[Point] = [IDENTITY] * n
    for i in range(n):
        j = psi[i]
        commitments[j] = Point.base_times(r[j]) + hs[i]
    in_digest, out_digest = rows_digest(rows), rows_digest(outputs)
    u = vector_challenges(ctx, mixer_index, public_key, in_digest, out_digest, commitments)
    u_prime = [u[psi[i]] for i in range(n)]
    # GenCommitmentChain: ĉ_0 = h, ĉ_i = r̂_i·B + u'_i·ĉ_{i−1}.
    r_hat = [group.random_scalar() for _ in range(n)]
    chain: list[Point] = []
    previous = h
    for i in range(n):
        previous = Point.base_times(r_hat[i]) + previous * u_prime[i]
        chain.append(previous)
    # Commitments.
    w1, w2, w3 = group.random_scalar(), group.random_scalar(), group.random_scalar()
    w4 = [group.random_scalar() for _ in range(width)]
    w_hat = [group.random_scalar() for _ in range(n)]
    w_prime = [group.random_scalar() for _ in range(n)]
    t1, t2 = Point.base_times(w1), Point.base_times(w2)
    t3 = Point.base_times(w3)
    for i in range(n):
        t3 = t3 + hs[i] * w_prime[i]
    t4: list[Ciphertext] = []
    for col in range(width):
        alpha = -Point.base_times(w4[col])
        beta = -(public_key * w4[col])
        for i in range(n):
            alpha = alpha + outputs[i][col].alpha * w_prime[i]
            beta = beta + outputs[i][col].beta * w_prime[i]
        t4.append(Ciphertext(alpha, beta))
    t_hat = [Point.base_times(w_hat[i]) + (chain[i - 1] if i else h) * w_prime[i] for i in range(n)]
    c = _challenge(
        ctx=ctx,
        mixer_index=mixer_index,
        public_key=public_key,
        inputs_digest=in_digest,
        outputs_digest=out_digest,
        width=width,
        proof_points=(commitments, chain, t1, t2, t3, t4, t_hat),
    )
    # Witnesses: r̄ = Σ r_j; r̂ = Σ r̂_i·v_i with v_i = Π_{k>i} u'_k; r̃ = Σ r_j·u_j;
    # r'_l = Σ r'_{i,l}·u'_i.
    r_bar = sum(r) % L
    v, r_hat_sum = 1, 0
    for i in range(n - 1, -1, -1):
        r_hat_sum = (r_hat_sum + r_hat[i] * v) % L
        v = v * u_prime[i] % L
    r_tilde = sum(rj * uj for rj, uj in zip(r, u, strict=True)) % L
    r_prime = [sum(rand[i][col] * u_prime[i] for i in range(n)) % L for col in range(width)]
    return ShuffleProof(
        permutation_commitments=tuple(commitments),
        commitment_chain=tuple(chain),
        t1=t1,
        t2=t2,
        t3=t3,
        t4=tuple(t4),
        t_hat=tuple(t_hat),
        s1=(w1 + c * r_bar) % L,
        s2=(w2 + c * r_hat_sum) % L,
        s3=(w3 + c * r_tilde) % L,
        s4=tuple((w4[col] + c * r_prime[col]) % L for col in range(width)),
        s_hat=tuple((w_hat[i] + c * r_hat[i]) % L for i in range(n)),
        s_prime=tuple((w_prime[i] + c * u_prime[i]) % L for i in range(n)),
    )


# --- the verifier ----------------------------------------------------------------------------
# One slice of rows, as bytes and integers (picklable, for worker processes):
# (start, width, input rows, output rows, c_i, ĉ_{start−1}, ĉ_i, h_i, u_i, s'_i, ŝ_i, t̂_i, c),
# each row's 2ω points joined into one bytes string.
_Slice = tuple[
    int,
    int,
    list[bytes],
    list[bytes],
    list[bytes],
    bytes,
    list[bytes],
    list[bytes],
    list[int],
    list[int],
    list[int],
    list[bytes],
    int,
]
# (Σ c_i, Σ h_i, Σ u_i·c_i, Σ s'_i·h_i, [Σ u_i·e_{i,l}], [Σ s'_i·e'_{i,l}], first bad t̂ or −1)
_Sums = tuple[bytes, bytes, bytes, bytes, list[bytes], list[bytes], int]


def _points(raw: bytes) -> list[Point]:
    return [Point(raw[k : k + 32]) for k in range(0, len(raw), 32)]


def _slice_sums(task: _Slice) -> _Sums:
    """The per-row work of CheckShuffleProof over one slice: the sums that the equations t1,
    t3 and t4 need, and the equations t̂_i of the slice (the first failing index, or −1)."""
    start, width, ins, outs, comms, prev, chain, hs, u, s_prime, s_hat, t_hat, c = task
    sum_c = sum_h = sum_uc = sum_sh = IDENTITY
    e_tilde = [IDENTITY] * (2 * width)
    e_prime = [IDENTITY] * (2 * width)
    bad = -1
    previous = Point(prev)
    for k in range(len(comms)):
        ck, hk = Point(comms[k]), Point(hs[k])
        sum_c, sum_h = sum_c + ck, sum_h + hk
        sum_uc = sum_uc + ck * u[k]
        sum_sh = sum_sh + hk * s_prime[k]
        for m, p in enumerate(_points(ins[k])):
            e_tilde[m] = e_tilde[m] + p * u[k]
        for m, p in enumerate(_points(outs[k])):
            e_prime[m] = e_prime[m] + p * s_prime[k]
        current = Point(chain[k])
        if bad < 0:
            recomputed = Point.base_times(s_hat[k]) + previous * s_prime[k] - current * c
            if bytes(recomputed) != t_hat[k]:
                bad = start + k
        previous = current
    return (
        bytes(sum_c),
        bytes(sum_h),
        bytes(sum_uc),
        bytes(sum_sh),
        [bytes(p) for p in e_tilde],
        [bytes(p) for p in e_prime],
        bad,
    )


def verify_shuffle(  # noqa: PLR0917 - the agreed signature (docs/verifiable.md §11)
    public_key: Point,
    inputs: Rows,
    outputs: Rows,
    proof: ShuffleProof,
    ctx: bytes,
    mixer_index: int,
    *,
    workers: int = 1,
) -> None:
    """CheckShuffleProof: return if ``outputs`` is proved a re-encrypted permutation of
    ``inputs`` under ``public_key``, by mixer ``mixer_index`` of the election ``ctx``; else
    raise :class:`ProofError` naming the field or equation that failed. ``workers`` > 1
    spreads the per-row sums over that many processes."""
    _check_context(ctx, mixer_index)
    n = len(inputs)
    width = row_width(inputs, "inputs")
    if len(outputs) != n:
        raise ProofError("outputs", f"{len(outputs)} rows where the inputs have {n}")
    if n and row_width(outputs, "outputs") != width:
        raise ProofError("outputs", f"rows of {len(outputs[0])} ciphertexts, the inputs' {width}")
    lengths = {
        "proof.permutation_commitments": len(proof.permutation_commitments),
        "proof.commitment_chain": len(proof.commitment_chain),
        "proof.commitments.t_hat": len(proof.t_hat),
        "proof.responses.s_hat": len(proof.s_hat),
        "proof.responses.s_prime": len(proof.s_prime),
    }
    for name, length in lengths.items():
        if length != n:
            raise ProofError(name, f"{length} items where there are {n} rows")
    for name, length in (
        ("proof.commitments.t4", len(proof.t4)),
        ("proof.responses.s4", len(proof.s4)),
    ):
        if length != width:
            raise ProofError(name, f"{length} items where a row holds {width} ciphertexts")

    h, hs = shuffle_generators(n, ctx)
    in_digest, out_digest = rows_digest(inputs), rows_digest(outputs)
    comms = proof.permutation_commitments
    u = vector_challenges(ctx, mixer_index, public_key, in_digest, out_digest, comms)
    c = _challenge(
        ctx=ctx,
        mixer_index=mixer_index,
        public_key=public_key,
        inputs_digest=in_digest,
        outputs_digest=out_digest,
        width=width,
        proof_points=(
            comms,
            proof.commitment_chain,
            proof.t1,
            proof.t2,
            proof.t3,
            proof.t4,
            proof.t_hat,
        ),
    )
    sums = _all_sums(
        inputs=inputs,
        outputs=outputs,
        proof=proof,
        h=h,
        hs=hs,
        u=u,
        c=c,
        width=width,
        workers=workers,
    )
    sum_c, sum_h, sum_uc, sum_sh, e_tilde, e_prime, bad = sums

    note = (
        " (every equation depends on the challenge, which hashes the statement: a changed "
        "input, output, key, context, mixer index or commitment fails here first)"
    )
    c_bar = sum_c - sum_h
    if Point.base_times(proof.s1) - c_bar * c != proof.t1:
        raise ProofError(
            "proof.commitments.t1",
            "s1·B − c·(Σc_i − Σh_i) differs from t1: the permutation commitments do not "
            "commit to a permutation" + note,
        )
    u_product = 1
    for ui in u:
        u_product = u_product * ui % L
    c_hat = (proof.commitment_chain[-1] if n else h) - h * u_product
    if Point.base_times(proof.s2) - c_hat * c != proof.t2:
        raise ProofError(
            "proof.commitments.t2",
            "s2·B − c·(ĉ_N − (Πu_i)·h) differs from t2: the commitment chain does not end "
            "at the product of the challenges",
        )
    if Point.base_times(proof.s3) + sum_sh - sum_uc * c != proof.t3:
        raise ProofError(
            "proof.commitments.t3",
            "s3·B + Σs'_i·h_i − c·Σu_i·c_i differs from t3: the responses s' do not open the "
            "permuted challenges",
        )
    for col in range(width):
        alpha = e_prime[2 * col] - Point.base_times(proof.s4[col]) - e_tilde[2 * col] * c
        beta = e_prime[2 * col + 1] - public_key * proof.s4[col] - e_tilde[2 * col + 1] * c
        if Ciphertext(alpha, beta) != proof.t4[col]:
            raise ProofError(
                f"proof.commitments.t4[{col}]",
                f"Σs'_i·e'_(i,{col}) − s4[{col}]·(B, Y) − c·Σu_i·e_(i,{col}) differs from "
                f"t4[{col}]: column {col} of the outputs is not a re-encryption of the "
                "permuted inputs",
            )
    if bad >= 0:
        raise ProofError(
            f"proof.commitments.t_hat[{bad}]",
            f"ŝ_{bad}·B + s'_{bad}·ĉ_{bad - 1} − c·ĉ_{bad} differs from t̂_{bad} "
            "(ĉ_(−1) is h): the commitment chain is not opened",
        )


def _all_sums(
    *,
    inputs: Rows,
    outputs: Rows,
    proof: ShuffleProof,
    h: Point,
    hs: list[Point],
    u: list[int],
    c: int,
    width: int,
    workers: int,
) -> tuple[Point, Point, Point, Point, list[Point], list[Point], int]:
    n = len(inputs)
    parts = max(1, min(workers, n))
    bounds = [n * k // parts for k in range(parts + 1)]
    chain = [bytes(p) for p in proof.commitment_chain]
    tasks: list[_Slice] = []
    for a, b in itertools.pairwise(bounds):
        tasks.append(
            (
                a,
                width,
                [b"".join(bytes(p) for ct in row for p in ct) for row in inputs[a:b]],
                [b"".join(bytes(p) for ct in row for p in ct) for row in outputs[a:b]],
                [bytes(p) for p in proof.permutation_commitments[a:b]],
                chain[a - 1] if a else bytes(h),
                chain[a:b],
                [bytes(p) for p in hs[a:b]],
                u[a:b],
                list(proof.s_prime[a:b]),
                list(proof.s_hat[a:b]),
                [bytes(p) for p in proof.t_hat[a:b]],
                c,
            )
        )
    if parts == 1:
        results = [_slice_sums(tasks[0])]
    else:
        with multiprocessing.get_context("spawn").Pool(parts) as pool:
            results = pool.map(_slice_sums, tasks)
    total_c = total_h = total_uc = total_sh = IDENTITY
    e_tilde = [IDENTITY] * (2 * width)
    e_prime = [IDENTITY] * (2 * width)
    bad = -1
    for sc, sh, suc, ssh, et, ep, b in results:
        total_c, total_h = total_c + Point(sc), total_h + Point(sh)
        total_uc, total_sh = total_uc + Point(suc), total_sh + Point(ssh)
        e_tilde = [x + Point(y) for x, y in zip(e_tilde, et, strict=True)]
        e_prime = [x + Point(y) for x, y in zip(e_prime, ep, strict=True)]
        if bad < 0 and b >= 0:
            bad = b
    return total_c, total_h, total_uc, total_sh, e_tilde, e_prime, bad


__all__ = [
    "ShuffleProof",
    "random_permutation",
    "row_width",
    "rows_digest",
    "rows_from_json",
    "rows_to_json",
    "shuffle",
    "shuffle_generators",
    "vector_challenges",
    "verify_shuffle",
]
