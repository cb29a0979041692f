"""The shared engine of the Gregory-family STV rule sets (Scottish 2007, WIGM, ERS97, Gregory).

Arithmetic: every paper carries a value in integer fixed point at the rule's precision
(``10**precision`` units = one vote). Identical rankings always travel together, so a
group of identical papers is one row: its ``count`` (how many papers) and the value each of
them carries. A candidate's votes are ``sum(count * value)``. Transfer values are computed
per paper exactly as the statutes define them, with integer floor division (``remainder
ignored``), so the integer arithmetic gives exactly the result of the Fraction definition.

Rows live in numpy int64 arrays when the largest product that can occur fits in 62 bits,
otherwise in numpy object arrays of Python ints (same code, exact, slower).

Equal rankings (``a=b``) are counted by splitting the paper equally over every order of the
equally ranked candidates (as STV-rs ``--equalize``): all counts are multiplied by a common
factor ``M`` so they stay integers, and votes are ``units / (10**precision * M)``.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from moot.counting._packed import PackedBallots, pack_rankings
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
from moot.counting.tiebreak import TieBreaker

_MAX_PERMUTATIONS = 5040  # 7! orders of one paper; beyond that equal rankings are refused


@dataclass(frozen=True)
class RuleSet:
    """Parameters that distinguish the rule sets of the family."""

    name: str  # registry name
    title: str  # one line for the report
    precision: int
    quota: str  # "droop" | "exact-droop" | "hare" | "ers97"
    last_parcel: bool = False  # transfer only the last parcel of a surplus (ERS97, Gregory)
    defer_surpluses: bool = False  # ERS97 5.2.3
    bulk_exclusion: bool = False  # ERS97 5.2.5
    zero_surplus_stage: bool = False


def quota_votes(rule: RuleSet, valid: Fraction, seats: int) -> Fraction:
    """The quota in votes.

    droop: floor(V/(S+1)) + 1 (SSI 2007/42 r.46); exact-droop: V/(S+1) truncated to the
    precision plus one unit of the precision (PRF WIGM reference: 2.0001 for 6 votes, 2 seats);
    hare: V/S truncated to the precision; ers97: V/(S+1) to two places plus 0.01 (ERS97
    5.1.5: "rounded up" to 2 dp; when V/(S+1) is exact this still adds 0.01, so that no more
    than S candidates can reach it).
    """
    scale = 10**rule.precision
    if rule.quota == "droop":
        return Fraction(math.floor(valid / (seats + 1)) + 1)
    if rule.quota in ("exact-droop", "ers97"):
        return Fraction(math.floor(valid * scale / (seats + 1)) + 1, scale)
    if rule.quota == "hare":
        return Fraction(math.floor(valid * scale / seats), scale)
    raise CountError(f"unknown quota {rule.quota!r}; choose droop, exact-droop or hare")


def _expand_equal_rankings(election: Election) -> tuple[PackedBallots, int]:
    """Split papers with equal rankings over all orders; returns (packed rows, factor M)."""
    ballots = election.ballots
    if isinstance(ballots, PackedBallots):
        return ballots, 1
    if not ballots.has_equal_rankings():
        return pack_rankings(ballots.rankings, ballots.weights), 1
    orders: list[list[tuple[int, ...]]] = []
    sizes: list[int] = []
    for ranking in ballots.rankings:
        number = math.prod(math.factorial(len(level)) for level in ranking)
        if number > _MAX_PERMUTATIONS:
            raise CountError(
                "a ballot ranks too many candidates equally to split exactly "
                f"({number} orders); at most {_MAX_PERMUTATIONS} are supported"
            )
        sizes.append(number)
        per_level = [list(itertools.permutations(level)) for level in ranking]
        orders.append([tuple(itertools.chain(*p)) for p in itertools.product(*per_level)])
    factor = math.lcm(*sizes) if sizes else 1
    rows: list[tuple[tuple[int], ...]] = []
    counts: list[int] = []
    for weight, size, perms in zip(ballots.weights, sizes, orders, strict=True):
        for perm in perms:
            rows.append(tuple((c,) for c in perm))
            counts.append(weight * factor // size)
    return pack_rankings(rows, counts), factor


class _Count:
    """One count in progress. Candidates are 0-based; ``prefs`` rows are 1-based."""

    def __init__(self, election: Election, options: CountOptions, rule: RuleSet) -> None:
        self.election = election
        self.rule = rule
        self.seats = options.seats if options.seats is not None else election.seats
        check_seats(election, self.seats)
        self.n = len(election.candidates)
        self.scale = 10**rule.precision
        packed, self.factor = _expand_equal_rankings(election)
        prefs = np.asarray(packed.prefs)
        counts = np.asarray(packed.counts)
        if counts.dtype != object:
            counts = counts.astype(np.int64)
        # Blank papers (no preference at all) are not valid votes for STV.
        nonblank = prefs[:, 0] > 0 if prefs.shape[1] else np.zeros(len(counts), dtype=bool)
        prefs, counts = prefs[nonblank], counts[nonblank]
        self.valid_papers = int(counts.sum()) if counts.size else 0
        self.blank = packed.total - self.valid_papers  # counts are already times the factor
        if self.valid_papers == 0:
            raise CountError("no valid ballots to count", source=election.source)
        # Papers exhausted before their first preference (an overvote at rank 1): valid,
        # exhausted from the first stage, no part of the quota (Election.exhausted_at_start).
        self.at_start = exhausted_at_start(election, self.blank // self.factor) * self.factor
        self.blank -= self.at_start
        ranked_papers = self.valid_papers
        self.valid_papers += self.at_start
        total_units = self.valid_papers * self.scale
        big = total_units * self.scale >= 2**62
        self.dtype: type | np.dtype = object if big else np.int64
        width = prefs.shape[1]
        # Column ``width`` is a sentinel 0 so that "advance past the end" lands on 0.
        self.prefs = np.zeros((prefs.shape[0], width + 1), dtype=np.int32)
        self.prefs[:, :width] = prefs
        self.counts = counts.astype(self.dtype)
        self.values = np.full(len(counts), self.scale, dtype=self.dtype)
        self.pos = np.zeros(len(counts), dtype=np.int32)
        self.arrival = np.zeros(len(counts), dtype=np.int32)  # stage the paper reached its pile
        # State per candidate: 0 continuing, 1 elected, 2 excluded, 3 withdrawn.
        self.state = np.zeros(self.n + 1, dtype=np.int8)
        self.state[0] = 3  # index 0 is "no candidate" in 1-based rows
        for w in election.withdrawn:
            self.state[w + 1] = 3
        self.top = np.zeros(len(counts), dtype=np.int32)  # 1-based candidate or 0 = exhausted
        self.tally = [0] * (self.n + 1)  # units, 1-based; index 0 unused
        self.exhausted = self.at_start * self.scale
        self.loss = 0
        quota = quota_votes(rule, Fraction(ranked_papers, self.factor), self.seats)
        self.quota_units = int(quota * self.scale * self.factor)
        self.elected: list[int] = []
        self.pending: list[int] = []  # elected, surplus not yet transferred (0-based)
        self.elected_stage: dict[int, int] = {}
        self.deferred_note_given = False
        self.rounds: list[Round] = []
        self.history: list[dict[int, Fraction]] = []
        self.tiebreaker = TieBreaker(options.tie_break, election)
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
        self.notes: list[str] = []
        self.stage_notes: list[str] = []  # notes for the stage being counted (see _record)
        self.passed_over: set[int] = set()  # over the quota but doomed (noted once)

    # -- helpers -------------------------------------------------------------------------
    def votes(self, units: int) -> Fraction:
        return Fraction(units, self.scale * self.factor)

    def continuing(self) -> list[int]:
        return [c for c in range(self.n) if self.state[c + 1] == 0]

    def _advance(self, rows: np.ndarray) -> None:
        """Move the papers ``rows`` to their next continuing preference (or exhaustion)."""
        if rows.size == 0:
            return
        pos = self.pos[rows]
        sub = self.prefs[rows]
        width = self.prefs.shape[1]
        open_mask = self.state == 0
        open_mask[0] = True  # the sentinel 0 column stops the search: exhausted
        current = sub[np.arange(rows.size), pos]
        # Step forward until the preference is continuing (or the sentinel).
        moving = np.ones(rows.size, dtype=bool)
        while True:
            pos = np.where(moving, np.minimum(pos + 1, width - 1), pos)
            current = sub[np.arange(rows.size), pos]
            moving = ~open_mask[current] & (pos < width - 1)
            if not moving.any():
                break
        # A sentinel or padding 0 means exhausted.
        current = np.where(open_mask[current], current, 0)
        self.pos[rows] = pos
        self.top[rows] = current

    def _tallies(self) -> dict[int, Fraction]:
        return {
            c: self.votes(self.tally[c + 1]) for c in range(self.n) if self.state[c + 1] in (0, 1)
        }

    def _record(self, action: str, **fields: object) -> None:
        tallies = self._tallies()
        if self.stage_notes:
            fields["notes"] = (*fields.get("notes", ()), *self.stage_notes)  # type: ignore[misc]
            self.stage_notes = []
        self.history.append(tallies)
        self.rounds.append(
            Round(
                number=len(self.rounds) + 1,
                action=action,
                tallies=tallies,
                exhausted=self.votes(self.exhausted),
                loss=self.votes(self.loss),
                quota=self.votes(self.quota_units),
                **fields,  # type: ignore[arg-type]
            )
        )

    def _credit(self, rows: np.ndarray, source: int | None) -> tuple[Transfer, ...]:
        """Add the papers ``rows`` (already moved, values set) to their new piles."""
        if rows.size == 0:
            return ()
        units = self.counts[rows] * self.values[rows]
        targets = self.top[rows]
        stage = len(self.rounds) + 1
        self.arrival[rows] = stage
        transfers = []
        order = np.argsort(targets, kind="stable")
        sorted_targets = targets[order]
        bounds = np.flatnonzero(np.concatenate(([True], sorted_targets[1:] != sorted_targets[:-1])))
        sums = (
            np.add.reduceat(units[order], bounds)
            if units.dtype != object
            else [
                sum(units[order][a:b])
                for a, b in zip(bounds, [*bounds[1:], len(order)], strict=True)
            ]
        )
        for target, summed in zip(sorted_targets[bounds].tolist(), sums, strict=True):
            amount = int(summed)
            if target == 0:
                self.exhausted += amount
            else:
                self.tally[target] += amount
            transfers.append(
                Transfer(source, None if target == 0 else target - 1, self.votes(amount))
            )
        return tuple(transfers)

    # -- the count -------------------------------------------------------------------------
    def first_stage(self) -> None:
        """SSI 2007/42 r.45: sort papers by first preference and credit each candidate."""
        self.pos[:] = -1
        self._advance(np.arange(len(self.counts)))
        transfers = self._credit(np.arange(len(self.counts)), None)
        self.arrival[:] = 1
        del transfers
        elected = self._elect_reaching_quota()
        self._record("First preferences", elected=tuple(elected))

    def _elect_reaching_quota(self) -> list[int]:
        """r.47: every continuing candidate at or over the quota is elected, highest first.

        With constraints they are elected one at a time (highest first, equal votes by the
        tie rule) and the guard/doom verdict is taken again before each election: electing
        one candidate can doom others who are also over the quota (e.g. the seats left are
        all needed for a group's minimum). A doomed candidate is never elected; he stays
        continuing until :meth:`choose_exclusion` excludes him (doomed first) and his
        papers go on at their current value.
        """
        reached = [c for c in self.continuing() if self.tally[c + 1] >= self.quota_units]
        elected: list[int] = []
        while reached and len(self.elected) < self.seats:
            if self.guard is not None:
                verdict = self.guard.assess(set(self.elected), self._excluded_set())
                doomed = [c for c in reached if c in verdict.doomed]
                if doomed:
                    reached = [c for c in reached if c not in verdict.doomed]
                    new = [c for c in doomed if c not in self.passed_over]
                    if new:
                        self.passed_over.update(new)
                        names = ", ".join(self.election.candidates[c].name for c in new)
                        self.stage_notes.append(
                            f"{names} reached the quota but cannot be elected (doomed by the "
                            "constraints): " + "; ".join(verdict.notes)
                        )
                    if not reached:
                        break
            top_votes = max(self.tally[c + 1] for c in reached)
            tied = [c for c in reached if self.tally[c + 1] == top_votes]
            chosen = self._break(tied, "highest", "elect")
            reached.remove(chosen)
            self._mark_elected(chosen)
            elected.append(chosen)
        return elected

    def _mark_elected(self, c: int) -> None:
        self.state[c + 1] = 1
        self.elected.append(c)
        self.elected_stage[c] = len(self.rounds) + 1
        if self.tally[c + 1] > self.quota_units or self.rule.zero_surplus_stage:
            self.pending.append(c)

    def _excluded_set(self) -> set[int]:
        return {c for c in range(self.n) if self.state[c + 1] in (2, 3)}

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

    def finished(self) -> bool:
        return len(self.elected) >= self.seats

    def fill_last_vacancies(self) -> list[int]:
        """r.52(1): when the continuing candidates are no more than the vacancies left, they
        are all deemed elected (highest vote first) and no further transfer is made. With
        constraints, the guarded candidates are elected when they alone can fill them."""
        remaining = self.continuing()
        vacancies = self.seats - len(self.elected)
        if self.guard is not None:
            verdict = self.guard.assess(set(self.elected), self._excluded_set())
            remaining = [c for c in remaining if c not in verdict.doomed]
            guarded = [c for c in remaining if c in verdict.guarded]
            if len(guarded) == vacancies:
                remaining = guarded
        if len(remaining) > vacancies:
            return []
        order = sorted(remaining, key=lambda c: (-self.tally[c + 1], c))
        for c in order:
            self.state[c + 1] = 1
            self.elected.append(c)
        return order

    def transfer_surplus(self, c: int) -> None:
        """r.48 (all papers re-examined) or the last parcel (ERS97 5.3, Gregory)."""
        rows = np.flatnonzero(self.top == c + 1)
        total = self.tally[c + 1]
        surplus = total - self.quota_units
        if self.rule.last_parcel:
            rows = rows[self.arrival[rows] == self.arrival[rows].max()] if rows.size else rows
        old_values = self.values[rows].copy()
        self._advance(rows)
        if self.rule.last_parcel:
            movable = rows[self.top[rows] != 0]
            parcel_units = int((self.counts[movable] * self.values[movable]).sum())
            if parcel_units <= surplus:
                # Transferable papers are worth no more than the surplus: they go at their
                # value; the rest of the surplus is non-transferable (ERS97 5.3.3).
                self.exhausted += surplus - parcel_units
                moved_rows = movable
            else:
                new = (surplus * self.values[movable]) // parcel_units
                self.values[movable] = np.minimum(new, self.values[movable])
                moved_rows = movable
                moved_units = int((self.counts[movable] * self.values[movable]).sum())
                self.loss += surplus - moved_units
            # Papers of the parcel with no next preference stay with the elected candidate.
            stay = rows[self.top[rows] == 0]
            self.top[stay] = c + 1
            transfer_value = (
                Fraction(surplus, parcel_units) if parcel_units > surplus else Fraction(1)
            )
            transfers = self._credit(moved_rows, c)
        else:
            # SSI r.48(3): value = surplus x value of the paper / total, 5 dp, remainder ignored.
            self.values[rows] = (surplus * old_values) // total
            moved_units = int((self.counts[rows] * self.values[rows]).sum())
            self.loss += surplus - moved_units
            transfer_value = Fraction(surplus, total)
            transfers = self._credit(rows, c)
        self.tally[c + 1] = self.quota_units
        shown = Fraction(math.floor(transfer_value * self.scale), self.scale)
        self.pending.remove(c)
        elected = self._elect_reaching_quota()
        name = self.election.candidates[c].name
        self._record(
            f"Surplus of {name} (transfer value {shown})",
            elected=tuple(elected),
            transfer_value=transfer_value,
            transfers=transfers,
        )

    def exclude(self, excluded: Sequence[int], note: str = "") -> None:
        """r.50: exclude and transfer every paper at its current value (one stage)."""
        for c in excluded:
            self.state[c + 1] = 2
        rows = np.flatnonzero(np.isin(self.top, [c + 1 for c in excluded]))
        self._advance(rows)
        transfers: list[Transfer] = []
        for c in excluded:
            self.tally[c + 1] = 0
        transfers.extend(self._credit(rows, excluded[0] if len(excluded) == 1 else None))
        elected = self._elect_reaching_quota()
        names = ", ".join(self.election.candidates[c].name for c in excluded)
        self._record(
            f"Exclusion of {names}",
            elected=tuple(elected),
            excluded=tuple(excluded),
            transfers=tuple(transfers),
            notes=(note,) if note else (),
        )

    def choose_surplus(self) -> int | None:
        """r.49: the highest surplus first; equal surpluses by the tie rule (r.49(2)-(3))."""
        if not self.pending:
            return None
        best = max(self.tally[c + 1] for c in self.pending)
        tied = [c for c in self.pending if self.tally[c + 1] == best]
        return self._break(tied, "highest", "surplus")

    def should_defer(self) -> bool:
        """ERS97 5.2.3: defer the surpluses while their total could not change the order at
        the bottom (less than the gap between the two lowest continuing candidates) nor
        elect anyone (less than the gap of the highest continuing candidate to the quota)."""
        cont = self.continuing()
        if len(cont) < 2:
            return False
        total = sum(self.tally[c + 1] - self.quota_units for c in self.pending)
        votes = sorted(self.tally[c + 1] for c in cont)
        return total < votes[1] - votes[0] and total < self.quota_units - votes[-1]

    def choose_exclusion(self) -> tuple[list[int], str]:
        """r.50/51: the lowest continuing candidate (doomed first; guarded never); with bulk
        exclusion (ERS97 5.2.5) every lowest candidate whose votes together (plus the
        surpluses) are below the next candidate's, keeping enough candidates for the seats."""
        cont = self.continuing()
        note = ""
        if self.guard is not None:
            verdict = self.guard.assess(set(self.elected), self._excluded_set())
            doomed = [c for c in cont if c in verdict.doomed]
            if doomed:
                lowest = min(self.tally[c + 1] for c in doomed)
                tied = [c for c in doomed if self.tally[c + 1] == lowest]
                chosen = self._break(tied, "lowest", "exclude")
                return [chosen], "excluded by the constraints (doomed): " + "; ".join(verdict.notes)
            guarded = [c for c in cont if c in verdict.guarded]
            if guarded:
                note = "protected by the constraints: " + ", ".join(
                    self.election.candidates[c].name for c in guarded
                )
            cont = [c for c in cont if c not in verdict.guarded]
            if not cont:
                raise CountError("the constraints protect every continuing candidate")
        if self.rule.bulk_exclusion:
            ordered = sorted(cont, key=lambda c: self.tally[c + 1])
            surplus = sum(self.tally[c + 1] - self.quota_units for c in self.pending)
            vacancies = self.seats - len(self.elected)
            best: list[int] = []
            running = surplus
            for k in range(len(ordered) - 1):
                running += self.tally[ordered[k] + 1]
                remaining = len(self.continuing()) - (k + 1)
                if remaining < vacancies:
                    break
                if running < self.tally[ordered[k + 1] + 1] and k >= 1:
                    best = ordered[: k + 1]
            if best:
                return best, note or "bulk exclusion (ERS97 5.2.5)"
        lowest = min(self.tally[c + 1] for c in cont)
        tied = [c for c in cont if self.tally[c + 1] == lowest]
        return [self._break(tied, "lowest", "exclude")], note

    def run(self) -> Result:
        self.first_stage()
        while not self.finished():
            if self.fill_last_vacancies_now():
                break
            c = self.choose_surplus()
            if c is not None and not (self.rule.defer_surpluses and self.should_defer()):
                self.transfer_surplus(c)
                continue
            excluded, note = self.choose_exclusion()
            self.exclude(excluded, note)
        return self.result()

    def fill_last_vacancies_now(self) -> bool:
        filled = self.fill_last_vacancies()
        if filled:
            # Deemed elected at the end of the last stage (r.52): no new stage is made.
            names = ", ".join(self.election.candidates[c].name for c in filled)
            last = self.rounds[-1]
            self.rounds[-1] = dataclasses.replace(
                last,
                elected=last.elected + tuple(filled),
                notes=(*last.notes, f"deemed elected to fill the last vacancies: {names}"),
            )
            return True
        return False

    def result(self) -> Result:
        notes = list(self.notes)
        if self.at_start:
            notes.append(
                f"{self.votes(self.at_start * self.scale)} papers exhausted before their first "
                "preference (marked, but no mark gives a preference, e.g. an overvote at the "
                "first rank): counted as exhausted from the first stage, not in the quota"
            )
        if self.factor != 1:
            notes.append(
                "equal rankings counted by splitting each such paper equally over every order "
                "of the equally ranked candidates"
            )
        if self.blank:
            notes.append(f"{self.votes(self.blank * self.scale)} blank papers not counted")
        return Result(
            method=self.rule.name,
            rule=f"{self.rule.title}; {self.tiebreaker.describe()}",
            title=self.election.title,
            candidates=self.election.names,
            seats=self.seats,
            elected=tuple(self.elected),
            rounds=tuple(self.rounds),
            valid=Fraction(self.valid_papers, self.factor),
            invalid=self.election.invalid,
            quota=self.votes(self.quota_units),
            precision=self.rule.precision,
            ties=tuple(self.tiebreaker.records),
            withdrawn=tuple(sorted(self.election.withdrawn)),
            options={"precision": self.rule.precision, "quota": self.rule.quota},
            notes=tuple(notes),
        )


def count_stv(election: Election, options: CountOptions, rule: RuleSet) -> Result:
    return _Count(election, options, rule).run()
