"""iCalendar (RFC 5545) for a meeting: one VEVENT, written by hand so the output is exactly
what the RFC asks for: CRLF line ends, content lines folded at 75 octets (never inside a UTF-8
character), TEXT values escaped (backslash, semicolon, comma, newline), times in UTC."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

# RULES.md §4: a meeting closes about two hours after its start unless extended.
DEFAULT_DURATION = datetime.timedelta(hours=2)
LINE_OCTETS = 75
PRODID = "-//moot//meetings//EN"


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line (RFC 5545 §3.1): at most 75 octets per line, continuation lines
    start with one space; a UTF-8 character is never split."""
    out: list[str] = []
    current = ""
    size = 0
    limit = LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size = " ", 1  # the leading space counts towards the next line's octets
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def meeting_calendar(
    meeting: Any, *, url: str = "", host: str = "moot.invalid", method: str = "PUBLISH"
) -> str:
    """The meeting as an iCalendar object (text with CRLF line ends)."""
    where = ", ".join(part for part in (meeting.location, meeting.online_url) if part)
    description_lines = [f"{meeting.title} ({meeting.unit.name})."]
    items = list(meeting.items.order_by("position"))
    if items:
        description_lines.append("Agenda:")
        description_lines += [f"{item.position}. {item.title}" for item in items]
    if meeting.online_url:
        description_lines.append(f"Join online: {meeting.online_url}")
    if url:
        description_lines.append(f"Details and check-in: {url}")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.pk}@{host}",
        f"DTSTAMP:{utc(timezone.now())}",
        f"DTSTART:{utc(meeting.starts_at)}",
        f"DTEND:{utc(meeting.starts_at + DEFAULT_DURATION)}",
        f"SUMMARY:{escape_text(meeting.title)}",
        f"DESCRIPTION:{escape_text(chr(10).join(description_lines))}",
    ]
    if where:
        lines.append(f"LOCATION:{escape_text(where)}")
    if url:
        lines.append(f"URL:{url}")
    lines += [
        f"SEQUENCE:{int(meeting.updated_at.timestamp()) if meeting.updated_at else 0}",
        "STATUS:CONFIRMED",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)
