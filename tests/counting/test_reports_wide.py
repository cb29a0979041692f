"""Wide elections stay readable (issue 9, item 11): the text report within TEXT_WIDTH columns,
its figures aligned whatever the markers beside them, and the chart bounded and legible.

Minneapolis 2013 (mayor: 35 candidates, 32 stages) was a 917-column text report and a
1550 x 9102 px chart.
"""

from __future__ import annotations

import io
import os
import re
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest
from PIL import Image

from moot.counting.cli import _read
from moot.counting.formats.blt import read_blt
from moot.counting.model import CountOptions, Result
from moot.counting.registry import get_method
from moot.counting.reports import (
    TEXT_WIDTH,
    _bars,
    _chart_layout,
    _text_px,
    decimal_text,
    render_chart_png,
    render_chart_svg,
    render_text,
)

pytestmark = pytest.mark.pure

GOLDEN = Path(__file__).parent / "data" / "minneapolis_2013_mayor_report.txt"


@pytest.fixture(scope="module")
def minneapolis() -> Result:
    from tests.counting.conftest import data_path

    config = data_path("rctab", "2013_minneapolis_mayor", "2013_minneapolis_mayor_config.json")
    election, plan, _ = _read(str(config), "auto")
    assert plan is not None
    assert plan.method == "irv"
    return get_method("irv").count(election, plan.options)


@pytest.fixture(scope="module", params=["scottish-stv", "meek"])
def calton(request) -> Result:
    from tests.counting.conftest import data_path

    election = read_blt(data_path("droop", "blt", "scotland", "Calton-2007.blt"))
    return get_method(request.param).count(election, CountOptions())


def _table_figures(result: Result, text: str) -> dict[tuple[str, int], str]:
    """Read the stage table(s) back: (candidate, stage) -> the figure printed (or "-" or
    "EXCLUDED"); also checks that in every row each figure ends exactly under its
    column's heading."""
    names = sorted(
        (result.candidates[c] for c in range(len(result.candidates)) if c not in result.withdrawn),
        key=len,
        reverse=True,
    )
    found: dict[tuple[str, int], str] = {}
    stages: list[tuple[int, int]] = []  # (stage, column where its figures end)
    for line in text.splitlines():
        if line.startswith(" ") and re.fullmatch(r"(\s+Stage \d+)+", line):
            stages = [(int(m.group(1)), m.end()) for m in re.finditer(r"Stage (\d+)", line)]
            continue
        name = next((n for n in names if line.startswith(n + " ")), None)
        if name is None or not stages:
            continue
        for stage, end in stages:
            assert line[end - 1] != " ", f"{name}, stage {stage}: figure off its column\n{line}"
            assert end == len(line) or line[end] == " ", f"{name}, stage {stage}: figure moved"
            found[(name, stage)] = line[:end].split()[-1]
    return found


def test_minneapolis_text_fits_and_every_figure_reads_back(minneapolis) -> None:
    text = render_text(minneapolis)
    widest = max(len(line) for line in text.splitlines())
    assert widest <= TEXT_WIDTH, widest
    figures = _table_figures(minneapolis, text)
    for rnd in minneapolis.rounds:
        for c, value in rnd.tallies.items():
            name = minneapolis.candidates[c]
            assert figures[(name, rnd.number)] == decimal_text(value, minneapolis.precision)
        for c in rnd.excluded:
            assert figures[(minneapolis.candidates[c], rnd.number)] == "EXCLUDED"
    # Every stage of every candidate still in the count is printed, and nothing else.
    in_count = sum(len(rnd.tallies) for rnd in minneapolis.rounds)
    excluded = sum(len(rnd.excluded) for rnd in minneapolis.rounds)
    assert sum(1 for v in figures.values() if v not in ("-",)) == in_count + excluded
    assert "Elected: BETSY HODGES" in text


def _check_elected_marker(result: Result) -> None:
    text = render_text(result)
    marked = [line for line in text.splitlines() if "ELECTED" in line]
    assert marked
    figures = _table_figures(result, text)  # asserts every figure ends under its heading
    for rnd in result.rounds:
        for c in rnd.elected:
            if c in rnd.tallies:
                name = result.candidates[c]
                assert figures[(name, rnd.number)] == decimal_text(rnd.tallies[c], result.precision)


def test_elected_marker_does_not_move_the_figure(calton, minneapolis) -> None:
    _check_elected_marker(calton)
    _check_elected_marker(minneapolis)


def test_prose_is_wrapped_without_losing_words(minneapolis) -> None:
    text = render_text(minneapolis)
    assert "Method: irv — Instant-runoff voting" in text
    flat = " ".join(text.split())
    assert " ".join(minneapolis.rule.split()) in flat  # the rule, word for word
    for note in minneapolis.notes:
        assert " ".join(note.split()) in flat


def test_minneapolis_text_golden(minneapolis) -> None:
    """The whole report as reviewed by eye. After an intended change, regenerate it with
    MOOT_REGENERATE_GOLDEN=1 and read the diff before committing."""
    text = render_text(minneapolis)
    if os.environ.get("MOOT_REGENERATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_narrow_count_stays_one_table_with_every_row(tmp_path) -> None:
    """A count that fits is one table, and a candidate out of the count keeps their row."""
    blt = tmp_path / "small.blt"
    blt.write_text(
        '4 1\n5 1 2 0\n4 2 3 0\n3 3 1 0\n2 4 1 0\n0\n"Ann"\n"Bo"\n"Cy"\n"Di"\n"Small"\n',
        encoding="utf-8",
    )
    result = get_method("irv").count(read_blt(blt), CountOptions())
    assert len(result.rounds) == 3
    text = render_text(result)
    assert max(len(line) for line in text.splitlines()) <= TEXT_WIDTH
    headers = [line for line in text.splitlines() if re.fullmatch(r"(\s+Stage \d+)+", line)]
    assert len(headers) == 1
    assert headers[0].split()[-1] == str(len(result.rounds))
    figures = _table_figures(result, text)
    assert len(figures) == len(result.rounds) * len(result.candidates)


def test_calton_wraps_into_blocks_of_whole_stages(calton) -> None:
    text = render_text(calton)
    assert max(len(line) for line in text.splitlines()) <= TEXT_WIDTH
    headers = [line for line in text.splitlines() if re.fullmatch(r"(\s+Stage \d+)+", line)]
    assert len(headers) > 1
    numbers = [int(n) for line in headers for n in re.findall(r"Stage (\d+)", line)]
    assert numbers == [rnd.number for rnd in calton.rounds]
    figures = _table_figures(calton, text)
    for rnd in calton.rounds:
        for c, value in rnd.tallies.items():
            got = figures[(calton.candidates[c], rnd.number)]
            assert got == decimal_text(value, calton.precision)


def test_totals_row_adds_up_in_every_block(minneapolis) -> None:
    text = render_text(minneapolis)
    totals = [line.split()[1:] for line in text.splitlines() if line.startswith("Total ")]
    assert len(totals) > 1  # wrapped into several blocks
    flat = [Fraction(t) for row in totals for t in row]
    assert len(flat) == len(minneapolis.rounds)
    assert set(flat) == {minneapolis.valid}


# -- the chart -------------------------------------------------------------------------------
def _panels(result: Result):
    """The chart's drawing items, with the layout."""
    g = _chart_layout(result)
    return g, list(_bars(result, g))


def test_minneapolis_chart_is_bounded(minneapolis) -> None:
    image = Image.open(io.BytesIO(render_chart_png(minneapolis)))
    image.load()
    # was 1550 x 9102 px: one panel of 35 bars for each of 32 stages
    assert image.width <= 1800
    assert image.height <= 1500
    root = ET.fromstring(render_chart_svg(minneapolis))  # noqa: S314 - our own output
    assert int(root.get("height")) == image.height


def test_minneapolis_chart_draws_the_top_ten_and_others(minneapolis) -> None:
    g, items = _panels(minneapolis)
    shown, others = g["shown"], g["others"]
    assert len(shown) == 10
    assert len(others) == 25
    names = {minneapolis.candidates[c] for c in shown}
    # the winner and the last ones excluded are drawn
    assert "BETSY HODGES" in names
    assert {"MARK ANDREW", "DON SAMUELS", "CAM WINTON"} <= names
    first = minneapolis.rounds[0]
    others_votes = sum(Fraction(first.tallies[c]) for c in others)
    texts = [item[3] for item in items if item[0] == "text"]
    assert f"{decimal_text(others_votes, None)} (25 in the count)" in texts
    assert "25 others" in texts
    # the description for screen readers still names every stage
    svg = render_chart_svg(minneapolis)
    assert all(f"Stage {rnd.number}: {rnd.action}" in svg for rnd in minneapolis.rounds)


def test_minneapolis_chart_stages_drawn_include_first_last_and_say_which(minneapolis) -> None:
    g, items = _panels(minneapolis)
    numbers = [rnd.number for rnd in g["rounds"]]
    assert len(numbers) == 12
    assert numbers[0] == 1
    assert numbers[-1] == len(minneapolis.rounds)
    assert numbers == sorted(set(numbers))
    texts = [item[3] for item in items if item[0] == "text"]
    note = next(t for t in texts if t.startswith("Stages drawn: "))
    assert note.startswith("Stages drawn: " + ", ".join(map(str, numbers)) + " of 32")


def test_no_figure_crosses_the_quota_line(minneapolis, calton) -> None:
    _check_quota_line(minneapolis)
    _check_quota_line(calton)


def _check_quota_line(result: Result) -> None:
    _, items = _panels(result)
    lines = [item for item in items if item[0] == "line" and item[2] != item[4]]
    figures = [
        item for item in items if item[0] == "text" and item[6] == "start" and item[3][:1].isdigit()
    ]
    assert lines
    checked = 0
    for _, qx, y1, _, y2, _, _ in lines:
        for _, x, y, text, *_ in figures:
            if y1 <= y <= y2 and x - 10 < qx < x + 400:
                checked += 1
                right = x + _text_px(text)
                assert not (x - 3 <= qx <= right + 3), f"{text!r} at {x}..{right} crosses {qx}"
    assert checked > 10


def test_long_names_are_clipped_to_fit_and_kept_whole_in_the_description(tmp_path) -> None:
    long = "Alexandra Konstantinopoulou-Fitzwilliam of the Very Long Branch Name"
    blt = tmp_path / "long.blt"
    blt.write_text(
        f'3 1\n5 1 2 0\n4 2 3 0\n3 3 1 0\n0\n"{long}"\n"Bo"\n"Cy"\n"Long names"\n',
        encoding="utf-8",
    )
    result = get_method("irv").count(read_blt(blt), CountOptions())
    g, items = _panels(result)
    label = g["labels"][0]
    assert label.endswith("…")
    assert long.startswith(label[:-1])
    assert _text_px(label) <= g["label_w"] - 12
    # a drawn name ends 6 px left of its bars and must start inside the picture
    names = [item for item in items if item[0] == "text" and item[6] == "end"]
    assert all(x - _text_px(text) >= 0 for _, x, _, text, *_ in names)
    assert long in render_chart_svg(result)  # the <desc> keeps it whole


def test_small_count_draws_every_candidate_and_stage(calton) -> None:
    g, _ = _panels(calton)
    assert g["others"] == []
    assert len(g["shown"]) == len(calton.candidates)
    assert [r.number for r in g["rounds"]] == [r.number for r in calton.rounds]


def test_wide_condorcet_chart_draws_the_top_of_the_ranking(tmp_path) -> None:
    """20 options: the grid would be 20 x 20 cells; the chart draws the ranking's top 10."""
    import random

    rng = random.Random(3)
    lines = ["20 1"]
    lines += ["1 " + " ".join(map(str, rng.sample(range(1, 21), 6))) + " 0" for _ in range(60)]
    lines += ["0", *(f'"Option {i}"' for i in range(1, 21)), '"Wide Condorcet"']
    blt = tmp_path / "wide.blt"
    blt.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = get_method("schulze").count(read_blt(blt), CountOptions())
    assert result.ranking is not None
    g, items = _panels(result)
    order = [c for level in result.ranking for c in level]
    assert not any(order[9] in level and order[10] in level for level in result.ranking)
    assert set(g["shown"]) == set(order[:10])  # no tie across the cut in this data
    assert list(g["matrix_labels"]) == g["shown"]
    grid = [item for item in items if item[0] == "rect" and (item[3], item[4]) == (50, 18)]
    assert len(grid) == 10 * 9  # the cells of the drawn candidates, off the diagonal
    texts = [item[3] for item in items if item[0] == "text"]
    assert "The pairwise grid compares the drawn candidates only" in texts
    assert render_text(result).count("Option 20") >= 2  # the text report keeps everyone
