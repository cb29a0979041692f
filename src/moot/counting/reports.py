"""Reports of a count: text result sheet, our JSON, RCTab summary JSON, CSV and charts.

Every figure comes from the :class:`~moot.counting.model.Result` (ints and Fractions) and is
printed as a decimal string by :func:`decimal_text`: at the result's precision, truncated
(as fixed-point rules display their figures), or exactly when the result has no precision
and the number has a finite decimal expansion (else truncated to 9 places, marked nowhere
else: the JSON ``precision`` key says which).
"""

from __future__ import annotations

import csv
import io
import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any
from xml.sax.saxutils import escape

from moot.counting.model import Result, Round

_FALLBACK_PLACES = 9
TEXT_WIDTH = 100  # the text report's lines fit in this many columns (names and words kept whole)
_LABEL_MAX = 40  # a longer name is clipped (…) in the stage table's label column
_CELL_W, _CELL_H = 52, 20  # a cell of the pairwise matrix in the chart
_CHART_TOP = 10  # candidates drawn in a chart; the rest are one "others" bar
_CHART_STAGES = 12  # stages drawn in a chart (4 rows of 3); every stage is in the text report
_CHART_LABEL_MAX = 200  # px for a name; longer names are clipped with "…"

# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
_BLUE, _GREEN, _GREY, _VERMILLION, _INK = "#0072B2", "#009E73", "#999999", "#D55E00", "#1a1a1a"
_SKY = "#56B4E9"  # the "others" bar


# -- numbers ---------------------------------------------------------------------------------
def _terminates(value: Fraction) -> bool:
    d = value.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def decimal_text(value: int | Fraction | None, places: int | None, *, sign: bool = False) -> str:
    """``value`` as a decimal string: truncated to ``places``; exact when ``places`` is None
    and the expansion is finite (else truncated to 9 places)."""
    if value is None:
        return ""
    value = Fraction(value)
    if places is None:
        if value.denominator == 1:
            text = str(value.numerator)
            return ("+" + text) if sign and value > 0 else text
        places = _FALLBACK_PLACES
        if _terminates(value):
            d, places = value.denominator, 0
            while d != 1:
                places += 1
                d = (value * 10**places).denominator
    negative = value < 0
    scaled = math.floor(abs(value) * 10**places)  # truncation toward zero
    whole, rest = divmod(scaled, 10**places)
    text = f"{whole}.{rest:0{places}d}" if places else str(whole)
    if negative and scaled:
        return "-" + text
    return ("+" + text) if sign and scaled else text


def _places(result: Result) -> int | None:
    return result.precision


def _name(result: Result, index: int | None) -> str:
    return "exhausted" if index is None else result.candidates[index]


# -- our JSON --------------------------------------------------------------------------------
def render_json(result: Result) -> dict[str, object]:
    """Our JSON (documented in docs/counting.md): ``elected`` names in order of election,
    ``rounds`` beside it; numbers are decimal strings (see :func:`decimal_text`)."""
    places = _places(result)

    def num(value: int | Fraction | None) -> str | None:
        return None if value is None else decimal_text(value, places)

    def names(indices: Iterable[int]) -> list[str]:
        return [result.candidates[i] for i in indices]

    rounds = []
    for rnd in result.rounds:
        rounds.append(
            {
                "round": rnd.number,
                "action": rnd.action,
                "tallies": {result.candidates[c]: num(v) for c, v in rnd.tallies.items()},
                "exhausted": num(rnd.exhausted),
                "loss": num(rnd.loss),
                "quota": num(rnd.quota),
                "elected": names(rnd.elected),
                "excluded": names(rnd.excluded),
                "transfer_value": num(rnd.transfer_value),
                "transfers": [
                    {
                        "from": None if t.source is None else result.candidates[t.source],
                        "to": _name(result, t.target),
                        "votes": num(t.votes),
                    }
                    for t in rnd.transfers
                ],
                "keep_factors": None
                if rnd.keep_factors is None
                else {result.candidates[c]: num(k) for c, k in rnd.keep_factors.items()},
                "notes": list(rnd.notes),
            }
        )
    return {
        "title": result.title,
        "method": result.method,
        "rule": result.rule,
        "seats": result.seats,
        "candidates": list(result.candidates),
        "withdrawn": names(result.withdrawn),
        "valid": num(result.valid),
        "invalid": result.invalid,
        "quota": num(result.quota),
        "precision": result.precision,
        "elected": names(result.elected),
        "rounds": rounds,
        "ties": [
            {
                "round": t.round,
                "purpose": t.purpose,
                "tied": names(t.tied),
                "chosen": result.candidates[t.chosen],
                "method": t.method,
                "detail": t.detail,
            }
            for t in result.ties
        ],
        "ranking": None if result.ranking is None else [names(level) for level in result.ranking],
        "pairwise": _pairwise_json(result),
        "carried": result.carried,
        "options": {str(k): _jsonable(v) for k, v in result.options.items()},
        "notes": list(result.notes),
    }


def _standing(result: Result) -> list[int]:
    return [c for c in range(len(result.candidates)) if c not in result.withdrawn]


def _pairwise_json(result: Result) -> dict[str, dict[str, int]] | None:
    """``{a: {b: papers preferring a to b}}`` over the standing candidates (Condorcet)."""
    if result.pairwise is None:
        return None
    shown = _standing(result)
    return {
        result.candidates[a]: {
            result.candidates[b]: int(result.pairwise[a][b]) for b in shown if b != a
        }
        for a in shown
    }


def _quota_label(result: Result) -> str:
    if result.method == "yes-no":
        return "Yes votes needed"
    if result.method == "irv":
        return "Majority (last round)"
    return "Quota"


def _jsonable(value: object) -> object:
    if isinstance(value, Fraction):
        return decimal_text(value, None)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return str(value)


# -- RCTab summary JSON ----------------------------------------------------------------------
def render_rctab_summary(result: Result) -> dict[str, object]:
    """RCTab's "Universal RCV Tabulator" summary (schema: rcvformats universaltabulator).

    Round ``k`` has the tallies at the end of our stage ``k``; its ``tallyResults`` are the
    candidates elected at stage ``k`` and those excluded at stage ``k+1``, each with the
    votes that stage ``k+1`` moved from them ("exhausted" for papers with no next
    preference, "residual surplus" for votes lost to rounding).
    """
    places = _places(result)

    def num(value: Fraction) -> str:
        return decimal_text(max(value, Fraction(0)), places)

    def transfers_from(rnd: Round | None, source: int) -> dict[str, str]:
        moved: dict[str, Fraction] = {}
        if rnd is None:
            return {}
        for t in rnd.transfers:
            if t.source == source and t.votes:
                key = _name(result, t.target)
                moved[key] = moved.get(key, Fraction(0)) + t.votes
        return {k: num(v) for k, v in moved.items()}

    results = []
    rounds = result.rounds
    for k, rnd in enumerate(rounds):
        following = rounds[k + 1] if k + 1 < len(rounds) else None
        entries: list[dict[str, object]] = []
        for c in rnd.elected:
            entry: dict[str, object] = {"elected": result.candidates[c]}
            moved = transfers_from(following, c)
            if moved:
                entry["transfers"] = moved
            entries.append(entry)
        if following is not None:
            for c in following.excluded:
                entries.append(
                    {"eliminated": result.candidates[c], "transfers": transfers_from(following, c)}
                )
            # A surplus transferred later than the stage its candidate was elected at.
            already = {e.get("elected") for e in entries}
            for source in dict.fromkeys(t.source for t in following.transfers):
                if (
                    source is not None
                    and source not in following.excluded
                    and result.candidates[source] not in already
                ):
                    entries.append(
                        {
                            "elected": result.candidates[source],
                            "transfers": transfers_from(following, source),
                        }
                    )
        results.append(
            {
                "round": rnd.number,
                "tally": {result.candidates[c]: num(v) for c, v in rnd.tallies.items()},
                "tallyResults": entries,
            }
        )
    config: dict[str, object] = {"contest": result.title or "Count"}
    if result.quota is not None:
        config["threshold"] = num(result.quota)
    return {"config": config, "results": results}


# -- CSV -------------------------------------------------------------------------------------
# A spreadsheet runs a cell starting with one of these as a formula (a leading tab or carriage
# return hides such a start): a candidate named '=HYPERLINK(...)' would become a link (CWE-1236).
# The same rule as moot.csv_export, written here because counting imports nothing of moot.
CSV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_text_cell(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula: a leading apostrophe before a
    formula prefix (spreadsheets show it as text)."""
    return "'" + text if text.startswith(CSV_FORMULA_PREFIXES) else text


def render_csv(result: Result) -> str:
    """One row per stage: stage, action, every candidate's votes, exhausted, loss, total,
    quota, elected and excluded at the stage. Names and actions are text cells neutralised by
    :func:`csv_text_cell`; the figures are numbers and written as they are."""
    places = _places(result)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    # A lone carriage return in a name would be written unquoted and split the row on reading.
    quoting = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    names = [csv_text_cell(name) for name in result.candidates]
    if any("\r" in name for name in result.candidates):
        writer = quoting
    writer.writerow(
        [
            "stage",
            "action",
            *names,
            "exhausted",
            "loss",
            "total",
            "quota",
            "elected",
            "excluded",
        ]
    )
    for rnd in result.rounds:
        total = sum(rnd.tallies.values(), Fraction(0)) + rnd.exhausted + rnd.loss
        writer.writerow(
            [
                rnd.number,
                csv_text_cell(rnd.action),
                *(
                    decimal_text(rnd.tallies[c], places) if c in rnd.tallies else ""
                    for c in range(len(result.candidates))
                ),
                decimal_text(rnd.exhausted, places),
                decimal_text(rnd.loss, places),
                decimal_text(total, places),
                decimal_text(rnd.quota, places),
                csv_text_cell("; ".join(result.candidates[c] for c in rnd.elected)),
                csv_text_cell("; ".join(result.candidates[c] for c in rnd.excluded)),
            ]
        )
    return out.getvalue()


# -- text result sheet -----------------------------------------------------------------------
def render_text(result: Result) -> str:
    """A round-by-round result sheet: one column per stage (votes, and the change with its
    sign beneath), elected/excluded markers, exhausted, rounding loss, totals, the actions,
    the ties and how they were broken."""
    places = _places(result)
    lines = [result.title or "Count", "=" * max(5, len(result.title or "Count"))]
    lines.append(f"Method: {result.method} — {result.rule}")
    facts = [f"Seats: {result.seats}", f"Valid papers: {decimal_text(result.valid, places)}"]
    facts.append(f"Invalid papers: {result.invalid}")
    if result.quota is not None:
        facts.append(f"{_quota_label(result)}: {decimal_text(result.quota, places)}")
    if result.precision is not None:
        facts.append(f"Figures to {result.precision} decimal places (truncated)")
    lines.append("   ".join(facts))
    if result.withdrawn:
        lines.append("Withdrawn: " + ", ".join(result.candidates[c] for c in result.withdrawn))
    lines.append("")
    if result.rounds:
        lines.extend(_stage_table(result, places))
        lines.append("")
        lines.append("Stages:")
        for rnd in result.rounds:
            lines.append(f"  {rnd.number:>3}  {rnd.action}")
            if rnd.elected:
                elected = ", ".join(result.candidates[c] for c in rnd.elected)
                lines.append(f"       elected: {elected}")
            if rnd.quota is not None and rnd.quota != result.quota:
                label = "majority" if result.method == "irv" else "quota"
                lines.append(f"       {label}: {decimal_text(rnd.quota, places)}")
            lines.extend(f"       note: {note}" for note in rnd.notes)
    if result.ties:
        lines.append("")
        lines.append("Ties:")
        for tie in result.ties:
            tied = ", ".join(result.candidates[c] for c in tie.tied)
            lines.append(
                f"  stage {tie.round} ({tie.purpose}): {tied} -> {result.candidates[tie.chosen]} "
                f"[{tie.method}] {tie.detail}"
            )
    if result.ranking is not None:
        lines.append("")
        lines.append(
            "Ranking: "
            + " > ".join(
                " = ".join(result.candidates[c] for c in level) for level in result.ranking
            )
        )
    if result.pairwise is not None:
        lines.append("")
        lines.extend(_pairwise_table(result))
    lines.append("")
    if result.carried is not None:
        lines.append("Result: " + ("CARRIED" if result.carried else "NOT CARRIED"))
    else:
        lines.append("Elected: " + (", ".join(result.elected_names) or "none"))
    for note in result.notes:
        lines.append(f"Note: {note}")
    wrapped: list[str] = []
    for line in lines:  # prose wrapped to TEXT_WIDTH, continued two columns in
        indent = " " * (len(line) - len(line.lstrip()) + 2)
        wrapped.extend(_wrap(line, indent))
    return "\n".join(wrapped) + "\n"


def _pairwise_table(result: Result) -> list[str]:
    """The pairwise matrix: row a, column b = papers preferring a to b; columns are numbered
    by the rows' numbers so that long names fit."""
    assert result.pairwise is not None
    shown = _standing(result)
    d = result.pairwise
    labels = [f"{i + 1:>3}. {_clip(result.candidates[a], _LABEL_MAX)}" for i, a in enumerate(shown)]
    columns = [
        (str(j + 1), ["-" if a == b else str(d[a][b]) for a in shown]) for j, b in enumerate(shown)
    ]
    lines = ["Pairwise comparisons (row over column: papers ranking the row's candidate higher):"]
    lines.extend(_blocks(labels, max(len(label) for label in labels), columns))
    beats = []
    for a in shown:
        for b in shown:
            if a < b and d[a][b] != d[b][a]:
                win, lose = (a, b) if d[a][b] > d[b][a] else (b, a)
                beats.append(
                    f"{result.candidates[win]} beats {result.candidates[lose]} "
                    f"{d[win][lose]}–{d[lose][win]}"
                )
            elif a < b:
                beats.append(
                    f"{result.candidates[a]} and {result.candidates[b]} tie {d[a][b]}–{d[b][a]}"
                )
    if len(shown) <= 12:
        lines.append("Head to head:")
        lines.extend(f"  {line}" for line in beats)
    return lines


def _stage_table(result: Result, places: int | None) -> list[str]:
    """The stages as columns, under the candidates' names; a wide count (more stages than fit
    in :data:`TEXT_WIDTH` columns) is wrapped into blocks of stages, each under the names
    again. In each column the figures are right-aligned on one edge and a marker (ELECTED,
    EXCLUDED) stands to the right of that edge, so a marker never moves its figure."""
    rounds = result.rounds
    elected_at: dict[int, int] = {}
    excluded_at: dict[int, int] = {}
    for rnd in rounds:
        for c in rnd.elected:
            elected_at.setdefault(c, rnd.number)
        for c in rnd.excluded:
            excluded_at.setdefault(c, rnd.number)
    row_labels: list[str] = []
    for c, name in enumerate(result.candidates):
        if c in result.withdrawn:
            continue
        row_labels.extend([_clip(name, _LABEL_MAX), ""])
    row_labels.extend(["Exhausted", "Non-transferable: rounding", "Total"])
    label_width = max(len(label) for label in row_labels)
    columns: list[tuple[str, list[str]]] = []  # per stage: its heading and cells, row by row
    previous: Mapping[int, Fraction] = {}
    for rnd in rounds:
        figures: list[str] = []  # right-aligned on one edge
        marks: list[str] = []  # to the right of that edge
        for c in range(len(result.candidates)):
            if c in result.withdrawn:
                continue
            mark = ""
            if elected_at.get(c) == rnd.number:
                mark = "ELECTED"
            elif excluded_at.get(c) == rnd.number:
                mark = "EXCLUDED"
            if c in rnd.tallies:
                value = rnd.tallies[c]
                figures.append(decimal_text(value, places))
                change = value - previous.get(c, value if rnd.number == 1 else Fraction(0))
                figures.append(decimal_text(change, places, sign=True) if change else "")
            else:  # out of the count: the word stands in the figure's place
                was = previous.get(c)
                figures.append("EXCLUDED" if mark == "EXCLUDED" else "-")
                figures.append(decimal_text(-was, places) if was else "")
                mark = "" if mark == "EXCLUDED" else mark
            marks.extend([mark, ""])
        total = sum(rnd.tallies.values(), Fraction(0)) + rnd.exhausted + rnd.loss
        for value in (rnd.exhausted, rnd.loss, total):
            figures.append(decimal_text(value, places))
            marks.append("")
        heading = f"Stage {rnd.number}"
        figure_w = max(len(heading), *(len(f) for f in figures))
        mark_w = max(len(m) for m in marks)
        tail = " " * (mark_w + 1) if mark_w else ""
        cells = [
            f"{f:>{figure_w}}" + (f" {m:<{mark_w}}" if mark_w else "")
            for f, m in zip(figures, marks, strict=True)
        ]
        columns.append((f"{heading:>{figure_w}}{tail}", cells))
        previous = rnd.tallies
    return _blocks(row_labels, label_width, columns, rules_after=("Non-transferable: rounding",))


def _out_rows(row_labels: Sequence[str]) -> list[list[int]]:
    """The stage table's rows in groups: a candidate's two rows together, then each total."""
    groups: list[list[int]] = []
    for i, label in enumerate(row_labels):
        if label or not groups:
            groups.append([i])
        else:
            groups[-1].append(i)
    return groups


def _blocks(
    row_labels: Sequence[str],
    label_width: int,
    columns: Sequence[tuple[str, Sequence[str]]],
    *,
    rules_after: Sequence[str] = (),
) -> list[str]:
    """A table of labelled rows and headed columns, wrapped into blocks of as many columns as
    fit in :data:`TEXT_WIDTH` (at least one), each block under the row labels again; a blank
    line between blocks."""
    widths = [max(len(head), *(len(cell) for cell in cells)) for head, cells in columns]
    blocks: list[list[int]] = [[]]
    used = label_width
    for j, width in enumerate(widths):
        if blocks[-1] and used + 2 + width > TEXT_WIDTH:
            blocks.append([])
            used = label_width
        blocks[-1].append(j)
        used += 2 + width
    lines: list[str] = []
    groups = _out_rows(row_labels)
    for block in blocks:
        if lines:
            lines.append("")
        # In a wrapped table, a candidate out of the count in every stage of a block
        # (nothing but "-") is left out of that block.
        shown = [
            i
            for group in groups
            for i in group
            if len(blocks) == 1
            or any(columns[j][1][k].strip() not in ("-", "") for k in group for j in block)
        ]
        header = " " * label_width + "".join(f"  {columns[j][0]:>{widths[j]}}" for j in block)
        lines.extend([header.rstrip(), "-" * len(header)])
        for i in shown:
            label = row_labels[i]
            row = f"{label:<{label_width}}" + "".join(
                f"  {columns[j][1][i]:>{widths[j]}}" for j in block
            )
            lines.append(row.rstrip())
            if label in rules_after:
                lines.append("-" * len(header))
    return lines


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _wrap(line: str, indent: str = "  ") -> list[str]:
    """``line`` wrapped to :data:`TEXT_WIDTH` columns, continuation lines indented; words
    (names, numbers) are never split."""
    if len(line) <= TEXT_WIDTH:
        return [line]
    return textwrap.wrap(
        line,
        TEXT_WIDTH,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


# -- charts ----------------------------------------------------------------------------------
def _text_px(text: str) -> int:
    """A generous estimate of ``text``'s width in pixels at 12 px DejaVu Sans (capitals are
    wider), so that labels are clipped before they run off a panel."""
    return sum(8 if ch.isupper() or ch.isdigit() else 7 if ch in "mwMW" else 6 for ch in text)


def _clip_px(text: str, px: int) -> str:
    if _text_px(text) <= px:
        return text
    while text and _text_px(text + "…") > px:
        text = text[:-1]
    return text.rstrip() + "…"


def _chart_candidates(result: Result) -> tuple[list[int], list[int]]:
    """(the candidates drawn, in the file's order; the rest, drawn as one "others" bar).
    All are drawn when at most _CHART_TOP + 1 stand; else the _CHART_TOP who went furthest:
    the elected, then (a Condorcet count) by their place in the ranking, then by the last
    stage they were in, then by their highest tally."""
    standing = _standing(result)
    if len(standing) <= _CHART_TOP + 1:
        return standing, []
    last_in: dict[int, int] = {}
    best: dict[int, Fraction] = {}
    for rnd in result.rounds:
        for c, value in rnd.tallies.items():
            last_in[c] = rnd.number
            best[c] = max(best.get(c, Fraction(0)), Fraction(value))
    elected = set(result.elected)
    place = {c: -k for k, level in enumerate(result.ranking or ()) for c in level}
    ranked = sorted(
        standing,
        key=lambda c: (
            c in elected,
            place.get(c, 0),
            last_in.get(c, 0),
            best.get(c, Fraction(0)),
        ),
        reverse=True,
    )
    top = set(ranked[:_CHART_TOP])
    return [c for c in standing if c in top], [c for c in standing if c not in top]


def _chart_stages(result: Result, shown: Sequence[int]) -> list[Round]:
    """At most _CHART_STAGES stages: all when they fit; else the first, the last, up to half
    the rest where a drawn candidate is elected or excluded, and others spread evenly
    between (so the middle of a long count is not skipped)."""
    rounds = list(result.rounds)
    if len(rounds) <= _CHART_STAGES:
        return rounds
    drawn = set(shown)

    def spread(items: list[int], n: int) -> list[int]:
        if n <= 0 or not items:
            return []
        if len(items) <= n:
            return items
        return [items[round(k * (len(items) - 1) / max(n - 1, 1))] for k in range(n)]

    last = len(rounds) - 1
    keyed = [
        i
        for i, rnd in enumerate(rounds)
        if 0 < i < last and drawn & (set(rnd.elected) | set(rnd.excluded))
    ]
    chosen = {0, last, *spread(keyed, (_CHART_STAGES - 2) // 2)}
    rest = [i for i in range(len(rounds)) if i not in chosen]
    chosen |= set(spread(rest, _CHART_STAGES - len(chosen)))
    return [rounds[i] for i in sorted(chosen)]


def _chart_header(
    result: Result, drawn: int, others: int, stage_note: str, px: int
) -> list[tuple[str, bool]]:
    """The chart's lines under its title and summary, (text, bold), wrapped to ``px``."""
    header: list[tuple[str, bool]] = []
    if result.carried is not None:
        header.append((f"Result: {'Carried' if result.carried else 'Not carried'}", True))
        if result.notes:
            header.append((result.notes[0], False))
    else:
        header.append(("Elected: " + (", ".join(result.elected_names) or "none"), True))
    if result.ranking is not None:
        ranking = " > ".join(
            " = ".join(result.candidates[c] for c in level) for level in result.ranking
        )
        header.append((f"Ranking: {ranking}", False))
    if others:
        drawn_note = (
            f"The {drawn} candidates who went furthest are drawn; the other {others} are "
            "one bar, \u201cothers\u201d"
        )
        header.append((drawn_note, False))
    if stage_note:
        header.append((stage_note, False))
    wrapped: list[tuple[str, bool]] = []
    for text, bold in header:
        line = ""
        for word in text.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and _text_px(candidate) > px:
                wrapped.append((line, bold))
                line = "  " + word
            else:
                line = candidate
        wrapped.append((line, bold))
    return wrapped


def _chart_layout(result: Result) -> dict[str, object]:
    """Shared geometry: one small panel per stage (at most _CHART_STAGES), a bar per drawn
    candidate (at most _CHART_TOP, the rest as one "others" bar), the quota line."""
    shown, others = _chart_candidates(result)
    rounds = _chart_stages(result, shown)
    top = max(
        [max(r.tallies.values(), default=Fraction(0)) for r in rounds]
        + [sum((Fraction(r.tallies.get(c, 0)) for c in others), Fraction(0)) for r in rounds]
        + [r.quota for r in rounds if r.quota is not None]
        + [result.quota or Fraction(0), Fraction(1)]
    )
    columns = min(3, max(1, len(rounds)))
    names = [result.candidates[c] for c in shown] + ([f"{len(others)} others"] if others else [])
    label_w = min(_CHART_LABEL_MAX, 12 + max((_text_px(n) for n in names), default=32))
    bar_w = 240
    panel_w = label_w + bar_w + 130  # room for a figure and "✓ elected" past the quota line
    bar_h, gap = 16, 6
    bars = len(shown) + (1 if others else 0)
    panel_h = 46 + bars * (bar_h + gap)
    stage_note = ""
    if len(rounds) < len(result.rounds):
        stage_note = (
            f"Stages drawn: {', '.join(str(r.number) for r in rounds)} of {len(result.rounds)}"
            " (every stage is in the text report)"
        )
    legend_h = 30
    rows = math.ceil(len(rounds) / columns) if rounds else 1
    matrix_h = 0
    matrix_w = 0
    matrix_labels: dict[int, str] = {}
    matrix_label_w = 0
    if result.pairwise is not None:
        standing = list(shown)  # with many candidates, the grid of the drawn ones only
        numbered = {c: f"{i + 1}. {result.candidates[c]}" for i, c in enumerate(standing)}
        matrix_label_w = min(_CHART_LABEL_MAX, 12 + max(_text_px(t) for t in numbered.values()))
        matrix_labels = {c: _clip_px(t, matrix_label_w - 12) for c, t in numbered.items()}
        matrix_h = 60 + (len(standing) + 1) * _CELL_H
        matrix_w = matrix_label_w + 40 + len(standing) * _CELL_W
    width = max(20 + columns * panel_w, 20 + matrix_w, 680)
    header = _chart_header(result, len(shown), len(others), stage_note, width - 20)
    if others and result.pairwise is not None:
        header.append(("The pairwise grid compares the drawn candidates only", False))
    header_h = 66 + 20 * len(header)
    return {
        "shown": shown,
        "others": others,
        "labels": {c: _clip_px(result.candidates[c], label_w - 12) for c in shown},
        "header": header,
        "matrix_labels": matrix_labels,
        "matrix_label_w": matrix_label_w,
        "rounds": rounds,
        "top": top,
        "columns": columns,
        "label_w": label_w,
        "bar_w": bar_w,
        "panel_w": panel_w,
        "panel_h": panel_h,
        "bar_h": bar_h,
        "gap": gap,
        "header_h": header_h,
        "matrix_y": header_h + rows * panel_h,
        "width": width,
        "height": header_h + rows * panel_h + matrix_h + legend_h + 10,
    }


def _status(result: Result, c: int, stage: int) -> str:
    """'elected', 'excluded' or 'continuing' for candidate c at the end of ``stage``."""
    for rnd in result.rounds[:stage]:
        if c in rnd.elected:
            return "elected"
        if c in rnd.excluded:
            return "excluded"
    return "continuing"


def _bars(result: Result, geometry: Mapping[str, object]) -> Iterable[tuple[Any, ...]]:
    """Yield drawing items: ('text', x, y, text, colour, bold, anchor), ('rect', x, y, w, h,
    colour), ('line', x1, y1, x2, y2, colour, dashed)."""
    g = geometry
    places = result.precision
    top: Fraction = g["top"]  # type: ignore[assignment]
    label_w: int = g["label_w"]  # type: ignore[assignment]
    bar_w: int = g["bar_w"]  # type: ignore[assignment]
    bar_h: int = g["bar_h"]  # type: ignore[assignment]
    gap: int = g["gap"]  # type: ignore[assignment]
    columns: int = g["columns"]  # type: ignore[assignment]
    labels: Mapping[int, str] = g["labels"]  # type: ignore[assignment]
    others: Sequence[int] = g["others"]  # type: ignore[assignment]
    yield ("text", 10, 24, result.title or "Count", _INK, True, "start")
    summary = f"{result.method}: {result.seats} seat(s), valid {decimal_text(result.valid, places)}"
    if result.carried is not None:
        summary = f"{result.method}: valid papers {decimal_text(result.valid, places)}"
    if result.quota is not None:
        summary += f", {_quota_label(result).lower()} {decimal_text(result.quota, places)}"
    yield ("text", 10, 44, summary, _INK, False, "start")
    header: Sequence[tuple[str, bool]] = g["header"]  # type: ignore[assignment]
    for k, (text, bold) in enumerate(header):
        yield ("text", 10, 64 + 20 * k, text, _INK, bold, "start")
    rounds: Sequence[Round] = g["rounds"]  # type: ignore[assignment]
    shown: Sequence[int] = g["shown"]  # type: ignore[assignment]
    rows: list[int | None] = [*shown, *([None] if others else [])]  # None: the others bar
    for index, rnd in enumerate(rounds):
        px = 10 + (index % columns) * g["panel_w"]  # type: ignore[operator]
        py = g["header_h"] + (index // columns) * g["panel_h"]  # type: ignore[operator]
        title = _clip_px(f"Stage {rnd.number}: {rnd.action}", g["panel_w"] - 16)  # type: ignore[operator]
        yield ("text", px, py + 14, title, _INK, True, "start")
        x0 = px + label_w
        quota = rnd.quota if rnd.quota is not None else result.quota
        qx = x0 + int(bar_w * quota / top) if quota else None
        for row, c in enumerate(rows):
            y = py + 26 + row * (bar_h + gap)
            if c is None:
                standing = [o for o in others if o in rnd.tallies]
                value: Fraction | int | None = sum(
                    (Fraction(rnd.tallies[o]) for o in standing), Fraction(0)
                )
                status, colour = "others", _SKY
                name = f"{len(others)} others"
            else:
                status = _status(result, c, rnd.number)
                colour = {"elected": _GREEN, "excluded": _GREY}.get(status, _BLUE)
                value = rnd.tallies.get(c)
                name = labels[c]
            yield ("text", x0 - 6, y + bar_h - 4, name, _INK, False, "end")
            if value is None or (c is None and not standing):
                yield ("text", x0 + 4, y + bar_h - 4, "out", _GREY, False, "start")
                continue
            width = int(bar_w * value / top) if top else 0
            yield ("rect", x0, y, max(width, 1), bar_h, colour)
            if places is None and Fraction(value).denominator == 1:
                label = decimal_text(value, None)  # whole votes: no decimal places
            else:
                label = decimal_text(value, min(places, 2) if places is not None else 2)
            if status == "elected":
                label += " ✓ elected"
            elif status == "excluded":
                label += " ✗ excluded"
            elif c is None:
                label += f" ({len(standing)} in the count)"
            lx = x0 + max(width, 1) + 4
            if qx is not None and lx <= qx + 3 and lx + _text_px(label) >= qx - 3:
                lx = qx + 6  # the figure would cross the quota line: put it past the line
            yield ("text", lx, y + bar_h - 4, label, _INK, False, "start")
        if qx is not None:
            y_end = py + 26 + len(rows) * (bar_h + gap)
            yield ("line", qx, py + 20, qx, y_end, _VERMILLION, True)
    if result.pairwise is not None:
        yield from _matrix(result, g)
    legend_y = g["height"] - 22  # type: ignore[operator]
    x = 10
    legend = [(_BLUE, "continuing"), (_GREEN, "elected"), (_GREY, "excluded")]
    if others:
        legend.append((_SKY, "others"))
    for colour, text in legend:
        yield ("rect", x, legend_y - 11, 14, 14, colour)
        yield ("text", x + 20, legend_y, text, _INK, False, "start")
        x += 120
    if result.quota is None and all(r.quota is None for r in result.rounds):
        return
    yield ("line", x, legend_y - 12, x, legend_y + 3, _VERMILLION, True)
    quota_word = {"yes-no": "yes votes needed", "irv": "majority"}.get(result.method, "quota")
    yield ("text", x + 8, legend_y, quota_word, _INK, False, "start")


def _matrix(result: Result, g: Mapping[str, object]) -> Iterable[tuple[Any, ...]]:
    """The pairwise matrix as a grid: each cell the papers preferring the row's candidate to
    the column's, green where the row wins, vermillion where it loses, grey for a tie (the
    words "wins"/"loses" are not needed: the numbers show it, the colour only helps)."""
    assert result.pairwise is not None
    d = result.pairwise
    shown: Sequence[int] = list(g["matrix_labels"])  # type: ignore[call-overload]
    label_w: int = g["matrix_label_w"]  # type: ignore[assignment]
    labels: Mapping[int, str] = g["matrix_labels"]  # type: ignore[assignment]
    top: int = g["matrix_y"] + 10  # type: ignore[operator]
    yield (
        "text",
        10,
        top + 14,
        "Pairwise: papers ranking the row above the column (green: row wins)",
        _INK,
        True,
        "start",
    )
    x0 = 10 + label_w
    y0 = top + 26
    for j, _b in enumerate(shown):
        yield ("text", x0 + j * _CELL_W + _CELL_W // 2, y0 + 14, str(j + 1), _INK, True, "middle")
    for i, a in enumerate(shown):
        y = y0 + (i + 1) * _CELL_H
        yield ("text", x0 - 6, y + 14, labels[a], _INK, False, "end")
        for j, b in enumerate(shown):
            x = x0 + j * _CELL_W
            if a == b:
                yield ("text", x + _CELL_W // 2, y + 14, "–", _GREY, False, "middle")
                continue
            colour = _GREEN if d[a][b] > d[b][a] else _VERMILLION if d[a][b] < d[b][a] else _GREY
            yield ("rect", x + 1, y + 1, _CELL_W - 2, _CELL_H - 2, colour)
            yield ("text", x + _CELL_W // 2, y + 14, str(d[a][b]), "#ffffff", True, "middle")


def _description(result: Result) -> str:
    places = result.precision
    parts = [
        (
            f"{result.method} count of {result.title or 'the election'}, {result.seats} seat(s), "
            f"{len(result.rounds)} stage(s)."
        )
    ]
    if result.quota is not None:
        parts.append(f"Quota {decimal_text(result.quota, places)}.")
    for rnd in result.rounds:
        parts.append(f"Stage {rnd.number}: {rnd.action}.")
    if result.carried is not None:
        parts.append(f"Result: {'carried' if result.carried else 'not carried'}.")
        parts.extend(f"{note}." for note in result.notes[:1])
    else:
        parts.append("Elected: " + (", ".join(result.elected_names) or "none") + ".")
    if result.ranking is not None:
        ranking = " > ".join(
            " = ".join(result.candidates[c] for c in level) for level in result.ranking
        )
        parts.append(f"Ranking: {ranking}.")
    return " ".join(parts)


def render_chart_svg(result: Result) -> str:
    """An SVG of the stages: one panel per stage with a bar per candidate, the quota as a
    dashed line, elected (green, ✓) and excluded (grey, ✗) marked in words as well as colour;
    <title> and <desc> for screen readers; Okabe–Ito colours."""
    g = _chart_layout(result)
    out = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{g["width"]}" height="{g["height"]}" '
            f'viewBox="0 0 {g["width"]} {g["height"]}" role="img" '
            'aria-labelledby="chart-title chart-desc" '
            'font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">'
        ),
        f'<title id="chart-title">{escape(result.title or "Count")}: stage by stage</title>',
        f'<desc id="chart-desc">{escape(_description(result))}</desc>',
        f'<rect width="{g["width"]}" height="{g["height"]}" fill="#ffffff"/>',
    ]
    for item in _bars(result, g):
        kind = item[0]
        if kind == "text":
            _, x, y, text, colour, bold, anchor = item
            weight = ' font-weight="bold"' if bold else ""
            out.append(
                f'<text x="{x}" y="{y}" fill="{colour}" text-anchor="{anchor}"{weight}>'
                f"{escape(text)}</text>"
            )
        elif kind == "rect":
            _, x, y, w, h, colour = item
            out.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{colour}"/>')
        else:
            _, x1, y1, x2, y2, colour, dashed = item
            dash = ' stroke-dasharray="4 3"' if dashed else ""
            out.append(
                f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{colour}" '
                f'stroke-width="2"{dash}/>'
            )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def render_chart_png(result: Result) -> bytes:
    """The same chart as :func:`render_chart_svg`, drawn with Pillow."""
    from PIL import Image, ImageDraw, ImageFont

    g = _chart_layout(result)
    image = Image.new("RGB", (int(g["width"]), int(g["height"])), "#ffffff")  # type: ignore[call-overload]
    draw = ImageDraw.Draw(image)
    fonts: dict[bool, ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}
    for bold in (False, True):
        path = (
            "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
            if bold
            else "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
        )
        try:
            fonts[bold] = ImageFont.truetype(path, 12)
        except OSError:  # no DejaVu on this machine: Pillow's own font
            fonts[bold] = ImageFont.load_default(size=12)
    for item in _bars(result, g):
        kind = item[0]
        if kind == "text":
            _, x, y, text, colour, bold, anchor = item
            draw.text(
                (x, y),
                text,
                fill=colour,
                font=fonts[bold],
                anchor={"end": "rs", "middle": "ms"}.get(anchor, "ls"),
            )
        elif kind == "rect":
            _, x, y, w, h, colour = item
            draw.rectangle([x, y, x + w - 1, y + h - 1], fill=colour)
        else:
            _, x1, y1, x2, y2, colour, _dashed = item
            for start in range(int(y1), int(y2), 7):  # dashed: 4 on, 3 off
                draw.line([(x1, start), (x2, min(start + 4, y2))], fill=colour, width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


__all__ = [
    "decimal_text",
    "render_chart_png",
    "render_chart_svg",
    "render_csv",
    "render_json",
    "render_rctab_summary",
    "render_text",
]
