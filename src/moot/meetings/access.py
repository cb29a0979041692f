"""Fetch a meeting (or one of its parts) and authorise the user in one step: 404 when it does
not exist, 403 when the user may not do what they ask."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from moot.meetings.models import AgendaItem, Attendance, Meeting, Minutes

MANAGE_REFUSED = (
    "Only the chair or secretary of the meeting, the unit's officers or national staff can do this."
)


def access_meeting(
    meeting_id: int, user: Any, *, for_write: bool = False, for_check_in: bool = False
) -> Meeting:
    """The meeting, if the user may see it (``for_write``: manage it; ``for_check_in``: check
    people in at the door)."""
    meeting = (
        Meeting.objects.select_related("unit", "chair", "secretary").filter(pk=meeting_id).first()
    )
    if meeting is None:
        raise Http404("No such meeting.")
    if for_write:
        if not user.has_perm("meetings.manage_meeting", meeting):
            raise PermissionDenied(MANAGE_REFUSED)
    elif for_check_in:
        if not user.has_perm("meetings.check_in", meeting):
            raise PermissionDenied("Only the secretary or the chair can check people in.")
    elif not user.has_perm("meetings.view_meeting", meeting):
        raise PermissionDenied("You may not see this meeting: it belongs to another unit.")
    return meeting


def access_agenda_item(item_id: int, user: Any, *, for_write: bool = False) -> AgendaItem:
    item = AgendaItem.objects.select_related("meeting").filter(pk=item_id).first()
    if item is None:
        raise Http404("No such agenda item.")
    item.meeting = access_meeting(item.meeting_id, user, for_write=for_write)
    return item


def access_attendance(attendance_id: int, user: Any) -> Attendance:
    """An attendance record, for those who check people in."""
    attendance = Attendance.objects.select_related("member").filter(pk=attendance_id).first()
    if attendance is None:
        raise Http404("No such attendance record.")
    attendance.meeting = access_meeting(attendance.meeting_id, user, for_check_in=True)
    return attendance


def access_minutes(meeting_id: int, user: Any, *, for_write: bool = False) -> Minutes:
    meeting = access_meeting(meeting_id, user, for_write=for_write)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None:
        raise Http404("The minutes of this meeting have not been drafted yet.")
    minutes.meeting = meeting
    return minutes
