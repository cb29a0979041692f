"""Live turnout of an open ballot (issue 11, item 8): how many have voted, per region, and
nothing of what they voted.

A count of voters in a small group says too much (that nobody, or that everyone, of a branch
of seven voted), so every cell below the rulebook's ``min_cell`` (``[ballots]``, 10) reads
"fewer than 10". Hiding a cell is not enough when the total and the other cells are shown: the
total less the shown cells would give it back. So the hidden cells are reported together, as
"other regions", and that combined figure is shown only once it joins at least two regions and
reaches ``min_cell``: where it does not, the smallest shown cells join it (secondary
suppression) until it does, or until every region has joined, when the combined figure (which
is then the total) is shown only if it is not itself below ``min_cell``. Every figure shown is
then at least ``min_cell`` and no hidden cell can be derived from the shown ones.

The electorate per region is public (the roll commitment publishes it at the freeze), so it is
shown in full. No count of what was voted exists before the close: returns are sealed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from moot.ballots.models import Ballot, RollEntry

__all__ = ["Cell", "Turnout", "turnout_of"]

NO_REGION = "No region"


@dataclass(frozen=True)
class Cell:
    label: str
    electorate: int
    voted: int | None  # None: hidden ("fewer than min_cell", or joined to "other regions")
    small: bool = False  # hidden because it is under min_cell (else hidden beside one that is)

    def shown(self, min_cell: int) -> str:
        if self.voted is not None:
            return str(self.voted)
        return f"fewer than {min_cell}" if self.small else "counted with the hidden regions"


@dataclass(frozen=True)
class Turnout:
    min_cell: int
    clause: str
    cells: list[Cell] = field(default_factory=list)
    other: Cell | None = None  # the hidden cells together, when shown
    electorate: int = 0
    voted: int | None = None  # None when even the total is below min_cell

    def as_dict(self) -> dict[str, Any]:
        def cell(c: Cell) -> dict[str, Any]:
            return {
                "region": c.label,
                "electorate": c.electorate,
                "voted": c.voted,
                "shown": c.shown(self.min_cell),
            }

        return {
            "min_cell": self.min_cell,
            "clause": self.clause,
            "electorate": self.electorate,
            "voted": self.voted,
            "voted_shown": (
                f"fewer than {self.min_cell}" if self.voted is None else str(self.voted)
            ),
            "regions": [cell(c) for c in self.cells],
            "other_regions": cell(self.other) if self.other is not None else None,
        }


def _rules() -> tuple[int, str]:
    from moot.units.queries import edition_in_force

    rules = edition_in_force().ballots
    return rules.min_cell_shown, rules.secrecy_clause


def suppress(rows: list[tuple[str, int, int]], min_cell: int) -> tuple[list[Cell], Cell | None]:
    """The cells (label, electorate, voted) with the small ones hidden and, where needed, the
    smallest shown ones hidden beside them, and the combined cell of the hidden ones (or None
    where none is hidden). Pure: the rule the module's note describes."""
    small = {label for label, _e, voted in rows if voted < min_cell}
    hidden = set(small)
    if hidden:
        visible = sorted(
            ((voted, label) for label, _e, voted in rows if label not in hidden),
            key=lambda pair: (pair[0], pair[1]),
        )

        def combined() -> int:
            return sum(voted for label, _e, voted in rows if label in hidden)

        while visible and (len(hidden) < 2 or combined() < min_cell):
            hidden.add(visible.pop(0)[1])
    cells = [
        Cell(label, electorate, None if label in hidden else voted, label in small)
        for label, electorate, voted in rows
    ]
    other = None
    if hidden:
        total = sum(voted for label, _e, voted in rows if label in hidden)
        electorate = sum(e for label, e, _v in rows if label in hidden)
        shown = total if total >= min_cell and len(hidden) >= 2 else None
        other = Cell("Other regions together", electorate, shown, shown is None)
    return cells, other


def turnout_of(ballot: Ballot) -> Turnout:
    """The live turnout of ``ballot``: eligible entries and how many of them have voted, per
    region (the roll entry's region), small cells hidden."""
    min_cell, clause = _rules()
    rows_q = (
        RollEntry.objects.filter(ballot=ballot, eligible=True)
        .values("region_id", "region__name")
        .annotate(electorate=Count("id"), voted=Count("id", filter=Q(voted=True)))
        .order_by("region__name", "region_id")
    )
    rows = [(row["region__name"] or NO_REGION, row["electorate"], row["voted"]) for row in rows_q]
    cells, other = suppress(rows, min_cell)
    electorate = sum(e for _l, e, _v in rows)
    voted = sum(v for _l, _e, v in rows)
    return Turnout(
        min_cell=min_cell,
        clause=clause,
        cells=cells,
        other=other,
        electorate=electorate,
        voted=voted if voted >= min_cell else None,
    )
