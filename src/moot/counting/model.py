"""Plain data shared by the readers, the counting methods and the reports.

Pure: imports nothing from Django or from the rest of moot. Every number in a count is an
``int`` or a ``Fraction`` (fixed-point rule sets keep Fractions whose denominators are powers
of ten); there is no float anywhere in a count.

Candidates are referred to by their 0-based index into ``Election.candidates`` everywhere
inside the engine; names appear only in reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

# A ranking is a tuple of preference levels, most preferred first. Each level is a tuple of
# candidate indices; a level with more than one index is an equal ranking ("a=b" in BLT).
Level = tuple[int, ...]
Ranking = tuple[Level, ...]
Number = int | Fraction

BallotKind = Literal["ranked", "approval", "single"]


class CountError(ValueError):
    """Bad input to a count. The message says where (source, line, column) and what to fix."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ":".join(
            str(part) for part in (self.source, self.line, self.column) if part is not None
        )
        return f"{where}: {self.message}" if where else self.message


@dataclass(frozen=True)
class Candidate:
    name: str
    nickname: str | None = None
    withdrawn: bool = False
    affiliation: str | None = None  # a party or group, where the ballot file gives one


@dataclass
class Ballots:
    """Aggregated ballots: identical rankings are merged and their weights summed.

    ``rankings[i]`` was cast ``weights[i]`` times. For approval and single-choice ballots each
    ranking has one level (the approved / chosen candidates). Empty rankings are kept (they
    are blank papers: valid for turnout, never counted for a candidate).
    """

    rankings: list[Ranking] = field(default_factory=list)
    weights: list[int] = field(default_factory=list)

    @classmethod
    def aggregate(cls, items: Iterable[tuple[Ranking, int]]) -> Ballots:
        merged: dict[Ranking, int] = {}
        for ranking, weight in items:
            merged[ranking] = merged.get(ranking, 0) + weight
        return cls(list(merged), list(merged.values()))

    def __len__(self) -> int:
        return len(self.rankings)

    @property
    def total(self) -> int:
        return sum(self.weights)

    def has_equal_rankings(self) -> bool:
        return any(len(level) > 1 for ranking in self.rankings for level in ranking)


@dataclass
class Election:
    """One contest: candidates, seats and the ballots cast.

    ``tie_order`` is an explicit candidate order for breaking ties (BLT ``[tie ...]``), most
    favoured first; ``None`` means the order of ``candidates``.

    ``exhausted_at_start``: how many of the papers with an *empty* ranking are not blank but
    were exhausted before their first valid preference. A cast-vote-record reader sets it for
    papers that carry marks none of which gives a preference: the first mark that counts is an
    overvote (US statutes and RCTab's "exhaust immediately": the paper is exhausted there),
    or the paper stops on too many skipped ranks. Official US reports count such a paper as
    exhausted (inactive) from the first round, so ``irv`` and the STV methods count it as a
    valid paper, exhausted from the first round (it is no vote for a candidate, so it does not
    count towards an STV quota); a truly blank paper (no marks at all) stays blank. The
    single-round methods (plurality, block, approval, the Condorcet methods) count them as
    valid papers that vote for nobody, in their round's ``exhausted`` figure. It can be no
    more than the weight of the empty rankings (:func:`exhausted_at_start` checks).
    """

    candidates: list[Candidate]
    seats: int
    ballots: Ballots
    title: str = ""
    kind: BallotKind = "ranked"
    tie_order: tuple[int, ...] | None = None
    source: str | None = None
    comment: str | None = None
    invalid: int = 0  # papers rejected by the reader's rules (counted for turnout only)
    exhausted_at_start: int = 0  # empty rankings that are exhausted papers, not blank (above)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.candidates)

    @property
    def withdrawn(self) -> frozenset[int]:
        return frozenset(i for i, c in enumerate(self.candidates) if c.withdrawn)

    def index_of(self, name: str) -> int:
        for i, c in enumerate(self.candidates):
            if name in (c.name, c.nickname):
                return i
        raise CountError(f"no candidate named {name!r}; candidates are {', '.join(self.names)}")


@dataclass(frozen=True)
class TieBreakSpec:
    """How ties are broken.

    name: ``backwards`` (most recent round in which the tied candidates had unequal votes,
    then ``order``), ``forwards`` (earliest such round, then ``order``), ``candidate-order``
    (``order`` alone), ``random`` (a PRNG seeded with ``seed``, published with the result) or
    ``lot`` (``decisions``: explicit choices made by lot and recorded, consumed in order; a
    tie with no recorded decision stops the count with a CountError asking for one).
    ``order`` is most favoured first; when None the election's tie order, else ballot order.
    """

    name: str = "backwards"
    seed: int | None = None
    order: tuple[int, ...] | None = None
    decisions: tuple[int, ...] = ()


@dataclass(frozen=True)
class GroupConstraint:
    """Within ``category``, candidates of ``group`` must win at least ``minimum`` and at most
    ``maximum`` seats (e.g. category "gender", group "women", minimum 4 of 9)."""

    category: str
    group: str
    minimum: int
    maximum: int
    members: frozenset[int]


@dataclass(frozen=True)
class Constraints:
    groups: tuple[GroupConstraint, ...]

    def categories(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(g.category for g in self.groups))


@dataclass(frozen=True)
class CountOptions:
    seats: int | None = None  # overrides Election.seats
    tie_break: TieBreakSpec = TieBreakSpec()
    constraints: Constraints | None = None
    precision: int | None = None  # decimal places, for rule sets where it is configurable
    quota: str | None = None  # "droop", "hare", "exact-droop" where configurable
    extra: Mapping[str, object] = field(default_factory=dict)  # per method, see its docstring


@dataclass(frozen=True)
class TieRecord:
    """One tie and how it was broken, for the report."""

    round: int
    purpose: str  # "exclude", "elect", "surplus", "order", "winner"
    tied: tuple[int, ...]
    chosen: int
    method: str  # "backwards", "forwards", "candidate-order", "random", "lot"
    detail: str  # e.g. "round 2: A 10, B 12 -> A excluded" or "seed 42: draw 0.3718"


@dataclass(frozen=True)
class Transfer:
    source: int | None  # candidate whose votes moved (None for first preferences)
    target: int | None  # receiving candidate, None = exhausted
    votes: Fraction


@dataclass(frozen=True)
class Round:
    """State at the end of one round (stage) of a count.

    ``tallies`` holds every candidate still holding votes (continuing and elected);
    ``exhausted`` is the running total of votes that can go nowhere; ``loss`` the running total
    of votes lost to rounding. For every round:
    ``sum(tallies) + exhausted + loss == valid total`` (the conservation law tested).
    """

    number: int
    action: str  # human text: "First preferences", "Surplus of A (transfer value 0.12345)"
    tallies: Mapping[int, Fraction]
    exhausted: Fraction = Fraction(0)
    loss: Fraction = Fraction(0)
    elected: tuple[int, ...] = ()
    excluded: tuple[int, ...] = ()
    quota: Fraction | None = None
    transfer_value: Fraction | None = None
    transfers: tuple[Transfer, ...] = ()
    keep_factors: Mapping[int, Fraction] | None = None  # Meek
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Result:
    method: str  # registry name, e.g. "scottish-stv"
    rule: str  # one line: rule set, quota, arithmetic, tie-break
    title: str
    candidates: tuple[str, ...]
    seats: int
    elected: tuple[int, ...]  # in order of election
    rounds: tuple[Round, ...]
    valid: Fraction
    invalid: int = 0
    quota: Fraction | None = None
    precision: int | None = None  # decimal places used for display and arithmetic
    ties: tuple[TieRecord, ...] = ()
    ranking: tuple[tuple[int, ...], ...] | None = None  # full order (Condorcet), best first
    withdrawn: tuple[int, ...] = ()
    options: Mapping[str, object] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    # For yes/no motions: the majority test and its outcome.
    carried: bool | None = None
    # Condorcet methods: pairwise[a][b] = weight of the papers preferring a to b.
    pairwise: tuple[tuple[int, ...], ...] | None = None

    @property
    def elected_names(self) -> list[str]:
        return [self.candidates[i] for i in self.elected]


def check_seats(election: Election, seats: int) -> None:
    """Refuse an empty election or more seats than standing candidates, with a clear message."""
    standing = len(election.candidates) - len(election.withdrawn)
    if not election.candidates:
        raise CountError("the election has no candidates", source=election.source)
    if seats < 1:
        raise CountError(f"seats must be at least 1, got {seats}", source=election.source)
    if seats > standing:
        raise CountError(
            f"{seats} seats but only {standing} candidates standing; "
            "reduce --seats or add candidates",
            source=election.source,
        )


def tallies_sum(tallies: Mapping[int, Fraction] | Sequence[Fraction]) -> Fraction:
    values = tallies.values() if isinstance(tallies, Mapping) else tallies
    return sum(values, Fraction(0))


def exhausted_at_start(election: Election, empty: int) -> int:
    """How many of the ``empty`` papers (total weight of the empty rankings a method found) are
    exhausted from the first round rather than blank (``Election.exhausted_at_start``)."""
    claimed = election.exhausted_at_start
    if claimed < 0 or claimed > empty:
        raise CountError(
            f"the election says {claimed} papers were exhausted before their first preference "
            f"but only {empty} papers have no preference; the reader's count is wrong",
            source=election.source,
        )
    return claimed
