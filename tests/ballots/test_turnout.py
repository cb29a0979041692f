"""Live turnout (issue 11, item 8): voted counts per region, every figure under the rulebook's
min_cell hidden, and nothing hidden derivable from what is shown."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballots.casting_world import open_ballot
from factories import UnitFactory
from moot.ballots.models import RollEntry
from moot.ballots.turnout import suppress, total_shown, turnout_of


def _public(rows: list[tuple[str, int, int]], min_cell: int) -> tuple[object, ...]:
    """Everything the page shows for ``rows``: each region's electorate and shown figure, the
    combined hidden regions, and the total (shown only when it passes the same test)."""
    cells, other = suppress(rows, min_cell)
    return (
        tuple((c.label, c.electorate, c.shown(min_cell)) for c in cells),
        None if other is None else (other.electorate, other.voted),
        total_shown(rows, cells, other, min_cell),
    )


def _worked_out(electorates: list[int], voted: list[int], min_cell: int) -> list[str]:
    """By brute force over every turnout the electorates allow: the hidden regions (and a
    hidden total) whose voted count — and so its non-voted count, the electorate being
    public — is the same in every turnout that shows exactly what this one shows."""
    labels = [f"R{i}" for i in range(len(electorates))]
    rows = list(zip(labels, electorates, voted, strict=True))
    seen = _public(rows, min_cell)
    alike = [
        other
        for other in itertools.product(*(range(e + 1) for e in electorates))
        if _public(list(zip(labels, electorates, other, strict=True)), min_cell) == seen
    ]
    faults = []
    for i, (label, _e, _v) in enumerate(rows):
        if seen[0][i][2] == "hidden" and len({o[i] for o in alike}) < 2:
            faults.append(f"{label} worked out")
    if seen[2] is None and len({sum(o) for o in alike}) < 2:
        faults.append("the total worked out")
    for label, electorate, shown in seen[0]:
        if shown != "hidden" and (int(shown) < min_cell or electorate - int(shown) < min_cell):
            faults.append(f"{label} shown small")
    return faults


@pytest.mark.pure
@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=2, max_value=4).flatmap(
        lambda m: st.tuples(
            st.just(m),
            st.lists(
                st.integers(min_value=1, max_value=3 * m).flatmap(
                    lambda e: st.tuples(st.just(e), st.integers(min_value=0, max_value=e))
                ),
                min_size=1,
                max_size=3,
            ),
        )
    )
)
def test_brute_force_no_hidden_voted_or_non_voted_count_can_be_worked_out(
    case: tuple[int, list[tuple[int, int]]],
) -> None:
    min_cell, regions = case
    electorates = [e for e, _v in regions]
    voted = [v for _e, v in regions]
    assert _worked_out(electorates, voted, min_cell) == [], (electorates, voted)


@pytest.mark.pure
def test_everyone_voted_is_hidden_too() -> None:
    """Review 5: "12 of 12" said that everyone of a region voted."""
    cells, other = suppress([("North", 12, 12), ("South", 40, 20), ("East", 50, 25)], 10)
    assert cells[0].shown(10) == "hidden"
    assert [c.voted for c in cells] == [None, None, 25]  # South, the smaller, joins North
    assert other is not None
    assert other.voted == 32
    assert _worked_out([12, 40, 50], [12, 20, 25], 10) == []
    assert _worked_out([12, 14], [12, 3], 3) == []


@pytest.mark.pure
def test_one_small_region_takes_the_smallest_electorate_with_it() -> None:
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
    # Three regions of 12 voters: East (12 of 12) and West (11 of 12) are hidden as (nearly)
    # everyone voted, North as few did; together they are the total (25 of 36: shown).
    assert shown == {"East": "hidden", "North": "hidden", "West": "hidden"}
    assert turnout.other is not None
    assert turnout.other.voted == 25
    assert turnout.voted == 25
    assert turnout.electorate == 36
    assert turnout.as_dict()["regions"][1]["shown"] == "hidden"  # North


@pytest.mark.pure
def test_exhaustive_small_grids() -> None:
    for voted in itertools.product([0, 2, 3, 5, 7, 8], repeat=3):
        assert _worked_out([8, 8, 8], list(voted), 3) == [], voted
