"""Meetings' own links under an agenda item (through ``hooks.register_item_links``, like motions
and elections): under "Minutes of the last meeting", the earlier minutes this meeting approves,
and for its chair and secretary, while the meeting runs, the way to approve them."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from moot.meetings import queries
from moot.meetings.models import ItemKind, Minutes


def minutes_item_links(item: Any, user: Any) -> list[tuple[str, str]]:
    """For a minutes item: the previous meeting's minutes awaiting approval ("draft, version
    n") with, for those who manage a meeting in progress, the chair's console where the meeting
    approves them; or the minutes this meeting has approved."""
    if getattr(item, "kind", "") != ItemKind.MINUTES:
        return []
    meeting = item.meeting
    links: list[tuple[str, str]] = []
    approved = Minutes.objects.filter(approved_at_meeting=meeting).select_related("meeting")
    for minutes in approved.order_by("meeting__starts_at"):
        if user.has_perm("meetings.view_meeting", minutes.meeting):
            links.append(
                (
                    f"Minutes of {minutes.meeting}: approved",
                    reverse("meetings:minutes", args=[minutes.meeting_id]),
                )
            )
    awaiting = queries.minutes_awaiting_approval(meeting)
    if awaiting is not None and user.has_perm("meetings.view_meeting", awaiting.meeting):
        links.append(
            (
                f"Minutes of {awaiting.meeting}: draft, version {awaiting.version}, to approve",
                reverse("meetings:minutes", args=[awaiting.meeting_id]),
            )
        )
        if meeting.is_open and user.has_perm("meetings.manage_meeting", meeting):
            links.append(
                (
                    "Approve them (chair's console)",
                    reverse("meetings:chair", args=[meeting.pk]) + "#approve-heading",
                )
            )
    return links
