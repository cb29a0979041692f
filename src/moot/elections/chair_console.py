"""What elections tells the chair's console (``moot.meetings.hooks``, registered in
``ElectionsConfig.ready``): elections at the meeting never opened or not declared, and whether a
member chairing the meeting stands in the election now before it (then the chair hands over)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from moot.dates import long_date
from moot.elections.models import Election, ElectionState, NominationState

# A nomination still in the running: the nominee stands, or may yet stand.
IN_THE_RUNNING = (
    NominationState.STANDING,
    NominationState.AWAITING_SECONDER,
    NominationState.AWAITING_CONSENT,
)


def unfinished_elections(meeting: Any) -> list[str]:
    lines: list[str] = []
    elections = (
        Election.objects.filter(meeting=meeting)
        .exclude(state=ElectionState.DECLARED)
        .select_related("post", "poll")
        .order_by("pk")
    )
    for election in elections:
        poll = election.poll
        if poll is None and election.nominations_close_on < timezone.localdate():
            where = (
                f"nominations closed on {long_date(election.nominations_close_on)}; "
                "the vote was never opened"
            )
        elif poll is None:
            where = "still taking nominations; the vote was never opened"
        elif poll.state == "draft":
            where = "ballot drawn up, the vote never opened"
        elif poll.state == "open":
            where = "the vote is still open"
        else:
            where = "counted, the result not declared"
        lines.append(f"Election for {election.post.title} ({election.title}): {where}")
    return lines


def chair_stands(meeting: Any, member: Any, *, current_only: bool) -> dict[int, list[str]]:
    """Why ``member`` should not chair an item, by agenda item id: they are a candidate (or a
    job-share partner) in an election under it. ``current_only``: the item now before the
    meeting, while its election is not declared (the console's prompt); otherwise every item
    of the meeting, declared or not (the minutes' record)."""
    elections = Election.objects.filter(agenda_item__meeting=meeting).filter(
        Q(nominations__nominee=member) | Q(nominations__partner=member),
        nominations__state__in=IN_THE_RUNNING,
    )
    if current_only:
        if meeting.current_item_id is None:
            return {}
        elections = elections.filter(agenda_item_id=meeting.current_item_id).exclude(
            state=ElectionState.DECLARED
        )
    found: dict[int, list[str]] = {}
    for election in elections.select_related("post").distinct().order_by("pk"):
        if election.agenda_item_id is None:  # the filter above joins an item; for mypy
            continue
        found.setdefault(election.agenda_item_id, []).append(
            f"{member.full_name} is a candidate in the election for {election.post.title}"
        )
    return found
