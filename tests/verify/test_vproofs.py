"""The proofs of verifiable ballots (moot.verify.vproofs): known answers recomputed here from
the group's primitives, completeness and soundness against every tampered field (hypothesis),
transcripts that change when any part changes (Frozen Heart), threshold decryption."""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moot.verify import group
from moot.verify.group import BASE, Ciphertext, L, Point
from moot.verify.vcommon import ProofError, canonical, read_object, read_point, seeded_rng
from moot.verify.vproofs import (
    DecryptionShare,
    DlogTable,
    Proof,
    RankedProof,
    combine_shares,
    lagrange_at_zero,
    make_decryption_share,
    prove_pok,
    prove_range,
    prove_ranked,
    range_proof_from_json,
    range_proof_json,
    sign_answers,
    verify_decryption_share,
    verify_pok,
    verify_range,
    verify_ranked,
    verify_signature,
)

pytestmark = pytest.mark.pure

scalars = st.integers(min_value=1, max_value=L - 1)
CTX = hashlib.sha256(b"an election").digest()
FEW = settings(max_examples=15, deadline=None)


def fixed(*values: int) -> Callable[[], int]:
    """An rng handing out ``values`` in order (and failing if asked for more)."""
    stream: Iterator[int] = iter(values)
    return lambda: next(stream)


def B(n: int) -> Point:
    return Point.base_times(n)


# --- framing and canonical JSON -------------------------------------------------------------------
def test_transcript_layout_is_length_prefixed_and_kind_tagged() -> None:
    point = B(5)
    head = b"moot-verifiable/1/pok"
    expected = struct.pack(">I", len(head)) + head
    expected += struct.pack(">I", 33) + b"P" + bytes(point)
    expected += struct.pack(">I", 33) + b"N" + (3).to_bytes(32, "little")
    expected += struct.pack(">I", 3) + b"S" + "é".encode()
    expected += struct.pack(">I", 3) + b"B" + b"\x00\x01"
    assert group.transcript("pok", [point, 3, "é", b"\x00\x01"]) == expected
    digest = hashlib.sha512(expected).digest()
    assert (
        group.challenge("pok", point, 3, "é", b"\x00\x01") == int.from_bytes(digest, "little") % L
    )


def test_transcripts_differ_when_any_part_changes() -> None:
    """Frozen Heart (VERIFIABLE.md §2 #12): kinds, boundaries and tags are all bound."""
    variants: list[tuple[str, list[group.Part]]] = [
        ("range", [b"ab", "c"]),
        ("range", [b"a", "bc"]),
        ("range", ["ab", "c"]),
        ("range", [b"ab", b"c"]),
        ("range", [b"abc"]),
        ("ranked", [b"ab", "c"]),
        ("range", [1, "c"]),
        ("range", ["1", "c"]),
        ("range", [b"\x01", "c"]),
        ("range", [B(1), "c"]),
        ("range", [b"ab", "c", b""]),
    ]
    seen = {group.transcript(tag, parts) for tag, parts in variants}
    assert len(seen) == len(variants)


def test_canonical_json_sorts_keys_and_keeps_unicode() -> None:
    assert canonical({"b": [1, "é"], "a": {"z": True, "y": None}}) == (
        '{"a":{"y":null,"z":true},"b":[1,"é"]}'.encode()
    )


def test_seeded_rng_is_the_documented_stream() -> None:
    draw = seeded_rng(b"kat")
    assert [draw(), draw()] == [group.challenge("test-rng", b"kat", k) for k in (0, 1)]


def test_readers_name_the_field_and_the_fault() -> None:
    with pytest.raises(ProofError) as missing:
        read_object({"a": 1}, "answers[0]", ("a", "b"))
    assert (missing.value.where, missing.value.what) == ("answers[0].b", "missing")
    with pytest.raises(ProofError) as extra:
        read_object({"a": 1, "zz": 2}, "answers[0]", ("a",))
    assert extra.value.where == "answers[0].zz"
    with pytest.raises(ProofError) as bad:
        read_point("00" * 32, "credential")
    assert bad.value.where == "credential"
    assert "small order" in bad.value.what
    assert str(bad.value.within("board entry 12")).startswith("board entry 12, credential: ")


# --- Schnorr proof of knowledge -------------------------------------------------------------------
def test_pok_known_answer() -> None:
    x, w = 7, 11
    c = group.challenge("pok", b"uuid-1", B(x), B(w), "dkg:trustee=1:coefficient=0")
    proof = prove_pok(x, b"uuid-1", "dkg:trustee=1:coefficient=0", rng=fixed(w))
    assert proof == Proof(c, (w + c * x) % L)
    assert proof.to_json() == {
        "challenge": c.to_bytes(32, "little").hex(),
        "response": ((w + c * x) % L).to_bytes(32, "little").hex(),
    }


@FEW
@given(x=scalars)
def test_pok_complete_and_sound(x: int) -> None:
    proof = prove_pok(x, b"ctx", "label")
    public = B(x)
    assert verify_pok(public, proof, b"ctx", "label")
    assert Proof.from_json(proof.to_json(), "p") == proof
    assert not verify_pok(public + BASE, proof, b"ctx", "label")
    assert not verify_pok(public, proof, b"ctx2", "label")
    assert not verify_pok(public, proof, b"ctx", "label2")
    assert not verify_pok(public, Proof(proof.challenge + 1, proof.response), b"ctx", "label")
    assert not verify_pok(public, Proof(proof.challenge, proof.response + 1), b"ctx", "label")


# --- range proof ----------------------------------------------------------------------------------
def test_range_proof_known_answer() -> None:
    """A 0/1 proof of m = 1 with r = 5, simulated branch (c₀, s₀) = (2, 3), real w = 4."""
    y = B(1000)
    z = B(77)
    r, m = 5, 1
    ct = Ciphertext(B(r), B(m) + y * r)
    a0 = B(3) - ct.alpha * 2
    b0 = y * 3 - ct.beta * 2
    a1, b1 = B(4), y * 4
    c = group.challenge("range", CTX, z, 2, 3, 0, 1, ct.alpha, ct.beta, a0, b0, a1, b1)
    c1 = (c - 2) % L
    proof = prove_range(
        y, ct, m, r, lo=0, hi=1, ctx=CTX, credential=z, question=2, index=3, rng=fixed(2, 3, 4)
    )
    assert proof == (Proof(2, 3), Proof(c1, (4 + c1 * r) % L))
    assert range_proof_from_json(range_proof_json(proof), "p", 0, 1) == proof


@st.composite
def range_cases(draw: st.DrawFn) -> tuple[int, int, int, int, int]:
    lo = draw(st.integers(0, 3))
    hi = draw(st.integers(lo, lo + 3))
    m = draw(st.integers(lo, hi))
    return lo, hi, m, draw(scalars), draw(scalars)


Z99 = B(99)


def check_range(  # noqa: PLR0917 - every public input of the statement
    y: Point,
    ct: Ciphertext,
    proof: tuple[Proof, ...] | list[Proof],
    lo: int,
    hi: int,
    ctx: bytes = CTX,
    credential: Point = Z99,
    question: int = 1,
    index: int = 2,
) -> bool:
    return verify_range(
        y, ct, proof, lo=lo, hi=hi, ctx=ctx, credential=credential, question=question, index=index
    )


def make_range(y: Point, ct: Ciphertext, m: int, r: int, *, lo: int, hi: int) -> tuple[Proof, ...]:
    return prove_range(y, ct, m, r, lo=lo, hi=hi, ctx=CTX, credential=Z99, question=1, index=2)


@FEW
@given(case=range_cases(), tamper=st.data())
def test_range_proof_complete_and_sound(
    case: tuple[int, int, int, int, int], tamper: st.DataObject
) -> None:
    lo, hi, m, r, key = case
    y = B(key)
    ct = group.encrypt(y, m, r)
    proof = make_range(y, ct, m, r, lo=lo, hi=hi)
    assert check_range(y, ct, proof, lo, hi)
    k = tamper.draw(st.integers(0, hi - lo))
    bumped = list(proof)
    bumped[k] = Proof(proof[k].challenge, (proof[k].response + 1) % L)
    assert not check_range(y, ct, bumped, lo, hi)
    bumped[k] = Proof((proof[k].challenge + 1) % L, proof[k].response)
    assert not check_range(y, ct, bumped, lo, hi)
    assert not check_range(y, Ciphertext(ct.alpha + BASE, ct.beta), proof, lo, hi)
    assert not check_range(y, Ciphertext(ct.alpha, ct.beta + BASE), proof, lo, hi)
    assert not check_range(y + BASE, ct, proof, lo, hi)
    assert not check_range(y, ct, proof, lo, hi, ctx=bytes(32))
    assert not check_range(y, ct, proof, lo, hi, credential=B(98))
    assert not check_range(y, ct, proof, lo, hi, question=2)
    assert not check_range(y, ct, proof, lo, hi, index=3)
    if hi > lo:
        assert not check_range(y, ct, proof[1:] + proof[:1], lo, hi)


def test_range_proof_binds_its_bounds() -> None:
    y = B(1234)
    ct = group.encrypt(y, 1, 77)
    proof = make_range(y, ct, 1, 77, lo=1, hi=2)
    assert check_range(y, ct, proof, 1, 2)
    assert not check_range(y, ct, proof, 0, 1)
    assert not check_range(y, ct, proof, 1, 3)


@FEW
@given(m=st.integers(2, 50), r=scalars)
def test_no_range_proof_for_a_value_outside(m: int, r: int) -> None:
    y = B(4321)
    ct = group.encrypt(y, m, r)
    with pytest.raises(ValueError, match="outside"):
        make_range(y, ct, m, r, lo=0, hi=1)
    # A prover who claims another m gets a proof that does not verify.
    forged = make_range(y, ct, 1, r, lo=0, hi=1)
    assert not check_range(y, ct, forged, 0, 1)


# --- ranked proof of knowledge --------------------------------------------------------------------
def test_ranked_known_answer() -> None:
    y, z = B(31), B(32)
    rs, ws = [5, 6], [8, 9]
    cts = [group.encrypt(y, 100, rs[0]), group.encrypt(y, 7, rs[1])]
    c = group.challenge(
        "ranked", CTX, z, 4, cts[0].alpha, cts[0].beta, B(8), cts[1].alpha, cts[1].beta, B(9)
    )
    proof = prove_ranked(cts, rs, ctx=CTX, credential=z, question=4, rng=fixed(*ws))
    assert proof == RankedProof(c, ((8 + c * 5) % L, (9 + c * 6) % L))
    assert RankedProof.from_json(proof.to_json(), "p", 2) == proof


@FEW
@given(rs=st.lists(scalars, min_size=1, max_size=5), tamper=st.data())
def test_ranked_complete_and_sound(rs: list[int], tamper: st.DataObject) -> None:
    y, z = B(31), B(32)
    cts = [group.encrypt(y, k, r) for k, r in enumerate(rs)]
    proof = prove_ranked(cts, rs, ctx=CTX, credential=z, question=0)
    assert verify_ranked(cts, proof, ctx=CTX, credential=z, question=0)
    k = tamper.draw(st.integers(0, len(rs) - 1))
    responses = list(proof.responses)
    responses[k] = (responses[k] + 1) % L
    assert not verify_ranked(
        cts, RankedProof(proof.challenge, tuple(responses)), ctx=CTX, credential=z, question=0
    )
    assert not verify_ranked(
        cts, RankedProof(proof.challenge + 1, proof.responses), ctx=CTX, credential=z, question=0
    )
    moved = list(cts)
    moved[k] = Ciphertext(cts[k].alpha, cts[k].beta + BASE)
    assert not verify_ranked(moved, proof, ctx=CTX, credential=z, question=0)
    assert not verify_ranked(cts, proof, ctx=CTX, credential=z + BASE, question=0)
    assert not verify_ranked(cts, proof, ctx=bytes(32), credential=z, question=0)
    assert not verify_ranked(cts, proof, ctx=CTX, credential=z, question=1)
    if len(cts) > 1:
        assert not verify_ranked(cts[::-1], proof, ctx=CTX, credential=z, question=0)


# --- signature ------------------------------------------------------------------------------------
def test_signature_known_answer() -> None:
    answers: list[dict[str, list[str]]] = [{"choices": []}]
    digest = hashlib.sha256(b'[{"choices":[]}]').digest()
    c = group.challenge("signature", CTX, B(21), B(13), digest)
    assert sign_answers(21, answers, ctx=CTX, rng=fixed(13)) == Proof(c, (13 + c * 21) % L)


@FEW
@given(z=scalars)
def test_signature_complete_and_sound(z: int) -> None:
    answers = [{"x": "1"}]
    sig = sign_answers(z, answers, ctx=CTX)
    assert verify_signature(B(z), sig, answers, ctx=CTX)
    assert not verify_signature(B(z) + BASE, sig, answers, ctx=CTX)
    assert not verify_signature(B(z), sig, [{"x": "2"}], ctx=CTX)
    assert not verify_signature(B(z), sig, answers, ctx=bytes(32))
    assert not verify_signature(B(z), Proof(sig.challenge, sig.response + 1), answers, ctx=CTX)


# --- decryption -----------------------------------------------------------------------------------
def test_decryption_share_known_answer() -> None:
    secret, w, index = 17, 19, 2
    ct = group.encrypt(B(5), 3, 23)
    factor = ct.alpha * secret
    c = group.challenge("decrypt", CTX, 2, B(17), ct.alpha, factor, B(19), ct.alpha * 19)
    share = make_decryption_share(secret, index, ct, ctx=CTX, rng=fixed(w))
    assert share == DecryptionShare(factor, Proof(c, (w + c * secret) % L))
    assert DecryptionShare.from_json(share.to_json(), "s") == share


def shamir(a0: int, a1: int) -> dict[int, int]:
    """Shares of a 2-of-3 sharing of a0 (f(x) = a0 + a1·x), written out here."""
    return {j: (a0 + a1 * j) % L for j in (1, 2, 3)}


@FEW
@given(
    a0=scalars,
    a1=scalars,
    m=st.integers(0, 300),
    r=scalars,
    pair=st.sampled_from([(1, 2), (1, 3), (2, 3)]),
)
def test_two_of_three_decrypt_and_one_cannot(
    a0: int, a1: int, m: int, r: int, pair: tuple[int, int]
) -> None:
    shares = shamir(a0, a1)
    y = B(a0)
    ct = group.encrypt(y, m, r)
    table = DlogTable(301)
    made = {j: make_decryption_share(shares[j], j, ct, ctx=CTX) for j in pair}
    for j, share in made.items():
        assert verify_decryption_share(share, j, B(shares[j]), ct, ctx=CTX)
    assert table.log(combine_shares(ct, {j: s.factor for j, s in made.items()})) == m
    alone = pair[0]
    assert combine_shares(ct, {alone: made[alone].factor}) != B(m)


@FEW
@given(s=scalars)
def test_a_bad_decryption_share_is_rejected(s: int) -> None:
    ct = group.encrypt(B(3), 2, 41)
    share = make_decryption_share(s, 1, ct, ctx=CTX)
    key = B(s)
    assert verify_decryption_share(share, 1, key, ct, ctx=CTX)
    bad = [
        DecryptionShare(share.factor + BASE, share.proof),
        DecryptionShare(share.factor, Proof(share.proof.challenge + 1, share.proof.response)),
        DecryptionShare(share.factor, Proof(share.proof.challenge, share.proof.response + 1)),
    ]
    for tampered in bad:
        assert not verify_decryption_share(tampered, 1, key, ct, ctx=CTX)
    assert not verify_decryption_share(share, 2, key, ct, ctx=CTX)
    assert not verify_decryption_share(share, 1, key + BASE, ct, ctx=CTX)
    assert not verify_decryption_share(share, 1, key, Ciphertext(ct.alpha + BASE, ct.beta), ctx=CTX)
    assert not verify_decryption_share(share, 1, key, ct, ctx=bytes(32))
    # A factor computed with another secret, even with an honest-looking proof for that secret.
    other = make_decryption_share(s + 1, 1, ct, ctx=CTX)
    assert not verify_decryption_share(other, 1, key, ct, ctx=CTX)


def test_lagrange_coefficients_interpolate_at_zero() -> None:
    lambdas = lagrange_at_zero([1, 3])
    # f(0) = λ₁·f(1) + λ₃·f(3) for f(x) = 10 + 4x: λ₁ = 3/2, λ₃ = −1/2.
    assert lambdas == {1: 3 * pow(2, -1, L) % L, 3: -pow(2, -1, L) % L}
    assert (lambdas[1] * 14 + lambdas[3] * 22) % L == 10
    for bad in ([], [1, 1], [0, 2]):
        with pytest.raises(ValueError, match="distinct"):
            lagrange_at_zero(bad)


def test_dlog_table_by_repeated_addition_and_giant_steps() -> None:
    table = DlogTable(50)
    point = group.IDENTITY
    for m in range(50):
        assert table.log(point) == m
        point = point + BASE
    assert table.log(B(50)) is None
    assert table.log(B(123), bound=200) == 123
    assert table.log(B(123), bound=122) is None
    assert table.log(B(L - 1), bound=1000) is None


def test_the_specifications_test_vector_holds() -> None:
    """docs/verifiable.md §3.2's transcript, challenge and digest, recomputed with hashlib."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "verifiable.md").read_text()
    section = doc.split("### §3.2 The transcript")[1].split("### §3.3")[0]
    block = section.split("```")[3]  # the second fenced block: the bytes, one part per line
    layout = bytes.fromhex("".join(block.split()))
    head = b"moot-verifiable/1/pok"
    expected = struct.pack(">I", len(head)) + head
    expected += struct.pack(">I", 33) + b"P" + bytes.fromhex("58" + "66" * 31)
    expected += struct.pack(">I", 33) + b"N" + (7).to_bytes(32, "little")
    expected += struct.pack(">I", 3) + b"S" + b"ab"
    expected += struct.pack(">I", 3) + b"B" + b"\x01\x02"
    assert layout == expected == group.transcript("pok", [BASE, 7, "ab", b"\x01\x02"])
    c = int.from_bytes(hashlib.sha512(expected).digest(), "little") % L
    assert (
        f"its challenge (as a scalar on the wire) is\n`{c.to_bytes(32, 'little').hex()}`" in section
    )
    assert f"digest\n`{hashlib.sha256(expected).hexdigest()}`" in section
