"""Ballots held as a numpy matrix, for large strict rankings (no equal preferences).

``PackedBallots`` is a :class:`~moot.counting.model.Ballots` whose ``rankings`` and
``weights`` lists are built only when someone asks for them; the STV engines read the matrix
directly. Row ``i`` of ``prefs`` lists candidate numbers **1-based**, most preferred first,
padded with 0; ``counts[i]`` is how many identical papers the row stands for.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from moot.counting.model import Ballots, CountError, Ranking


class PackedBallots(Ballots):
    """Strict rankings as a matrix; a drop-in :class:`Ballots` (lists built lazily)."""

    def __init__(self, prefs: np.ndarray, counts: np.ndarray) -> None:
        # Ballots' dataclass __init__ is not called: the lists are produced on demand.
        self.prefs = prefs
        self.counts = counts.astype(np.int64, copy=False)
        self._rankings: list[Ranking] | None = None
        self._weights: list[int] | None = None

    @property  # a lazily built field of the parent dataclass
    def rankings(self) -> list[Ranking]:
        if self._rankings is None:
            self._rankings = [tuple((int(c) - 1,) for c in row if c) for row in self.prefs.tolist()]
        return self._rankings

    @rankings.setter
    def rankings(self, value: list[Ranking]) -> None:
        self._rankings = value

    @property
    def weights(self) -> list[int]:
        if self._weights is None:
            self._weights = [int(w) for w in self.counts.tolist()]
        return self._weights

    @weights.setter
    def weights(self, value: list[int]) -> None:
        self._weights = value

    def __len__(self) -> int:
        return int(self.prefs.shape[0])

    @property
    def total(self) -> int:
        return int(self.counts.sum(dtype=np.int64)) if len(self) else 0

    def has_equal_rankings(self) -> bool:
        return False


def aggregate_matrix(prefs: np.ndarray, counts: np.ndarray, ncand: int) -> PackedBallots:
    """Merge identical rows (summing their counts) and return them as PackedBallots.

    Rows are ordered by their content, so the result does not depend on ballot order.
    """
    rows, width = prefs.shape
    if rows == 0:
        return PackedBallots(prefs, counts)
    bits = max(1, int(ncand).bit_length())
    if bits * width <= 63:
        # One int64 key per row: fast sort instead of a row-wise unique.
        key = np.zeros(rows, dtype=np.int64)
        for j in range(width):
            key <<= bits
            key |= prefs[:, j].astype(np.int64)
        if counts.size and counts.min() == counts.max() == 1:
            # Every paper counts once (the usual case): sorting the keys is enough, and the
            # rows are decoded back from the unique keys.
            unique_keys, merged = np.unique(key, return_counts=True)
            rows_out = np.zeros((unique_keys.size, width), dtype=prefs.dtype)
            mask = np.int64((1 << bits) - 1)
            shifted = unique_keys.copy()
            for j in range(width - 1, -1, -1):
                rows_out[:, j] = shifted & mask
                shifted >>= bits
            return PackedBallots(rows_out, merged.astype(np.int64))
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        first = np.flatnonzero(np.concatenate(([True], sorted_key[1:] != sorted_key[:-1])))
    else:
        order = np.lexsort(prefs.T[::-1])
        sorted_rows = prefs[order]
        change = np.any(sorted_rows[1:] != sorted_rows[:-1], axis=1)
        first = np.flatnonzero(np.concatenate(([True], change)))
    merged_counts = np.add.reduceat(counts.astype(np.int64)[order], first)
    return PackedBallots(np.ascontiguousarray(prefs[order[first]]), merged_counts)


def pack_rankings(rankings: Sequence[Ranking], weights: Sequence[int]) -> PackedBallots:
    """Pack strict rankings (every level a single candidate) into a matrix."""
    width = max((len(r) for r in rankings), default=0)
    prefs = np.zeros((len(rankings), width), dtype=np.int32)
    for i, ranking in enumerate(rankings):
        for j, level in enumerate(ranking):
            prefs[i, j] = level[0] + 1
    total = sum(weights)
    if total >= 2**62:
        raise CountError(
            f"the ballots add up to {total:,} papers, more than this count's 64-bit "
            "arithmetic holds (irv, meek and the Condorcet methods count any number)"
        )
    return PackedBallots(prefs, np.asarray(list(weights), dtype=np.int64))
