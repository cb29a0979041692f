"""The verifier's work spread over processes: the ballots' proofs and the decryption shares'
proofs are independent, so each slice is checked in a worker and the first failure (in board
order) is reported. With one worker everything runs in this process.

Each worker gets the election once (``initializer``), then slices of work; a slice returns
None or its first failure ``(height, where, what)``.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Sequence
from typing import Any

from moot.verify.group import Ciphertext, Point
from moot.verify.vcommon import ProofError

Failure = tuple[int, str, str]
_STATE: dict[str, Any] = {}


class Workers:
    """A pool of ``workers`` processes kept for the whole run, or this process alone."""

    def __init__(
        self, workers: int, initializer: Callable[..., None], initargs: tuple[Any, ...]
    ) -> None:
        self.pool: Any = None
        initializer(*initargs)  # this process too: a single slice runs here
        if workers > 1:
            # Forked on Linux (the workers start at once); spawned elsewhere (macOS's default:
            # forking there is unsafe with some system libraries).
            method = "fork" if sys.platform.startswith("linux") else "spawn"
            context = multiprocessing.get_context(method)
            self.pool = context.Pool(workers, initializer, initargs)

    def map(self, fn: Callable[[Any], Any], slices: Sequence[Any]) -> list[Any]:
        if self.pool is None or len(slices) <= 1:
            return [fn(item) for item in slices]
        return list(self.pool.map(fn, slices))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None


def split(items: Sequence[Any], workers: int, least: int = 64) -> list[Sequence[Any]]:
    """``items`` in about ``4·workers`` slices of at least ``least`` items, in order."""
    if not items:
        return []
    size = max(least, -(-len(items) // max(1, 4 * workers)))
    return [items[k : k + size] for k in range(0, len(items), size)]


# -- ballots ------------------------------------------------------------------------------------
def init(election: dict[str, Any], credentials: frozenset[str], ctx: bytes) -> None:
    """A worker's state: the election (parsed once), the credential list, the context."""
    from moot.verify.vballot import parse_election

    _STATE["election"] = parse_election(election)
    _STATE["credentials"] = credentials
    _STATE["ctx"] = ctx


# A ballot verified, kept compact: (height, tracker, credential, [[(α, β) bytes …] per question]).
Compact = tuple[int, str, str, list[list[tuple[bytes, bytes]]]]


def check_ballots(items: Sequence[tuple[int, Any]]) -> tuple[Failure | None, list[Compact]]:
    """Each ballot of the slice (height, payload) by ``verify_ballot``; the ones that hold,
    compact, and the first failure."""
    from moot.verify.vballot import tracker, verify_ballot

    out: list[Compact] = []
    for height, ballot in items:
        try:
            parsed = verify_ballot(_STATE["election"], ballot, _STATE["credentials"])
        except ProofError as exc:
            return (height, exc.where, exc.what), out
        rows = [
            [(bytes(ct.alpha), bytes(ct.beta)) for ct in answer.choices]
            for answer in parsed.answers
        ]
        out.append((height, tracker(ballot), ballot["credential"], rows))
    return None, out


# -- decryption shares --------------------------------------------------------------------------
def check_shares(
    task: tuple[int, int, str, Sequence[tuple[str, Any, str]]],
) -> Failure | None:
    """Trustee ``j``'s shares of the slice, each ``(where, share, alpha hex)``, against its
    verification key."""
    from moot.verify.vproofs import DecryptionShare, verify_decryption_share

    height, j, key_hex, shares = task
    key = Point(bytes.fromhex(key_hex))
    for where, value, alpha in shares:
        try:
            share = DecryptionShare.from_json(value, where)
        except ProofError as exc:
            return height, exc.where, exc.what
        point = Point(bytes.fromhex(alpha))
        ct = Ciphertext(point, point)  # β plays no part in the proof
        if not verify_decryption_share(share, j, key, ct, ctx=_STATE["ctx"]):
            return height, where, f"trustee {j}'s decryption proof fails (Chaum–Pedersen)"
    return None


def trusted_point(text: str) -> Point:
    """A point of a ballot or share already checked (by ``verify_ballot`` or
    ``DecryptionShare.from_json`` in a worker): taken without checking it again."""
    return Point(bytes.fromhex(text))


def trusted_ciphertext(value: dict[str, str]) -> Ciphertext:
    return Ciphertext(trusted_point(value["alpha"]), trusted_point(value["beta"]))


__all__ = [
    "Compact",
    "Workers",
    "check_ballots",
    "check_shares",
    "init",
    "split",
    "trusted_ciphertext",
    "trusted_point",
]
