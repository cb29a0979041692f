"""Breaking ties between candidates, reproducibly, with every decision recorded.

A method calls :meth:`TieBreaker.choose` whenever it must pick one of several candidates whose
votes are equal (who is excluded, whose surplus goes first, who takes the last seat). The
breaker returns one candidate and appends a :class:`~moot.counting.model.TieRecord` that the
reports print.

Methods (``TieBreakSpec.name``):

``backwards``
    Scottish Local Government Elections Order 2007 (SSI 2007/42) r.49(2) and r.51(2): look at
    "the most recent preceding stage at which they had unequal numbers of votes".
    *Interpretation* (the statute's wording is ambiguous for three or more candidates):
    we use the **any-difference, narrowing** reading. Walking back from the latest stage, the
    first stage at which the tied candidates did not all have the same vote is used; the
    candidates at the extreme (lowest when excluding, highest when choosing a surplus) at
    that stage stay in the tie and the others leave it. If several remain, the walk continues
    further back with the narrowed set. We do not use the "all unequal" reading (a stage counts
    only if every tied candidate had a different vote) because with three candidates it can
    skip a stage at which one of them was clearly lowest. For two candidates every reading
    agrees. Droop's ``scotland.py`` does not narrow (it looks for a stage with a unique
    extreme among the original set), which can differ from ours only for ties of three or
    more that were partly separated earlier. When every earlier stage was equal, the statute
    says "by lot": we fall back to recorded lot decisions if given, else to the seeded draw if
    a seed is given, else to the candidate order.
``forwards``
    The same walk from the first stage forwards (ERS97 5.2.5, NZ Meek cl.40): the earliest
    stage at which the tied candidates differed decides, narrowing likewise; same fallbacks.
``candidate-order``
    The order given (``TieBreakSpec.order``, else ``Election.tie_order``, else ballot order),
    most favoured first: excluding picks the least favoured, electing picks the most favoured.
``random``
    A published seed drives a SHA-256 counter generator (:func:`draw_index`), stable across
    Python versions and platforms; anyone can recompute a draw from the seed and the counter.
``lot``
    Decisions made by lot outside the program and recorded in ``TieBreakSpec.decisions``,
    consumed in order. A tie with no recorded decision stops the count with a CountError that
    says which candidates are tied and how to record the decision.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Literal

from moot.counting.model import CountError, Election, Number, TieBreakSpec, TieRecord

TIE_BREAK_METHODS = ("backwards", "forwards", "candidate-order", "random", "lot")
Want = Literal["lowest", "highest"]


def draw_index(seed: int, counter: int, size: int) -> tuple[int, str]:
    """An unbiased index in ``range(size)`` from the ``counter``-th draw of ``seed``.

    Draw: ``SHA-256("moot-tiebreak:<seed>:<counter>:<attempt>")`` read as a big-endian
    256-bit integer; it is rejected (attempt + 1) if it falls in the incomplete top block so
    every index is exactly equally likely; the index is the integer modulo ``size``.
    Returns the index and the hex digest used, for the record.
    """
    if size < 1:
        raise ValueError("cannot draw from an empty tie")
    limit = (1 << 256) - ((1 << 256) % size)
    attempt = 0
    while True:
        digest = hashlib.sha256(f"moot-tiebreak:{seed}:{counter}:{attempt}".encode()).hexdigest()
        value = int(digest, 16)
        if value < limit:
            return value % size, digest
        attempt += 1


def _fmt(value: Number) -> str:
    if isinstance(value, Fraction) and value.denominator != 1:
        # Five places is enough to show why a stage separated candidates in a report line.
        whole, rest = divmod(value.numerator * 10**5 // value.denominator, 10**5)
        return f"{whole}.{rest:05d}"
    return str(int(value))


class TieBreaker:
    """Chooses among tied candidates by one :class:`TieBreakSpec` and records every choice."""

    def __init__(self, spec: TieBreakSpec, election: Election) -> None:
        if spec.name not in TIE_BREAK_METHODS:
            raise CountError(
                f"unknown tie-break {spec.name!r}; choose one of: {', '.join(TIE_BREAK_METHODS)}"
            )
        if spec.name == "random" and spec.seed is None:
            raise CountError("tie-break 'random' needs a published seed (--seed N)")
        self.spec = spec
        self.names = election.names
        count = len(election.candidates)
        order = spec.order if spec.order is not None else election.tie_order
        if order is None:
            order = tuple(range(count))
        # Candidates missing from an explicit order rank after those listed, in ballot order.
        listed = [i for i in order if 0 <= i < count]
        if len(set(listed)) != len(listed):
            raise CountError("the tie-break order names a candidate twice")
        self.order: tuple[int, ...] = tuple(listed) + tuple(
            i for i in range(count) if i not in set(listed)
        )
        self._rank = {c: pos for pos, c in enumerate(self.order)}  # 0 = most favoured
        self.records: list[TieRecord] = []
        self._draws = 0
        self._decisions_used = 0

    # -- description ---------------------------------------------------------------------
    def _fallback_name(self) -> str:
        if self.spec.decisions:
            return "lot"
        if self.spec.seed is not None:
            return "random"
        return "candidate-order"

    def describe(self) -> str:
        name = self.spec.name
        if name == "random":
            return f"ties broken by a seeded draw (SHA-256 counter), seed {self.spec.seed}"
        if name == "lot":
            return "ties broken by lot, decisions recorded before the count"
        if name == "candidate-order":
            return "ties broken by candidate order (" + self._order_text() + ")"
        fallback = self._fallback_name()
        then = {
            "lot": "then by the recorded lot decisions",
            "random": f"then by a seeded draw, seed {self.spec.seed}",
            "candidate-order": "then by candidate order (" + self._order_text() + ")",
        }[fallback]
        direction = "most recent earlier stage" if name == "backwards" else "earliest stage"
        return f"ties broken {name} ({direction} with unequal votes, narrowing), {then}"

    def _order_text(self) -> str:
        return "most favoured first: " + ", ".join(self.names[i] for i in self.order)

    def favoured_first(self, candidates: Sequence[int]) -> list[int]:
        """``candidates`` in the tie order, most favoured first: the order in which equal
        candidates who are all elected anyway are listed (nothing is decided by it)."""
        return sorted(candidates, key=self._rank.__getitem__)

    # -- choosing ------------------------------------------------------------------------
    def choose(
        self,
        tied: Sequence[int],
        *,
        want: Want,
        history: Sequence[Mapping[int, Number]],
        round_number: int,
        purpose: str,
    ) -> int:
        """Pick one of ``tied``: the one to treat as lowest (``want="lowest"``, e.g. to exclude)
        or highest (``want="highest"``, e.g. whose surplus goes first, who is elected).

        ``history`` holds the tallies at the end of earlier stages, oldest first. Records a
        TieRecord in ``self.records``.
        """
        candidates = sorted(set(tied))
        if not candidates:
            raise ValueError("choose() needs at least one candidate")
        if len(candidates) == 1:
            return candidates[0]
        method = self.spec.name
        steps: list[str] = []
        remaining = candidates
        if method in ("backwards", "forwards"):
            remaining = self._walk(remaining, want, history, method == "backwards", steps)
            if len(remaining) > 1:
                steps.append(
                    "equal at every earlier stage" if history else "no earlier stage to look at"
                )
                method_used = self._fallback_name()
            else:
                method_used = method
        else:
            method_used = method
        if len(remaining) > 1:
            chosen = self._final(
                method_used,
                tied=remaining,
                want=want,
                steps=steps,
                round_number=round_number,
                purpose=purpose,
            )
        else:
            chosen = remaining[0]
        names = ", ".join(self.names[c] for c in candidates)
        detail = f"tied {names}: " + "; ".join(steps) + f" -> {self.names[chosen]}"
        self.records.append(
            TieRecord(
                round=round_number,
                purpose=purpose,
                tied=tuple(candidates),
                chosen=chosen,
                method=self.spec.name
                if method_used == self.spec.name
                else (f"{self.spec.name}, then {method_used}"),
                detail=detail,
            )
        )
        return chosen

    def _walk(
        self,
        tied: list[int],
        want: Want,
        history: Sequence[Mapping[int, Number]],
        backwards: bool,
        steps: list[str],
    ) -> list[int]:
        """Narrow the tie stage by stage (r.49(2)/51(2) read as "any difference", narrowing)."""
        stage_numbers = range(len(history) - 1, -1, -1) if backwards else range(len(history))
        remaining = list(tied)
        for stage in stage_numbers:
            tallies = history[stage]
            votes = {c: tallies.get(c, Fraction(0)) for c in remaining}
            if len(set(votes.values())) == 1:
                continue
            extreme = min(votes.values()) if want == "lowest" else max(votes.values())
            kept = [c for c in remaining if votes[c] == extreme]
            shown = ", ".join(f"{self.names[c]} {_fmt(votes[c])}" for c in remaining)
            steps.append(f"stage {stage + 1}: {shown}")
            remaining = kept
            if len(remaining) == 1:
                break
        return remaining

    def _final(
        self,
        method: str,
        *,
        tied: list[int],
        want: Want,
        steps: list[str],
        round_number: int,
        purpose: str,
    ) -> int:
        if method == "candidate-order":
            ranked = sorted(tied, key=self._rank.__getitem__)  # most favoured first
            chosen = ranked[-1] if want == "lowest" else ranked[0]
            steps.append(
                "candidate order "
                + " > ".join(self.names[c] for c in ranked)
                + (" (least favoured taken)" if want == "lowest" else " (most favoured taken)")
            )
            return chosen
        if method == "random":
            assert self.spec.seed is not None  # checked in __init__ or by _fallback_name
            self._draws += 1
            index, digest = draw_index(self.spec.seed, self._draws, len(tied))
            steps.append(
                f"seed {self.spec.seed}, draw {self._draws}: sha256 {digest[:16]}… mod "
                f"{len(tied)} = {index} in [{', '.join(self.names[c] for c in tied)}]"
            )
            return tied[index]
        # lot: an explicit decision recorded before the count
        if self._decisions_used >= len(self.spec.decisions):
            names = ", ".join(self.names[c] for c in tied)
            raise CountError(
                f"round {round_number}: {names} are tied ({purpose}, {want} wanted) and no "
                "decision by lot is recorded; draw lots and add the chosen candidate to the "
                "tie-break decisions, then count again"
            )
        chosen = self.spec.decisions[self._decisions_used]
        self._decisions_used += 1
        if chosen not in tied:
            names = ", ".join(self.names[c] for c in tied)
            raise CountError(
                f"round {round_number}: recorded lot decision #{self._decisions_used} names "
                f"candidate {chosen + 1}, who is not among the tied candidates ({names})"
            )
        steps.append(f"decided by lot (recorded decision #{self._decisions_used})")
        return chosen
