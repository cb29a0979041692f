"""``irv``: instant-runoff voting (alternative vote), one seat.

Round 1 counts every paper for its first preference. While no continuing candidate has **more
than half** of the votes held by continuing candidates (exhausted papers do not count towards
the majority), the candidate with fewest votes is excluded and each of their papers passes to
its next preference still continuing, or is exhausted when it has none. The last continuing
candidate is elected if nobody reached a majority before. Every figure is an exact integer or
Fraction; in every round ``candidates' votes + exhausted = valid papers`` (nothing is lost to
rounding: ``Round.loss`` is always 0).

Each round's ``quota`` is the least vote that is more than half of the continuing votes (for
whole votes ``floor(V/2) + 1``; with split papers, the next multiple of the split's unit).

Options (``CountOptions.extra``):

``equal_rankings``: ``"split"`` (default) or ``"exhaust"``
    A paper whose highest level still holding continuing candidates ranks several of them
    equally (``a=b``) is, with ``"split"``, shared equally between them (exactly the STV-rs
    ``--equalize`` reading and our STV rules' reading: splitting the paper over every order of
    the equal candidates gives the same shares); with ``"exhaust"`` it is exhausted there
    (RCTab's "exhaust at overvote").
``batch_elimination``: ``False`` (default) or ``True``
    When true, the lowest candidates are excluded together whenever their votes added
    together are fewer than the votes of the next candidate up (no transfer from them could
    lift any of them above that candidate), at least two of them and leaving at least two
    candidates. Off by default: the ordinary rule excludes one candidate per round.

Ties for exclusion are broken by the tie-break chosen (default ``backwards``: the most recent
earlier round at which the tied candidates had unequal votes; then the recorded lot
decisions, the seeded draw or the candidate order) and recorded.

Withdrawn candidates are struck out of every paper before the count. A paper that ranks
only withdrawn candidates (e.g. undeclared write-ins) is a valid paper exhausted from the
first round, as in the STV methods and in RCTab's reports (inactive). A paper with no
preference at all is blank: not a valid vote, noted. Except the papers the reader found
exhausted before their first preference (``Election.exhausted_at_start``: marks, but the
first that counts is an overvote): as in official US reports they are valid papers, counted
in the exhausted figure from the first round.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Iterable
from fractions import Fraction

import numpy as np

from moot.counting.methods._common import (
    exact_sum,
    live_lookup,
    one_seat,
    standing_levels,
    strict_matrix,
)
from moot.counting.model import (
    CountError,
    CountOptions,
    Election,
    Result,
    Round,
    Transfer,
    check_seats,
    exhausted_at_start,
)
from moot.counting.registry import MethodSpec
from moot.counting.tiebreak import TieBreaker

Allocation = dict[int, Fraction]  # candidate -> share of one group of identical papers


def _flag(extra: object, key: str, default: bool) -> bool:
    value = extra.get(key, default)  # type: ignore[attr-defined]
    if isinstance(value, str):
        if value.lower() in ("1", "true", "yes", "on"):
            return True
        if value.lower() in ("0", "false", "no", "off"):
            return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise CountError(f"option {key} must be true or false, got {value!r}")


class _IRV:
    def __init__(self, election: Election, options: CountOptions) -> None:
        self.election = election
        check_seats(election, 1)
        one_seat(election, options, "irv")
        extra = options.extra
        self.mode = str(extra.get("equal_rankings", "split"))
        if self.mode not in ("split", "exhaust"):
            raise CountError(
                f"option equal_rankings must be 'split' or 'exhaust', got {self.mode!r}"
            )
        self.batch = _flag(extra, "batch_elimination", False)
        withdrawn = election.withdrawn
        self.continuing = {c for c in range(len(election.candidates)) if c not in withdrawn}
        self.breaker = TieBreaker(options.tie_break, election)
        self.rounds: list[Round] = []
        self.history: list[dict[int, Fraction]] = []
        self._load()

    def _load(self) -> None:
        """Read the papers into groups of identical rankings, each with its allocation."""
        election = self.election
        withdrawn = election.withdrawn
        self.groups: list[tuple[tuple[tuple[int, ...], ...], int]] = []
        self.blank = 0
        self.withdrawn_only = 0  # papers ranking only withdrawn candidates: exhausted
        widest = 1
        for ranking, weight in zip(
            election.ballots.rankings, election.ballots.weights, strict=True
        ):
            levels = standing_levels(ranking, withdrawn)
            if not levels:
                if any(ranking):
                    self.withdrawn_only += weight
                else:
                    self.blank += weight
                continue
            self.groups.append((levels, weight))
            widest = max(widest, *(len(level) for level in levels))
        self.valid = sum(weight for _, weight in self.groups)
        if self.valid == 0:
            raise CountError("no valid papers to count", source=election.source)
        self.at_start = exhausted_at_start(election, self.blank)
        # Every share is a multiple of 1/unit (a weight split among at most `widest`).
        self.unit = math.lcm(*range(1, widest + 1)) if self.mode == "split" else 1
        self.alloc: list[Allocation] = [self._allocate(levels, w) for levels, w in self.groups]
        self.holders: dict[int, set[int]] = defaultdict(set)  # candidate -> groups
        for g, alloc in enumerate(self.alloc):
            for c in alloc:
                self.holders[c].add(g)
        self.tally: dict[int, Fraction] = dict.fromkeys(self.continuing, Fraction(0))
        self.exhausted = Fraction(self.at_start + self.withdrawn_only)
        self.blank -= self.at_start
        self.valid += self.at_start + self.withdrawn_only
        for g, alloc in enumerate(self.alloc):
            if not alloc:
                self.exhausted += self.groups[g][1]
            for c, share in alloc.items():
                self.tally[c] += share

    def _allocate(self, levels: tuple[tuple[int, ...], ...], weight: int) -> Allocation:
        for level in levels:
            live = [c for c in level if c in self.continuing]
            if not live:
                continue
            if len(live) > 1 and self.mode == "exhaust":
                return {}
            share = Fraction(weight, len(live))
            return dict.fromkeys(live, share)
        return {}

    def needed(self) -> Fraction:
        """The least vote (on the grid of 1/unit) that is more than half the continuing votes."""
        live = sum(self.tally.values(), Fraction(0))
        return Fraction(math.floor(live * self.unit / 2) + 1, self.unit)

    def record(
        self,
        action: str,
        *,
        elected: Iterable[int] = (),
        excluded: Iterable[int] = (),
        transfers: Iterable[Transfer] = (),
        notes: Iterable[str] = (),
    ) -> None:
        tallies = {c: self.tally[c] for c in sorted(self.continuing)}
        self.history.append(tallies)
        self.rounds.append(
            Round(
                number=len(self.rounds) + 1,
                action=action,
                tallies=tallies,
                exhausted=self.exhausted,
                quota=self.needed(),
                elected=tuple(elected),
                excluded=tuple(excluded),
                transfers=tuple(transfers),
                notes=tuple(notes),
            )
        )

    def exclude(self, out: list[int]) -> tuple[Transfer, ...]:
        """Remove ``out`` and move their papers on; returns the transfers by (source, target)."""
        moved: dict[tuple[int, int | None], Fraction] = defaultdict(Fraction)
        affected = set().union(*(self.holders[c] for c in out))
        self.continuing -= set(out)
        for c in out:
            del self.tally[c]
        for g in sorted(affected):
            old = self.alloc[g]
            lost = {c: share for c, share in old.items() if c in out}
            lost_total = sum(lost.values(), Fraction(0))
            if not lost_total:
                continue
            new = self._allocate(*self.groups[g])
            gained: dict[int | None, Fraction] = {}
            for c, share in new.items():
                delta = share - old.get(c, Fraction(0))
                if delta:
                    gained[c] = delta
                self.holders[c].add(g)
            if not new:
                gained[None] = lost_total
                self.exhausted += lost_total
            for target, amount in gained.items():
                if target is not None:
                    self.tally[target] += amount
                for source, share in lost.items():
                    moved[(source, target)] += amount * share / lost_total
            self.alloc[g] = new
        return tuple(
            Transfer(source, target, votes)
            for (source, target), votes in sorted(
                moved.items(), key=lambda kv: (kv[0][0], -1 if kv[0][1] is None else kv[0][1])
            )
            if votes
        )

    def majority_winner(self) -> int | None:
        if len(self.continuing) == 1:
            return next(iter(self.continuing))
        needed = self.needed()
        over = [c for c, v in self.tally.items() if v >= needed]
        return over[0] if over else None

    def choose_exclusion(self) -> tuple[list[int], str]:
        ordered = sorted(self.continuing, key=lambda c: (self.tally[c], c))
        if self.batch:
            best: list[int] = []
            running = Fraction(0)
            for k in range(len(ordered) - 2):  # always leave two candidates
                running += self.tally[ordered[k]]
                if k >= 1 and running < self.tally[ordered[k + 1]]:
                    best = ordered[: k + 1]
            if best:
                return best, "batch elimination: their votes together are fewer than the next"
        lowest = self.tally[ordered[0]]
        tied = [c for c in ordered if self.tally[c] == lowest]
        chosen = self.breaker.choose(
            tied,
            want="lowest",
            history=self.history,
            round_number=len(self.rounds) + 1,
            purpose="exclude",
        )
        return [chosen], ""

    def run(self) -> Result:
        names = self.election.names
        self.record("First preferences")
        while True:
            winner = self.majority_winner()
            if winner is not None:
                last = self.rounds[-1]
                note = (
                    f"{names[winner]} has {last.tallies[winner]} of "
                    f"{sum(last.tallies.values(), Fraction(0))} continuing votes: more than half"
                    if len(self.continuing) > 1
                    else f"{names[winner]} is the last continuing candidate"
                )
                self.rounds[-1] = dataclasses.replace(
                    last, elected=(winner,), notes=(*last.notes, note)
                )
                break
            out, note = self.choose_exclusion()
            transfers = self.exclude(out)
            self.record(
                "Exclusion of " + ", ".join(names[c] for c in out),
                excluded=out,
                transfers=transfers,
                notes=(note,) if note else (),
            )
        return self.result(winner)

    def result(self, winner: int) -> Result:
        notes = []
        if self.at_start:
            notes.append(
                f"{self.at_start} papers exhausted before their first preference (marked, but no "
                "mark gives a preference, e.g. an overvote at the first rank): counted as "
                "exhausted from the first round"
            )
        if self.withdrawn_only:
            notes.append(
                f"{self.withdrawn_only} papers rank only withdrawn candidates: counted as "
                "exhausted from the first round"
            )
        if self.blank:
            notes.append(f"{self.blank} blank papers (no preference) not counted")
        if self.unit != 1 and any(len(lv) > 1 for levels, _ in self.groups for lv in levels):
            notes.append(
                "equal rankings: a paper ranking several continuing candidates equally is "
                "shared equally between them"
            )
        rule = (
            "Instant-runoff voting: elected with more than half of the continuing votes; "
            "lowest excluded one at a time"
            + (" (batch elimination on)" if self.batch else "")
            + f"; equal rankings {'split equally' if self.mode == 'split' else 'exhaust'}"
            + f"; {self.breaker.describe()}"
        )
        return Result(
            method="irv",
            rule=rule,
            title=self.election.title,
            candidates=self.election.names,
            seats=1,
            elected=(winner,),
            rounds=tuple(self.rounds),
            valid=Fraction(self.valid),
            invalid=self.election.invalid,
            quota=self.rounds[-1].quota,
            ties=tuple(self.breaker.records),
            withdrawn=tuple(sorted(self.election.withdrawn)),
            options={"equal_rankings": self.mode, "batch_elimination": self.batch},
            notes=tuple(notes),
        )


class _MatrixIRV(_IRV):
    """The same count for papers without equal rankings, on a numpy matrix of preferences:
    every paper sits with one candidate (or is exhausted) and carries a whole vote, so
    every figure is an integer (int64 sums, converted to exact Python ints)."""

    def _load(self) -> None:
        prefs, counts = strict_matrix(self.election)  # type: ignore[misc]
        n = len(self.election.candidates)
        live = live_lookup(self.election)
        has = live[prefs].any(axis=1) if prefs.size else np.zeros(len(counts), dtype=bool)
        empty = ~(prefs > 0).any(axis=1) if prefs.size else np.ones(len(counts), dtype=bool)
        self.blank = exact_sum(counts[empty])
        self.withdrawn_only = exact_sum(counts[~has & ~empty])
        self.at_start = exhausted_at_start(self.election, self.blank)
        self.blank -= self.at_start
        prefs, self.counts = prefs[has], counts[has]
        self.valid = exact_sum(self.counts)
        if self.valid == 0:
            raise CountError("no valid papers to count", source=self.election.source)
        self.valid += self.at_start + self.withdrawn_only
        # A sentinel column of 0 after the last preference: "advance past the end" = exhausted.
        self.prefs = np.zeros((prefs.shape[0], prefs.shape[1] + 1), dtype=np.int32)
        self.prefs[:, : prefs.shape[1]] = prefs
        self.live = live.copy()  # 1-based: continuing candidates
        self.pos = np.full(prefs.shape[0], -1, dtype=np.int64)
        self.top = np.zeros(prefs.shape[0], dtype=np.int64)
        self.unit = 1
        self.groups = []
        self._advance(np.arange(prefs.shape[0]))
        self.bucket = np.zeros(n + 1, dtype=np.int64)  # bucket[0] = exhausted
        np.add.at(self.bucket, self.top, self.counts)
        self._sync()

    def _sync(self) -> None:
        self.tally = {c: Fraction(int(self.bucket[c + 1])) for c in sorted(self.continuing)}
        self.exhausted = Fraction(int(self.bucket[0]) + self.at_start + self.withdrawn_only)

    def _advance(self, rows: np.ndarray) -> None:
        if rows.size == 0:
            return
        sub = self.prefs[rows]
        at = np.arange(rows.size)
        p = self.pos[rows].copy()
        moving = np.ones(rows.size, dtype=bool)
        while moving.any():
            p[moving] += 1
            candidate = sub[at, p]
            moving = (candidate != 0) & ~self.live[candidate]
        self.pos[rows] = p
        self.top[rows] = sub[at, p]

    def exclude(self, out: list[int]) -> tuple[Transfer, ...]:
        numbers = np.asarray([c + 1 for c in out], dtype=np.int64)
        self.continuing -= set(out)
        self.live[numbers] = False
        rows = np.flatnonzero(np.isin(self.top, numbers))
        old = self.top[rows].copy()
        self._advance(rows)
        new = self.top[rows]
        n = len(self.election.candidates)
        moved = np.zeros((n + 1, n + 1), dtype=np.int64)
        np.add.at(moved, (old, new), self.counts[rows])
        self.bucket[numbers] = 0
        np.add.at(self.bucket, new, self.counts[rows])
        self._sync()
        transfers = []
        for source in sorted(out):
            for target in [None, *range(n)]:
                votes = int(moved[source + 1, 0 if target is None else target + 1])
                if votes:
                    transfers.append(Transfer(source, target, Fraction(votes)))
        return tuple(transfers)


def count_irv(election: Election, options: CountOptions) -> Result:
    # The matrix reading sums in int64: used below 2**62 papers (exact there); the
    # group-by-group reading with Python ints counts anything.
    if strict_matrix(election) is not None and election.ballots.total < 2**62:
        return _MatrixIRV(election, options).run()
    return _IRV(election, options).run()


METHODS = (
    MethodSpec(
        "irv",
        "Instant-runoff voting / alternative vote (one seat, exact, exhausted papers tracked)",
        count_irv,
        kinds=("ranked", "single"),
        multi_seat=False,
    ),
)
