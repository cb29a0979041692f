"""The dashboard panel "Meetings": today's and the next meetings the signed-in person may see,
with check-in for today's and the chair's console for those they run."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from moot.meetings.models import MeetingState


def meetings_panel(request: HttpRequest) -> dict[str, Any] | None:
    from moot.meetings.queries import meetings_visible_to

    user = request.user
    if not user.has_perm("meetings.list_meetings"):
        return None
    start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))
    meetings = list(
        meetings_visible_to(user)
        .filter(starts_at__gte=start)
        .exclude(state=MeetingState.CLOSED)
        .order_by("starts_at", "id")[:5]
    )
    if not meetings:
        return None
    today = timezone.localdate()
    rows = [
        {
            "meeting": meeting,
            "today": timezone.localdate(meeting.starts_at) == today,
            "manage": user.has_perm("meetings.manage_meeting", meeting),
        }
        for meeting in meetings
    ]
    return {"title": "Meetings", "template": "meetings/_dashboard_panel.html", "rows": rows}
