"""The group of moot's verifiable ballots: the prime-order subgroup of edwards25519, through
libsodium (PyNaCl). No field arithmetic is written here: points are added and multiplied by
libsodium; scalars are Python integers modulo the group order ``L``.

Every point that arrives from outside goes through :meth:`Point.decode`, which refuses a
non-canonical encoding, a point off the curve, one outside the prime-order subgroup and one of
small order (the identity included): ``crypto_core_ed25519_is_valid_point``. The identity is
still a value in computations (``0·B``, a decrypted zero), never on the wire.

Hashes: :func:`challenge` is the one Fiat–Shamir hash (docs/verifiable.md §3): SHA-512 over a
domain tag and length-prefixed parts, reduced modulo ``L``.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Iterable

import nacl.bindings as sodium
from nacl.exceptions import RuntimeError as SodiumError

VERSION = "moot-verifiable/1"
GROUP_NAME = "ed25519-prime-order-subgroup"
L = 2**252 + 27742317777372353535851937790883648493
_IDENTITY = b"\x01" + b"\x00" * 31
_BASE = bytes.fromhex("5866666666666666666666666666666666666666666666666666666666666666")


class GroupError(ValueError):
    """An encoding that is not a valid group element or scalar (the message says which)."""


def _scalar_bytes(n: int) -> bytes:
    return (n % L).to_bytes(32, "little")


class Point:
    """An element of the prime-order subgroup, held as its 32-byte canonical encoding."""

    __slots__ = ("_b",)

    def __init__(self, encoded: bytes) -> None:
        self._b = encoded

    # --- construction ---------------------------------------------------------------------
    @classmethod
    def decode(cls, data: bytes | str, *, what: str = "point") -> Point:
        """A point received from outside: bytes or 64 hex digits, checked in full."""
        if isinstance(data, str):
            try:
                raw = bytes.fromhex(data)
            except ValueError as exc:
                raise GroupError(f"{what}: not hexadecimal") from exc
            if data != raw.hex():
                raise GroupError(f"{what}: hexadecimal must be lower-case, 64 digits")
        else:
            raw = bytes(data)
        if len(raw) != 32:
            raise GroupError(f"{what}: {len(raw)} bytes, a point has 32")
        if not sodium.crypto_core_ed25519_is_valid_point(raw):
            raise GroupError(
                f"{what}: not a canonical point of the prime-order subgroup (or of small order)"
            )
        return cls(raw)

    @classmethod
    def base_times(cls, n: int) -> Point:
        """``n·B`` for the standard base point B."""
        n %= L
        if n == 0:
            return IDENTITY
        return cls(sodium.crypto_scalarmult_ed25519_base_noclamp(_scalar_bytes(n)))

    @classmethod
    def from_uniform(cls, seed: bytes) -> Point:
        """libsodium's ``crypto_core_ed25519_from_uniform`` (Elligator 2, cofactor cleared) of
        a 32-byte string: generators nobody knows a logarithm of (docs/verifiable.md §2)."""
        if len(seed) != 32:
            raise GroupError("from_uniform takes 32 bytes")
        return cls(sodium.crypto_core_ed25519_from_uniform(seed))

    # --- arithmetic -------------------------------------------------------------------------
    def __add__(self, other: Point) -> Point:
        if self._b == _IDENTITY:
            return other
        if other._b == _IDENTITY:
            return self
        return Point(sodium.crypto_core_ed25519_add(self._b, other._b))

    def __sub__(self, other: Point) -> Point:
        if other._b == _IDENTITY:
            return self
        if self._b == other._b:
            return IDENTITY
        return Point(sodium.crypto_core_ed25519_sub(self._b, other._b))

    def __neg__(self) -> Point:
        return IDENTITY - self

    def __mul__(self, n: int) -> Point:
        n %= L
        if n == 0 or self._b == _IDENTITY:
            return IDENTITY
        if self._b == _BASE:
            return Point.base_times(n)
        try:
            return Point(sodium.crypto_scalarmult_ed25519_noclamp(_scalar_bytes(n), self._b))
        except SodiumError:  # the identity: refused by libsodium, impossible in the subgroup
            return IDENTITY

    __rmul__ = __mul__

    # --- identity and encoding ----------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        return isinstance(other, Point) and self._b == other._b

    def __hash__(self) -> int:
        return hash(self._b)

    def __bytes__(self) -> bytes:
        return self._b

    def hex(self) -> str:
        return self._b.hex()

    def is_identity(self) -> bool:
        return self._b == _IDENTITY

    def __repr__(self) -> str:
        return f"Point({self._b.hex()[:16]}…)"


IDENTITY = Point(_IDENTITY)
BASE = Point(_BASE)


def random_scalar() -> int:
    """A uniform non-zero scalar from the OS's random source (64 bytes reduced: no bias)."""
    while True:
        n = int.from_bytes(os.urandom(64), "little") % L
        if n:
            return n


def scalar_hex(n: int) -> str:
    """A scalar on the wire: 32 bytes little-endian, 64 lower-case hex digits."""
    return _scalar_bytes(n).hex()


def decode_scalar(text: str, *, what: str = "scalar") -> int:
    """A scalar received from outside: 64 lower-case hex digits, little-endian, below L."""
    if not isinstance(text, str) or len(text) != 64:
        raise GroupError(f"{what}: a scalar is 64 hexadecimal digits")
    try:
        raw = bytes.fromhex(text)
    except ValueError as exc:
        raise GroupError(f"{what}: not hexadecimal") from exc
    if raw.hex() != text:
        raise GroupError(f"{what}: hexadecimal must be lower-case")
    n = int.from_bytes(raw, "little")
    if n >= L:
        raise GroupError(f"{what}: not reduced modulo the group order")
    return n


Part = Point | int | str | bytes


def _encode_part(part: Part) -> bytes:
    if isinstance(part, Point):
        return b"P" + bytes(part)
    if isinstance(part, bool):
        raise TypeError("a boolean is not a transcript part")
    if isinstance(part, int):
        if not 0 <= part < 2**256:
            raise ValueError("an integer part must be in [0, 2^256)")
        return b"N" + part.to_bytes(32, "little")
    if isinstance(part, str):
        return b"S" + part.encode("utf-8")
    return b"B" + bytes(part)


def transcript(tag: str, parts: Iterable[Part]) -> bytes:
    """The bytes hashed for a challenge: ``VERSION "/" tag``, then each part as a 4-byte
    big-endian length and its kind-prefixed bytes (P point, N integer, S text, B bytes)."""
    out = bytearray()
    head = f"{VERSION}/{tag}".encode()
    out += struct.pack(">I", len(head)) + head
    for part in parts:
        body = _encode_part(part)
        out += struct.pack(">I", len(body)) + body
    return bytes(out)


def challenge(tag: str, *parts: Part) -> int:
    """The Fiat–Shamir challenge: SHA-512 of the transcript, little-endian, modulo L."""
    return int.from_bytes(hashlib.sha512(transcript(tag, parts)).digest(), "little") % L


def digest(tag: str, *parts: Part) -> str:
    """A SHA-256 fingerprint in the same framing (64 hex digits): trackers, the context."""
    return hashlib.sha256(transcript(tag, parts)).hexdigest()


def generators(tag: str, count: int, context: bytes = b"") -> list[Point]:
    """``count`` independent generators: ``from_uniform(SHA-256(transcript(tag, [context, i])))``
    for i = 0, 1, ... — derived in public, so nobody knows a logarithm between them
    (VERIFIABLE.md §2 #10: never an operator's choice)."""
    return [
        Point.from_uniform(hashlib.sha256(transcript(tag, [context, i])).digest())
        for i in range(count)
    ]


class Ciphertext(tuple[Point, Point]):
    """An exponential ElGamal ciphertext ``(alpha, beta) = (r·B, m·B + r·Y)``."""

    __slots__ = ()

    def __new__(cls, alpha: Point, beta: Point) -> Ciphertext:
        return super().__new__(cls, (alpha, beta))

    @property
    def alpha(self) -> Point:
        return self[0]

    @property
    def beta(self) -> Point:
        return self[1]

    def __add__(self, other: object) -> Ciphertext:
        if not isinstance(other, Ciphertext):
            return NotImplemented
        return Ciphertext(self[0] + other[0], self[1] + other[1])

    def to_json(self) -> dict[str, str]:
        return {"alpha": self[0].hex(), "beta": self[1].hex()}

    @classmethod
    def from_json(cls, data: object, *, what: str = "ciphertext") -> Ciphertext:
        if not isinstance(data, dict) or set(data) != {"alpha", "beta"}:
            raise GroupError(f'{what}: a ciphertext is {{"alpha": …, "beta": …}}')
        return cls(
            Point.decode(data["alpha"], what=f"{what}.alpha"),
            Point.decode(data["beta"], what=f"{what}.beta"),
        )


def encrypt(public_key: Point, m: int, r: int) -> Ciphertext:
    """``(r·B, m·B + r·Y)``: exponential ElGamal of a small integer ``m`` with randomness ``r``."""
    return Ciphertext(Point.base_times(r), Point.base_times(m) + public_key * r)


def reencrypt(public_key: Point, ct: Ciphertext, r: int) -> Ciphertext:
    """The same plaintext under fresh randomness: ``(alpha + r·B, beta + r·Y)``."""
    return Ciphertext(ct[0] + Point.base_times(r), ct[1] + public_key * r)
