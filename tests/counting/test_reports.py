"""Reports: text result sheet, our JSON, RCTab summary (schema-valid), CSV, SVG, PNG."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from fractions import Fraction

import jsonschema_rs
import pytest
from PIL import Image

from moot.counting import Ballots, Candidate, CountOptions, Election, count
from moot.counting.formats.blt import read_blt
from moot.counting.reports import (
    decimal_text,
    render_chart_png,
    render_chart_svg,
    render_csv,
    render_json,
    render_rctab_summary,
    render_text,
)

pytestmark = pytest.mark.pure


@pytest.fixture(params=["scottish-stv", "meek"])
def calton(request, elections_data):
    election = read_blt(elections_data("droop", "blt", "scotland", "Calton-2007.blt"))
    return count(election, request.param)


def test_decimal_text() -> None:
    assert decimal_text(Fraction(34409, 100000), 5) == "0.34409"
    assert decimal_text(Fraction(2, 3), 5) == "0.66666"  # truncated, as fixed point shows it
    assert decimal_text(Fraction(-1, 3), 2) == "-0.33"
    assert decimal_text(Fraction(5, 4), None) == "1.25"  # exact
    assert decimal_text(7, None, sign=True) == "+7"


def test_rctab_summary_is_schema_valid(calton, elections_data) -> None:
    schema = json.loads(
        elections_data("rcvformats", "universaltabulator.schema.json").read_text(encoding="utf-8")
    )
    summary = render_rctab_summary(calton)
    jsonschema_rs.validator_for(schema).validate(summary)
    assert len(summary["results"]) == len(calton.rounds)
    elected = [
        e["elected"] for r in summary["results"] for e in r["tallyResults"] if "elected" in e
    ]
    assert set(calton.elected_names) <= set(elected)


def test_json_shape(calton) -> None:
    data = json.loads(json.dumps(render_json(calton)))
    assert data["elected"] == ["George Redmond", "Alison E Thewliss", "Ruth Simpson"]
    assert data["method"] == calton.method
    assert data["seats"] == 3
    assert data["valid"].startswith("5199")
    assert len(data["rounds"]) == len(calton.rounds)
    first = data["rounds"][0]
    assert first["tallies"]["George Redmond"].startswith("1982")
    assert set(first) >= {"round", "action", "tallies", "exhausted", "loss", "elected", "excluded"}


def test_text_report_has_every_stage(calton) -> None:
    text = render_text(calton)
    assert "CALTON" in text
    assert f"Quota: {decimal_text(calton.quota, calton.precision)}" in text
    for rnd in calton.rounds:
        assert f"Stage {rnd.number}" in text
        assert rnd.action in text
    assert "ELECTED" in text
    assert "Elected: George Redmond, Alison E Thewliss, Ruth Simpson" in text
    assert "Exhausted" in text
    assert "Total" in text


def test_csv_rows_add_up(calton) -> None:
    rows = list(csv.DictReader(io.StringIO(render_csv(calton))))
    assert len(rows) == len(calton.rounds)
    for row in rows:
        assert Fraction(row["total"]) == calton.valid


def test_svg_is_accessible_xml(calton) -> None:
    root = ET.fromstring(render_chart_svg(calton))  # noqa: S314 - our own output
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    assert root.find(f"{ns}title") is not None
    assert "Elected: George Redmond" in root.find(f"{ns}desc").text
    texts = " ".join(t.text or "" for t in root.iter(f"{ns}text"))
    assert "Stage 1" in texts
    assert "✓ elected" in texts


def test_png_decodes(calton) -> None:
    image = Image.open(io.BytesIO(render_chart_png(calton)))
    image.load()
    assert image.format == "PNG"
    assert image.width > 600
    assert image.height > 400


# -- every method added beside STV: each report renders, the RCTab summary stays valid ---------
def _small(kind: str = "ranked") -> Election:
    """Five candidates, one withdrawn, 30 papers with truncated and equal rankings."""
    names = ["Ash", "Birch", "Cedar", "Damson", "Elm"]
    papers = [
        (((0,), (1,), (2,)), 9),
        (((1,), (0,)), 6),
        (((2, 3), (1,)), 5),
        (((3,), (2,)), 4),
        (((4,), (3,)), 3),
        (((2,),), 2),
        ((), 1),
    ]
    if kind == "approval":
        papers = [((tuple(sorted(c for level in r for c in level)),), w) for r, w in papers if r]
    candidates = [Candidate(n, withdrawn=(n == "Elm")) for n in names]
    return Election(candidates, 2, Ballots.aggregate(papers), title="Small example", kind=kind)  # type: ignore[arg-type]


NEW_METHODS = [
    ("plurality", "ranked", 2),
    ("block", "ranked", 2),
    ("approval", "approval", 2),
    ("irv", "ranked", 1),
    ("schulze", "ranked", 2),
    ("schulze-margins", "ranked", 2),
    ("ranked-pairs", "ranked", 2),
]


@pytest.fixture(params=NEW_METHODS, ids=[m for m, _, _ in NEW_METHODS])
def small_result(request):
    method, kind, seats = request.param
    return count(_small(kind), method, CountOptions(seats=seats))


@pytest.fixture
def motion_result():
    papers = [(((0,),), 81), (((1,),), 39), (((2,),), 7)]
    election = Election(
        [Candidate("Yes"), Candidate("No"), Candidate("Abstain")],
        1,
        Ballots.aggregate(papers),
        title="Motion 2",
        kind="single",
    )
    return count(election, "yes-no", CountOptions(extra={"majority": "two-thirds"}))


def test_every_new_method_renders(small_result, motion_result, elections_data) -> None:
    schema = json.loads(
        elections_data("rcvformats", "universaltabulator.schema.json").read_text(encoding="utf-8")
    )
    validator = jsonschema_rs.validator_for(schema)
    for result in (small_result, motion_result):
        text = render_text(result)
        assert result.title in text
        assert "Stage 1" in text
        data = json.loads(json.dumps(render_json(result)))
        assert data["method"] == result.method
        assert data["elected"] == result.elected_names
        assert len(data["rounds"]) == len(result.rounds)
        validator.validate(render_rctab_summary(result))
        rows = list(csv.DictReader(io.StringIO(render_csv(result))))
        assert len(rows) == len(result.rounds)
        root = ET.fromstring(render_chart_svg(result))  # noqa: S314 - our own output
        assert root.find("{http://www.w3.org/2000/svg}desc") is not None
        image = Image.open(io.BytesIO(render_chart_png(result)))
        image.load()
        assert image.format == "PNG"
    # Withdrawn Elm appears nowhere in the stage table, and the text names the withdrawal.
    assert "Withdrawn: Elm" in render_text(small_result)


def test_condorcet_reports_show_the_pairwise_matrix() -> None:
    result = count(_small(), "schulze", CountOptions(seats=2))
    text = render_text(result)
    assert "Pairwise comparisons" in text
    assert "Ranking: " in text
    assert "Head to head:" in text
    data = render_json(result)
    names = result.candidates
    for a, row in data["pairwise"].items():
        for b, value in row.items():
            assert value == result.pairwise[names.index(a)][names.index(b)]
    assert "Elm" not in data["pairwise"]
    assert data["ranking"][0] == [names[c] for c in result.ranking[0]]
    svg = render_chart_svg(result)
    assert "Pairwise: papers ranking the row above the column" in svg
    assert str(result.pairwise[0][1]) in svg
    # Methods without a pairwise matrix say so with null.
    assert render_json(count(_small(), "irv", CountOptions(seats=1)))["pairwise"] is None


def test_irv_rctab_summary_moves_excluded_votes() -> None:
    result = count(_small(), "irv", CountOptions(seats=1))
    summary = render_rctab_summary(result)
    eliminated = [
        entry
        for rnd in summary["results"]
        for entry in rnd["tallyResults"]
        if "eliminated" in entry
    ]
    assert [e["eliminated"] for e in eliminated] == [
        result.candidates[c] for rnd in result.rounds for c in rnd.excluded
    ]
    for rnd in result.rounds[1:]:
        (out,) = rnd.excluded
        entry = next(e for e in eliminated if e["eliminated"] == result.candidates[out])
        assert sum(Fraction(v) for v in entry["transfers"].values()) == sum(
            t.votes for t in rnd.transfers
        )


def test_motion_reports_say_carried(motion_result) -> None:
    text = render_text(motion_result)
    assert "Result: CARRIED" in text
    assert "Elected:" not in text
    svg = render_chart_svg(motion_result)
    assert "Result: Carried" in svg
    assert "81 of 120 needed 80" in svg
    assert "yes votes needed" in svg
