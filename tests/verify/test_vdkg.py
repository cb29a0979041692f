"""Threshold key generation (moot.verify.vdkg): a 2-of-3 run end to end, commit-then-reveal,
shares checked against commitments, complaints, sealed shares, and decryption by any 2 of the
3 trustees (never by 1)."""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moot.verify import group
from moot.verify.group import BASE, L, Point
from moot.verify.vcommon import ProofError
from moot.verify.vdkg import (
    box_public_key,
    check_box_key_complaint,
    check_complaint,
    check_share,
    commitment_hash,
    commitments,
    dealer_disqualified,
    evaluate,
    joint_public_key,
    new_box_key,
    open_share,
    open_with_box_key,
    packet_box_key,
    prove_coefficients,
    prove_share,
    random_polynomial,
    seal_share,
    secret_share,
    verification_keys,
    verify_coefficients,
    verify_share_proof,
)
from moot.verify.vproofs import (
    DlogTable,
    Proof,
    combine_shares,
    make_decryption_share,
    verify_decryption_share,
)

pytestmark = pytest.mark.pure

UUID = "b7c0e1d2-5a6f-4e3d-8c9b-0a1b2c3d4e5f"
CTX = hashlib.sha256(b"election").digest()


def B(n: int) -> Point:
    return Point.base_times(n)


def fixed(*values: int) -> Callable[[], int]:
    stream: Iterator[int] = iter(values)
    return lambda: next(stream)


def test_polynomial_and_commitment_hash_known_answers() -> None:
    coefficients = random_polynomial(3, rng=fixed(5, 7, 11))
    assert coefficients == [5, 7, 11]
    assert evaluate(coefficients, 2) == 5 + 7 * 2 + 11 * 4
    assert evaluate(coefficients, 0) == 5
    assert commitments(coefficients) == [B(5), B(7), B(11)]
    head = b"moot-verifiable/1/dkg-commit"
    framed = struct.pack(">I", len(head)) + head
    framed += struct.pack(">I", 1 + len(UUID)) + b"S" + UUID.encode()
    framed += struct.pack(">I", 33) + b"N" + (2).to_bytes(32, "little")
    for a in (5, 7, 11):
        framed += struct.pack(">I", 33) + b"P" + bytes(B(a))
    assert commitment_hash(UUID, 2, [B(5), B(7), B(11)]) == hashlib.sha256(framed).hexdigest()


def test_coefficient_proofs_known_answer() -> None:
    proofs = prove_coefficients(UUID, 3, [5, 7], rng=fixed(13, 17))
    c0 = group.challenge("pok", UUID.encode(), B(5), B(13), "dkg:trustee=3:coefficient=0")
    c1 = group.challenge("pok", UUID.encode(), B(7), B(17), "dkg:trustee=3:coefficient=1")
    assert proofs == [Proof(c0, (13 + c0 * 5) % L), Proof(c1, (17 + c1 * 7) % L)]
    share = prove_share(UUID, 2, 99, rng=fixed(23))
    c = group.challenge("pok", UUID.encode(), B(99), B(23), "dkg:trustee=2:share")
    assert share == Proof(c, (23 + c * 99) % L)


def run_dkg(threshold: int, n: int) -> tuple[dict[int, list[int]], dict[int, list[Point]]]:
    """Every trustee deals; every reveal and share checked as the trustees do."""
    polys = {i: random_polynomial(threshold) for i in range(1, n + 1)}
    dealt = {i: commitments(p) for i, p in polys.items()}
    hashes = {i: commitment_hash(UUID, i, points) for i, points in dealt.items()}
    for i, p in polys.items():
        proofs = prove_coefficients(UUID, i, p)
        verify_coefficients(UUID, i, dealt[i], proofs, threshold=threshold, committed=hashes[i])
        for j in range(1, n + 1):
            assert check_share(evaluate(p, j), j, dealt[i])
    return polys, dealt


@settings(max_examples=5, deadline=None)
@given(m=st.integers(0, 200), data=st.data())
def test_two_of_three_end_to_end(m: int, data: st.DataObject) -> None:
    polys, dealt = run_dkg(2, 3)
    y = joint_public_key(dealt)
    assert y == B(sum(p[0] for p in polys.values()))
    keys = verification_keys(dealt, 3)
    secrets = {j: secret_share({i: evaluate(p, j) for i, p in polys.items()}) for j in (1, 2, 3)}
    for j, s in secrets.items():
        assert keys[j] == B(s)
        assert verify_share_proof(UUID, j, keys[j], prove_share(UUID, j, s))
        assert not verify_share_proof(UUID, j % 3 + 1, keys[j], prove_share(UUID, j, s))
    ct = group.encrypt(y, m, group.random_scalar())
    pair = data.draw(st.sampled_from([(1, 2), (1, 3), (2, 3)]))
    shares = {j: make_decryption_share(secrets[j], j, ct, ctx=CTX) for j in pair}
    assert all(verify_decryption_share(s, j, keys[j], ct, ctx=CTX) for j, s in shares.items())
    assert DlogTable(201).log(combine_shares(ct, {j: s.factor for j, s in shares.items()})) == m
    all_three = {j: make_decryption_share(secrets[j], j, ct, ctx=CTX).factor for j in (1, 2, 3)}
    assert DlogTable(201).log(combine_shares(ct, all_three)) == m
    one = pair[0]
    assert combine_shares(ct, {one: shares[one].factor}) != B(m)


def test_a_reveal_that_differs_from_the_commitment_is_refused() -> None:
    coefficients = [5, 7]
    points = commitments(coefficients)
    committed = commitment_hash(UUID, 1, points)
    proofs = prove_coefficients(UUID, 1, coefficients)
    verify_coefficients(UUID, 1, points, proofs, threshold=2, committed=committed)
    swapped = [points[0] + BASE, points[1]]
    with pytest.raises(ProofError) as changed:
        verify_coefficients(UUID, 1, swapped, proofs, threshold=2, committed=committed)
    assert changed.value.where == "commitments"
    with pytest.raises(ProofError) as rehashed:
        verify_coefficients(
            UUID, 1, swapped, proofs, threshold=2, committed=commitment_hash(UUID, 1, swapped)
        )
    assert rehashed.value.where == "proofs[0]"
    with pytest.raises(ProofError) as other_dealer:
        verify_coefficients(
            UUID, 2, points, proofs, threshold=2, committed=commitment_hash(UUID, 2, points)
        )
    assert other_dealer.value.where == "proofs[0]"
    with pytest.raises(ProofError) as other_election:
        verify_coefficients(
            "other", 1, points, proofs, threshold=2, committed=commitment_hash("other", 1, points)
        )
    assert other_election.value.where == "proofs[0]"
    with pytest.raises(ProofError, match="expected 3"):
        verify_coefficients(UUID, 1, points, proofs, threshold=3, committed=committed)


@settings(max_examples=10, deadline=None)
@given(a=st.lists(st.integers(1, L - 1), min_size=2, max_size=2), j=st.integers(1, 5))
def test_complaints(a: list[int], j: int) -> None:
    points = commitments(a)
    good = evaluate(a, j)
    assert not check_complaint(good, j, points)  # a false complaint
    assert check_complaint(good + 1, j, points)
    assert not dealer_disqualified(good + 1, good, j, points)  # answered in public
    assert dealer_disqualified(good + 1, None, j, points)
    assert dealer_disqualified(good + 1, good + 2, j, points)
    assert not dealer_disqualified(good, None, j, points)


def test_sealed_shares_open_only_for_their_trustee_and_election() -> None:
    private, public = new_box_key()
    assert box_public_key(private) == public
    sealed = seal_share(public, UUID, 1, 2, 12345)
    assert open_share(private, sealed, UUID, 1, 2) == 12345
    assert seal_share(public, UUID, 1, 2, 12345) != sealed  # a fresh ephemeral key each time
    other_private, _ = new_box_key()
    with pytest.raises(ProofError, match="cannot be opened"):
        open_share(other_private, sealed, UUID, 1, 2)
    for args, where in (
        (("other", 1, 2), "sealed.uuid"),
        ((UUID, 3, 2), "sealed.dealer"),
        ((UUID, 1, 3), "sealed.recipient"),
    ):
        with pytest.raises(ProofError) as wrong:
            open_share(private, sealed, *args)
        assert wrong.value.where == where
    with pytest.raises(ProofError, match="cannot be opened"):
        open_share(private, sealed[:-8] + "AAAAAAA=", UUID, 1, 2)
    with pytest.raises(ProofError, match="X25519"):
        seal_share("zz", UUID, 1, 2, 5)


def test_a_complaint_reveals_the_packets_box_key_and_cannot_frame_an_honest_dealer() -> None:
    private, public = new_box_key()
    a = [5, 7]
    points = commitments(a)
    bad = seal_share(public, UUID, 1, 2, evaluate(a, 2) + 1)
    good = seal_share(public, UUID, 1, 2, evaluate(a, 2))
    key = packet_box_key(bad, private)
    assert (
        open_with_box_key(bad, key, public, uuid=UUID, dealer=1, recipient=2) == evaluate(a, 2) + 1
    )
    assert (
        check_box_key_complaint(
            bad, key, public, uuid=UUID, dealer=1, recipient=2, commitments=points
        )
        == evaluate(a, 2) + 1
    )
    with pytest.raises(ProofError, match="passes its check"):
        check_box_key_complaint(
            good,
            packet_box_key(good, private),
            public,
            uuid=UUID,
            dealer=1,
            recipient=2,
            commitments=points,
        )
    with pytest.raises(ProofError, match="does not open"):  # one packet's key opens no other
        open_with_box_key(good, key, public, uuid=UUID, dealer=1, recipient=2)
    with pytest.raises(ProofError) as other:
        check_box_key_complaint(
            bad, key, public, uuid=UUID, dealer=3, recipient=2, commitments=points
        )
    assert other.value.where == "sealed.dealer"


def test_packets_are_those_of_the_trustee_tool() -> None:
    """moot trustee (moot.trustee.dkg) seals and complains in the same format."""
    from moot.trustee import dkg as tool

    keys = tool.SealKeys.generate()
    public = keys.public.hex()
    theirs = tool.seal_share(UUID, 1, 2, 4242, keys.public)
    assert open_share(keys.secret, theirs, UUID, 1, 2) == 4242
    assert packet_box_key(theirs, keys.secret) == tool.box_key(theirs, keys.secret)
    ours = seal_share(public, UUID, 1, 2, 4243)
    assert tool.open_share(ours, keys=keys, uuid=UUID, dealer=1, recipient=2) == 4243
