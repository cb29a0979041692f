"""The register's dates in templates, written the one way (:func:`moot.dates.long_date`:
"Monday 7 December 2026") whatever language the request asked for, and the day before a date
(a version in force "until" the day before the next one's)."""

from __future__ import annotations

import datetime

from django import template

from moot import dates

register = template.Library()


@register.filter
def long_date(value: datetime.date | None) -> str:
    return dates.long_date(value) if value else ""
