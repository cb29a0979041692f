"""Random panels from trained pools, drawn so anyone can check the draw (issue 10 item 3,
RULES.md §10 R-E2, CASES.md §7.2).

The draw records a fresh random seed (``secrets.token_hex``) and the SHA-256 of the sorted list
of eligible people (those trained for the case's category, unconflicted and available). Each
eligible person's lot is SHA-256 of ``"<seed>:<id>"``; the people with the lowest lots sit, in
that order. Given the seed and the list, anyone recomputes the same panel, and a list changed
after the draw no longer matches the recorded hash.

Pure: nothing of Django or of the database.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Draw", "draw", "eligible_hash", "lot", "new_seed"]


def new_seed() -> str:
    """32 random bytes as hex, from the operating system's generator."""
    return secrets.token_hex(32)


def eligible_hash(ids: Iterable[int]) -> str:
    """SHA-256 (hex) of the eligible ids, sorted, one decimal number a line."""
    text = "".join(f"{person_id}\n" for person_id in sorted(set(ids)))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def lot(seed: str, person_id: int) -> str:
    """One person's lot in a draw: SHA-256 (hex) of ``"<seed>:<id>"``; lowest sits first."""
    return hashlib.sha256(f"{seed}:{person_id}".encode("ascii")).hexdigest()


@dataclass(frozen=True)
class Draw:
    seed: str
    eligible_hash: str
    eligible_count: int
    drawn: tuple[int, ...]


def draw(eligible: Iterable[int], size: int, seed: str) -> Draw:
    """Draw ``size`` people from ``eligible`` with ``seed``: the same seed and list always give
    the same panel. Refuses (ValueError) a pool smaller than the panel."""
    pool = sorted(set(eligible))
    if size < 1:
        raise ValueError(f"a panel needs at least one member (size {size})")
    if not seed or any(c not in "0123456789abcdef" for c in seed):
        raise ValueError("the seed must be lower-case hexadecimal")
    if len(pool) < size:
        raise ValueError(
            f"only {len(pool)} eligible (trained, unconflicted) people for a panel of {size}"
        )
    chosen = sorted(pool, key=lambda person_id: (lot(seed, person_id), person_id))[:size]
    return Draw(
        seed=seed,
        eligible_hash=eligible_hash(pool),
        eligible_count=len(pool),
        drawn=tuple(chosen),
    )
