"""Small-number suppression for published case statistics: one rule, applied the same way to every
cell of every quarter (issue 10 item 11; CASES.md §4, the rule NHS Digital uses for HES below
national level and OpenSAFELY's "redact counts <= 7, then round to the nearest 5").

The rule, as the rulebook's ``[complaints.suppression]`` states it:

1. 0 stays 0 (nothing is described by an empty cell);
2. a count from 1 to ``hide_max`` (7) is not shown: it is published as "1–7";
3. any other count is rounded to the nearest ``round_to`` (5), halves upwards;
4. a total is the sum of the published cells it totals, never the true total: a true total beside
   a hidden cell would give the hidden cell away by subtraction;
5. a percentage is the rounded numerator over the rounded denominator, shown beside both, with one
   decimal place only when the rounded denominator is at least ``decimal_min_denominator`` (4,000:
   below that a rounded count moves the first decimal); not shown when either side is hidden.

Because every published figure (quarterly or year to date) goes through the same rounding, the
difference of two published figures never pins a hidden cell to one value (tested by brute force
in tests/cases/test_suppression.py). Pure: plain dataclasses, nothing of Django.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

HIDDEN_MARK = "1–7"


class SuppressionRuleError(ValueError):
    """A suppression rule that would publish something it means to hide."""


@dataclass(frozen=True)
class SuppressionRule:
    """The published rule. ``clause`` is the rulebook clause it comes from."""

    hide_max: int = 7
    round_to: int = 5
    decimal_min_denominator: int = 4000
    clause: str = ""

    def __post_init__(self) -> None:
        if self.hide_max < 0:
            raise SuppressionRuleError(
                "hide_max: counts hidden are 1 to hide_max; it cannot be negative"
            )
        if self.round_to < 1:
            raise SuppressionRuleError("round_to: counts are rounded to a multiple of at least 1")
        if self.decimal_min_denominator < 1:
            raise SuppressionRuleError("decimal_min_denominator: must be at least 1")
        # The smallest count shown must not round to 0, or a published 0 could hide a real count.
        if self.hide_max + 1 < (self.round_to + 1) // 2:
            raise SuppressionRuleError(
                f"hide_max: with rounding to {self.round_to}, a count of {self.hide_max + 1} would "
                f"be published as 0; hide at least 1 to {(self.round_to + 1) // 2 - 1}"
            )

    @property
    def hidden_text(self) -> str:
        if self.hide_max == 1:
            return "1"
        return f"1–{self.hide_max}" if self.hide_max else ""

    def describe(self) -> str:
        """The rule in one sentence, for the methodology page and every table's footnote."""
        parts = ["0 is shown as 0"]
        if self.hide_max:
            parts.append(
                f"counts from 1 to {self.hide_max} are not shown (marked {self.hidden_text})"
            )
        if self.round_to > 1:
            parts.append(f"every other count is rounded to the nearest {self.round_to}")
        parts.append("totals are the sums of the rounded figures shown")
        return "; ".join(parts) + "."


DEFAULT_RULE = SuppressionRule()


@dataclass(frozen=True)
class Cell:
    """One published count: ``value`` is None when the count is hidden."""

    value: int | None
    hidden_text: str = HIDDEN_MARK

    @property
    def hidden(self) -> bool:
        return self.value is None

    @property
    def text(self) -> str:
        return self.hidden_text if self.value is None else f"{self.value:,}"

    def csv_value(self) -> str | int:
        return self.hidden_text if self.value is None else self.value


def round_half_up(count: int, base: int) -> int:
    """``count`` to the nearest multiple of ``base``, halves upwards (12.5 would go to 15)."""
    return (2 * count + base) // (2 * base) * base


def publish_count(count: int, rule: SuppressionRule = DEFAULT_RULE) -> Cell:
    """The published form of a true count under ``rule``."""
    if count < 0:
        raise ValueError(f"a count cannot be negative (got {count})")
    if count == 0:
        return Cell(0, rule.hidden_text)
    if count <= rule.hide_max:
        return Cell(None, rule.hidden_text)
    return Cell(round_half_up(count, rule.round_to), rule.hidden_text)


def possible_counts(cell: Cell, rule: SuppressionRule = DEFAULT_RULE) -> range:
    """Every true count that ``rule`` publishes as ``cell`` (what a reader can infer from it)."""
    if cell.value is None:
        return range(1, rule.hide_max + 1)
    if cell.value == 0:
        return range(1)
    low = max(rule.hide_max + 1, cell.value - rule.round_to // 2)
    high = cell.value + (rule.round_to - 1) // 2
    return range(low, high + 1)


@dataclass(frozen=True)
class Total:
    """A total built from published cells: ``value`` is the sum of the shown values and
    ``hidden_cells`` how many cells it leaves out because they are hidden."""

    value: int
    hidden_cells: int

    @property
    def text(self) -> str:
        if self.hidden_cells:
            return f"{self.value:,} (+{self.hidden_cells} not shown)"
        return f"{self.value:,}"


def total_of(cells: Iterable[Cell]) -> Total:
    """The published total of ``cells``: the sum of their published values (rule 4)."""
    value = 0
    hidden = 0
    for cell in cells:
        if cell.value is None:
            hidden += 1
        else:
            value += cell.value
    return Total(value, hidden)


@dataclass(frozen=True)
class Percentage:
    """A percentage with the numerator and the denominator it is computed from, both published."""

    numerator: Cell | Total
    denominator: Cell | Total
    decimals: int
    value: Fraction | None

    @property
    def text(self) -> str:
        if self.value is None:
            return "not shown"
        return f"{float(self.value * 100):.{self.decimals}f}%"

    def sentence(self, numerator_unit: str, denominator_unit: str) -> str:
        """ "12.5% (10 of 80 complaints)": the percentage is never shown alone."""
        top = f"{self.numerator.text} {numerator_unit}"
        return f"{self.text} ({top} of {self.denominator.text} {denominator_unit})"


def _shown(part: Cell | Total) -> int | None:
    if isinstance(part, Total):
        return None if part.hidden_cells else part.value
    return part.value


def percentage(
    numerator: Cell | Total, denominator: Cell | Total, rule: SuppressionRule = DEFAULT_RULE
) -> Percentage:
    """Rounded over rounded (rule 5); None when either side is hidden or the denominator is 0."""
    top = _shown(numerator)
    bottom = _shown(denominator)
    if top is None or bottom is None or bottom == 0:
        return Percentage(numerator, denominator, 0, None)
    decimals = 1 if bottom >= rule.decimal_min_denominator else 0
    return Percentage(numerator, denominator, decimals, Fraction(top, bottom))


@dataclass(frozen=True)
class Table:
    """A published table: rows × columns of cells with row and column totals from the cells.

    ``unit`` says what one counts (complaints, distinct respondents, distinct complainants: R-S1),
    so no figure is ever read without it."""

    title: str
    unit: str
    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    cells: tuple[tuple[Cell, ...], ...]
    row_totals: tuple[Total, ...] = field(default=())
    column_totals: tuple[Total, ...] = field(default=())
    grand_total: Total = field(default=Total(0, 0))

    def rows(self) -> list[tuple[str, tuple[Cell, ...], Total]]:
        return list(zip(self.row_labels, self.cells, self.row_totals, strict=True))


def publish_table(
    title: str,
    unit: str,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    counts: Mapping[tuple[str, str], int],
    *,
    rule: SuppressionRule = DEFAULT_RULE,
) -> Table:
    """A table of true ``counts`` keyed by (row, column) published under ``rule``: a key missing
    from ``counts`` is a true 0. A key that names no row or column is refused (a category the
    table would silently drop)."""
    rows = list(row_labels)
    columns = list(column_labels)
    unknown = [key for key in counts if key[0] not in rows or key[1] not in columns]
    if unknown:
        raise ValueError(
            f"{title}: counts for rows or columns the table does not have: {unknown[:3]}"
        )
    cells = tuple(
        tuple(publish_count(counts.get((row, column), 0), rule) for column in columns)
        for row in rows
    )
    row_totals = tuple(total_of(row) for row in cells)
    column_totals = tuple(total_of(row[index] for row in cells) for index in range(len(columns)))
    grand = total_of(cell for row in cells for cell in row)
    return Table(title, unit, tuple(rows), tuple(columns), cells, row_totals, column_totals, grand)


@dataclass(frozen=True)
class Denominator:
    """What a share is a share of: ``count`` people or complaints that ``definition`` says, as at
    ``as_at``."""

    count: int
    definition: str
    as_at: datetime.date


def long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def share_statement(
    *,
    numerator: int,
    numerator_definition: str,
    period: tuple[datetime.date, datetime.date],
    denominator: Denominator,
    rule: SuppressionRule = DEFAULT_RULE,
) -> str:
    """A sentence like "complaints relate to 0.1 per cent of our membership", only ever with its
    definition, period and denominator (issue 10 item 11; RULES.md §12 R-S1).

    Both counts go through ``rule``; when either is hidden the sentence says so instead of a
    percentage. Every part is required: an empty definition is refused."""
    if not numerator_definition.strip():
        raise ValueError(
            "numerator_definition: say what was counted (e.g. distinct members complained about)"
        )
    if not denominator.definition.strip():
        raise ValueError(
            "denominator.definition: say what the share is of (e.g. members in good standing)"
        )
    start, end = period
    if end < start:
        raise ValueError(f"period: ends ({end}) before it starts ({start})")
    top = publish_count(numerator, rule)
    bottom = publish_count(denominator.count, rule)
    share = percentage(top, bottom, rule)
    when = f"from {long_date(start)} to {long_date(end)}"
    base = f"{bottom.text} {denominator.definition} on {long_date(denominator.as_at)}"
    if share.value is None:
        return (
            f"{top.text} {numerator_definition} {when}; the share of {base} is not shown "
            f"because a count is too small to publish ({rule.describe()})"
        )
    return (
        f"{top.text} {numerator_definition} {when}: {share.text} of {base} "
        f"(both counts rounded by the published rule: {rule.describe()})"
    )


def publish_series(
    counts: Sequence[int], rule: SuppressionRule = DEFAULT_RULE
) -> tuple[list[Cell], list[Total]]:
    """Quarterly counts and their running (year-to-date) totals. The running totals are sums of
    the published quarters, never counts rounded on their own: rounded apart, the year to date
    beside its quarters gives a hidden quarter away (1, 13, 13 published as 1–7, 15, 15 with a
    running 1–7, 15, 25 leaves only 1 for the first quarter, as the brute-force test shows)."""
    quarterly = [publish_count(count, rule) for count in counts]
    cumulative = [total_of(quarterly[: index + 1]) for index in range(len(quarterly))]
    return quarterly, cumulative


SECONDARY_MARK = "not shown"


def _smear(bits: int, width: int) -> int:
    """``bits`` OR-ed with itself shifted by 1 .. width-1 (the sums with a value in 0..width-1)."""
    result = bits
    covered = 1
    while covered < width:
        step = min(covered, width - covered)
        result |= result << step
        covered += step
    return result


def _preimage(cell: Cell, rule: SuppressionRule, cap: int) -> list[tuple[int, int]]:
    """The true values ``cell`` may stand for, as (first, how many) runs within 0..cap."""
    if cell.value is not None:
        counts = possible_counts(cell, rule)
        return [(counts.start, len(counts))]
    if cell.hidden_text == SECONDARY_MARK:  # anything but a count the rule hides
        return [(0, 1), (rule.hide_max + 1, max(cap - rule.hide_max, 1))]
    return [(1, rule.hide_max)]


def _runs_bits(runs: list[tuple[int, int]]) -> int:
    bits = 0
    for first, width in runs:
        bits |= _smear(1, width) << first
    return bits


def _sum_bits(parts: Iterable[list[tuple[int, int]]], cap: int) -> int:
    """The possible sums of one value from each part, as a bit set over 0..cap."""
    mask = (1 << (cap + 1)) - 1
    total = 1
    for runs in parts:
        combined = 0
        for first, width in runs:
            combined |= _smear(total, width) << first
        total = combined & mask
    return total


def feasible_hidden_values(
    breakdowns: Mapping[str, Mapping[str, Cell]],
    dimension: str,
    label: str,
    rule: SuppressionRule = DEFAULT_RULE,
    cap: int = 0,
) -> set[int]:
    """What a reader can infer of one hidden cell from breakdowns of one population published
    together: the values it may take so that every breakdown adds up to one common total.
    ``cap`` bounds the true total from above (a reader who knows it knows more, not less)."""
    preimages = {
        name: {key: _preimage(cell, rule, cap) for key, cell in cells.items()}
        for name, cells in breakdowns.items()
    }
    mask = (1 << (cap + 1)) - 1
    totals = mask
    for cells in preimages.values():
        totals &= _sum_bits(cells.values(), cap)
    own = preimages[dimension]
    others = _sum_bits((bits for key, bits in own.items() if key != label), cap)
    found = set()
    candidates = _runs_bits(own[label])
    value = 0
    while candidates:
        if candidates & 1 and (others << value) & totals:
            found.add(value)
        candidates >>= 1
        value += 1
    return found


def publish_breakdowns(
    breakdowns: Mapping[str, Mapping[str, int]], rule: SuppressionRule = DEFAULT_RULE
) -> dict[str, dict[str, Cell]]:
    """Breakdowns of ONE population (the quarter's complaints by category, by stage, by outcome)
    published together. Each count goes through the rule; then, because every breakdown adds up
    to the same true total, a hidden cell could be worked out from the others (categories 1, 13,
    13 beside a stage total of 27 leave only 1): while any hidden cell has a single possible
    value, the smallest shown cell of its breakdown is not shown either ("secondary
    suppression", marked ``not shown``). Breakdowns whose true totals differ are refused: they
    are not of one population."""
    totals = {name: sum(counts.values()) for name, counts in breakdowns.items()}
    if len(set(totals.values())) > 1:
        raise ValueError(f"breakdowns of one population must have one total; got {totals}")
    cap = max(totals.values(), default=0) + rule.round_to * sum(len(c) for c in breakdowns.values())
    published = {
        name: {key: publish_count(count, rule) for key, count in counts.items()}
        for name, counts in breakdowns.items()
    }
    while True:
        pinned = _first_pinned(published, rule, cap)
        if pinned is None:
            return published
        # the smallest shown cell of the pinned breakdown, else of any other
        order = [pinned, *(name for name in published if name != pinned)]
        shown = [
            (cell.value, position, key)
            for position, name in enumerate(order)
            for key, cell in published[name].items()
            if cell.value
        ]
        if not shown:
            raise ValueError(f"{pinned}: no shown count is left to protect a hidden one")
        _, position, key = min(shown, key=lambda item: (item[1] > 0, item[0], item[1], item[2]))
        published[order[position]][key] = Cell(None, SECONDARY_MARK)


def _first_pinned(
    published: Mapping[str, Mapping[str, Cell]], rule: SuppressionRule, cap: int
) -> str | None:
    for name, cells in published.items():
        for key, cell in cells.items():
            primary = cell.value is None and cell.hidden_text != SECONDARY_MARK
            if primary and len(feasible_hidden_values(published, name, key, rule, cap)) < 2:
                return name
    return None
