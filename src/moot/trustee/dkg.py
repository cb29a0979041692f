"""The threshold key generation's arithmetic as a trustee and the server need it
(docs/verifiable.md §9): Joint-Feldman with commit-then-reveal, shares sealed to each
recipient's X25519 key, complaints anyone can check.

* Trustee i draws ``f_i`` of degree t−1 (coefficients ``a_{i,k}``), publishes first
  ``commitment_hash_i = digest("dkg-commit", uuid, i, F_{i,0}, …, F_{i,t−1})`` and, once all
  n hashes are in, ``F_{i,k} = a_{i,k}·B`` each with a proof of knowledge (label
  ``dkg:trustee=i:coefficient=k``, context = the ballot's uuid as UTF-8 bytes).
* The share ``f_i(j)`` goes to trustee j in a libsodium sealed box whose plaintext names the
  election, the dealer and the recipient (so the server cannot swap packets).
* Trustee j checks ``f_i(j)·B == Σ_k j^k·F_{i,k}``. A complaint reveals the packet's box key
  (``crypto_box_beforenm(ephemeral, recipient secret)``), which opens that one packet and no
  other: anyone re-opens it and sees the dealer's own bad share — a complainant cannot frame an
  honest dealer, since a different key does not open the box.
* ``Y = Σ_{i∈QUAL} F_{i,0}``, ``V_j = Σ_{i∈QUAL} Σ_k j^k·F_{i,k}``, ``s_j = Σ_{i∈QUAL} f_i(j)``;
  trustee j proves knowledge of s_j (label ``dkg:trustee=j:share``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import nacl.bindings as sodium
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from moot.verify import group, vproofs
from moot.verify.group import IDENTITY, L, Point
from moot.verify.vcommon import ProofError, canonical, read_object, read_point, read_scalar

Rng = Callable[[], int]


def coefficient_label(index: int, k: int) -> str:
    return f"dkg:trustee={index}:coefficient={k}"


def share_label(index: int) -> str:
    return f"dkg:trustee={index}:share"


# --- proofs of knowledge (moot.verify.vproofs §6.1) ------------------------------------------
def prove_knowledge(
    secret: int, context: bytes, label: str, rng: Rng = group.random_scalar
) -> dict[str, str]:
    """A Schnorr proof of knowledge of ``secret`` for ``X = secret·B``, as posted."""
    return vproofs.prove_pok(secret, context, label, rng).to_json()


def check_knowledge(
    public: Point, proof: object, context: bytes, label: str, where: str = "proof"
) -> None:
    if not vproofs.verify_pok(public, vproofs.Proof.from_json(proof, where), context, label):
        raise ProofError(where, f"the proof of knowledge for {label} does not verify")


# --- polynomials ----------------------------------------------------------------------------
def random_polynomial(threshold: int, rng: Rng = group.random_scalar) -> list[int]:
    return [rng() for _ in range(threshold)]


def evaluate(coefficients: Sequence[int], x: int) -> int:
    value = 0
    for a in reversed(coefficients):
        value = (value * x + a) % L
    return value


def commitments(coefficients: Sequence[int]) -> list[Point]:
    return [Point.base_times(a) for a in coefficients]


def commitment_hash(uuid: str, index: int, points: Sequence[Point]) -> str:
    return group.digest("dkg-commit", uuid, index, *points)


def reveal(
    uuid: str, index: int, coefficients: Sequence[int], rng: Rng = group.random_scalar
) -> list[dict[str, object]]:
    """The coefficients' points, each with its proof of knowledge (as posted)."""
    context = uuid.encode("utf-8")
    return [
        {
            "point": Point.base_times(a).hex(),
            "proof": prove_knowledge(a, context, coefficient_label(index, k), rng),
        }
        for k, a in enumerate(coefficients)
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
    them, that each proof verifies and that they match the hash posted before."""
    if not isinstance(revealed, list) or len(revealed) != threshold:
        raise ProofError(where, f"expected {threshold} coefficients (the threshold)")
    context = uuid.encode("utf-8")
    points: list[Point] = []
    for k, item in enumerate(revealed):
        data = read_object(item, f"{where}[{k}]", ("point", "proof"))
        point = read_point(data["point"], f"{where}[{k}].point")
        check_knowledge(
            point, data["proof"], context, coefficient_label(index, k), f"{where}[{k}].proof"
        )
        points.append(point)
    if commitment_hash(uuid, index, points) != expected_hash:
        raise ProofError(where, "the coefficients do not match the commitment hash posted before")
    return points


def expected_share_point(points: Sequence[Point], recipient: int) -> Point:
    """``Σ_k j^k·F_{i,k}``: what ``f_i(j)·B`` must be."""
    total = IDENTITY
    power = 1
    for point in points:
        total = total + point * power
        power = power * recipient % L
    return total


def share_is_good(points: Sequence[Point], recipient: int, share: int) -> bool:
    return Point.base_times(share) == expected_share_point(points, recipient)


def joint_public_key(first_points: Sequence[Point]) -> Point:
    total = IDENTITY
    for point in first_points:
        total = total + point
    return total


def verification_key(all_points: Mapping[int, Sequence[Point]], recipient: int) -> Point:
    """``V_j`` from the qualified dealers' points (index → F_{i,·})."""
    total = IDENTITY
    for points in all_points.values():
        total = total + expected_share_point(points, recipient)
    return total


# --- sealed shares --------------------------------------------------------------------------
@dataclass(frozen=True)
class SealKeys:
    secret: bytes
    public: bytes

    @classmethod
    def generate(cls) -> SealKeys:
        key = PrivateKey.generate()
        return cls(bytes(key), bytes(key.public_key))


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


def _packet_plaintext(uuid: str, dealer: int, recipient: int, share: int) -> bytes:
    return canonical(
        {"uuid": uuid, "dealer": dealer, "recipient": recipient, "share": group.scalar_hex(share)}
    )


def seal_share(uuid: str, dealer: int, recipient: int, share: int, seal_key: bytes) -> str:
    box = SealedBox(PublicKey(seal_key))
    return base64.b64encode(box.encrypt(_packet_plaintext(uuid, dealer, recipient, share))).decode()


def _decode_packet(sealed: str, where: str) -> bytes:
    try:
        raw = base64.b64decode(sealed.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, AttributeError) as exc:
        raise ProofError(where, "a sealed packet is base64") from exc
    if len(raw) < 32 + 16:
        raise ProofError(where, "too short for a sealed box")
    return raw


def _read_plaintext(plain: bytes, uuid: str, dealer: int, recipient: int, where: str) -> int:
    try:
        data = json.loads(plain.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProofError(where, "the packet does not hold JSON") from exc
    data = read_object(data, where, ("uuid", "dealer", "recipient", "share"))
    if (data["uuid"], data["dealer"], data["recipient"]) != (uuid, dealer, recipient):
        raise ProofError(
            where,
            f"the packet names election {data['uuid']}, dealer {data['dealer']}, recipient "
            f"{data['recipient']}: not this one",
        )
    return read_scalar(data["share"], f"{where}.share")


def box_key(sealed: str, seal_secret: bytes) -> bytes:
    """The key that opens this packet and no other (a complaint reveals it)."""
    raw = _decode_packet(sealed, "packet")
    return bytes(sodium.crypto_box_beforenm(raw[:32], seal_secret))


def open_with_box_key(
    sealed: str,
    *,
    key: bytes,
    recipient_seal_key: bytes,
    uuid: str,
    dealer: int,
    recipient: int,
    where: str = "packet",
) -> int:
    """The share inside a packet, opened with its box key (what the recipient or, after a
    complaint, anyone does)."""
    raw = _decode_packet(sealed, where)
    nonce = hashlib.blake2b(raw[:32] + recipient_seal_key, digest_size=24).digest()
    try:
        plain = sodium.crypto_box_open_afternm(raw[32:], nonce, key)
    except CryptoError as exc:
        raise ProofError(where, "the key given does not open this packet") from exc
    return _read_plaintext(plain, uuid, dealer, recipient, where)


def open_share(
    sealed: str, *, keys: SealKeys, uuid: str, dealer: int, recipient: int, where: str = "packet"
) -> int:
    return open_with_box_key(
        sealed,
        key=box_key(sealed, keys.secret),
        recipient_seal_key=keys.public,
        uuid=uuid,
        dealer=dealer,
        recipient=recipient,
        where=where,
    )


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
    share = open_with_box_key(
        sealed,
        key=key,
        recipient_seal_key=recipient_seal_key,
        uuid=uuid,
        dealer=dealer,
        recipient=recipient,
    )
    if share_is_good(dealer_points, recipient, share):
        raise ProofError(
            "box_key", f"the share trustee {dealer} sealed to trustee {recipient} passes its check"
        )
    return share
