"""Meetings in the JSON API: list, detail and schedule meetings; the agenda (list, add, set
the current item); check-in; the live quorum. Authentication and error shapes as everywhere in
the API (moot.api): a personal API token or the browser session with CSRF; errors are
``{"detail": "...", "clause": "..."}``."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict, field_validator
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from moot.accounts.api_auth import API_AUTH
from moot.api_common import Message
from moot.api_common import caller as _user
from moot.meetings import queries
from moot.meetings.access import (
    access_agenda_item,
    access_meeting,
    access_member_by_number_at_door,
    access_unit_for_meetings,
)
from moot.meetings.actions import (
    MeetingError,
    do_add_agenda_item,
    do_check_in,
    do_check_in_with_code,
    do_create_meeting,
    do_edit_agenda_item,
    do_set_current_item,
)
from moot.meetings.models import AgendaItem, Attendance, Meeting
from moot.meetings.permissions import member_of
from moot.members.access import access_named_member
from moot.text import ModelText
from moot.units.access import access_unit_by_slug

router = Router(tags=["meetings"], auth=API_AUTH)

# Each a Message (moot.api.errors answers every refusal): 403 not allowed, 404 no such meeting
# (or one you may not see), 409 the meeting's state does not allow it (or already done), 422 a
# malformed request or a refusal by the rulebook (with the clause).
REFUSALS: dict[int, Any] = {403: Message, 404: Message, 409: Message, 422: Message}


class QuorumOut(Schema):
    present_eligible: int
    eligible_total: int
    required: int
    quorate: bool
    text: str
    clause: str
    roll_on: datetime.date | None
    refused: int
    observers: int
    guests: int


class ItemOut(Schema):
    id: int
    position: int
    kind: str
    title: str
    body: str
    speaker: str
    speaker_organisation: str
    topic: str
    state: str


class MeetingOut(Schema):
    id: int
    unit: str  # the unit's slug
    kind: str
    title: str
    starts_at: datetime.datetime
    location: str
    online_url: str
    attendance_mode: str
    state: str
    chair: str | None  # member number
    secretary: str | None
    notice_sent_on: datetime.date | None
    edition: str
    current_item: int | None


class MeetingDetailOut(MeetingOut):
    agenda: list[ItemOut]
    quorum: QuorumOut


def _item_out(item: AgendaItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "position": item.position,
        "kind": item.kind,
        "title": item.title,
        "body": item.body,
        "speaker": item.speaker,
        "speaker_organisation": item.speaker_organisation,
        "topic": item.topic,
        "state": item.state,
    }


def _quorum_out(meeting: Meeting) -> dict[str, Any]:
    state = queries.quorum_state(meeting)
    return {
        "present_eligible": state.present_eligible,
        "eligible_total": state.eligible_total,
        "required": state.required,
        "quorate": state.quorate,
        "text": state.text,
        "clause": state.clause,
        "roll_on": state.roll_on,
        "refused": state.refused,
        "observers": state.observers,
        "guests": state.guests,
    }


def _meeting_out(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "unit": meeting.unit.slug,
        "kind": meeting.kind,
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "location": meeting.location,
        "online_url": meeting.online_url,
        "attendance_mode": meeting.attendance_mode,
        "state": meeting.state,
        "chair": meeting.chair.number if meeting.chair_id else None,
        "secretary": meeting.secretary.number if meeting.secretary_id else None,
        "notice_sent_on": meeting.notice_sent_on,
        "edition": meeting.edition_name,
        "current_item": meeting.current_item_id,
    }


def _detail_out(meeting: Meeting) -> dict[str, Any]:
    return {
        **_meeting_out(meeting),
        "agenda": [_item_out(item) for item in queries.agenda(meeting)],
        "quorum": _quorum_out(meeting),
    }


@router.get(
    "/",
    response={200: list[MeetingOut], 403: Message, 422: Message},
    summary="Meetings you can see",
)
def list_meetings(request: HttpRequest, unit: str | None = None) -> list[dict[str, Any]]:
    """Newest first; ``unit`` (a unit's slug) limits the list to one unit."""
    user = _user(request)
    if not user.has_perm("meetings.list_meetings"):
        raise PermissionDenied("Meetings are for members and staff.")
    chosen = None
    if unit:
        try:
            chosen = access_unit_by_slug(unit, user)
        except Http404:
            return []
    qs = queries.meetings_visible_to(user, chosen).select_related("chair", "secretary")
    return [_meeting_out(meeting) for meeting in qs.order_by("-starts_at", "-id")[:200]]


class StrictIn(Schema):
    """A request body that refuses a field it does not know, naming it (a misspelt or retired
    field, e.g. ``notice_sent_on``, was silently ignored)."""

    model_config = ConfigDict(extra="forbid")


# Fields the API once took and now refuses with where to go instead (review finding B, M).
RETIRED_FIELDS = {
    "chair": "the chair is not chosen when scheduling: it is who the rulebook says (the "
    "unit's chair, else its vice-chair); that chair or national staff may change it, with a "
    "reason, at /meetings/<id>/chair-change/",
    "notice_sent_on": "the notice is sent from moot (its date is recorded then); a notice "
    "sent another way is recorded, with a reason, at /meetings/<id>/notice/outside/",
}


class MeetingIn(StrictIn):
    unit: str = Field(description="The unit's slug")
    kind: str = Field(description="A meeting kind of the rulebook, e.g. agm, general, branch")
    starts_at: datetime.datetime = Field(description="With a time zone, e.g. 2026-12-01T19:00Z")
    title: Annotated[str, ModelText(Meeting, "title")] = ""
    location: Annotated[str, ModelText(Meeting, "location")] = ""
    online_url: Annotated[str, ModelText(Meeting, "online_url")] = ""
    attendance_mode: Literal["in_person", "online", "hybrid"] = "in_person"
    secretary: str | None = Field(None, description="Member number")
    # Refused when sent (not in the published schema): see RETIRED_FIELDS.
    chair: SkipJsonSchema[Any] = None
    notice_sent_on: SkipJsonSchema[Any] = None

    @field_validator("chair", "notice_sent_on", mode="before")
    @classmethod
    def _retired(cls, value: Any, info: Any) -> None:
        raise PydanticCustomError("retired_field", RETIRED_FIELDS[info.field_name])


@router.post(
    "/",
    response={201: MeetingDetailOut, **REFUSALS},
    summary="Schedule a meeting",
    description="Checked against the rulebook's notice periods: a date too soon is refused (422) "
    "naming the clause.",
)
def create_meeting(request: HttpRequest, payload: MeetingIn) -> Status:
    user = _user(request)
    unit = access_unit_for_meetings(payload.unit, user)
    secretary = access_named_member(payload.secretary, user, field="secretary")
    meeting = do_create_meeting(
        unit=unit,
        kind=payload.kind,
        starts_at=payload.starts_at,
        title=payload.title,
        location=payload.location,
        online_url=payload.online_url,
        attendance_mode=payload.attendance_mode,
        secretary=secretary,
        acting_user=user,
    )
    return Status(201, _detail_out(meeting))


@router.get(
    "/{meeting_id}",
    response={200: MeetingDetailOut, **REFUSALS},
    summary="One meeting with its agenda and quorum",
)
def get_meeting(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    return _detail_out(access_meeting(meeting_id, _user(request)))


@router.get(
    "/{meeting_id}/agenda",
    response={200: list[ItemOut], **REFUSALS},
    summary="The agenda, in order",
)
def list_agenda(request: HttpRequest, meeting_id: int) -> list[dict[str, Any]]:
    return [_item_out(item) for item in queries.agenda(access_meeting(meeting_id, _user(request)))]


class ItemIn(StrictIn):
    kind: Literal[
        "apologies",
        "minutes",
        "report",
        "motion",
        "election",
        "speaker",
        "training",
        "any_other_business",
    ]
    title: Annotated[str, ModelText(AgendaItem, "title")]
    body: Annotated[str, ModelText(AgendaItem, "body")] = ""
    speaker: Annotated[str, ModelText(AgendaItem, "speaker")] = ""
    speaker_organisation: Annotated[str, ModelText(AgendaItem, "speaker_organisation")] = ""
    topic: Annotated[str, ModelText(AgendaItem, "topic")] = ""
    position: int | None = Field(None, ge=1, description="1 = first; omitted: at the end")


@router.post(
    "/{meeting_id}/agenda",
    response={201: ItemOut, **REFUSALS},
    summary="Add an agenda item (managers)",
)
def add_item(request: HttpRequest, meeting_id: int, payload: ItemIn) -> Status:
    meeting = access_meeting(meeting_id, _user(request), for_write=True)
    item = do_add_agenda_item(meeting, acting_user=_user(request), **payload.dict())
    return Status(201, _item_out(item))


class ItemEditIn(StrictIn):
    """An item's words; its kind and position stay."""

    title: Annotated[str, ModelText(AgendaItem, "title")]
    body: Annotated[str, ModelText(AgendaItem, "body")] = ""
    speaker: Annotated[str, ModelText(AgendaItem, "speaker")] = ""
    speaker_organisation: Annotated[str, ModelText(AgendaItem, "speaker_organisation")] = ""
    topic: Annotated[str, ModelText(AgendaItem, "topic")] = ""


@router.put(
    "/{meeting_id}/agenda/{item_id}",
    response={200: ItemOut, **REFUSALS},
    summary="Edit an agenda item's title, speaker and details (managers)",
    description="Before or during the meeting; refused (409) once it has closed, or when "
    "nothing would change. The kind and position stay.",
)
def edit_item(request: HttpRequest, meeting_id: int, item_id: int, payload: ItemEditIn) -> Any:
    meeting = access_meeting(meeting_id, _user(request), for_write=True)
    item = access_agenda_item(item_id, _user(request), for_write=True)
    if item.meeting_id != meeting.pk:
        raise Http404("No such item on this meeting's agenda.")
    return _item_out(do_edit_agenda_item(item, acting_user=_user(request), **payload.dict()))


class CurrentIn(StrictIn):
    item: int = Field(description="The agenda item's id")


@router.post(
    "/{meeting_id}/current",
    response={200: MeetingDetailOut, **REFUSALS},
    summary="Set the current agenda item (the chair)",
    description="Refused (422, with the clause) when the meeting is inquorate and the rulebook "
    "does not let an inquorate meeting take this kind of business.",
)
def set_current(request: HttpRequest, meeting_id: int, payload: CurrentIn) -> Any:
    meeting = access_meeting(meeting_id, _user(request), for_write=True)
    item = access_agenda_item(payload.item, _user(request), for_write=True)
    if item.meeting_id != meeting.pk:
        raise Http404("No such item on this meeting's agenda.")
    meeting = do_set_current_item(meeting, item, acting_user=_user(request))
    return _detail_out(meeting)


class CheckInIn(StrictIn):
    member: str | None = Field(None, description="Member number (the secretary checks a member in)")
    code: str | None = Field(None, description="The meeting code (a member checks themself in)")
    capacity: Literal["voter", "observer"] = "voter"


class AttendanceOut(Schema):
    id: int
    member: str | None
    capacity: str
    eligible: bool
    reason: str
    clause: str
    method: str
    checked_in_at: datetime.datetime


def _attendance_out(attendance: Attendance) -> dict[str, Any]:
    return {
        "id": attendance.pk,
        "member": attendance.member.number if attendance.member_id else None,
        "capacity": attendance.capacity,
        "eligible": attendance.eligible,
        "reason": attendance.reason,
        "clause": attendance.clause,
        "method": attendance.method,
        "checked_in_at": attendance.checked_in_at,
    }


@router.post(
    "/{meeting_id}/check-in",
    response={201: AttendanceOut, **REFUSALS},
    summary="Check in a member (secretary) or yourself (with the meeting code)",
    description="A member who may not vote is still recorded (201, eligible false, with the "
    "reason and clause). 409 when already checked in.",
)
def check_in(request: HttpRequest, meeting_id: int, payload: CheckInIn) -> Status:
    user = _user(request)
    if payload.member:
        meeting = access_meeting(meeting_id, user, permission="meetings.check_in")
        member = access_member_by_number_at_door(meeting, payload.member, user)
        attendance = do_check_in(meeting, member, acting_user=user, capacity=payload.capacity)
        return Status(201, _attendance_out(attendance))
    if not payload.code:
        raise MeetingError("Send either member (a member number) or code.", field="member")
    meeting = access_meeting(meeting_id, user)
    attendance = do_check_in_with_code(
        meeting, member_of(user), code=payload.code, acting_user=user
    )
    return Status(201, _attendance_out(attendance))


@router.get(
    "/{meeting_id}/quorum",
    response={200: QuorumOut, **REFUSALS},
    summary="The live quorum: eligible members present against the rulebook's requirement",
)
def quorum(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    return _quorum_out(access_meeting(meeting_id, _user(request)))


class ApologyIn(StrictIn):
    member: str | None = Field(
        None, description="Member number (an officer records a member's apologies); empty: yours"
    )


class ApologyOut(Schema):
    member: str  # the member's number
    name: str
    sent_by: Literal["member", "officer"]
    recorded_at: datetime.datetime


def _apology_out(apology: Any) -> dict[str, Any]:
    return {
        "member": apology.member.number,
        "name": f"{apology.member.first_name} {apology.member.last_name}",
        "sent_by": apology.sent_by,
        "recorded_at": apology.recorded_at,
    }


@router.get(
    "/{meeting_id}/apologies",
    response={200: list[ApologyOut], **REFUSALS},
    summary="Apologies for absence recorded for the meeting",
)
def apologies(request: HttpRequest, meeting_id: int) -> list[dict[str, Any]]:
    meeting = access_meeting(meeting_id, _user(request))
    return [_apology_out(a) for a in queries.apologies_of(meeting)]


def _apology_target(request: HttpRequest, meeting_id: int, number: str | None) -> tuple[Any, Any]:
    """(meeting, member): a member named by an officer, or (meeting, None) for the caller's
    own apologies."""
    from moot.meetings.access import access_member_of_unit_by_number

    user = _user(request)
    own = member_of(user)
    if number and (own is None or number.strip().upper() != own.number):
        meeting = access_meeting(meeting_id, user, for_write=True)
        return meeting, access_member_of_unit_by_number(number, meeting.unit, field="member")
    meeting = access_meeting(meeting_id, user)
    if own is None:
        raise MeetingError("Only a member has apologies to send.", code="forbidden")
    return meeting, None


@router.post(
    "/{meeting_id}/apologies",
    response={201: ApologyOut, **REFUSALS},
    summary="Send your apologies (before the meeting) or record a member's (officers)",
    description="409 when already recorded or the member is checked in; a member sends their "
    "own only before the meeting starts, an officer records any until it closes.",
)
def send_apology(request: HttpRequest, meeting_id: int, payload: ApologyIn) -> Status:
    from moot.meetings.actions import do_record_apology, do_send_apology

    user = _user(request)
    meeting, member = _apology_target(request, meeting_id, payload.member)
    if member is not None:
        apology = do_record_apology(meeting, member, acting_user=user)
    else:
        apology = do_send_apology(meeting, member_of(user), acting_user=user)
    return Status(201, _apology_out(apology))


@router.delete(
    "/{meeting_id}/apologies",
    response={204: None, **REFUSALS},
    summary="Withdraw your apologies (before the meeting) or a member's (officers)",
)
def withdraw_apology(request: HttpRequest, meeting_id: int, payload: ApologyIn) -> Status:
    from moot.meetings.actions import do_withdraw_apology

    user = _user(request)
    meeting, member = _apology_target(request, meeting_id, payload.member)
    if member is not None:
        do_withdraw_apology(meeting, member, by_member=False, acting_user=user)
    else:
        by_member = not user.has_perm("meetings.manage_meeting", meeting)
        do_withdraw_apology(meeting, member_of(user), by_member=by_member, acting_user=user)
    return Status(204, None)
