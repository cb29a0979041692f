"""The published suppression rule for case statistics (issue 10 items 11, 14; CASES.md §4):
no published cell implies a true value in 1..7, totals are the sums of the published cells, and
quarterly and year-to-date figures published together never pin a hidden quarter to one value."""

from __future__ import annotations

import datetime
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moot.cases.suppression import (
    DEFAULT_RULE,
    SECONDARY_MARK,
    Cell,
    Denominator,
    SuppressionRule,
    SuppressionRuleError,
    percentage,
    possible_counts,
    publish_breakdowns,
    publish_count,
    publish_series,
    publish_table,
    share_statement,
    total_of,
)

pytestmark = pytest.mark.pure

counts = st.integers(min_value=0, max_value=100_000)


def valid_rules() -> st.SearchStrategy[SuppressionRule]:
    def build(hide_max: int, round_to: int) -> SuppressionRule | None:
        try:
            return SuppressionRule(hide_max=hide_max, round_to=round_to)
        except SuppressionRuleError:
            return None

    return st.builds(build, st.integers(0, 12), st.integers(1, 10)).filter(
        lambda rule: rule is not None
    )  # type: ignore[return-value]


def test_the_rule_by_hand() -> None:
    shown = {n: publish_count(n).text for n in (0, 1, 7, 8, 12, 13, 17, 18, 1234)}
    assert shown == {
        0: "0",
        1: "1–7",
        7: "1–7",
        8: "10",
        12: "10",
        13: "15",
        17: "15",
        18: "20",
        1234: "1,235",
    }


@given(counts)
def test_no_published_cell_implies_a_true_value_in_1_to_7(count: int) -> None:
    cell = publish_count(count)
    assert count in possible_counts(cell)
    if cell.value is not None:
        assert cell.value == 0 or cell.value >= 10
        inferred = possible_counts(cell)
        assert not set(inferred) & set(range(1, 8)), (count, cell, inferred)


@given(valid_rules(), counts)
def test_any_valid_rule_publishes_no_hidden_count(rule: SuppressionRule, count: int) -> None:
    cell = publish_count(count, rule)
    assert count in possible_counts(cell, rule)
    # every true count a shown cell may stand for is 0 or above the hidden range
    if cell.value is not None:
        assert all(n == 0 or n > rule.hide_max for n in possible_counts(cell, rule))
        assert cell.value % rule.round_to == 0
        assert abs(cell.value - count) <= rule.round_to // 2


def test_a_rule_that_would_publish_a_real_count_as_0_is_refused() -> None:
    with pytest.raises(SuppressionRuleError, match="hide_max"):
        SuppressionRule(hide_max=1, round_to=10)


@given(st.lists(st.lists(counts, min_size=1, max_size=5), min_size=1, max_size=6))
def test_totals_are_the_sums_of_published_cells(grid: list[list[int]]) -> None:
    width = min(len(row) for row in grid)
    rows = [f"r{i}" for i in range(len(grid))]
    columns = [f"c{j}" for j in range(width)]
    table = publish_table(
        "t",
        "complaints",
        rows,
        columns,
        {(rows[i], columns[j]): grid[i][j] for i in range(len(grid)) for j in range(width)},
    )
    for label, cells, total in table.rows():
        assert total.value == sum(cell.value or 0 for cell in cells), label
        assert total.hidden_cells == sum(cell.hidden for cell in cells)
    assert table.grand_total.value == sum(total.value for total in table.row_totals)
    assert table.grand_total.value == sum(total.value for total in table.column_totals)
    assert table.grand_total.hidden_cells == sum(total.hidden_cells for total in table.row_totals)


def test_a_count_for_a_row_the_table_lacks_is_refused() -> None:
    with pytest.raises(ValueError, match="rows or columns the table does not have"):
        publish_table("t", "complaints", ["a"], ["x"], {("b", "x"): 9})


def test_running_totals_are_sums_of_the_published_quarters() -> None:
    quarterly, running = publish_series([1, 13, 13, 40])
    assert [cell.text for cell in quarterly] == ["1–7", "15", "15", "40"]
    assert [total.text for total in running] == [
        "0 (+1 not shown)",
        "15 (+1 not shown)",
        "30 (+1 not shown)",
        "70 (+1 not shown)",
    ]


def test_running_totals_rounded_apart_would_have_given_a_quarter_away() -> None:
    """Why the running totals are sums: hypothesis found that quarters of 1, 13, 13 published as
    1–7, 15, 15 beside year-to-date figures rounded on their own (1–7, 15, 25) leave only 1 for
    the first quarter."""
    series = [1, 13, 13]
    quarterly = [publish_count(count) for count in series]
    rounded_apart = [publish_count(sum(series[: i + 1])) for i in range(len(series))]
    consistent = {
        candidate[0]
        for candidate in itertools.product(*(possible_counts(cell) for cell in quarterly))
        if [publish_count(sum(candidate[: i + 1])) for i in range(3)] == rounded_apart
    }
    assert consistent == {1}


def brute_force_values(
    published: dict[str, dict[str, Cell]], name: str, key: str, cap: int
) -> set[int]:
    """Independently of the module's bit sets: every true value of one hidden cell for which each
    breakdown can add up to one common total."""

    def choices(cell: Cell) -> list[int]:
        if cell.value is not None:
            return list(possible_counts(cell))
        if cell.hidden_text == SECONDARY_MARK:
            return [0, *range(8, cap + 1)]
        return list(range(1, 8))

    def sums(cells: dict[str, Cell]) -> dict[int, set[int]]:
        keys = list(cells)
        found: dict[int, set[int]] = {}
        for values in itertools.product(*(choices(cells[k]) for k in keys)):
            mine = values[keys.index(key)] if key in keys else -1
            found.setdefault(sum(values), set()).add(mine)
        return found

    own = sums(published[name])
    common = set(own)
    for other, cells in published.items():
        if other != name:
            common &= set(sums(cells))
    return {value for total in common for value in own[total]}


def one_population(draw: st.DrawFn) -> dict[str, dict[str, int]]:
    cells = draw(st.lists(st.integers(0, 18), min_size=1, max_size=3))
    total = sum(cells)
    breakdowns = {"category": {f"c{i}": n for i, n in enumerate(cells)}}
    for name in ("stage", "outcome")[: draw(st.integers(1, 2))]:
        size = draw(st.integers(1, 3))
        cuts = sorted(draw(st.lists(st.integers(0, total), min_size=size - 1, max_size=size - 1)))
        edges = [0, *cuts, total]
        breakdowns[name] = {f"{name[0]}{i}": edges[i + 1] - edges[i] for i in range(size)}
    return breakdowns


@settings(max_examples=120, deadline=None)
@given(st.composite(one_population)())
def test_breakdowns_published_together_reveal_no_hidden_cell(
    breakdowns: dict[str, dict[str, int]],
) -> None:
    published = publish_breakdowns(breakdowns)
    cap = sum(breakdowns["category"].values()) + 5
    for name, cells in published.items():
        for key, cell in cells.items():
            true = breakdowns[name][key]
            assert true in brute_force_values(published, name, key, cap)
            if cell.value is not None:
                assert cell == publish_count(true)
            elif cell.hidden_text != SECONDARY_MARK:
                assert 1 <= true <= 7
                values = brute_force_values(published, name, key, cap)
                assert len(values) >= 2, (breakdowns, published, name, key, values)


def test_a_hidden_category_pinned_by_the_stage_total_is_protected() -> None:
    breakdowns = {"category": {"a": 1, "b": 13, "c": 13}, "stage": {"closed": 27}}
    rounded_alone = {
        name: {k: publish_count(n) for k, n in c.items()} for name, c in breakdowns.items()
    }
    assert brute_force_values(rounded_alone, "category", "a", 40) == {1}
    published = publish_breakdowns(breakdowns)
    assert [cell.text for cell in published["category"].values()] == ["1–7", "not shown", "15"]
    assert len(brute_force_values(published, "category", "a", 40)) >= 2


def test_breakdowns_of_different_populations_are_refused() -> None:
    with pytest.raises(ValueError, match="one total"):
        publish_breakdowns({"category": {"a": 10}, "stage": {"x": 11}})


def test_percentages_are_rounded_over_rounded_and_hidden_with_a_hidden_side() -> None:
    shown = percentage(publish_count(12), publish_count(83))
    assert (shown.text, shown.sentence("complaints", "complaints")) == (
        "12%",
        "12% (10 complaints of 85 complaints)",
    )
    assert percentage(publish_count(3), publish_count(83)).text == "not shown"
    precise = percentage(publish_count(432), publish_count(123_456))
    assert precise.decimals == 1
    assert precise.text == "0.3%"  # 430 of 123,455
    partial = total_of([publish_count(3), publish_count(40)])
    assert percentage(partial, publish_count(100)).text == "not shown"


def test_a_share_statement_carries_its_definition_period_and_denominator() -> None:
    text = share_statement(
        numerator=673,
        numerator_definition="complaints about members received",
        period=(datetime.date(2018, 4, 1), datetime.date(2019, 1, 31)),
        denominator=Denominator(540_000, "members in good standing", datetime.date(2019, 1, 31)),
    )
    assert text.startswith(
        "675 complaints about members received from 1 April 2018 to 31 January 2019: 0.1% of"
    )
    assert "540,000 members in good standing on 31 January 2019" in text
    assert "rounded" in text
    small = share_statement(
        numerator=5,
        numerator_definition="complaints",
        period=(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),
        denominator=Denominator(300, "members", datetime.date(2026, 3, 31)),
    )
    assert "not shown" in small
    assert "%" not in small
    with pytest.raises(ValueError, match="numerator_definition"):
        share_statement(
            numerator=5,
            numerator_definition=" ",
            period=(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),
            denominator=Denominator(300, "members", datetime.date(2026, 3, 31)),
        )


def test_the_rule_describes_itself() -> None:
    assert DEFAULT_RULE.describe() == (
        "0 is shown as 0; counts from 1 to 7 are not shown (marked 1–7); every other count is "
        "rounded to the nearest 5; totals are the sums of the rounded figures shown."
    )
