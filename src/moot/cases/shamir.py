"""Shamir's secret sharing over a prime field, for the case data key's split custody.

A secret of up to 64 bytes is split into ``n`` shares of which any ``k`` recover it and any
``k - 1`` say nothing about it: the secret is the constant term of a random polynomial of degree
``k - 1`` over GF(p) with p = 2**521 - 1 (a Mersenne prime larger than any 64-byte secret), and
a share is the polynomial's value at x = 1..n. Recovery is Lagrange interpolation at 0.

A share is written as text a key holder can keep on paper or in a password manager:
``moot-share-1.<k>.<x>.<y hex>.<check>`` where ``check`` is the first 8 hex digits of the
SHA-256 of the rest, so a mistyped share is refused rather than recovering a wrong key. Pure:
nothing of Django or the rest of moot.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

PRIME = 2**521 - 1
MAX_SECRET_BYTES = 64
MAX_SHARES = 255
PREFIX = "moot-share-1"


class ShareError(ValueError):
    """A share is malformed, mistyped or inconsistent with the others."""


@dataclass(frozen=True)
class Share:
    threshold: int
    x: int
    y: int

    def text(self) -> str:
        body = f"{PREFIX}.{self.threshold}.{self.x}.{self.y:x}"
        return f"{body}.{_check(body)}"


def _check(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()[:8]


def split(secret: bytes, threshold: int, count: int) -> list[Share]:
    """``count`` shares of ``secret``, any ``threshold`` of which recover it."""
    if not 1 <= len(secret) <= MAX_SECRET_BYTES:
        raise ShareError(f"a secret of 1 to {MAX_SECRET_BYTES} bytes can be split")
    if not 2 <= threshold <= count <= MAX_SHARES:
        raise ShareError(
            f"need 2 <= threshold <= holders <= {MAX_SHARES} (got {threshold} of {count})"
        )
    # The leading byte 0x01 keeps leading zero bytes of the secret through the integer.
    value = int.from_bytes(b"\x01" + secret, "big")
    coefficients = [value] + [secrets.randbelow(PRIME) for _ in range(threshold - 1)]
    shares = []
    for x in range(1, count + 1):
        y = 0
        for coefficient in reversed(coefficients):
            y = (y * x + coefficient) % PRIME
        shares.append(Share(threshold, x, y))
    return shares


def parse(text: str) -> Share:
    """A share from its text, refusing a mistyped one."""
    parts = text.strip().split(".")
    if len(parts) != 5 or parts[0] != PREFIX:
        raise ShareError(f"not a share: expected {PREFIX}.<k>.<x>.<value>.<check>")
    body = ".".join(parts[:4])
    if _check(body) != parts[4].lower():
        raise ShareError(f"share {parts[2]} is mistyped (its check digits do not match)")
    try:
        threshold, x, y = int(parts[1]), int(parts[2]), int(parts[3], 16)
    except ValueError:
        raise ShareError("a share's numbers are not numbers") from None
    if not (2 <= threshold <= MAX_SHARES and 1 <= x <= MAX_SHARES and 0 <= y < PRIME):
        raise ShareError(f"share {x} is out of range")
    return Share(threshold, x, y)


def combine(shares: list[Share]) -> bytes:
    """The secret from at least ``threshold`` distinct shares of one split."""
    if not shares:
        raise ShareError("no shares given")
    threshold = shares[0].threshold
    if any(share.threshold != threshold for share in shares):
        raise ShareError("the shares come from different splits (their thresholds differ)")
    by_x = {share.x: share for share in shares}
    if len(by_x) < threshold:
        raise ShareError(f"{threshold} different shares are needed, {len(by_x)} given")
    points = list(by_x.values())[:threshold]
    value = 0
    for i, share in enumerate(points):
        numerator, denominator = 1, 1
        for j, other in enumerate(points):
            if i != j:
                numerator = numerator * (-other.x) % PRIME
                denominator = denominator * (share.x - other.x) % PRIME
        value = (value + share.y * numerator * pow(denominator, -1, PRIME)) % PRIME
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    if not raw or raw[0] != 1 or len(raw) - 1 > MAX_SECRET_BYTES:
        raise ShareError("the shares do not belong together (they recover no key)")
    return raw[1:]
