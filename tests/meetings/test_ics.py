"""The iCalendar attachment: RFC 5545 line ends, folding, escaping, UTC times."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from moot.meetings.actions import do_add_agenda_item
from moot.meetings.ics import escape_text, fold, meeting_calendar

pytestmark = pytest.mark.django_db


def test_escape_text() -> None:
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_fold_keeps_lines_to_75_octets_and_never_splits_a_character() -> None:
    line = "DESCRIPTION:" + "Hollow Community Hall — Room 2, Wörth Street; " * 6
    folded = fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 1
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    # Unfolding (RFC 5545 §3.1: remove CRLF followed by one space) gives the line back.
    assert folded.replace("\r\n ", "") == line
    for part in parts:
        part.encode("utf-8").decode("utf-8")  # no split multi-byte character


def test_fold_short_line_unchanged() -> None:
    assert fold("VERSION:2.0") == "VERSION:2.0"


def test_meeting_calendar(meeting: Any) -> None:
    do_add_agenda_item(meeting, kind="apologies", title="Apologies, and welcome", acting_user=None)
    text = meeting_calendar(meeting, url="https://moot.example/meetings/1/", host="moot.example")
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")  # every line ends in CRLF
    lines = text.split("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert f"UID:meeting-{meeting.pk}@moot.example" in unfolded
    start = meeting.starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    end = (meeting.starts_at + datetime.timedelta(hours=2)).astimezone(datetime.UTC)
    assert f"DTSTART:{start}\r\n" in unfolded
    assert f"DTEND:{end:%Y%m%dT%H%M%SZ}\r\n" in unfolded
    assert "SUMMARY:Annual general meeting of Riverside\r\n" in unfolded
    assert "LOCATION:Hollow Community Hall\r\n" in unfolded
    assert "1. Apologies\\, and welcome" in unfolded
    assert "VERSION:2.0" in unfolded
    assert "PRODID:" in unfolded
    assert "DTSTAMP:" in unfolded
