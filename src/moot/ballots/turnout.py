"""Live turnout of an open ballot (issue 11, item 8): how many have voted, per region, and
nothing of what they voted.

A count of voters in a small group says too much: that nobody of a branch of seven voted, or
that everyone did. The electorate of each region is public (the roll commitment publishes it at
the freeze), so showing how many voted also shows how many did not; a cell is therefore hidden
when fewer than the rulebook's ``min_cell`` (``[ballots]``, 10) voted **or** fewer than
``min_cell`` did not ("12 of 12" would say that everyone voted). Hiding a cell is not enough when
the total and the other cells are shown: the total less the shown cells would give it back. So
the hidden cells are reported together, as "other regions", and that combined figure is shown
only once it joins at least two regions and both its voters and its non-voters reach
``min_cell``; where it does not, the shown region with the smallest electorate (a public figure,
so the choice says nothing about how many voted) joins it (secondary suppression), until it
does or every region has joined, when the combined figure (then the total) is shown only if it
passes the same test. Passing also needs each hidden cell to be *protected*: another hidden cell
could take one of its voters (or give it one) with both still hidden for the same reason, or
else the combined figure could pin them (two regions of eight, 2 and 2 voted, combined 4: with
"fewer than 3" each, only 2 + 2 adds up). Every hidden cell reads the same ("hidden"), so the
page does not say whether few voted or few did not. ``tests/ballots/test_turnout.py`` checks
by brute force, over every turnout that small grids allow, that no hidden voted or non-voted
count can be worked out from what is shown.

The electorate per region is public (the roll commitment publishes it at the freeze), so it is
shown in full. No count of what was voted exists before the close: returns are sealed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from moot.ballots.models import Ballot, RollEntry

__all__ = ["Cell", "Turnout", "suppress", "total_shown", "turnout_of"]

NO_REGION = "No region"


@dataclass(frozen=True)
class Cell:
    label: str
    electorate: int
    voted: int | None  # None: hidden (too few voted or did not, or joined to a hidden one)
    small: bool = False  # hidden by the rule itself (else hidden beside one that is); not shown

    def shown(self, min_cell: int) -> str:
        return "hidden" if self.voted is None else str(self.voted)


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
                f"hidden (fewer than {self.min_cell} have voted, or fewer than "
                f"{self.min_cell} have not)"
                if self.voted is None
                else str(self.voted)
            ),
            "regions": [cell(c) for c in self.cells],
            "other_regions": cell(self.other) if self.other is not None else None,
        }


def _rules() -> tuple[int, str]:
    from moot.units.queries import edition_in_force

    rules = edition_in_force().ballots
    return rules.min_cell_shown, rules.secrecy_clause


def _too_small(voted: int, electorate: int, min_cell: int) -> bool:
    """Whether a figure would say too much: fewer than ``min_cell`` voted, or did not."""
    return voted < min_cell or electorate - voted < min_cell


def _protected(rows: list[tuple[str, int, int]], hidden: set[str], small: set[str], m: int) -> bool:
    """Whether each hidden cell could hold another figure without changing the page: some other
    hidden cell can give it one voter or take one, both keeping why they are hidden (a small
    cell stays small, a neighbour stays not small). The combined figure and every choice of a
    neighbour are then unchanged, so nobody can pin a hidden cell from what is shown (a cell
    that fewer than ``m`` voted in, joined to one that only one more voted in, is pinned by
    their sum otherwise)."""

    def keeps(label: str, electorate: int, voted: int) -> bool:
        return 0 <= voted <= electorate and _too_small(voted, electorate, m) == (label in small)

    cells = [(label, e, v) for label, e, v in rows if label in hidden]
    for i, (label, e, v) in enumerate(cells):
        if not any(
            keeps(label, e, v + step) and keeps(o_label, o_e, o_v - step)
            for j, (o_label, o_e, o_v) in enumerate(cells)
            if j != i
            for step in (1, -1)
        ):
            return False
    return True


def suppress(rows: list[tuple[str, int, int]], min_cell: int) -> tuple[list[Cell], Cell | None]:
    """The cells (label, electorate, voted) with the small ones hidden and, where needed, the
    shown ones with the smallest electorates hidden beside them, and the combined cell of the
    hidden ones (or None where none is hidden). Pure: the rule the module's note describes."""
    small = {label for label, e, voted in rows if _too_small(voted, e, min_cell)}
    hidden = set(small)

    def combined() -> tuple[int, int]:
        return (
            sum(voted for label, _e, voted in rows if label in hidden),
            sum(e for label, e, _v in rows if label in hidden),
        )

    def safe() -> bool:
        return (
            len(hidden) >= 2
            and not _too_small(*combined(), min_cell)
            and _protected(rows, hidden, small, min_cell)
        )

    if hidden:
        visible = sorted(
            ((electorate, label) for label, electorate, _v in rows if label not in hidden),
        )
        while visible and not safe():
            hidden.add(visible.pop(0)[1])
    cells = [
        Cell(label, electorate, None if label in hidden else voted, label in small)
        for label, electorate, voted in rows
    ]
    other = None
    if hidden:
        total, electorate = combined()
        show = safe()
        other = Cell("Other regions together", electorate, total if show else None, not show)
    return cells, other


def total_shown(
    rows: list[tuple[str, int, int]], cells: list[Cell], other: Cell | None, min_cell: int
) -> int | None:
    """The total voted, or None where it says too much: fewer than ``min_cell`` voted or did not,
    or every region is hidden and their combined figure (which is the total) is too."""
    voted = sum(v for _l, _e, v in rows)
    if _too_small(voted, sum(e for _l, e, _v in rows), min_cell):
        return None
    if other is not None and other.voted is None and all(c.voted is None for c in cells):
        return None
    return voted


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
    return Turnout(
        min_cell=min_cell,
        clause=clause,
        cells=cells,
        other=other,
        electorate=electorate,
        voted=total_shown(rows, cells, other, min_cell),
    )
