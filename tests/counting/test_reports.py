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

from moot.counting import count
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
