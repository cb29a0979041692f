"""Threshold key generation of moot's verifiable ballots (docs/verifiable.md §9): t-of-n
Joint-Feldman with commit-then-reveal, run by the trustees on their own machines; the server
only relays.

Trustee i (1-based) picks a polynomial ``f_i`` of degree t−1 (coefficients ``a_{i,k}``),
publishes first ``commitment_hash_i = digest("dkg-commit", uuid, i, F_{i,0}, …, F_{i,t−1})``
and, once every hash is in, the commitments ``F_{i,k} = a_{i,k}·B`` each with a proof of
knowledge (label ``dkg:trustee=i:coefficient=k``, context the uuid's UTF-8 bytes): nobody can
choose their commitments after seeing the others' (the rushing adversary). Each share
``f_i(j)`` reaches trustee j sealed to j's X25519 key (libsodium's sealed box), which checks
it against the commitments; a bad share is answered by a complaint that reveals the packet's
box key, with which anyone re-opens that one packet and sees the bad share (the board then
records the share in clear, which anyone checks against the commitments). The joint key is
``Y = Σ_i F_{i,0}``, trustee j's verification key ``V_j = Σ_i Σ_k j^k·F_{i,k}`` (anyone
computes both), its secret ``s_j = Σ_i f_i(j)``, and j proves knowledge of ``s_j`` (label
``dkg:trustee=j:share``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping, Sequence

import nacl.bindings as sodium
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from moot.verify import group
from moot.verify.group import IDENTITY, L, Point
from moot.verify.vcommon import ProofError, Rng, at, canonical, read_object, read_scalar
from moot.verify.vproofs import Proof, prove_pok, verify_pok


# --- polynomials and commitments ------------------------------------------------------------------
def random_polynomial(threshold: int, rng: Rng = group.random_scalar) -> list[int]:
    """The ``threshold`` coefficients ``a_0 … a_{t−1}`` of a random polynomial of degree t−1."""
    if threshold < 1:
        raise ValueError("the threshold is at least 1")
    return [rng() for _ in range(threshold)]


def evaluate(coefficients: Sequence[int], x: int) -> int:
    """``f(x) = Σ_k a_k·x^k mod L`` (Horner)."""
    value = 0
    for a in reversed(coefficients):
        value = (value * x + a) % L
    return value


def commitments(coefficients: Sequence[int]) -> list[Point]:
    """``F_k = a_k·B``."""
    return [Point.base_times(a) for a in coefficients]


def commitment_hash(uuid: str, dealer: int, commitments: Sequence[Point]) -> str:
    """What trustee ``dealer`` publishes first: ``digest("dkg-commit", uuid, i, F_0, …)``."""
    return group.digest("dkg-commit", uuid, dealer, *commitments)


def coefficient_label(dealer: int, k: int) -> str:
    return f"dkg:trustee={dealer}:coefficient={k}"


def share_label(trustee: int) -> str:
    return f"dkg:trustee={trustee}:share"


def prove_coefficients(
    uuid: str, dealer: int, coefficients: Sequence[int], rng: Rng = group.random_scalar
) -> list[Proof]:
    """A proof of knowledge of each ``a_k`` (in order of k)."""
    context = uuid.encode("utf-8")
    return [
        prove_pok(a, context, coefficient_label(dealer, k), rng) for k, a in enumerate(coefficients)
    ]


def verify_coefficients(
    uuid: str,
    dealer: int,
    commitments: Sequence[Point],
    proofs: Sequence[Proof],
    *,
    threshold: int,
    committed: str,
) -> None:
    """Trustee ``dealer``'s reveal checked against its earlier ``committed`` hash: t
    commitments, each with its proof. Raises :class:`ProofError` naming the commitment."""
    if len(commitments) != threshold:
        raise ProofError(
            "commitments", f"expected {threshold} (the threshold), found {len(commitments)}"
        )
    if len(proofs) != threshold:
        raise ProofError(
            "proofs", f"expected {threshold} (one per commitment), found {len(proofs)}"
        )
    if commitment_hash(uuid, dealer, commitments) != committed:
        raise ProofError(
            "commitments", "do not match the hash this trustee committed to before the reveal"
        )
    context = uuid.encode("utf-8")
    for k, (point, proof) in enumerate(zip(commitments, proofs, strict=True)):
        if not verify_pok(point, proof, context, coefficient_label(dealer, k)):
            raise ProofError(
                at("proofs", k), f"the proof of knowledge of coefficient {k} does not verify"
            )


def commitment_at(commitments: Sequence[Point], j: int) -> Point:
    """``Σ_k j^k·F_k``: ``f(j)·B`` when the commitments are honest."""
    total = IDENTITY
    power = 1
    for point in commitments:
        total = total + point * power
        power = power * j % L
    return total


def check_share(share: int, j: int, commitments: Sequence[Point]) -> bool:
    """Trustee j's check of the share a dealer sent it: ``f_i(j)·B = Σ_k j^k·F_{i,k}``."""
    return Point.base_times(share) == commitment_at(commitments, j)


def check_complaint(revealed: int, j: int, commitments: Sequence[Point]) -> bool:
    """True when trustee j's complaint stands: the share it reveals in clear fails the
    equation. (A complaint with a share that passes is false, and is itself refused.)"""
    return not check_share(revealed, j, commitments)


def dealer_disqualified(
    complaint: int, answer: int | None, j: int, commitments: Sequence[Point]
) -> bool:
    """Whether a complaint disqualifies the dealer: it stands (:func:`check_complaint`) and the
    dealer did not answer it by publishing a share for j that passes. (The sealed box does not
    say who sealed it, so a relay could have swapped the share: the dealer's public answer
    settles it, at the cost of that one share becoming public.)"""
    if not check_complaint(complaint, j, commitments):
        return False
    return answer is None or not check_share(answer, j, commitments)


# --- the joint key --------------------------------------------------------------------------------
def joint_public_key(dealt: Mapping[int, Sequence[Point]]) -> Point:
    """``Y = Σ_i F_{i,0}`` over the qualified dealers."""
    if not dealt:
        raise ValueError("no qualified dealer")
    total = IDENTITY
    for points in dealt.values():
        total = total + points[0]
    return total


def verification_key(dealt: Mapping[int, Sequence[Point]], j: int) -> Point:
    """``V_j = Σ_i Σ_k j^k·F_{i,k}`` over the qualified dealers: ``s_j·B``."""
    width = {len(points) for points in dealt.values()}
    if len(width) != 1:
        raise ValueError("every dealer commits to the same number of coefficients")
    summed = [IDENTITY] * width.pop()
    for points in dealt.values():
        summed = [a + b for a, b in zip(summed, points, strict=True)]
    return commitment_at(summed, j)


def verification_keys(dealt: Mapping[int, Sequence[Point]], trustees: int) -> dict[int, Point]:
    """``V_j`` for j = 1 … n."""
    return {j: verification_key(dealt, j) for j in range(1, trustees + 1)}


def secret_share(received: Mapping[int, int]) -> int:
    """Trustee j's secret ``s_j = Σ_i f_i(j)`` over the qualified dealers' shares."""
    return sum(received.values()) % L


def prove_share(uuid: str, j: int, secret: int, rng: Rng = group.random_scalar) -> Proof:
    """Trustee j's proof of knowledge of ``s_j`` (label ``dkg:trustee=j:share``)."""
    return prove_pok(secret, uuid.encode("utf-8"), share_label(j), rng)


def verify_share_proof(uuid: str, j: int, key: Point, proof: Proof) -> bool:
    return verify_pok(key, proof, uuid.encode("utf-8"), share_label(j))


# --- sealed shares --------------------------------------------------------------------------------
def new_box_key() -> tuple[bytes, str]:
    """A trustee's X25519 key pair for receiving shares: (private 32 bytes, public hex)."""
    key = PrivateKey.generate()
    return bytes(key), bytes(key.public_key).hex()


def box_public_key(private: bytes) -> str:
    """The public X25519 key (hex) of a private one."""
    return bytes(PrivateKey(private).public_key).hex()


def _share_message(uuid: str, dealer: int, recipient: int, share: int) -> dict[str, object]:
    return {
        "uuid": uuid,
        "dealer": dealer,
        "recipient": recipient,
        "share": group.scalar_hex(share),
    }


def seal_share(recipient_key: str, uuid: str, dealer: int, recipient: int, share: int) -> str:
    """``f_dealer(recipient)`` sealed to the recipient's X25519 key (hex): base64 of libsodium's
    sealed box over the canonical JSON ``{"dealer", "recipient", "share", "uuid"}`` (the names
    bind the share to its election and its two trustees). The packet format of
    ``moot trustee`` (``moot.trustee.dkg``)."""
    try:
        public = PublicKey(bytes.fromhex(recipient_key))
    except (ValueError, TypeError) as exc:
        raise ProofError("box_key", "not an X25519 public key (64 hexadecimal digits)") from exc
    sealed = SealedBox(public).encrypt(canonical(_share_message(uuid, dealer, recipient, share)))
    return base64.b64encode(bytes(sealed)).decode("ascii")


def _packet(sealed: str) -> bytes:
    try:
        raw = base64.b64decode(sealed.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ProofError("sealed", "a sealed packet is base64") from exc
    if len(raw) < _EPHEMERAL + _MAC:
        raise ProofError("sealed", "too short for a sealed box")
    return raw


_EPHEMERAL, _MAC = 32, 16


def _read_share(plain: bytes, uuid: str, dealer: int, recipient: int) -> int:
    try:
        message = json.loads(plain.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProofError("sealed", "does not hold a share") from exc
    data = read_object(message, "sealed", ("uuid", "dealer", "recipient", "share"))
    expected = {"uuid": uuid, "dealer": dealer, "recipient": recipient}
    for key, value in expected.items():
        if data[key] != value or isinstance(data[key], bool):
            raise ProofError(
                at("sealed", key), f"expected {value!r}: the share is for another {key}"
            )
    return read_scalar(data["share"], at("sealed", "share"))


def open_share(private: bytes, sealed: str, uuid: str, dealer: int, recipient: int) -> int:
    """The share in a sealed box, checked to be for this election, this dealer and this
    recipient; :class:`ProofError` otherwise."""
    raw = _packet(sealed)
    try:
        plain = SealedBox(PrivateKey(private)).decrypt(raw)
    except (ValueError, TypeError, CryptoError) as exc:
        raise ProofError("sealed", "cannot be opened with this trustee's key") from exc
    return _read_share(plain, uuid, dealer, recipient)


def packet_box_key(sealed: str, private: bytes) -> bytes:
    """The key that opens this one packet and no other: ``crypto_box_beforenm(ephemeral
    public key, recipient's secret)``. A complaint reveals it (docs/verifiable.md §9)."""
    raw = _packet(sealed)
    return bytes(sodium.crypto_box_beforenm(raw[:_EPHEMERAL], private))


def open_with_box_key(
    sealed: str, key: bytes, recipient_key: str, *, uuid: str, dealer: int, recipient: int
) -> int:
    """The share in a packet opened with its box key, as anyone can after a complaint: the
    sealed box's nonce is ``BLAKE2b-192(ephemeral public key ‖ recipient's public key)``."""
    raw = _packet(sealed)
    try:
        public = bytes.fromhex(recipient_key)
    except ValueError as exc:
        raise ProofError("box_key", "not an X25519 public key (64 hexadecimal digits)") from exc
    nonce = hashlib.blake2b(raw[:_EPHEMERAL] + public, digest_size=24).digest()
    try:
        plain = sodium.crypto_box_open_afternm(raw[_EPHEMERAL:], nonce, key)
    except (ValueError, TypeError, CryptoError) as exc:
        raise ProofError("box_key", "does not open this packet") from exc
    return _read_share(plain, uuid, dealer, recipient)


def check_box_key_complaint(
    sealed: str,
    key: bytes,
    recipient_key: str,
    *,
    uuid: str,
    dealer: int,
    recipient: int,
    commitments: Sequence[Point],
) -> int:
    """A complaint by ``recipient`` against ``dealer``: the revealed box key opens the dealer's
    packet and the share inside fails :func:`check_share`. Returns that share (what the board
    records); :class:`ProofError` when the complaint does not hold. A complainant cannot frame
    an honest dealer: no other key opens the packet."""
    share = open_with_box_key(
        sealed, key, recipient_key, uuid=uuid, dealer=dealer, recipient=recipient
    )
    if check_share(share, recipient, commitments):
        raise ProofError(
            "box_key",
            f"the share trustee {dealer} sealed to trustee {recipient} passes its check: "
            "the complaint does not hold",
        )
    return share
