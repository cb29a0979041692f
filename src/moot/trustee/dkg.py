"""The threshold key generation as ``moot trustee`` and the server's checks post it: the wire
shapes (coefficients as ``[{"point", "proof"}]``, keys and box keys as hex) over
:mod:`moot.verify.vdkg`, which holds the arithmetic, the proofs and the sealed packets
(docs/verifiable.md §9).

* Trustee i publishes first ``commitment_hash_i`` and, once all n hashes are in, the points
  ``F_{i,k}`` each with a proof of knowledge — checked against the hash on arrival.
* The share ``f_i(j)`` goes to trustee j in a sealed box naming the election, the dealer and
  the recipient (the server cannot swap packets).
* A complaint reveals the packet's box key: anyone re-opens that one packet and sees the
  dealer's own bad share; a complainant cannot frame an honest dealer.
* ``Y = Σ_{i∈QUAL} F_{i,0}``, ``V_j = Σ_{i∈QUAL} Σ_k j^k·F_{i,k}``, ``s_j = Σ_{i∈QUAL} f_i(j)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from moot.verify import group, vdkg
from moot.verify.group import Point
from moot.verify.vcommon import ProofError, Rng, read_object, read_point
from moot.verify.vproofs import Proof

random_polynomial = vdkg.random_polynomial
evaluate = vdkg.evaluate
commitments = vdkg.commitments
commitment_hash = vdkg.commitment_hash
coefficient_label = vdkg.coefficient_label
share_label = vdkg.share_label


def prove_knowledge(
    secret: int, context: bytes, label: str, rng: Rng = group.random_scalar
) -> dict[str, str]:
    """A Schnorr proof of knowledge of ``secret`` for ``X = secret·B``, as posted."""
    from moot.verify.vproofs import prove_pok

    return prove_pok(secret, context, label, rng).to_json()


def check_knowledge(
    public: Point, proof: object, context: bytes, label: str, where: str = "proof"
) -> None:
    from moot.verify.vproofs import verify_pok

    if not verify_pok(public, Proof.from_json(proof, where), context, label):
        raise ProofError(where, f"the proof of knowledge for {label} does not verify")


def reveal(
    uuid: str, index: int, coefficients: Sequence[int], rng: Rng = group.random_scalar
) -> list[dict[str, object]]:
    """The coefficients' points, each with its proof of knowledge (as posted)."""
    proofs = vdkg.prove_coefficients(uuid, index, coefficients, rng)
    return [
        {"point": point.hex(), "proof": proof.to_json()}
        for point, proof in zip(vdkg.commitments(coefficients), proofs, strict=True)
    ]


def check_reveal(
    uuid: str,
    *,
    index: int,
    threshold: int,
    expected_hash: str,
    revealed: object,
    where: str = "coefficients",
) -> list[Point]:
    """The points of a trustee's revealed coefficients, after checking that there are t of
    them, that they match the hash posted before and that each proof verifies."""
    if not isinstance(revealed, list) or len(revealed) != threshold:
        raise ProofError(where, f"expected {threshold} coefficients (the threshold)")
    points: list[Point] = []
    proofs: list[Proof] = []
    for k, item in enumerate(revealed):
        data = read_object(item, f"{where}[{k}]", ("point", "proof"))
        points.append(read_point(data["point"], f"{where}[{k}].point"))
        proofs.append(Proof.from_json(data["proof"], f"{where}[{k}].proof"))
    try:
        vdkg.verify_coefficients(
            uuid, index, points, proofs, threshold=threshold, committed=expected_hash
        )
    except ProofError as exc:
        raise exc.within(where) from exc
    return points


def share_is_good(points: Sequence[Point], recipient: int, share: int) -> bool:
    return vdkg.check_share(share, recipient, points)


def joint_public_key(first_points: Sequence[Point]) -> Point:
    return vdkg.joint_public_key({k: [p] for k, p in enumerate(first_points)})


def verification_key(all_points: Mapping[int, Sequence[Point]], recipient: int) -> Point:
    """``V_j`` from the qualified dealers' points (index → F_{i,·})."""
    return vdkg.verification_key(all_points, recipient)


# --- sealed shares --------------------------------------------------------------------------
@dataclass(frozen=True)
class SealKeys:
    secret: bytes
    public: bytes

    @classmethod
    def generate(cls) -> SealKeys:
        private, public = vdkg.new_box_key()
        return cls(private, bytes.fromhex(public))


def check_seal_key(text: object, where: str = "seal_key") -> bytes:
    if not isinstance(text, str) or len(text) != 64:
        raise ProofError(where, "an X25519 public key is 64 lower-case hexadecimal digits")
    try:
        raw = bytes.fromhex(text)
    except ValueError as exc:
        raise ProofError(where, "not hexadecimal") from exc
    if raw.hex() != text or raw == bytes(32):
        raise ProofError(where, "not a usable X25519 public key (lower-case hex, not zero)")
    return raw


def seal_share(uuid: str, dealer: int, recipient: int, share: int, seal_key: bytes) -> str:
    return vdkg.seal_share(seal_key.hex(), uuid, dealer, recipient, share)


def box_key(sealed: str, seal_secret: bytes) -> bytes:
    """The key that opens this packet and no other (a complaint reveals it)."""
    return vdkg.packet_box_key(sealed, seal_secret)


def open_share(
    sealed: str, *, keys: SealKeys, uuid: str, dealer: int, recipient: int, where: str = "packet"
) -> int:
    try:
        return vdkg.open_share(keys.secret, sealed, uuid, dealer, recipient)
    except ProofError as exc:
        raise exc.within(where) from exc


def check_complaint(
    sealed: str,
    *,
    key_hex: str,
    recipient_seal_key: bytes,
    uuid: str,
    dealer: int,
    recipient: int,
    dealer_points: Sequence[Point],
) -> int:
    """A complaint holds when the revealed key opens the dealer's packet and the share inside
    fails its check; the share is returned. Raises :class:`ProofError` when it does not hold."""
    try:
        key = bytes.fromhex(key_hex)
    except (ValueError, TypeError) as exc:
        raise ProofError("box_key", "not hexadecimal") from exc
    if len(key) != 32:
        raise ProofError("box_key", "a box key is 32 bytes (64 hexadecimal digits)")
    return vdkg.check_box_key_complaint(
        sealed,
        key,
        recipient_seal_key.hex(),
        uuid=uuid,
        dealer=dealer,
        recipient=recipient,
        commitments=dealer_points,
    )
