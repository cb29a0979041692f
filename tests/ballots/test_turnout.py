"""Live turnout (issue 11, item 8): voted counts per region, every figure under the rulebook's
min_cell hidden, and nothing hidden derivable from what is shown."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ballots.casting_world import open_ballot
from factories import UnitFactory
from moot.ballots.models import RollEntry
from moot.ballots.turnout import suppress, turnout_of


def _derivable(rows: list[tuple[str, int, int]], min_cell: int) -> list[str]:
    """Every figure shown is ≥ min_cell, and no hidden cell's value follows from the shown cells
    and the shown combined figure (each hidden cell has at least one other hidden beside it)."""
    cells, other = suppress(rows, min_cell)
    faults = [c.label for c in cells if c.voted is not None and c.voted < min_cell]
    hidden = [c for c in cells if c.voted is None]
    total_shown = sum(v for _label, _e, v in rows) >= min_cell
    if len(hidden) == 1 and total_shown:
        faults.append(f"{hidden[0].label} alone hidden")
    if other is not None and other.voted is not None and other.voted < min_cell:
        faults.append("combined under min_cell")
    return faults


@pytest.mark.pure
@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=8))
def test_no_figure_shown_is_small_and_no_hidden_cell_is_alone(voted: list[int]) -> None:
    rows = [(f"R{i}", v + 5, v) for i, v in enumerate(voted)]
    assert _derivable(rows, 10) == []


@pytest.mark.pure
def test_one_small_region_takes_the_smallest_shown_one_with_it() -> None:
    rows = [("North", 80, 40), ("South", 60, 25), ("West", 10, 3)]
    cells, other = suppress(rows, 10)
    assert [c.voted for c in cells] == [40, None, None]
    assert other is not None
    assert other.voted == 28


@pytest.mark.pure
def test_all_small_hides_the_total_too() -> None:
    cells, other = suppress([("North", 9, 4), ("South", 9, 3)], 10)
    assert all(c.voted is None for c in cells)
    assert other is not None
    assert other.voted is None


@pytest.mark.django_db
def test_turnout_of_an_open_ballot_hides_small_regions() -> None:
    regions = [UnitFactory(kind="region", name=name) for name in ("East", "West", "North")]
    world = open_ballot(voters=36, regions=regions)
    by_region = {r.pk: [e for e in world.entries if e.region_id == r.pk] for r in regions}
    voted = {regions[0].pk: 12, regions[1].pk: 11, regions[2].pk: 2}
    for region_id, count in voted.items():
        RollEntry.objects.filter(pk__in=[e.pk for e in by_region[region_id][:count]]).update(
            voted=True
        )
    turnout = turnout_of(world.ballot)
    shown = {c.label: c.shown(turnout.min_cell) for c in turnout.cells}
    assert turnout.min_cell == 10
    assert shown == {
        "East": "12",
        "North": "fewer than 10",
        "West": "counted with the hidden regions",
    }
    assert turnout.other is not None
    assert turnout.other.voted == 13
    assert turnout.voted == 25
    assert turnout.electorate == 36
    assert turnout.as_dict()["regions"][1]["shown"] == "fewer than 10"  # North


@pytest.mark.pure
def test_exhaustive_small_grids() -> None:
    for voted in itertools.product([0, 3, 9, 10, 15], repeat=3):
        rows = [(f"R{i}", 20, v) for i, v in enumerate(voted)]
        assert _derivable(rows, 10) == [], voted
