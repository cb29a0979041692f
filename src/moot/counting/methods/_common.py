"""Helpers shared by the single-round and Condorcet methods: which candidates stand, what a
paper says once withdrawn candidates are struck out, and choosing the top N with recorded ties.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from moot.counting._packed import PackedBallots, pack_rankings
from moot.counting.model import CountError, CountOptions, Election, Number, Ranking
from moot.counting.tiebreak import TieBreaker


def seats_of(election: Election, options: CountOptions) -> int:
    return options.seats if options.seats is not None else election.seats


def standing_levels(ranking: Ranking, withdrawn: frozenset[int]) -> tuple[tuple[int, ...], ...]:
    """The paper's preference levels with withdrawn candidates struck out and emptied levels
    dropped (a withdrawn candidate's place passes to the next preference)."""
    out = []
    for level in ranking:
        kept = tuple(sorted(c for c in level if c not in withdrawn))
        if kept:
            out.append(kept)
    return tuple(out)


def one_seat(election: Election, options: CountOptions, method: str) -> None:
    """Refuse a single-winner method asked to fill more than one seat."""
    seats = seats_of(election, options)
    if seats != 1:
        raise CountError(
            f"{method} fills one seat but {seats} were asked for; use --seats 1, or an STV "
            "method (scottish-stv, meek) for several seats",
            source=election.source,
        )


def top_n(
    votes: Mapping[int, Number],
    seats: int,
    breaker: TieBreaker,
    *,
    history: Sequence[Mapping[int, Number]] = (),
    round_number: int = 1,
) -> list[int]:
    """The ``seats`` candidates with the most votes, most votes first. Candidates with equal
    votes who all fit in the seats are listed in the tie order (the order among the elected
    decides nothing); a group that does not fit is decided by ``breaker`` one seat at a
    time, each choice recorded."""
    elected: list[int] = []
    for value in sorted(set(votes.values()), reverse=True):
        group = sorted(c for c, v in votes.items() if v == value)
        room = seats - len(elected)
        if room <= 0:
            break
        if len(group) <= room:
            elected.extend(breaker.favoured_first(group))
            continue
        while room > 0:
            chosen = breaker.choose(
                group,
                want="highest",
                history=history,
                round_number=round_number,
                purpose="elect",
            )
            elected.append(chosen)
            group.remove(chosen)
            room -= 1
    return elected


def top_n_levels(
    levels: Sequence[Sequence[int]], seats: int, breaker: TieBreaker, *, round_number: int = 1
) -> list[int]:
    """The first ``seats`` candidates of a ranking given as levels (best first); a level that
    does not fit in the seats left is decided by ``breaker``, each choice recorded."""
    elected: list[int] = []
    for level in levels:
        room = seats - len(elected)
        if room <= 0:
            break
        group = sorted(level)
        if len(group) <= room:
            elected.extend(breaker.favoured_first(group))
            continue
        while room > 0:
            chosen = breaker.choose(
                group, want="highest", history=(), round_number=round_number, purpose="elect"
            )
            elected.append(chosen)
            group.remove(chosen)
            room -= 1
    return elected


def strict_matrix(election: Election) -> tuple[np.ndarray, np.ndarray] | None:
    """The papers as a matrix of 1-based preferences (rows padded with 0) and their counts,
    when no paper ranks two candidates equally and every weight fits in 64 bits; else None
    (the caller counts level by level)."""
    ballots = election.ballots
    if isinstance(ballots, PackedBallots):
        return np.asarray(ballots.prefs), np.asarray(ballots.counts, dtype=np.int64)
    if ballots.has_equal_rankings():
        return None
    if sum(ballots.weights) >= 2**62:
        return None  # totals past 64-bit integers: counted level by level, exactly
    packed = pack_rankings(ballots.rankings, ballots.weights)
    return np.asarray(packed.prefs), np.asarray(packed.counts, dtype=np.int64)


def live_lookup(election: Election) -> np.ndarray:
    """``lookup[k]`` is True when 1-based candidate number ``k`` stands (``lookup[0]`` False)."""
    lookup = np.zeros(len(election.candidates) + 1, dtype=bool)
    for c in range(len(election.candidates)):
        lookup[c + 1] = c not in election.withdrawn
    return lookup


def exact_sum(values: np.ndarray) -> int:
    """Sum of an int64 array as a Python int, exact even if the total would pass 2**63."""
    if values.size == 0:
        return 0
    if int(np.abs(values).max()) * values.size < 2**62:
        return int(values.sum(dtype=np.int64))
    return sum(int(v) for v in values.tolist())


def exhausted_note(papers: int) -> str:
    """The note for papers exhausted before their first preference (single-round methods)."""
    return (
        f"{papers} papers exhausted before their first preference (marked, but no mark gives "
        "a preference, e.g. an overvote at the first rank): valid papers, counted as exhausted"
    )
