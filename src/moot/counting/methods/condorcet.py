"""Condorcet methods: ``schulze`` (winning votes), ``schulze-margins`` and ``ranked-pairs``.

All three start from the **pairwise matrix**: ``d[a][b]`` is the number of papers (weights
summed, an integer) that rank ``a`` above ``b``. A paper ranks ``a`` above ``b`` when ``a`` is
at a better level than ``b``; candidates at the same level (``a=b``) are not compared by that
paper. A candidate the paper does not rank is, by default, below every candidate it does rank
(``CountOptions.extra["unranked"] = "last"``: Debian's reading; with ``"ignore"`` unranked
candidates are not compared with anyone on that paper). Withdrawn candidates are left out.
For every pair, ``d[a][b] + d[b][a] + (papers not separating them) = valid papers``. Papers a
cast-vote-record reader found exhausted before their first preference
(``Election.exhausted_at_start``) are valid papers that separate no pair: the ``exhausted``
figure of the (information only) first-preference round, noted.

``schulze`` / ``schulze-margins`` (Schulze 2011)
    The link ``a → b`` is defeat-strength ``d[a][b]`` (winning votes; equal winning votes
    are told apart by the smaller opposition ``d[b][a]``, Schulze 2011 §2.1) or
    ``d[a][b] - d[b][a]`` (margins) when ``d[a][b] > d[b][a]``, else absent. ``p[a][b]`` is
    the strength of the strongest path from ``a`` to ``b`` (a path is as strong as its weakest
    link; Floyd–Warshall widest paths). ``a`` is ranked above ``b`` when
    ``p[a][b] > p[b][a]``; this relation is transitive. The ranking is built level by level:
    each level holds the candidates not ranked below anyone still unplaced.
``ranked-pairs`` (Tideman)
    Every majority ``a > b`` (``d[a][b] > d[b][a]``) is sorted strongest first: by winning
    votes ``d[a][b]``, then by the smaller opposition ``d[b][a]`` (``extra["strength"] =
    "winning"``, default), or by margin ``d[a][b] - d[b][a]`` (``"margins"``). Each majority is
    locked in unless it would make a cycle with those already locked. The ranking is read off
    the locked graph level by level (a level holds the candidates no unplaced candidate is
    locked above). Majorities of equal strength: those that would close a cycle with the
    stronger ones already locked are skipped whatever their order; if the rest of the group
    can all be locked, the order inside the group cannot matter. Only when it can (the
    group itself contains a cycle) is a **tie-breaking ranking** of the candidates drawn with
    the tie-break chosen (one recorded choice per place) and the group ordered by it: the pair
    whose winner ranks higher first, and for the same winner the pair whose loser ranks lower
    (Zavist & Tideman 1989).

``Result.ranking`` is the full order (levels; candidates in one level are tied), and
``elected`` its first ``seats`` candidates; a level that does not fit in the seats left is
decided by the tie-break (no earlier stage exists, so ``backwards``/``forwards`` go straight
to their fallback: lot decisions, seeded draw or candidate order), each choice recorded.
``Result.pairwise`` holds the matrix. The one round shows the first preferences, for
information only (a paper ranking several candidates first shares its vote equally); the
pairwise comparisons decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from moot.counting.methods._common import (
    exact_sum,
    exhausted_note,
    live_lookup,
    seats_of,
    standing_levels,
    strict_matrix,
    top_n_levels,
)
from moot.counting.model import (
    CountError,
    CountOptions,
    Election,
    Result,
    Round,
    check_seats,
    exhausted_at_start,
)
from moot.counting.registry import MethodSpec
from moot.counting.tiebreak import TieBreaker

Matrix = list[list[int]]


def pairwise_matrix(
    election: Election, unranked: str = "last", *, use_matrix: bool = True
) -> tuple[Matrix, int, int, dict[int, Fraction]]:
    """``(d, valid, blank, first_preferences)`` over all candidates (withdrawn rows are 0).
    Strict rankings are read from the preference matrix unless ``use_matrix`` is False (the
    level-by-level reading, kept for papers with equal rankings; the tests compare both)."""
    if unranked not in ("last", "ignore"):
        raise CountError(f"option unranked must be 'last' or 'ignore', got {unranked!r}")
    n = len(election.candidates)
    withdrawn = election.withdrawn
    standing = [c for c in range(n) if c not in withdrawn]
    first: dict[int, Fraction] = dict.fromkeys(standing, Fraction(0))
    matrix = strict_matrix(election) if use_matrix else None
    if matrix is not None:
        # No equal rankings: counted straight from the preference matrix.
        prefs, counts = matrix
        live = live_lookup(election)[prefs]
        has = live.any(axis=1)
        blank = exact_sum(counts[~has])
        prefs, counts, live = prefs[has], counts[has], live[has]
        tally = np.zeros(n + 1, dtype=np.int64 if exact_sum(counts) < 2**62 else object)
        if prefs.shape[0]:
            np.add.at(tally, prefs[np.arange(prefs.shape[0]), live.argmax(axis=1)], counts)
        first = {c: Fraction(int(tally[c + 1])) for c in standing}
        d = _pairs_from_prefs(np.where(live, prefs, 0), counts, standing, n, unranked)
        return d, exact_sum(counts), blank, first
    rows: list[list[int]] = []
    weights: list[int] = []
    blank = 0
    missing = n + 1  # the level of an unranked candidate under "last"
    for ranking, weight in zip(election.ballots.rankings, election.ballots.weights, strict=True):
        levels = standing_levels(ranking, withdrawn)
        if not levels:
            blank += weight
            continue
        position = [missing] * n
        for depth, level in enumerate(levels):
            for c in level:
                position[c] = depth
        rows.append(position)
        weights.append(weight)
        for c in levels[0]:
            first[c] += Fraction(weight, len(levels[0]))
    pos = np.asarray(rows, dtype=np.int64).reshape(len(rows), n)
    # Weights past 64-bit integers stay exact Python ints (an object array).
    w = np.asarray(weights, dtype=object if max(weights, default=0) >= 2**62 else np.int64)
    valid = exact_sum(w)
    d = [[0] * n for _ in range(n)]
    if w.size:
        if missing < 127:
            pos = pos.astype(np.int8)  # smaller rows: the comparisons below run faster
        # Papers sorted by weight: each run of equal weights is counted (bool counts, exact)
        # and multiplied by its weight in Python ints, so no sum can overflow.
        order = np.argsort(w, kind="stable")
        pos, w = pos[order], w[order]
        starts = np.flatnonzero(np.concatenate(([True], w[1:] != w[:-1])))
        runs = [
            (int(w[s]), int(s), int(e)) for s, e in zip(starts, [*starts[1:], w.size], strict=True)
        ]
        by_candidate = np.ascontiguousarray(pos.T)  # row c: every paper's level of c
        for a in standing:
            # above[b, r]: paper r ranks a above b.
            above = by_candidate[a] < by_candidate
            if unranked == "ignore":
                above &= (by_candidate[a] != missing) & (by_candidate != missing)
            if len(runs) <= 64:
                sums = [0] * n
                for weight, s, e in runs:
                    counted = np.count_nonzero(above[:, s:e], axis=1).tolist()
                    sums = [x + weight * int(y) for x, y in zip(sums, counted, strict=True)]
            elif valid < 2**62:
                sums = (above * w).sum(axis=1).tolist()
            else:
                sums = [sum(int(x) for x in w[above[b]]) for b in range(n)]
            for b in standing:
                if b != a:
                    d[a][b] = int(sums[b])
    return d, valid, blank, first


def _pairs_from_prefs(
    prefs: np.ndarray, counts: np.ndarray, standing: Sequence[int], n: int, unranked: str
) -> Matrix:
    """The pairwise matrix of strict rankings (1-based, 0 = no candidate), exactly.

    ``both[a][b]``: papers ranking a before b, both ranked (every pair of columns j < k).
    Under "ignore", ``d[a][b] = both[a][b]``. Under "last" a paper ranking a also puts a above
    every candidate it leaves unranked, so ``d[a][b] = ranked[a] - both[b][a]`` (the papers
    ranking a, less those ranking b before a). Papers are taken in runs of equal weight: each
    run is counted with ``bincount`` (integer counts) and multiplied by its weight, in int64
    below 2**62 papers and in Python ints above, so nothing can overflow or round.
    """
    size = n + 1
    width = prefs.shape[1]
    key_type = np.int16 if size * size < 2**15 else np.int64
    order = np.argsort(counts, kind="stable")
    prefs, counts = prefs[order], counts[order]
    if counts.size == 0:
        return [[0] * n for _ in range(n)]
    starts = np.flatnonzero(np.concatenate(([True], counts[1:] != counts[:-1])))
    ends = [*starts[1:].tolist(), int(counts.size)]
    runs = [(int(counts[a]), int(a), b) for a, b in zip(starts.tolist(), ends, strict=True)]
    # Every entry is at most the number of valid papers: int64 is exact below 2**62, and
    # Python ints (object arrays) are used above.
    exact_type = np.int64 if exact_sum(counts) < 2**62 else object
    both = np.zeros(size * size, dtype=exact_type)
    ranked = np.zeros(size, dtype=exact_type)

    def add(total: np.ndarray, values: np.ndarray, weight: int) -> None:
        if values.size:
            hits = np.bincount(values, minlength=total.size).astype(exact_type)
            total += hits * weight

    marked = prefs != 0
    for weight, a, b in runs:
        add(ranked, prefs[a:b][marked[a:b]], weight)
    for j in range(width - 1):
        first: np.ndarray = prefs[:, j].astype(key_type) * size
        later: np.ndarray = prefs[:, j + 1 :].astype(key_type)
        keys = first[:, None] + later
        mask = (later != 0) & (first != 0)[:, None]
        for weight, a, b in runs:
            add(both, keys[a:b][mask[a:b]], weight)
    d = [[0] * n for _ in range(n)]
    for a in standing:
        for b in standing:
            if a != b:
                d[a][b] = int(
                    ranked[a + 1] - both[(b + 1) * size + a + 1]
                    if unranked == "last"
                    else both[(a + 1) * size + b + 1]
                )
    return d


def _levels(standing: Sequence[int], above: Matrix | list[list[bool]]) -> list[tuple[int, ...]]:
    """Levels of a strict partial order given by ``above[a][b]`` (a ranked above b)."""
    left = list(standing)
    out: list[tuple[int, ...]] = []
    while left:
        level = tuple(c for c in left if not any(above[o][c] for o in left if o != c))
        if not level:  # cannot happen for an acyclic relation; refuse rather than loop
            raise CountError("internal error: the ranking relation has a cycle")
        out.append(level)
        left = [c for c in left if c not in level]
    return out


def schulze_paths(d: Matrix, standing: Sequence[int], margins: bool) -> list[list[tuple[int, ...]]]:
    """Strongest path strengths ``p[a][b]`` (Floyd–Warshall widest paths).

    A link's strength is a tuple compared lexicographically: winning votes ``(d[a][b],
    -d[b][a])`` (Schulze 2011 §2.1: primarily the winning votes, then the smaller
    opposition), margins ``(d[a][b] - d[b][a],)``. A missing link is ``(0, 0)`` / ``(0,)``,
    weaker than any link (a link has at least one winning vote / a margin of at least one).
    """
    n = len(d)
    none = (0,) if margins else (0, 0)
    p: list[list[tuple[int, ...]]] = [[none] * n for _ in range(n)]
    for a in standing:
        for b in standing:
            if a != b and d[a][b] > d[b][a]:
                p[a][b] = (d[a][b] - d[b][a],) if margins else (d[a][b], -d[b][a])
    for i in standing:
        for j in standing:
            if j == i:
                continue
            pji = p[j][i]
            if pji == none:
                continue
            row = p[j]
            for k in standing:
                if k not in (i, j):
                    row[k] = max(row[k], min(pji, p[i][k]))
    return p


def _creates_cycle(locked: list[set[int]], a: int, b: int) -> bool:
    """Would locking a → b close a cycle (is a reachable from b)?"""
    seen = {b}
    stack = [b]
    while stack:
        x = stack.pop()
        if x == a:
            return True
        for y in locked[x]:
            if y not in seen:
                seen.add(y)
                stack.append(y)
    return False


def _acyclic_with(locked: list[set[int]], pairs: Sequence[tuple[int, int]]) -> bool:
    trial = [set(s) for s in locked]
    for a, b in pairs:
        if _creates_cycle(trial, a, b):
            return False
        trial[a].add(b)
    return True


class _Condorcet:
    def __init__(self, election: Election, options: CountOptions, method: str) -> None:
        self.election = election
        self.method = method
        self.seats = seats_of(election, options)
        check_seats(election, self.seats)
        extra = options.extra
        self.unranked = str(extra.get("unranked", "last"))
        self.d, self.valid, self.blank, self.first = pairwise_matrix(election, self.unranked)
        if self.valid == 0:
            raise CountError("no valid papers to count", source=election.source)
        ballots = election.ballots
        empty = sum(w for r, w in zip(ballots.rankings, ballots.weights, strict=True) if not r)
        self.at_start = exhausted_at_start(election, empty)
        self.blank -= self.at_start
        self.valid += self.at_start
        withdrawn = election.withdrawn
        self.standing = [c for c in range(len(election.candidates)) if c not in withdrawn]
        self.breaker = TieBreaker(options.tie_break, election)
        self.notes: list[str] = []
        self.strength = str(extra.get("strength", "winning"))
        if method == "ranked-pairs" and self.strength not in ("winning", "margins"):
            raise CountError(
                f"option strength must be 'winning' or 'margins', got {self.strength!r}"
            )

    # -- Schulze -----------------------------------------------------------------------
    def schulze(self, margins: bool) -> list[tuple[int, ...]]:
        p = schulze_paths(self.d, self.standing, margins)
        n = len(self.d)
        above = [[p[a][b] > p[b][a] for b in range(n)] for a in range(n)]
        return _levels(self.standing, above)

    # -- Ranked pairs --------------------------------------------------------------------
    def _key(self, a: int, b: int) -> tuple[int, ...]:
        d = self.d
        if self.strength == "margins":
            return (d[a][b] - d[b][a],)
        return (d[a][b], -d[b][a])

    def ranked_pairs(self) -> list[tuple[int, ...]]:
        names = self.election.names
        majorities = [
            (a, b) for a in self.standing for b in self.standing if self.d[a][b] > self.d[b][a]
        ]
        groups: dict[tuple[int, ...], list[tuple[int, int]]] = {}
        for a, b in majorities:
            groups.setdefault(self._key(a, b), []).append((a, b))
        n = len(self.d)
        locked: list[set[int]] = [set() for _ in range(n)]
        order: list[int] | None = None  # the tie-breaking ranking, drawn only when needed
        for key in sorted(groups, reverse=True):
            group = sorted(groups[key])
            blocked = [(a, b) for a, b in group if _creates_cycle(locked, a, b)]
            rest = [pair for pair in group if pair not in blocked]
            if _acyclic_with(locked, rest):
                for a, b in rest:
                    locked[a].add(b)
            else:
                if order is None:
                    order = self._tie_breaking_ranking()
                rank = {c: i for i, c in enumerate(order)}
                rest.sort(key=lambda pair: (rank[pair[0]], -rank[pair[1]]))
                skipped = []
                for a, b in rest:
                    if _creates_cycle(locked, a, b):
                        skipped.append((a, b))
                    else:
                        locked[a].add(b)
                self.notes.append(
                    "majorities of equal strength ("
                    + ", ".join(f"{names[a]} > {names[b]}" for a, b in rest)
                    + ") form a cycle; taken in the order of the tie-breaking ranking, "
                    + "skipping "
                    + ", ".join(f"{names[a]} > {names[b]}" for a, b in skipped)
                )
            blocked_text = ", ".join(f"{names[a]} > {names[b]}" for a, b in blocked)
            if blocked:
                self.notes.append(f"not locked (would close a cycle): {blocked_text}")
        above = [[b in locked[a] for b in range(n)] for a in range(n)]
        # Locked edges are acyclic; "above" must be transitive for the levels: close it.
        for k in range(n):
            for i in range(n):
                if above[i][k]:
                    for j in range(n):
                        if above[k][j]:
                            above[i][j] = True
        return _levels(self.standing, above)

    def _tie_breaking_ranking(self) -> list[int]:
        """A full order of the candidates drawn with the tie-break, most favoured first; each
        place is one recorded choice."""
        left = list(self.standing)
        order: list[int] = []
        while len(left) > 1:
            chosen = self.breaker.choose(
                left, want="highest", history=(), round_number=1, purpose="order"
            )
            order.append(chosen)
            left.remove(chosen)
        order.extend(left)
        self.notes.append(
            "tie-breaking ranking: " + " > ".join(self.election.names[c] for c in order)
        )
        return order

    # -- result ------------------------------------------------------------------------
    def run(self) -> Result:
        if self.method == "ranked-pairs":
            levels = self.ranked_pairs()
            rule = (
                "Ranked pairs (Tideman): majorities locked strongest first by "
                + ("margin" if self.strength == "margins" else "winning votes, then opposition")
                + ", skipping any that would close a cycle"
            )
        else:
            margins = self.method == "schulze-margins"
            levels = self.schulze(margins)
            rule = "Schulze method (beatpath), link strength " + (
                "margins" if margins else "winning votes"
            )
        rule += (
            "; unranked candidates below every ranked one"
            if self.unranked == "last"
            else "; unranked candidates not compared"
        )
        elected = top_n_levels(levels, self.seats, self.breaker)
        names = self.election.names
        winners = [
            a
            for a in self.standing
            if all(self.d[a][b] > self.d[b][a] for b in self.standing if b != a)
        ]
        if winners:
            self.notes.insert(0, f"Condorcet winner: {names[winners[0]]}")
        else:
            self.notes.insert(0, "no Condorcet winner (no candidate beats every other)")
        if self.at_start:
            self.notes.append(exhausted_note(self.at_start))
        if self.blank:
            self.notes.append(f"{self.blank} blank papers not counted")
        rnd = Round(
            number=1,
            action="First preferences (information only)",
            tallies={c: self.first[c] for c in self.standing},
            exhausted=Fraction(self.at_start),
            elected=tuple(elected),
        )
        return Result(
            method=self.method,
            rule=f"{rule}; {self.breaker.describe()}",
            title=self.election.title,
            candidates=names,
            seats=self.seats,
            elected=tuple(elected),
            rounds=(rnd,),
            valid=Fraction(self.valid),
            invalid=self.election.invalid,
            ties=tuple(self.breaker.records),
            ranking=tuple(levels),
            withdrawn=tuple(sorted(self.election.withdrawn)),
            options={"unranked": self.unranked}
            | ({"strength": self.strength} if self.method == "ranked-pairs" else {}),
            notes=tuple(self.notes),
            pairwise=tuple(tuple(row) for row in self.d),
        )


def count_schulze(election: Election, options: CountOptions) -> Result:
    return _Condorcet(election, options, "schulze").run()


def count_schulze_margins(election: Election, options: CountOptions) -> Result:
    return _Condorcet(election, options, "schulze-margins").run()


def count_ranked_pairs(election: Election, options: CountOptions) -> Result:
    return _Condorcet(election, options, "ranked-pairs").run()


METHODS = (
    MethodSpec(
        "schulze",
        "Schulze (Condorcet, beatpath, winning votes): full ranking, top N elected",
        count_schulze,
    ),
    MethodSpec(
        "schulze-margins",
        "Schulze (Condorcet, beatpath, margins): full ranking, top N elected",
        count_schulze_margins,
    ),
    MethodSpec(
        "ranked-pairs",
        "Ranked pairs (Tideman; Condorcet): full ranking, top N elected",
        count_ranked_pairs,
    ),
)
