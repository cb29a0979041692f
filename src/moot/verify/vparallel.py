"""The verifier's work spread over processes: the ballots' proofs and the decryption shares'
proofs are independent, so each slice is checked in a worker and the first failure (in board
order) is reported. With one worker everything runs in this process.

Each worker gets the election once (``initializer``), then slices of work; a slice returns
None or its first failure ``(height, where, what)``.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from typing import Any

from moot.verify.group import Ciphertext, Point
from moot.verify.vcommon import ProofError

Failure = tuple[int, str, str]
_STATE: dict[str, Any] = {}


def pool_map(
    fn: Callable[[Any], Any],
    slices: Sequence[Any],
    workers: int,
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
) -> list[Any]:
    """``fn`` over ``slices`` in ``workers`` processes (forked where the platform allows, so
    the workers start at once), in order."""
    if workers <= 1 or len(slices) <= 1:
        initializer(*initargs)
        return [fn(item) for item in slices]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with context.Pool(min(workers, len(slices)), initializer, initargs) as pool:
        return pool.map(fn, slices)


def split(items: Sequence[Any], workers: int, least: int = 64) -> list[Sequence[Any]]:
    """``items`` in about ``4·workers`` slices of at least ``least`` items, in order."""
    if not items:
        return []
    size = max(least, -(-len(items) // max(1, 4 * workers)))
    return [items[k : k + size] for k in range(0, len(items), size)]


# -- ballots ------------------------------------------------------------------------------------
def init_ballots(election: dict[str, Any], credentials: frozenset[str]) -> None:
    from moot.verify.vballot import parse_election

    _STATE["election"] = parse_election(election)
    _STATE["credentials"] = credentials


def check_ballots(items: Sequence[tuple[int, Any]]) -> Failure | None:
    """Each ballot of the slice (height, payload) by ``verify_ballot``."""
    from moot.verify.vballot import verify_ballot

    for height, ballot in items:
        try:
            verify_ballot(_STATE["election"], ballot, _STATE["credentials"])
        except ProofError as exc:
            return height, exc.where, exc.what
    return None


# -- decryption shares --------------------------------------------------------------------------
def init_shares(ctx: bytes) -> None:
    _STATE["ctx"] = ctx


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
    "check_ballots",
    "check_shares",
    "init_ballots",
    "init_shares",
    "pool_map",
    "split",
    "trusted_ciphertext",
    "trusted_point",
]
