"""What the chair's console reads, and the minutes section it adds: adjournments and
resumptions, the chair handed over for an item and back, and business left unfinished at the
close (``ChairRecord``, written by ``meetings.actions.console`` and ``do_close_meeting``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format

from moot.meetings import hooks
from moot.meetings.actions.console import hand_over_in_force, unfinished
from moot.meetings.hooks import MinutesSection
from moot.meetings.models import ChairRecord, ChairRecordKind, Meeting


@dataclass(frozen=True)
class HandOverPrompt:
    """Why whoever chairs should hand the chair over for the current item, and to whom the
    rulebook would give it (the unit's vice-chair, when present and not standing)."""

    chair: Any
    reasons: list[str]
    suggested: Any | None


def chair_records(meeting: Meeting) -> QuerySet[ChairRecord]:
    return ChairRecord.objects.filter(meeting=meeting).select_related("agenda_item")


def hand_over_prompt(meeting: Meeting) -> HandOverPrompt | None:
    """A prompt for the console when the meeting's chair stands in the business now before it
    (``hooks.chair_conflicts``) and the chair has not been handed over yet."""
    if not meeting.is_open or meeting.chair_id is None or hand_over_in_force(meeting):
        return None
    reasons = hooks.chair_conflicts(meeting, meeting.chair)
    if not reasons:
        return None
    return HandOverPrompt(meeting.chair, reasons, vice_chair(meeting))


def vice_chair(meeting: Meeting) -> Any | None:
    """The unit's vice-chair on the meeting's day, when checked in and free to chair the item."""
    from moot.meetings.models import Attendance
    from moot.units.queries import holdings_on

    on = timezone.localdate(meeting.starts_at)
    for holding in holdings_on(meeting.unit, on):
        member = holding.member
        if holding.post.slug != "vice-chair" or member.pk == meeting.chair_id:
            continue
        present = Attendance.objects.filter(
            meeting=meeting, member=member, left_at__isnull=True
        ).exists()
        if present and not hooks.chair_conflicts(meeting, member):
            return member
    return None


def console_state(meeting: Meeting) -> dict[str, Any]:
    """What the console shows besides the agenda: the hand-over prompt or the hand-over in
    force, and the business left unfinished (for an adjourned meeting)."""
    return {
        "hand_over": hand_over_prompt(meeting),
        "handed": hand_over_in_force(meeting),
        "unfinished": unfinished(meeting) if meeting.is_adjourned else [],
    }


def _never_handed_over(meeting: Meeting, records: list[ChairRecord]) -> list[str]:
    """For the minutes: items the meeting's chair chaired while standing in their business,
    the chair not handed over for them."""
    chair = meeting.chair
    if chair is None:
        return []
    handed = {r.agenda_item_id for r in records if r.kind == ChairRecordKind.HANDED_OVER}
    by_item = hooks.chair_conflicts_by_item(meeting, chair)
    lines = []
    for item in meeting.items.exclude(started_at=None).order_by("position"):
        reasons = by_item.get(item.pk)
        if reasons and item.pk not in handed:
            lines.append(
                f"The chair was not handed over for item {item.position} ({item.title}): "
                + "; ".join(reasons)
                + "."
            )
    return lines


def minutes_section(meeting: Meeting) -> MinutesSection | None:
    """ "The chair": adjournments, hand-overs of the chair and unfinished business, in order,
    each with its time."""
    records = list(chair_records(meeting))
    unhanded = _never_handed_over(meeting, records)
    if not records and not unhanded:
        return None
    paragraphs = []
    carried = [
        r for r in records if r.kind in (ChairRecordKind.NOT_TAKEN, ChairRecordKind.CARRIED_OVER)
    ]
    for record in records:
        if record in carried:
            continue
        line = record.text
        if record.reason:
            line += f" Reason given: {record.reason}"
        paragraphs.append(line)
    paragraphs.extend(unhanded)
    if carried:
        closed = time_format(timezone.localtime(carried[0].at), "H:i")
        paragraphs.append(
            f"Business unfinished when the meeting closed at {closed}: "
            + " ".join(r.text for r in carried)
        )
    return MinutesSection(
        title="The chair",
        paragraphs=paragraphs,
        source_note="Drafted from the chair's console records (adjournment, hand-over of the "
        "chair, unfinished business) and their audit events.",
        refs=[
            (
                "Audit events of the meeting",
                reverse("audit:trail") + f"?object=meetings.meeting:{meeting.pk}",
            )
        ],
    )
