"""Meek STV: the PRF reference rule (``meek``) and the New Zealand rules (``meek-nz``).

Meek's method (Hill, Wichmann & Woodall, Algorithm 123) gives every elected candidate a *keep
factor*: the share of each paper reaching them that they keep; the rest passes on to the next
preference. Keep factors are adjusted until every elected candidate holds (nearly) exactly a
quota, and the quota itself falls as papers exhaust. Excluded candidates keep nothing, so
their papers pass on at full value; every paper is re-examined in every iteration.

Arithmetic (both rules): integer fixed point, ``10**9`` units to one vote (Python ints and
numpy int64, exact; numpy object arrays when a total could pass 2**62). In an iteration a
paper of value ``w`` reaching a candidate with keep factor ``k`` gives them ``w*k``
**rounded up** to 9 places and passes on the rest, so no value is lost to rounding:
candidates' votes + exhausted = valid papers exactly, in every round. The quota is the votes
held by candidates divided by (seats + 1), truncated to 9 places, plus 0.000000001. New keep
factors are ``k * quota / votes`` **rounded up** to 9 places.

``meek`` — Proportional Representation Foundation reference Meek, as Droop's ``meek_prf``
and STV-rs implement it (verified against their reports): 9 places, omega = 0.000001, no
batch defeats. Each round iterates until a hopeful candidate reaches the quota (all who do
are elected, most votes first), or the total surplus is below omega, or the surplus stopped
falling (a stable state, which fixed point can reach above omega); then the lowest hopeful
candidate is defeated. Candidates whose vote is within the surplus of the lowest vote are
treated as tied for defeat (the undistributed surplus could still reorder them).

``meek-nz`` — Local Electoral Regulations 2001, Schedule 1A (NZ Meek): 9 places (cl.5), keep
factors rounded up (cl.10), iteration until the total surplus is below 0.0001 (cl.13) or
stable; the lowest candidate (exact ties only) is excluded. Ties: the schedule looks forwards
to the earliest stage at which the tied candidates differed, then uses its own Wichmann–Hill
pseudo-random generator (cl.40–48). **We implement the forwards look, then our seeded
SHA-256 draw when ``--seed`` is given (else the candidate order); we do not implement the
statutory generator**, so a tie that reaches it can be decided differently from NZ software.

Ties, ``meek``: unless a tie-break is chosen, the candidate order of the ballot file decides
(Droop/STV-rs: the candidate listed first in ``[tie ...]``, or in the file, loses).

Equal rankings (``a=b``): each such paper is split equally over every order of the equally
ranked candidates (the STV-rs ``--equalize`` reading, which is also how our Gregory-family
rules count them); counts are scaled by a common factor so that everything stays integral.

Constraints (``CountOptions.constraints``): after every election and defeat the
:class:`~moot.counting.constraints.ConstraintGuard` is asked; doomed candidates are defeated
before anyone else (and never elected at the quota), guarded candidates are never defeated,
and when only the guarded can fill the remaining seats they are elected.

Speed: papers are kept as a matrix of preferences. Before the iterations of a round, each row
is cut after its first hopeful candidate (nothing later can receive any value), defeated
candidates are blanked, and identical rows are merged, so an iteration works on the few
distinct paths a paper's value can take rather than on every distinct ballot.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from moot.counting._packed import PackedBallots, aggregate_matrix
from moot.counting.model import (
    CountError,
    CountOptions,
    Election,
    Result,
    Round,
    TieBreakSpec,
    check_seats,
    exhausted_at_start,
)
from moot.counting.registry import MethodSpec
from moot.counting.tiebreak import TieBreaker

_MAX_ORDERS = 5040  # 7! orders for one paper's equal rankings; more is refused
HOPEFUL, ELECTED, DEFEATED, WITHDRAWN = 0, 1, 2, 3


@dataclass(frozen=True)
class MeekRule:
    name: str
    title: str
    omega_places: int  # iteration stops when the surplus is below 10**-omega_places
    tie_window: bool  # hopefuls within the surplus of the lowest are tied for defeat (PRF)
    default_tie_break: str  # used when the count's options leave the tie-break unspecified
    keep_rounding: str = "product"  # "product": ceil(ceil(k*q)/v); "once": ceil(k*q/v)
    share_rounding: str = "up"  # the share a candidate keeps of a paper: "up" or "down"


PRF = MeekRule(
    name="meek",
    title="Meek STV, PR Foundation reference rule (9 dp fixed point, omega 0.000001)",
    omega_places=6,
    tie_window=True,
    default_tie_break="candidate-order",
)
PARAMETRIC = MeekRule(
    name="meek-parametric",
    title=(
        "Meek STV, parametric fixed point as Droop's meek and STV-rs fixed9 (9 dp, omega "
        "0.000001, kept shares truncated)"
    ),
    omega_places=6,
    tie_window=True,
    default_tie_break="candidate-order",
    share_rounding="down",
)
NZ = MeekRule(
    name="meek-nz",
    title=(
        "Meek STV, NZ Local Electoral Regulations 2001 Sch. 1A (9 dp, keep factors rounded "
        "up, surplus tolerance 0.0001)"
    ),
    omega_places=4,
    tie_window=False,
    default_tie_break="forwards",
)


def _expand(election: Election) -> tuple[np.ndarray, np.ndarray, int]:
    """(prefs 1-based padded with 0, counts, factor M): equal rankings split over orders."""
    ballots = election.ballots
    if isinstance(ballots, PackedBallots):
        return np.asarray(ballots.prefs), np.asarray(ballots.counts), 1
    if not ballots.has_equal_rankings():
        return (
            _matrix(ballots.rankings, ballots.weights),
            np.asarray(ballots.weights, dtype=object),
            1,
        )
    sizes = []
    for ranking in ballots.rankings:
        orders = math.prod(math.factorial(len(level)) for level in ranking)
        if orders > _MAX_ORDERS:
            raise CountError(
                f"a ballot ranks candidates equally in {orders} possible orders; at most "
                f"{_MAX_ORDERS} can be split exactly",
                source=election.source,
            )
        sizes.append(orders)
    factor = math.lcm(*sizes) if sizes else 1
    rows: list[tuple[tuple[int], ...]] = []
    counts: list[int] = []
    for ranking, weight, size in zip(ballots.rankings, ballots.weights, sizes, strict=True):
        for choice in itertools.product(*(itertools.permutations(level) for level in ranking)):
            rows.append(tuple((c,) for c in itertools.chain(*choice)))
            counts.append(weight * factor // size)
    return _matrix(rows, counts), np.asarray(counts, dtype=object), factor


def _matrix(rankings: Sequence[tuple[tuple[int, ...], ...]], weights: Sequence[int]) -> np.ndarray:
    """Strict rankings as rows of 1-based candidate numbers padded with 0."""
    del weights  # counts stay Python ints until their size is known
    width = max((len(r) for r in rankings), default=0)
    prefs = np.zeros((len(rankings), max(width, 1)), dtype=np.int32)
    for i, ranking in enumerate(rankings):
        for j, level in enumerate(ranking):
            prefs[i, j] = level[0] + 1
    return prefs


class _MeekCount:
    def __init__(self, election: Election, options: CountOptions, rule: MeekRule) -> None:
        self.election = election
        self.rule = rule
        self.seats = options.seats if options.seats is not None else election.seats
        check_seats(election, self.seats)
        self.precision = options.precision if options.precision is not None else 9
        if self.precision < rule.omega_places:
            raise CountError(
                f"{rule.name} needs at least {rule.omega_places} decimal places "
                f"(--precision {self.precision} given)"
            )
        self.scale = 10**self.precision
        self.n = len(election.candidates)
        prefs, counts, self.factor = _expand(election)
        prefs = np.asarray(prefs, dtype=np.int32)
        try:
            counts = np.asarray(counts, dtype=np.int64)
        except OverflowError:  # more papers than int64 holds: exact Python ints
            counts = np.asarray([int(c) for c in counts], dtype=object)
        if prefs.ndim != 2 or prefs.shape[1] == 0:
            prefs = np.zeros((len(counts), 1), dtype=np.int32)
        nonblank = (prefs > 0).any(axis=1)
        self.blank = int(sum(counts[~nonblank].tolist()))
        prefs, counts = prefs[nonblank], counts[nonblank]
        self.papers = int(sum(counts.tolist()))  # scaled by factor
        if self.papers == 0:
            raise CountError("no valid ballots to count", source=election.source)
        # Papers exhausted before their first preference (Election.exhausted_at_start): valid,
        # exhausted from the first round; they hold no vote, so the quota never counts them.
        self.at_start = exhausted_at_start(election, self.blank // self.factor) * self.factor
        self.blank -= self.at_start
        self.papers += self.at_start
        # int64 is exact while weight*keep (<= scale**2) and every total (<= papers*scale)
        # stay below 2**62; otherwise the same code runs on Python ints.
        self.big = self.papers * self.scale >= 2**62 or self.scale**2 >= 2**62
        self.prefs = prefs
        self.counts = counts.astype(object) if self.big else counts
        self.state = np.full(self.n + 1, WITHDRAWN, dtype=np.int8)  # index 0 = no candidate
        self.state[1:] = HOPEFUL
        for w in election.withdrawn:
            self.state[w + 1] = WITHDRAWN
        self.keep = [0] + [self.scale if self.state[c + 1] == HOPEFUL else 0 for c in range(self.n)]
        self.omega = 10 ** (self.precision - rule.omega_places) * self.factor
        self.total_units = self.papers * self.scale  # in units of 1/(scale*factor) votes
        self.votes = [0] * (self.n + 1)
        self.exhausted = 0
        self.quota = 0  # in units of 1/scale votes (exactly 9 places)
        self.surplus = 0
        self.elected: list[int] = []
        self.rounds: list[Round] = []
        self.history: list[dict[int, Fraction]] = []
        spec = options.tie_break
        if spec == TieBreakSpec():
            spec = TieBreakSpec(name=rule.default_tie_break)
        self.tiebreaker = TieBreaker(spec, election)
        self.guard = None
        if options.constraints is not None:
            from moot.counting.constraints import ConstraintGuard

            self.guard = ConstraintGuard(
                options.constraints,
                self.seats,
                self.n,
                withdrawn=election.withdrawn,
                names=election.names,
            )
        self._compressed: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
        self.iterations = 0
        # True after a defeat until the papers are distributed again: ``votes`` still holds
        # the defeated candidate's votes, which a round recorded now would lose.
        self._stale = False

    # -- state ---------------------------------------------------------------------------
    def hopeful(self) -> list[int]:
        return [c for c in range(self.n) if self.state[c + 1] == HOPEFUL]

    def _excluded(self) -> set[int]:
        return {c for c in range(self.n) if self.state[c + 1] in (DEFEATED, WITHDRAWN)}

    def as_votes(self, units: int) -> Fraction:
        return Fraction(units, self.scale * self.factor)

    # -- distribution ----------------------------------------------------------------------
    def _compress(self) -> None:
        """Cut each row after its first hopeful, blank defeated/withdrawn, merge equal rows."""
        state = self.state
        live = (state == HOPEFUL) | (state == ELECTED)
        live[0] = False
        prefs = self.prefs
        mask = live[prefs]
        hop = (state == HOPEFUL)[prefs]
        hop &= prefs > 0
        width = prefs.shape[1]
        first = np.where(hop.any(axis=1), hop.argmax(axis=1), width - 1)
        mask &= np.arange(width)[None, :] <= first[:, None]
        rows = np.where(mask, prefs, 0)
        used = int(first.max()) + 1 if rows.size else 1
        rows = np.ascontiguousarray(rows[:, :used])
        if self.big:
            counts = self.counts  # Python ints: merged rows could not be summed in int64
        else:
            packed = aggregate_matrix(rows, self.counts, self.n)
            rows = np.asarray(packed.prefs)
            counts = np.asarray(packed.counts)
        flat = rows.ravel()
        order = np.argsort(flat, kind="stable")
        sorted_ids = flat[order]
        bounds = np.flatnonzero(np.concatenate(([True], sorted_ids[1:] != sorted_ids[:-1])))
        self._compressed = (rows, counts.astype(object) if self.big else counts, order, bounds)
        self._bound_ids = sorted_ids[bounds].tolist()

    def distribute(self) -> None:
        """One pass of every paper through its preferences with the current keep factors."""
        assert self._compressed is not None
        rows, counts, order, bounds = self._compressed
        self.iterations += 1
        dtype = object if self.big else np.int64
        keep = np.array(self.keep, dtype=dtype)
        weight = np.full(rows.shape[0], self.scale, dtype=dtype)
        taken = np.empty(rows.shape, dtype=dtype)
        up = self.rule.share_rounding == "up"
        for j in range(rows.shape[1]):
            k = keep[rows[:, j]]
            take = -((-weight * k) // self.scale) if up else weight * k // self.scale
            weight -= take
            taken[:, j] = take
        taken *= counts[:, None] if rows.shape[1] else counts
        sums: Sequence[int] | np.ndarray = (
            np.add.reduceat(taken.ravel()[order], bounds) if order.size else []
        )
        votes = [0] * (self.n + 1)
        for cid, amount in zip(self._bound_ids, sums, strict=True):
            votes[cid] += int(amount)
        votes[0] = 0  # blank positions take nothing
        self.votes = votes
        self._stale = False
        self.exhausted = int((weight * counts).sum()) + self.at_start * self.scale
        # Quota: votes held / (seats + 1), truncated to the precision, plus one unit.
        held = sum(votes)
        self.quota = held // (self.factor * (self.seats + 1)) + 1
        quota_units = self.quota * self.factor
        self.surplus = sum(
            max(0, votes[c + 1] - quota_units)
            for c in range(self.n)
            if self.state[c + 1] == ELECTED
        )

    def refresh(self) -> None:
        """After a defeat, pass the papers once more with the current keep factors, so that a
        round recorded without iterating (elect or defeat the remaining candidates, a defeat
        under the constraints) shows the defeated candidates' votes transferred or exhausted
        (the conservation law) and is decided on them. Not counted as an iteration."""
        if self._stale:
            self._compress()
            self.distribute()
            self.iterations -= 1

    def update_keep_factors(self) -> None:
        """New keep factor = keep * quota / votes, rounded up (NZ Sch.1A cl.10; PRF)."""
        quota_units = self.quota * self.factor
        for c in range(self.n):
            if self.state[c + 1] == ELECTED and self.votes[c + 1] > 0:
                k = self.keep[c + 1]
                if self.rule.keep_rounding == "product":
                    # keep * quota rounded up to the precision, then divided, rounded up.
                    product = -((-k * self.quota) // self.scale)
                    self.keep[c + 1] = -((-product * self.scale * self.factor) // self.votes[c + 1])
                else:
                    self.keep[c + 1] = -((-k * quota_units) // self.votes[c + 1])

    # -- rounds --------------------------------------------------------------------------
    def _tallies(self) -> dict[int, Fraction]:
        return {
            c: self.as_votes(self.votes[c + 1])
            for c in range(self.n)
            if self.state[c + 1] in (HOPEFUL, ELECTED)
        }

    def _record(
        self,
        action: str,
        *,
        elected: Sequence[int] = (),
        excluded: Sequence[int] = (),
        notes: Sequence[str] = (),
        tallies: dict[int, Fraction] | None = None,
    ) -> None:
        if tallies is None:
            tallies = self._tallies()
        self.history.append(tallies)
        keep = {c: Fraction(self.keep[c + 1], self.scale) for c in self.elected}
        self.rounds.append(
            Round(
                number=len(self.rounds) + 1,
                action=action,
                tallies=tallies,
                exhausted=self.as_votes(self.exhausted),
                loss=Fraction(0),
                elected=tuple(elected),
                excluded=tuple(excluded),
                quota=Fraction(self.quota, self.scale),
                keep_factors=keep,
                notes=tuple(notes),
            )
        )

    def _break(self, tied: list[int], want: str, purpose: str) -> int:
        if len(tied) == 1:
            return tied[0]
        return self.tiebreaker.choose(
            tied,
            want=want,  # type: ignore[arg-type]
            history=self.history,
            round_number=len(self.rounds) + 1,
            purpose=purpose,
        )

    def _verdict(self) -> tuple[frozenset[int], frozenset[int], tuple[str, ...]]:
        if self.guard is None:
            return frozenset(), frozenset(), ()
        verdict = self.guard.assess(set(self.elected), self._excluded())
        return verdict.guarded, verdict.doomed, verdict.notes

    def _all_conformant(self, candidates: Sequence[int]) -> bool:
        """Can the constraints still be met with ``candidates`` elected as well?"""
        if self.guard is None:
            return True
        try:
            self.guard.assess(set(self.elected) | set(candidates), self._excluded())
        except CountError:
            return False
        return True

    def _elect(self, c: int) -> None:
        self.state[c + 1] = ELECTED
        self.elected.append(c)

    def _defeat(self, c: int) -> None:
        self.state[c + 1] = DEFEATED
        self.keep[c + 1] = 0
        self._stale = True

    def finish_if_decided(self) -> bool:
        """Fill or close the count without iterating: all seats filled (defeat the rest), or
        no more hopefuls than seats (elect them all), or only the guarded can fill them."""
        hopeful = self.hopeful()
        left = self.seats - len(self.elected)
        if left <= 0:
            if hopeful:
                self.refresh()
                tallies = self._tallies()
                for c in hopeful:
                    self._defeat(c)
                self._record(
                    "Defeat remaining: " + self._names(hopeful), excluded=hopeful, tallies=tallies
                )
            return True
        guarded, doomed, notes = self._verdict()
        candidates = [c for c in hopeful if c not in doomed]
        if len([c for c in candidates if c in guarded]) == left:
            candidates = [c for c in candidates if c in guarded]
        if len(candidates) <= left:
            self.refresh()
            tallies = self._tallies()  # the state on which the decision is taken
            order = sorted(candidates, key=lambda c: (-self.votes[c + 1], c))
            for c in order:
                self._elect(c)
            rest = [c for c in hopeful if c not in candidates]
            for c in rest:
                self._defeat(c)
            self._record(
                "Elect remaining: " + self._names(order),
                elected=order,
                excluded=rest,
                notes=notes if rest else (),
                tallies=tallies,
            )
            return True
        return False

    def _names(self, cands: Sequence[int]) -> str:
        return ", ".join(self.election.candidates[c].name for c in cands)

    def play_round(self) -> None:
        guarded, doomed, notes = self._verdict()
        doomed_hopeful = [c for c in self.hopeful() if c in doomed]
        if doomed_hopeful:
            self.refresh()
            tallies = self._tallies()
            for c in doomed_hopeful:
                self._defeat(c)
            self._record(
                "Defeat (constraints): " + self._names(doomed_hopeful),
                excluded=doomed_hopeful,
                notes=notes,
                tallies=tallies,
            )
            return
        self._compress()
        last_surplus: int | None = None
        while True:
            self.distribute()
            quota_units = self.quota * self.factor
            reached = [
                c for c in self.hopeful() if self.votes[c + 1] >= quota_units and c not in doomed
            ]
            if reached:
                self._elect_reaching(reached)
                return
            if self.surplus < self.omega:
                reason = f"surplus {self._fmt(self.surplus)} < omega"
                break
            if last_surplus is not None and self.surplus >= last_surplus:
                reason = f"stable surplus {self._fmt(self.surplus)}"
                break
            last_surplus = self.surplus
            self.update_keep_factors()
        self._defeat_lowest(guarded, notes, reason)

    def _fmt(self, units: int) -> str:
        value = Fraction(units, self.factor * self.scale)
        whole, rest = divmod(math.floor(value * self.scale), self.scale)
        return f"{whole}.{rest:0{self.precision}d}"

    def _elect_reaching(self, reached: list[int]) -> None:
        """Elect every hopeful at or over the quota, most votes first (ties by the rule)."""
        elected: list[int] = []
        notes: list[str] = []
        pending = list(reached)
        while pending and len(self.elected) < self.seats:
            best = max(self.votes[c + 1] for c in pending)
            tied = [c for c in pending if self.votes[c + 1] == best]
            if len(pending) <= self.seats - len(self.elected) and self._all_conformant(pending):
                # Everyone reaching the quota is elected: equal votes in ballot order, no tie.
                # (Under constraints only when electing them all can still meet them; else
                # whoever is elected first may doom the other, and the tie rule decides.)
                chosen = min(tied)
            else:
                chosen = self._break(tied, "highest", "elect")
            pending.remove(chosen)
            self._elect(chosen)
            elected.append(chosen)
            if pending and self.guard is not None:
                # Electing one may doom others of a group that has reached its maximum.
                _, doomed, why = self._verdict()
                if any(c in doomed for c in pending):
                    notes.extend(why)
                    pending = [c for c in pending if c not in doomed]
        self._record("Elect: " + self._names(elected), elected=elected, notes=notes)

    def _defeat_lowest(self, guarded: frozenset[int], notes: tuple[str, ...], reason: str) -> None:
        candidates = [c for c in self.hopeful() if c not in guarded]
        if not candidates:
            raise CountError("the constraints protect every hopeful candidate; cannot continue")
        low = min(self.votes[c + 1] for c in candidates)
        window = self.surplus if self.rule.tie_window else 0
        tied = [c for c in candidates if self.votes[c + 1] <= low + window]
        chosen = self._break(tied, "lowest", "exclude")
        tallies = self._tallies()
        self._defeat(chosen)
        shown = [n for n in notes if any(self.election.candidates[c].name in n for c in guarded)]
        self._record(
            f"Defeat ({reason}): {self._names([chosen])}",
            excluded=[chosen],
            notes=shown,
            tallies=tallies,
        )

    def run(self) -> Result:
        while not self.finish_if_decided():
            self.play_round()
        return self.result()

    def result(self) -> Result:
        notes = [f"{self.iterations} iterations"]
        if self.at_start:
            notes.append(
                f"{Fraction(self.at_start, self.factor)} papers exhausted before their first "
                "preference (marked, but no mark gives a preference, e.g. an overvote at the "
                "first rank): counted as exhausted from the first round"
            )
        if self.factor != 1:
            notes.append(
                "equal rankings counted by splitting each such paper equally over every order "
                "of the equally ranked candidates"
            )
        if self.blank:
            notes.append(f"{Fraction(self.blank, self.factor)} blank papers not counted")
        return Result(
            method=self.rule.name,
            rule=f"{self.rule.title}; {self.tiebreaker.describe()}",
            title=self.election.title,
            candidates=self.election.names,
            seats=self.seats,
            elected=tuple(self.elected),
            rounds=tuple(self.rounds),
            valid=Fraction(self.papers, self.factor),
            invalid=self.election.invalid,
            quota=self.rounds[-1].quota if self.rounds else None,
            precision=self.precision,
            ties=tuple(self.tiebreaker.records),
            withdrawn=tuple(sorted(self.election.withdrawn)),
            options={
                "precision": self.precision,
                "omega": f"1e-{self.rule.omega_places}",
                "quota": "dynamic droop",
            },
            notes=tuple(notes),
        )


def count_meek(election: Election, options: CountOptions) -> Result:
    """PRF reference Meek STV (see the module docstring)."""
    return _MeekCount(election, options, PRF).run()


def count_meek_parametric(election: Election, options: CountOptions) -> Result:
    """Meek STV with Droop's parametric / STV-rs fixed9 arithmetic (see the module docstring)."""
    return _MeekCount(election, options, PARAMETRIC).run()


def count_meek_nz(election: Election, options: CountOptions) -> Result:
    """NZ Meek STV, Local Electoral Regulations 2001 Sch. 1A (see the module docstring)."""
    return _MeekCount(election, options, NZ).run()


METHODS = (
    MethodSpec(
        name="meek",
        summary="Meek STV, PR Foundation reference (9 dp fixed point, omega 1e-6)",
        count=count_meek,
    ),
    MethodSpec(
        name="meek-parametric",
        summary="Meek STV as Droop's parametric meek / STV-rs fixed9 (kept shares truncated)",
        count=count_meek_parametric,
    ),
    MethodSpec(
        name="meek-nz",
        summary="Meek STV, New Zealand rules (LER 2001 Sch. 1A: 9 dp, keep factors up, 1e-4)",
        count=count_meek_nz,
    ),
)
