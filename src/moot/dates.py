"""Dates and times as moot writes them in Python (minutes, messages, PDFs): the named formats
of settings / moot/site/formats/en_GB (UK style), in the organisation's time zone
(settings.TIME_ZONE). Templates use the same names (``|date``, ``|date:"SHORT_DATE_FORMAT"``)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format


def _local(moment: datetime.date | datetime.datetime) -> datetime.date | datetime.datetime:
    if isinstance(moment, datetime.datetime) and timezone.is_aware(moment):
        return timezone.localtime(moment)
    return moment


def _format(moment: datetime.date | datetime.datetime, name: str) -> str:
    """``moment`` in the named format of the organisation's language (settings.LANGUAGE_CODE),
    whatever language the request asked for: Accept-Language: en-US must not turn "Monday 7
    December 2026" into "Dec. 7, 2026" (LocaleMiddleware activates the request's language,
    whose formats Django would otherwise use)."""
    with translation.override(settings.LANGUAGE_CODE):
        return date_format(_local(moment), name)


def long_date(moment: datetime.date | datetime.datetime) -> str:
    """Monday 7 December 2026."""
    return _format(moment, "DATE_FORMAT")


def long_datetime(moment: datetime.datetime) -> str:
    """Monday 7 December 2026, 19:00."""
    return _format(moment, "DATETIME_FORMAT")


def short_date(moment: datetime.date | datetime.datetime) -> str:
    """7 Dec 2026."""
    return _format(moment, "SHORT_DATE_FORMAT")


def short_datetime(moment: datetime.datetime) -> str:
    """7 Dec 2026, 19:00."""
    return _format(moment, "SHORT_DATETIME_FORMAT")


def clock(moment: datetime.datetime | None) -> str:
    """19:00 (empty for no time)."""
    if moment is None:
        return ""
    return time_format(timezone.localtime(moment) if timezone.is_aware(moment) else moment)
