"""The verifiable mix (moot.verify.shuffle): completeness over small shapes (hypothesis), the
outputs decrypt to a permutation of the inputs, and soundness — a changed, swapped, dropped or
duplicated output, every proof field altered, another context, mixer or key, and a prover
without a witness are each refused with the failing equation or field named. Known answers for
the publicly derived generators, recomputed here from the framing and libsodium directly."""

from __future__ import annotations

import copy
import hashlib
import struct
from collections.abc import Callable
from typing import Any

import nacl.bindings as sodium
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moot.verify import group
from moot.verify import shuffle as mix
from moot.verify.group import Ciphertext, Point
from moot.verify.shuffle import ShuffleProof, shuffle, verify_shuffle
from moot.verify.vcommon import ProofError

pytestmark = pytest.mark.pure

CTX = hashlib.sha256(b"a verifiable ballot").digest()
SECRET = group.challenge("test-shuffle-key", b"fixed")
KEY = Point.base_times(SECRET)


def encrypt_rows(values: list[list[int]]) -> list[list[Ciphertext]]:
    return [[group.encrypt(KEY, m, group.random_scalar()) for m in row] for row in values]


def decrypt(ct: Ciphertext) -> Point:
    return ct.beta - ct.alpha * SECRET


def plaintext_rows(rows: list[list[Ciphertext]]) -> list[tuple[bytes, ...]]:
    return sorted(tuple(bytes(decrypt(ct)) for ct in row) for row in rows)


def rejected(where: str, check: Callable[..., object], *args: Any, **kwargs: Any) -> ProofError:
    """``check(*args, **kwargs)`` raises a ProofError at ``where``."""
    with pytest.raises(ProofError) as caught:
        check(*args, **kwargs)
    assert caught.value.where == where, caught.value
    return caught.value


# --- completeness -----------------------------------------------------------------------------
@settings(max_examples=12, deadline=None)
@given(
    n=st.integers(min_value=0, max_value=8),
    width=st.integers(min_value=1, max_value=5),
    mixer=st.integers(min_value=0, max_value=9),
)
def test_an_honest_mix_verifies_and_decrypts_to_a_permutation(
    n: int, width: int, mixer: int
) -> None:
    values = [[(7 * i + col) % 50 for col in range(width)] for i in range(n)]
    inputs = encrypt_rows(values)
    outputs, proof = shuffle(KEY, inputs, CTX, mixer)
    verify_shuffle(KEY, inputs, outputs, proof, CTX, mixer)
    decoded = ShuffleProof.from_json(proof.to_json())
    assert decoded == proof
    verify_shuffle(KEY, inputs, outputs, decoded, CTX, mixer)
    # Same plaintext rows (each row kept whole), every ciphertext fresh.
    assert plaintext_rows(outputs) == plaintext_rows(inputs)
    assert not {ct for row in inputs for ct in row} & {ct for row in outputs for ct in row}


def test_a_chain_of_mixes_verifies_link_by_link() -> None:
    rows = encrypt_rows([[1, 2], [3, 4], [5, 6]])
    first, proof_0 = shuffle(KEY, rows, CTX, 0)
    second, proof_1 = shuffle(KEY, first, CTX, 1)
    verify_shuffle(KEY, rows, first, proof_0, CTX, 0)
    verify_shuffle(KEY, first, second, proof_1, CTX, 1)
    assert mix.rows_digest(first) != mix.rows_digest(rows)
    assert plaintext_rows(second) == plaintext_rows(rows)
    # Mixer 1's proof is not mixer 0's.
    rejected("proof.commitments.t1", verify_shuffle, KEY, first, second, proof_1, CTX, 0)


def test_the_empty_list_mixes_to_the_empty_list() -> None:
    outputs, proof = shuffle(KEY, [], CTX, 0)
    assert outputs == []
    assert proof.to_json()["permutation_commitments"] == []
    verify_shuffle(KEY, [], [], ShuffleProof.from_json(proof.to_json()), CTX, 0)
    rows = encrypt_rows([[1]])
    rejected("outputs", verify_shuffle, KEY, [], rows, proof, CTX, 0)


def test_one_row_is_re_encrypted_and_proved() -> None:
    rows = encrypt_rows([[3, 4, 5]])
    outputs, proof = shuffle(KEY, rows, CTX, 0)
    verify_shuffle(KEY, rows, outputs, proof, CTX, 0)
    assert plaintext_rows(outputs) == plaintext_rows(rows)
    tampered = [[outputs[0][0], outputs[0][1], rows[0][2]]]
    rejected("proof.commitments.t1", verify_shuffle, KEY, rows, tampered, proof, CTX, 0)


def test_the_permutation_is_uniform_enough_and_a_permutation() -> None:
    seen = set()
    for _ in range(200):
        psi = mix.random_permutation(3)
        assert sorted(psi) == [0, 1, 2]
        seen.add(tuple(psi))
    assert len(seen) == 6
    assert mix.random_permutation(0) == []
    assert mix.random_permutation(1) == [0]


def test_workers_give_the_same_verdicts() -> None:
    rows = encrypt_rows([[i, i + 1] for i in range(7)])
    outputs, proof = shuffle(KEY, rows, CTX, 3)
    verify_shuffle(KEY, rows, outputs, proof, CTX, 3, workers=2)
    data = proof.to_json()
    data["responses"]["s_hat"][5] = group.scalar_hex(proof.s_hat[5] + 1)
    bad = ShuffleProof.from_json(data)
    for workers in (1, 2, 3):
        rejected(
            "proof.commitments.t_hat[5]",
            verify_shuffle,
            KEY,
            rows,
            outputs,
            bad,
            CTX,
            3,
            workers=workers,
        )


# --- soundness: the statement -------------------------------------------------------------------
@pytest.fixture(scope="module")
def honest() -> tuple[list[list[Ciphertext]], list[list[Ciphertext]], ShuffleProof]:
    rows = encrypt_rows([[i, 10 + i, 20 + i] for i in range(6)])
    outputs, proof = shuffle(KEY, rows, CTX, 1)
    return rows, outputs, proof


Honest = tuple[list[list[Ciphertext]], list[list[Ciphertext]], ShuffleProof]


def test_a_changed_output_is_refused(honest: Honest) -> None:
    rows, outputs, proof = honest
    for changed in (
        group.reencrypt(KEY, outputs[2][1], 5),  # same plaintext, other randomness
        group.encrypt(KEY, 99, 5),
    ):
        tampered = copy.copy(outputs)
        tampered[2] = [outputs[2][0], changed, outputs[2][2]]
        rejected("proof.commitments.t1", verify_shuffle, KEY, rows, tampered, proof, CTX, 1)


def test_swapped_dropped_duplicated_outputs_are_refused(honest: Honest) -> None:
    rows, outputs, proof = honest
    swapped = [outputs[1], outputs[0], *outputs[2:]]
    rejected("proof.commitments.t1", verify_shuffle, KEY, rows, swapped, proof, CTX, 1)
    swapped_in_row = [[outputs[0][1], outputs[0][0], outputs[0][2]], *outputs[1:]]
    rejected("proof.commitments.t1", verify_shuffle, KEY, rows, swapped_in_row, proof, CTX, 1)
    duplicated = [outputs[0], outputs[0], *outputs[2:]]
    rejected("proof.commitments.t1", verify_shuffle, KEY, rows, duplicated, proof, CTX, 1)
    error = rejected("outputs", verify_shuffle, KEY, rows, outputs[:-1], proof, CTX, 1)
    assert "5 rows where the inputs have 6" in error.what
    narrow = [row[:2] for row in outputs]
    rejected("outputs", verify_shuffle, KEY, rows, narrow, proof, CTX, 1)
    ragged = [*outputs[:3], outputs[3][:2], *outputs[4:]]
    rejected("outputs[3]", verify_shuffle, KEY, rows, ragged, proof, CTX, 1)


def test_changed_inputs_context_mixer_or_key_are_refused(honest: Honest) -> None:
    rows, outputs, proof = honest
    other_rows = [rows[1], rows[0], *rows[2:]]
    rejected("proof.commitments.t1", verify_shuffle, KEY, other_rows, outputs, proof, CTX, 1)
    other_ctx = hashlib.sha256(b"another ballot").digest()
    rejected("proof.commitments.t1", verify_shuffle, KEY, rows, outputs, proof, other_ctx, 1)
    rejected("proof.commitments.t1", verify_shuffle, KEY, rows, outputs, proof, CTX, 2)
    other_key = Point.base_times(SECRET + 1)
    rejected("proof.commitments.t1", verify_shuffle, other_key, rows, outputs, proof, CTX, 1)
    rejected("mixer_index", verify_shuffle, KEY, rows, outputs, proof, CTX, -1)
    rejected("mixer_index", verify_shuffle, KEY, rows, outputs, proof, CTX, True)


def test_rows_of_unequal_width_are_refused() -> None:
    rows = encrypt_rows([[1, 2], [3]])
    rejected("inputs[1]", shuffle, KEY, rows, CTX, 0)
    rejected("inputs[0]", shuffle, KEY, [[]], CTX, 0)


# --- soundness: every field of the proof ------------------------------------------------------
def _fields(data: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """Every leaf of the proof's JSON: (path, value)."""
    out: list[tuple[tuple[str | int, ...], str]] = []

    def walk(value: Any, path: tuple[str | int, ...]) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*path, index))
        else:
            out.append((path, value))

    walk(data, ())
    return out


def _set(data: dict[str, Any], path: tuple[str | int, ...], value: object) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    target: Any = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


def _expected_failure(path: tuple[str | int, ...]) -> str:
    """The equation that a changed field breaks first. A point is hashed into the challenge,
    so the first equation (t1) fails; a response breaks its own equation (s' enters t3 first)."""
    if path[0] != "responses":
        return "proof.commitments.t1"
    name = path[1]
    if name in {"s1", "s2", "s3"}:
        return f"proof.commitments.t{name[1]}"
    if name == "s4":
        return f"proof.commitments.t4[{path[2]}]"
    if name == "s_hat":
        return f"proof.commitments.t_hat[{path[2]}]"
    return "proof.commitments.t3"  # s_prime


def test_every_proof_field_altered_is_refused_naming_its_equation(honest: Honest) -> None:
    rows, outputs, proof = honest
    data = proof.to_json()
    fields = _fields(data)
    assert len(fields) == 6 + 6 + 3 + 2 * 3 + 6 + 3 + 3 + 6 + 6
    other_point = Point.base_times(group.random_scalar()).hex()
    for path, value in fields:
        if path[0] == "responses":
            altered = group.scalar_hex(group.decode_scalar(value) + 1)
        else:
            altered = other_point
        bad = ShuffleProof.from_json(_set(data, path, altered))
        rejected(
            _expected_failure(path),
            verify_shuffle,
            KEY,
            rows,
            outputs,
            bad,
            CTX,
            1,
        )


def test_a_proof_of_other_length_is_refused(honest: Honest) -> None:
    rows, outputs, proof = honest
    short = ShuffleProof.from_json(
        {
            **proof.to_json(),
            "permutation_commitments": proof.to_json()["permutation_commitments"][:5],
            "commitment_chain": proof.to_json()["commitment_chain"][:5],
            "commitments": {
                **proof.to_json()["commitments"],
                "t_hat": proof.to_json()["commitments"]["t_hat"][:5],
            },
            "responses": {
                **proof.to_json()["responses"],
                "s_hat": proof.to_json()["responses"]["s_hat"][:5],
                "s_prime": proof.to_json()["responses"]["s_prime"][:5],
            },
        }
    )
    error = rejected(
        "proof.permutation_commitments", verify_shuffle, KEY, rows, outputs, short, CTX, 1
    )
    assert "5 items where there are 6 rows" in error.what
    narrow_json = proof.to_json()
    narrow_json["commitments"]["t4"] = narrow_json["commitments"]["t4"][:2]
    narrow_json["responses"]["s4"] = narrow_json["responses"]["s4"][:2]
    narrow = ShuffleProof.from_json(narrow_json)
    rejected("proof.commitments.t4", verify_shuffle, KEY, rows, outputs, narrow, CTX, 1)


def test_decoding_checks_every_point_scalar_and_key(honest: Honest) -> None:
    _, _, proof = honest
    data = proof.to_json()
    small_order = "0000000000000000000000000000000000000000000000000000000000000000"
    identity = group.IDENTITY.hex()
    cases: list[tuple[dict[str, Any], str]] = [
        (_set(data, ("commitment_chain", 2), small_order), "proof.commitment_chain[2]"),
        (_set(data, ("commitments", "t_hat", 0), identity), "proof.commitments.t_hat[0]"),
        (
            _set(data, ("commitments", "t1"), data["commitments"]["t1"].upper()),
            "proof.commitments.t1",
        ),
        (_set(data, ("responses", "s4", 1), "ff" * 32), "proof.responses.s4[1]"),
        (_set(data, ("responses", "s_prime", 3), "12"), "proof.responses.s_prime[3]"),
        (
            _set(data, ("commitments", "t4", 0), {"alpha": data["commitments"]["t1"]}),
            "proof.commitments.t4[0].beta",
        ),
        ({**data, "extra": 1}, "proof.extra"),
        ({k: v for k, v in data.items() if k != "commitment_chain"}, "proof.commitment_chain"),
        ({**data, "commitment_chain": data["commitment_chain"][:5]}, "proof.commitment_chain"),
        (
            {**data, "responses": {**data["responses"], "s4": data["responses"]["s4"][:2]}},
            "proof.responses.s4",
        ),
    ]
    for bad, where in cases:
        rejected(where, ShuffleProof.from_json, bad)


# --- soundness: a prover without a witness -------------------------------------------------------
def test_a_prover_whose_outputs_are_not_re_encryptions_fails_t4() -> None:
    rows = encrypt_rows([[1, 2], [3, 4], [5, 6]])
    psi = [2, 0, 1]
    rand = [[group.random_scalar(), group.random_scalar()] for _ in rows]
    outputs = [
        [group.reencrypt(KEY, ct, r) for ct, r in zip(rows[psi[i]], rand[i], strict=True)]
        for i in range(3)
    ]
    outputs[1][1] = group.reencrypt(KEY, group.encrypt(KEY, 40, 7), rand[1][1])  # a vote changed
    proof = mix._prove(
        public_key=KEY,
        rows=rows,
        outputs=outputs,
        psi=psi,
        rand=rand,
        ctx=CTX,
        mixer_index=0,
        width=2,
    )
    rejected("proof.commitments.t4[1]", verify_shuffle, KEY, rows, outputs, proof, CTX, 0)


def test_a_prover_that_duplicates_a_row_fails() -> None:
    rows = encrypt_rows([[1], [2], [3]])
    psi = [0, 0, 2]  # row 0 twice, row 1 dropped: not a permutation
    rand = [[group.random_scalar()] for _ in rows]
    outputs = [[group.reencrypt(KEY, rows[psi[i]][0], rand[i][0])] for i in range(3)]
    commitments_slot = 1  # never committed to: the proof holds the identity there
    proof = mix._prove(
        public_key=KEY,
        rows=rows,
        outputs=outputs,
        psi=psi,
        rand=rand,
        ctx=CTX,
        mixer_index=0,
        width=1,
    )
    assert proof.permutation_commitments[commitments_slot].is_identity()
    rejected("proof.commitments.t1", verify_shuffle, KEY, rows, outputs, proof, CTX, 0)
    # On the wire the identity is refused outright.
    rejected("proof.permutation_commitments[1]", ShuffleProof.from_json, proof.to_json())
    # A prover that commits to a true permutation but duplicates a row fails the
    # re-encryption equation instead.
    honest_psi = [0, 1, 2]
    proof = mix._prove(
        public_key=KEY,
        rows=rows,
        outputs=outputs,
        psi=honest_psi,
        rand=rand,
        ctx=CTX,
        mixer_index=0,
        width=1,
    )
    rejected("proof.commitments.t4[0]", verify_shuffle, KEY, rows, outputs, proof, CTX, 0)


# --- known answers -----------------------------------------------------------------------------
def _framed(tag: str, *parts: bytes) -> bytes:
    head = f"moot-verifiable/1/{tag}".encode()
    out = struct.pack(">I", len(head)) + head
    for part in parts:
        out += struct.pack(">I", len(part)) + part
    return out


def test_generators_are_derived_in_public_from_the_context() -> None:
    ctx = bytes(range(32))
    h, hs = mix.shuffle_generators(2, ctx)
    for index, point in enumerate([h, *hs]):
        seed = hashlib.sha256(
            _framed("shuffle", b"B" + ctx, b"N" + index.to_bytes(32, "little"))
        ).digest()
        assert bytes(point) == sodium.crypto_core_ed25519_from_uniform(seed)
    assert [p.hex() for p in (h, *hs)] == GENERATORS_KAT
    assert mix.shuffle_generators(2, CTX)[0] != h  # another ballot, other generators
    assert len({h, *hs}) == 3


GENERATORS_KAT = [  # h, h_1, h_2 for the context 00 01 … 1f
    "c2705ad5e6837550cf9fccefe8ca7ca1fa299649924deaeba73faf56f54f4654",
    "130fb7613c42e452d6193cf3c7c4728f06cf064c722c6013794821bab8ff5d1b",
    "a611ab6ff5be0960a82250cfe164352e4d54dccb5c72173cf97cd5483957f89b",
]


def test_the_challenges_hash_the_whole_statement() -> None:
    comms = [Point.base_times(5), Point.base_times(6)]
    digest_a, digest_b = b"a" * 64, b"b" * 64
    u = mix.vector_challenges(CTX, 0, KEY, digest_a, digest_b, comms)
    seed = hashlib.sha512(
        _framed(
            "shuffle-u-seed",
            b"B" + CTX,
            b"N" + (0).to_bytes(32, "little"),
            b"P" + bytes(KEY),
            b"B" + digest_a,
            b"B" + digest_b,
            *(b"P" + bytes(p) for p in comms),
        )
    ).digest()
    assert u == [group.challenge("shuffle-u", seed, i) for i in range(2)]
    for changed in (
        mix.vector_challenges(CTX, 1, KEY, digest_a, digest_b, comms),
        mix.vector_challenges(CTX, 0, Point.base_times(2), digest_a, digest_b, comms),
        mix.vector_challenges(CTX, 0, KEY, digest_b, digest_a, comms),
        mix.vector_challenges(CTX, 0, KEY, digest_a, digest_b, comms[::-1]),
        mix.vector_challenges(b"\x00" * 32, 0, KEY, digest_a, digest_b, comms),
    ):
        assert changed[0] != u[0]


def test_rows_digest_is_framed_row_by_row() -> None:
    rows = encrypt_rows([[1, 2], [3, 4]])
    expected = hashlib.sha512(
        _framed(
            "shuffle-rows", b"N" + (2).to_bytes(32, "little"), b"N" + (2).to_bytes(32, "little")
        )
        + b"".join(
            _framed("shuffle-row", *(b"P" + bytes(p) for ct in row for p in ct)) for row in rows
        )
    ).digest()
    assert mix.rows_digest(rows) == expected
    assert mix.rows_digest(rows[::-1]) != expected


def test_rows_travel_as_json_and_are_checked() -> None:
    rows = encrypt_rows([[1, 2], [3, 4]])
    data = mix.rows_to_json(rows)
    assert mix.rows_from_json(data, "outputs") == rows
    ragged = [data[0], data[1][:1]]
    rejected("outputs[1]", mix.rows_from_json, ragged, "outputs")
    bad_point = copy.deepcopy(data)
    bad_point[1][0]["beta"] = group.IDENTITY.hex()
    rejected("outputs[1][0].beta", mix.rows_from_json, bad_point, "outputs")
    rejected("outputs[0]", mix.rows_from_json, [{"alpha": "x"}], "outputs")
    rejected("outputs", mix.rows_from_json, {"rows": []}, "outputs")
    assert mix.rows_from_json([], "outputs") == []
