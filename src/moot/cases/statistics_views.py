"""The published statistics of the complaints process: the quarter's tables, a chart of the
quarters received, the methodology and a CSV (issue 10 item 11). Public: every figure shown has
been through the suppression rule; nothing here reads a case file or names anyone."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from moot.cases import statistics
from moot.cases.suppression import Cell
from moot.csv_export import csv_text

CHART_QUARTERS = 8
CHART_HEIGHT = 160
BAR_WIDTH = 48
BAR_GAP = 16


def _quarter(request: HttpRequest, slug: str | None) -> statistics.Quarter:
    if slug is None:
        return statistics.last_ended_quarter()
    try:
        quarter = statistics.Quarter.parse(slug)
    except ValueError:
        raise Http404("not a quarter") from None
    if quarter > statistics.last_ended_quarter():
        raise Http404("figures are published for ended quarters only")
    return quarter


def chart(series: list[tuple[statistics.Quarter, Cell]]) -> dict[str, Any]:
    """Bar geometry for the inline SVG: a hidden quarter is an outlined stub marked as hidden."""
    top = max((cell.value or 0 for _, cell in series), default=0) or 1
    bars = []
    for index, (quarter, cell) in enumerate(series):
        height = round((cell.value or 0) / top * CHART_HEIGHT)
        if cell.hidden:
            height = 6
        bars.append(
            {
                "x": BAR_GAP + index * (BAR_WIDTH + BAR_GAP),
                "y": CHART_HEIGHT - height + 20,
                "height": height,
                "label": cell.text,
                "hidden": cell.hidden,
                "quarter": f"{quarter.year} Q{quarter.number}",
            }
        )
    return {
        "bars": bars,
        "width": BAR_GAP + len(series) * (BAR_WIDTH + BAR_GAP),
        "height": CHART_HEIGHT + 60,
        "bar_width": BAR_WIDTH,
        "base": CHART_HEIGHT + 20,
    }


def statistics_page(request: HttpRequest, quarter: str | None = None) -> HttpResponse:
    chosen = _quarter(request, quarter)
    published = statistics.quarter_statistics(chosen)
    quarters = statistics.published_quarters(CHART_QUARTERS)
    series = statistics.received_series(quarters, published.rule)
    context = {
        "published": published,
        "quarters": quarters[::-1],
        "series": series,
        "chart": chart(series),
        "previous": chosen.previous(),
        "next": chosen.next() if chosen < statistics.last_ended_quarter() else None,
    }
    return render(request, "cases/statistics.html", context)


def statistics_csv(request: HttpRequest, quarter: str) -> HttpResponse:
    published = statistics.quarter_statistics(_quarter(request, quarter))
    body = csv_text(statistics.CSV_HEADER, statistics.csv_rows(published))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    slug = published.quarter.slug
    response["Content-Disposition"] = f'attachment; filename="complaints-{slug}.csv"'
    return response


def methodology(request: HttpRequest) -> HttpResponse:
    rule = statistics.suppression_rule()
    context = {
        "rule": rule,
        "members_definition": statistics.MEMBERS_DEFINITION,
        "buckets": [label for label, _, _ in statistics.DECISION_BUCKETS],
    }
    return render(request, "cases/statistics_methodology.html", context)
