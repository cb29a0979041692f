"""The trustee's arithmetic without a server: a 2-of-3 key generation whose shares decrypt,
sealed packets only their recipient opens, a complaint that holds only against a dealer who
really sealed a bad share."""

from __future__ import annotations

import pytest

from moot.trustee import dkg
from moot.verify import group, vproofs
from moot.verify.group import Point
from moot.verify.vcommon import ProofError

pytestmark = pytest.mark.pure

UUID = "5b0c3f8e-1111-4a2b-9c3d-000000000012"


def make_dealers(threshold: int = 2, n: int = 3) -> dict[int, list[int]]:
    return {i: dkg.random_polynomial(threshold) for i in range(1, n + 1)}


def test_reveal_checks_and_the_shares_decrypt_with_any_two() -> None:
    polys = make_dealers()
    points = {}
    for i, coefficients in polys.items():
        digest = dkg.commitment_hash(UUID, i, dkg.commitments(coefficients))
        revealed = dkg.reveal(UUID, i, coefficients)
        points[i] = dkg.check_reveal(
            UUID, index=i, threshold=2, expected_hash=digest, revealed=revealed
        )
    key = dkg.joint_public_key([p[0] for p in points.values()])
    shares = {j: sum(dkg.evaluate(polys[i], j) for i in polys) % group.L for j in polys}
    for j, share in shares.items():
        assert Point.base_times(share) == dkg.verification_key(points, j)
    ct = group.encrypt(key, 7, group.random_scalar())
    for pair in ((1, 2), (1, 3), (2, 3)):
        factors = {j: ct.alpha * shares[j] for j in pair}
        assert vproofs.combine_shares(ct, factors) == Point.base_times(7)
    factors = {1: ct.alpha * shares[1]}
    assert vproofs.combine_shares(ct, factors) != Point.base_times(7)  # one is not enough


def test_a_reveal_that_differs_from_its_commitment_or_has_a_bad_proof_is_refused() -> None:
    coefficients = dkg.random_polynomial(2)
    digest = dkg.commitment_hash(UUID, 1, dkg.commitments(coefficients))
    other = dkg.reveal(UUID, 1, dkg.random_polynomial(2))
    with pytest.raises(ProofError, match="do not match the hash this trustee committed to"):
        dkg.check_reveal(UUID, index=1, threshold=2, expected_hash=digest, revealed=other)
    revealed = dkg.reveal(UUID, 1, coefficients)
    revealed[1]["proof"] = revealed[0]["proof"]
    with pytest.raises(ProofError, match="coefficient 1 does not verify"):
        dkg.check_reveal(UUID, index=1, threshold=2, expected_hash=digest, revealed=revealed)
    as_two = dkg.commitment_hash(UUID, 2, dkg.commitments(coefficients))
    with pytest.raises(ProofError, match="does not verify"):  # trustee 1's proofs, as trustee 2
        dkg.check_reveal(
            UUID,
            index=2,
            threshold=2,
            expected_hash=as_two,
            revealed=dkg.reveal(UUID, 1, coefficients),
        )


def test_a_packet_opens_for_its_recipient_only_and_names_its_dealer() -> None:
    alice, bob = dkg.SealKeys.generate(), dkg.SealKeys.generate()
    sealed = dkg.seal_share(UUID, 1, 2, 12345, bob.public)
    assert dkg.open_share(sealed, keys=bob, uuid=UUID, dealer=1, recipient=2) == 12345
    with pytest.raises(ProofError, match="cannot be opened with this trustee's key"):
        dkg.open_share(sealed, keys=alice, uuid=UUID, dealer=1, recipient=2)
    with pytest.raises(
        ProofError, match="the share is for another dealer"
    ):  # the server swapped two packets
        dkg.open_share(sealed, keys=bob, uuid=UUID, dealer=3, recipient=2)


def test_a_complaint_holds_only_against_a_bad_share_really_sealed() -> None:
    coefficients = dkg.random_polynomial(2)
    points = dkg.commitments(coefficients)
    bob = dkg.SealKeys.generate()
    good = dkg.seal_share(UUID, 1, 2, dkg.evaluate(coefficients, 2), bob.public)
    bad = dkg.seal_share(UUID, 1, 2, dkg.evaluate(coefficients, 2) + 1, bob.public)
    key = dkg.box_key(bad, bob.secret).hex()
    share = dkg.check_complaint(
        bad,
        key_hex=key,
        recipient_seal_key=bob.public,
        uuid=UUID,
        dealer=1,
        recipient=2,
        dealer_points=points,
    )
    assert share == dkg.evaluate(coefficients, 2) + 1
    with pytest.raises(ProofError, match="passes its check"):  # framing an honest dealer
        dkg.check_complaint(
            good,
            key_hex=dkg.box_key(good, bob.secret).hex(),
            recipient_seal_key=bob.public,
            uuid=UUID,
            dealer=1,
            recipient=2,
            dealer_points=points,
        )
    with pytest.raises(ProofError, match="does not open"):  # a made-up key
        dkg.check_complaint(
            good,
            key_hex="11" * 32,
            recipient_seal_key=bob.public,
            uuid=UUID,
            dealer=1,
            recipient=2,
            dealer_points=points,
        )
