"""Fetch a meeting (or one of its parts) and authorise the user in one step (moot.access): 404
when it does not exist or the user may not see it (the same answer), 403 when they may see it
but not do what they ask."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from moot.access import authorise
from moot.errors import Refusal
from moot.ids import parse_id
from moot.meetings.models import AgendaItem, Attendance, Meeting, Minutes

MANAGE_REFUSED = (
    "Only the chair or secretary of the meeting, the unit's officers or national staff can do this."
)
REFUSED = {
    "meetings.manage_meeting": MANAGE_REFUSED,
    "meetings.check_in": "Only the secretary or the chair can check people in.",
    "meetings.view_attendance": (
        "Only the secretary, the chair and the auditor read the attendance register."
    ),
}
NO_SUCH_MEETING = "No such meeting."
NO_SUCH_MEMBER_AT_DOOR = "No such member in this unit: choose one from the search results."


def access_meeting(
    meeting_id: Any, user: Any, *, for_write: bool = False, permission: str | None = None
) -> Meeting:
    """The meeting, if the user may see it; ``for_write``: manage it
    (``meetings.manage_meeting``); ``permission``: another permission on it, e.g.
    ``meetings.check_in`` at the door."""
    meeting = (
        Meeting.objects.select_related("unit", "chair", "secretary")
        .filter(pk=parse_id(meeting_id))
        .first()
    )
    permission = permission or ("meetings.manage_meeting" if for_write else None)
    return authorise(
        meeting,
        user,
        view="meetings.view_meeting",
        missing=NO_SUCH_MEETING,
        permission=permission,
        refused=REFUSED.get(permission or "", MANAGE_REFUSED),
    )


def access_agenda_item(item_id: Any, user: Any, *, for_write: bool = False) -> AgendaItem:
    """An agenda item, if the user may see its meeting (``for_write``: manage it)."""
    item = AgendaItem.objects.filter(pk=parse_id(item_id)).first()
    if item is None:
        raise Http404("No such agenda item.")
    try:
        item.meeting = access_meeting(item.meeting_id, user, for_write=for_write)
    except Http404:
        raise Http404("No such agenda item.") from None
    return item


def access_attendance(attendance_id: Any, user: Any) -> Attendance:
    """An attendance record, for those who check people in at its meeting."""
    attendance = (
        Attendance.objects.select_related("member").filter(pk=parse_id(attendance_id)).first()
    )
    if attendance is None:
        raise Http404("No such attendance record.")
    try:
        attendance.meeting = access_meeting(
            attendance.meeting_id, user, permission="meetings.check_in"
        )
    except Http404:
        raise Http404("No such attendance record.") from None
    return attendance


def access_minutes(meeting_id: Any, user: Any, *, for_write: bool = False) -> Minutes:
    """The minutes of a meeting the user may see (``for_write``: edit them)."""
    meeting = access_meeting(meeting_id, user, for_write=for_write)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None:
        raise Http404("The minutes of this meeting have not been drafted yet.")
    minutes.meeting = meeting
    return minutes


def access_member_at_door(meeting: Meeting, member_id: Any, user: Any) -> Any:
    """A member the door's search offers (a member of the meeting's unit), or one whose record
    the user may see, for those who check people in at ``meeting``. Any other id, existing or
    not, is the same 404, so posting ids reveals nobody's name. (Through the API the door
    checks in whoever shows their card, by number: :func:`access_member_by_number_at_door`.)"""
    from moot.members.models import Member
    from moot.units.queries import member_in_unit_q

    _check_door(meeting, user)
    pk = parse_id(member_id)
    member = Member.objects.filter(pk=pk).first() if pk is not None else None
    if member is None:
        raise Http404(NO_SUCH_MEMBER_AT_DOOR)
    in_unit = Member.objects.filter(member_in_unit_q(meeting.unit), pk=pk).exists()
    if not in_unit and not user.has_perm("members.view_member", member):
        raise Http404(NO_SUCH_MEMBER_AT_DOOR)
    return member


def access_member_by_number_at_door(meeting: Meeting, number: str, user: Any) -> Any:
    """The member with this membership number, for those who check people in at ``meeting``.
    Whoever shows their card may be checked in by its number; a member of another unit is
    recorded as refused ("not a member of the unit") and the door learns nothing more of them
    (the answer names them by number only)."""
    from moot.limits import note_number_lookup
    from moot.members.models import Member

    _check_door(meeting, user)
    member = Member.objects.filter(number=(number or "").strip().upper()).first()
    note_number_lookup(member, field="member")  # limited per user (moot.limits)
    if member is None:
        raise Refusal(
            f"No member is numbered {number}: check the number on the card.", field="member"
        )
    return member


def _check_door(meeting: Meeting, user: Any) -> None:
    authorise(
        meeting,
        user,
        view="meetings.view_meeting",
        missing=NO_SUCH_MEETING,
        permission="meetings.check_in",
        refused=REFUSED["meetings.check_in"],
    )


def access_unit_for_meetings(unit_slug: str, user: Any) -> Any:
    """The unit (by slug) where the user would schedule a meeting: 404 when there is no such
    unit or the user may not see it, 403 when they may see it but not manage its meetings."""
    from moot.units.access import access_unit_by_slug

    unit = access_unit_by_slug(unit_slug, user)
    if not user.has_perm("meetings.manage_meeting", unit):
        raise PermissionDenied("Only the unit's officers or national staff can do this.")
    return unit


def access_member_of_unit_by_number(number: str, unit: Any, *, field: str) -> Any:
    """A member of ``unit`` named by membership number (the chair a meeting's officers choose):
    the same refusal for a number nobody has and for one of another unit, so the answer names
    nobody outside the unit; each look-up counts against the caller's limit (moot.limits)."""
    from moot.limits import note_number_lookup
    from moot.members.models import Member
    from moot.members.queries import member_belongs_to

    text = (number or "").strip().upper()
    member = Member.objects.filter(number=text).first() if text else None
    note_number_lookup(member, field=field)
    if member is None or not member_belongs_to(member, unit):
        raise Refusal(f"No member of {unit.name} has the number {text}.", field=field)
    return member
