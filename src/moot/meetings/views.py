"""Meeting pages: list, schedule, the meeting (agenda with the current item, quorum panel),
agenda editing, the chair's console, check-in at the door and with the meeting code, the
projector, the attendance register, minutes and their PDF. Thin: access, actions and queries do
the work. Every page works without JavaScript; htmx refreshes the live parts."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from moot.errors import show_refusal
from moot.meetings import console, hooks, queries
from moot.meetings.access import (
    access_agenda_item,
    access_attendance,
    access_meeting,
    access_member_at_door,
    access_minutes,
)
from moot.meetings.actions import (
    MeetingError,
    do_add_agenda_item,
    do_approve_minutes,
    do_check_in,
    do_check_in_guest,
    do_check_in_with_code,
    do_check_out,
    do_create_meeting,
    do_draft_minutes,
    do_edit_agenda_item,
    do_edit_minutes,
    do_move_agenda_item,
    do_next_item,
    do_previous_item,
    do_remove_agenda_item,
    do_send_notice,
    do_set_current_item,
    do_start_meeting,
    do_update_meeting,
)
from moot.meetings.actions.console import check_may_chair
from moot.meetings.forms import (
    AgendaItemEditForm,
    AgendaItemForm,
    CodeForm,
    EditMeetingForm,
    GuestForm,
    MinutesForm,
    ScheduleForm,
)
from moot.meetings.ics import meeting_calendar
from moot.meetings.models import Capacity, Meeting, MinutesState
from moot.meetings.permissions import member_of

# Seconds between htmx refreshes of the live parts (current item, quorum).
REFRESH_SECONDS = 4


def _base_url(request: HttpRequest) -> str:
    """The site's public address: MOOT_SITE_URL when set (behind a proxy, or for phones that
    cannot reach the address the secretary's browser uses), else this request's."""
    from django.conf import settings

    return (getattr(settings, "MOOT_SITE_URL", "") or request.build_absolute_uri("/")).rstrip("/")


def _public_url(request: HttpRequest, path: str) -> str:
    return _base_url(request) + path


def _items_with_links(meeting: Meeting, user: Any) -> list[tuple[Any, list[tuple[str, str]]]]:
    return [(item, hooks.item_links(item, user)) for item in queries.agenda(meeting)]


def _live_context(meeting: Meeting, user: Any) -> dict[str, Any]:
    """What the live fragments show: the current item with its links, and the quorum."""
    current = queries.current_item(meeting)
    return {
        "meeting": meeting,
        "current": current,
        "current_links": hooks.item_links(current, user) if current else [],
        "current_fragments": hooks.projector_fragments(current, user) if current else [],
        "quorum": queries.quorum_state(meeting),
        "refresh": REFRESH_SECONDS,
    }


def _fragment(template: str, context: dict[str, Any]) -> HttpResponse:
    """An htmx fragment polled every few seconds: rendered without the request's context
    processors (the main navigation's permission checks), since it holds no form and no
    navigation. Keeps the quorum panel cheap with thousands present."""
    return HttpResponse(render_to_string(template, context))


# The meeting forms' names for the fields the scheduling actions name in their refusals.
FORM_FIELDS = {"starts_at": "date", "chair": "chair_number", "secretary": "secretary_number"}


# ---------------------------------------------------------------------------------------------
# List and scheduling


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("meetings.list_meetings"):
        raise PermissionDenied("Meetings are for members and staff.")
    from moot.units.access import access_unit_by_slug

    unit = None
    if request.GET.get("unit"):
        try:
            unit = access_unit_by_slug(request.GET["unit"], request.user)
        except Http404:
            unit = None  # as before: an unknown unit lists every meeting the user may see
    meetings = queries.meetings_visible_to(request.user, unit)
    upcoming, recent = queries.upcoming_and_recent(meetings)
    return render(
        request,
        "meetings/list.html",
        {
            "unit": unit,
            "upcoming": upcoming,
            "recent": recent,
            "can_schedule": request.user.has_perm("meetings.manage_meeting", unit),
        },
    )


def _kind_choices() -> list[tuple[str, str]]:
    edition = queries.edition_on(timezone.localdate())
    return [
        (kind.slug, f"{kind.name[:1].upper()}{kind.name[1:]} ({', '.join(kind.unit_kinds)})")
        for kind in edition.meeting_kinds
    ]


@login_required
@require_http_methods(["GET", "POST"])
def schedule(request: HttpRequest) -> HttpResponse:
    """Schedule a meeting. The rulebook's notice periods are checked; a date too soon is
    refused with the clause it breaks."""
    if not request.user.has_perm("meetings.manage_meeting"):
        raise PermissionDenied("Only unit officers and national staff schedule meetings.")
    units = queries.schedulable_units(request.user)
    initial = {}
    if request.GET.get("unit"):
        chosen = units.filter(slug=request.GET["unit"]).first()
        if chosen is not None:
            initial["unit"] = chosen.pk
    form = ScheduleForm(request.POST or None, units=units, kinds=_kind_choices(), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = do_create_meeting(
                unit=data["unit"],
                kind=data["kind"],
                title=data["title"],
                starts_at=data["starts_at"],
                location=data["location"],
                online_url=data["online_url"],
                attendance_mode=data["attendance_mode"],
                secretary=data["secretary"],
                acting_user=request.user,
            )
        except MeetingError as exc:
            show_refusal(form, exc, fields=FORM_FIELDS)
        else:
            messages.success(request, "The meeting is scheduled. Send the notice next.")
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(request, "meetings/schedule.html", {"form": form})


# ---------------------------------------------------------------------------------------------
# The meeting


@login_required
@require_GET
def detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    from moot.meetings.actions.officers import outside_notice

    meeting = access_meeting(meeting_id, request.user)
    member = member_of(request.user)
    can_manage = request.user.has_perm("meetings.manage_meeting", meeting)
    context = {
        **_live_context(meeting, request.user),
        "kind": queries.meeting_kind_of(meeting),
        "items": _items_with_links(meeting, request.user),
        "outside_notice": outside_notice(meeting),
        "can_manage": can_manage,
        "my_attendance": queries.attendance_of_member(meeting, member),
        "is_member": member is not None,
        "minutes": queries.minutes_of(meeting),
        "awaiting_approval": queries.minutes_awaiting_approval(meeting)
        if can_manage and meeting.is_open
        else None,
    }
    return render(request, "meetings/detail.html", context)


@login_required
@require_GET
def live_fragment(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The current item and the quorum, polled by the meeting page every few seconds."""
    meeting = access_meeting(meeting_id, request.user)
    return _fragment("meetings/_live.html", _live_context(meeting, request.user))


@login_required
@require_GET
def quorum_fragment(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(meeting_id, request.user)
    return _fragment(
        "meetings/_quorum.html",
        {"meeting": meeting, "quorum": queries.quorum_state(meeting), "refresh": REFRESH_SECONDS},
    )


@login_required
@require_GET
def calendar(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(meeting_id, request.user)
    url = _public_url(request, reverse("meetings:detail", args=[meeting.pk]))
    body = meeting_calendar(meeting, url=url, host=request.get_host().split(":")[0])
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Change a scheduled meeting (date, place, chair, secretary); a new date is checked
    against the notice already sent."""
    meeting = access_meeting(meeting_id, request.user, for_write=True)
    if not meeting.is_scheduled:
        messages.error(request, "Only a meeting that has not started can be changed.")
        return redirect("meetings:detail", meeting_id=meeting.pk)
    form = EditMeetingForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            do_update_meeting(meeting, changes=form.changes(), acting_user=request.user)
        except MeetingError as exc:
            show_refusal(form, exc, fields=FORM_FIELDS)
        else:
            messages.success(request, "The meeting is changed.")
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(request, "meetings/edit.html", {"meeting": meeting, "form": form})


@login_required
@require_POST
def send_notice(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(meeting_id, request.user, for_write=True)
    try:
        count = do_send_notice(meeting, acting_user=request.user, base_url=_base_url(request))
    except MeetingError as exc:
        show_refusal(request, exc)
    else:
        messages.success(
            request,
            f"The notice is being sent to {count:,} members with an e-mail address.",
        )
    return redirect("meetings:detail", meeting_id=meeting.pk)


# ---------------------------------------------------------------------------------------------
# Agenda


@login_required
@require_http_methods(["GET", "POST"])
def agenda(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(meeting_id, request.user, for_write=True)
    form = AgendaItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_add_agenda_item(meeting, acting_user=request.user, **form.cleaned_data)
        except MeetingError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"“{form.cleaned_data['title']}” is on the agenda.")
            return redirect("meetings:agenda", meeting_id=meeting.pk)
    return render(
        request,
        "meetings/agenda.html",
        {"meeting": meeting, "items": queries.agenda(meeting), "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_item(request: HttpRequest, item_id: int) -> HttpResponse:
    """The secretary or chair changes an item's title, speaker and details (a report's text)
    before or during the meeting; after the close the page says why there is no form."""
    item = access_agenda_item(item_id, request.user, for_write=True)
    initial = {
        "title": item.title,
        "body": item.body,
        "speaker": item.speaker,
        "speaker_organisation": item.speaker_organisation,
        "topic": item.topic,
    }
    form = AgendaItemEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and not item.meeting.is_closed and form.is_valid():
        try:
            signed_in: Any = request.user  # login_required: a User, not AnonymousUser
            do_edit_agenda_item(item, acting_user=signed_in, **form.cleaned_data)
        except MeetingError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"Item {item.position} is changed.")
            return redirect("meetings:agenda", meeting_id=item.meeting_id)
    return render(
        request,
        "meetings/agenda_item_edit.html",
        {"meeting": item.meeting, "item": item, "form": form},
    )


@login_required
@require_POST
def move_item(request: HttpRequest, item_id: int) -> HttpResponse:
    item = access_agenda_item(item_id, request.user, for_write=True)
    try:
        to_position = int(request.POST.get("to", ""))
    except ValueError:
        messages.error(request, "Choose where to move the item.")
    else:
        try:
            do_move_agenda_item(item, to_position=to_position, acting_user=request.user)
        except MeetingError as exc:
            show_refusal(request, exc)
    return redirect("meetings:agenda", meeting_id=item.meeting_id)


@login_required
@require_POST
def remove_item(request: HttpRequest, item_id: int) -> HttpResponse:
    item = access_agenda_item(item_id, request.user, for_write=True)
    title = item.title
    try:
        do_remove_agenda_item(item, acting_user=request.user)
    except MeetingError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, f"“{title}” is off the agenda.")
    return redirect("meetings:agenda", meeting_id=item.meeting_id)


# ---------------------------------------------------------------------------------------------
# The chair's console


@login_required
@require_GET
def chair(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(meeting_id, request.user, for_write=True)
    return render(
        request,
        "meetings/chair.html",
        {
            **_live_context(meeting, request.user),
            "items": _items_with_links(meeting, request.user),
            "awaiting_approval": queries.minutes_awaiting_approval(meeting),
            "early_by": queries.early_opening_warning(meeting),
            **console.console_state(meeting),
        },
    )


CHAIR_MOVES = {
    "start": lambda m, u: do_start_meeting(m, acting_user=u),
    "next": lambda m, u: do_next_item(m, acting_user=u),
    "previous": lambda m, u: do_previous_item(m, acting_user=u),
}


@login_required
@require_POST
def chair_move(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Start, next, previous or set (an item). Closing is confirmed first: "close" goes to the
    page that lists the unfinished business and offers to adjourn or close."""
    meeting = access_meeting(meeting_id, request.user, for_write=True)
    move = request.POST.get("move", "")
    if move == "close":
        return redirect("meetings:end", meeting_id=meeting.pk)
    try:
        check_may_chair(meeting, request.user)  # not the member who handed the chair over
        if move == "set":
            item = meeting.items.filter(pk=request.POST.get("item") or 0).first()
            if item is None:
                raise MeetingError("Choose an item of this meeting's agenda.")
            do_set_current_item(meeting, item, acting_user=request.user)
        elif move in CHAIR_MOVES:
            CHAIR_MOVES[move](meeting, request.user)
        else:
            raise MeetingError("Unknown move: use start, next, previous or set.")
    except MeetingError as exc:
        show_refusal(request, exc)
    else:
        meeting.refresh_from_db()
        if move == "start":
            messages.success(request, "The meeting is open. Take the first item.")
        else:
            messages.success(request, f"Now: {queries.current_item(meeting)}.")
    return redirect("meetings:chair", meeting_id=meeting.pk)


# ---------------------------------------------------------------------------------------------
# Check-in


def _check_in_context(meeting: Meeting, request: HttpRequest, **extra: Any) -> dict[str, Any]:
    recent = list(queries.attendance_of(meeting)[:15])
    self_url = _public_url(
        request, reverse("meetings:join", args=[meeting.pk]) + f"?code={meeting.check_in_code}"
    )
    return {
        "meeting": meeting,
        "recent": recent,
        "quorum": queries.quorum_state(meeting),
        "refresh": REFRESH_SECONDS,
        "guest_form": GuestForm(),
        "q": request.GET.get("q", ""),
        "results": queries.check_in_candidates(meeting, request.GET.get("q", "")),
        "self_url": self_url,
        **extra,
    }


@login_required
@require_GET
def check_in_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The secretary's door: search by name or number (htmx results as you type; a plain
    search without JavaScript), check in, record guests; the latest arrivals and refusals."""
    meeting = access_meeting(meeting_id, request.user, permission="meetings.check_in")
    context = _check_in_context(meeting, request)
    if request.htmx and request.htmx.target == "check-in-results":
        return render(request, "meetings/_check_in_results.html", context)
    return render(request, "meetings/check_in.html", context)


@login_required
@require_POST
def check_in_member(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(meeting_id, request.user, permission="meetings.check_in")
    capacity = request.POST.get("capacity", Capacity.VOTER)
    q = request.POST.get("q", "")
    if not request.POST.get("member"):
        messages.error(request, "Choose a member from the search results.")
    else:
        member = access_member_at_door(meeting, request.POST["member"], request.user)
        try:
            attendance = do_check_in(meeting, member, acting_user=request.user, capacity=capacity)
        except MeetingError as exc:
            show_refusal(request, exc)
        else:
            if attendance.eligible:
                messages.success(request, f"{member} is checked in and may vote.")
            elif attendance.refused:
                clause = f" (clause {attendance.clause})" if attendance.clause else ""
                messages.warning(
                    request,
                    f"{member} is recorded as present but may not vote: "
                    f"{attendance.reason}{clause}.",
                )
            else:
                messages.success(request, f"{member} is checked in as an observer.")
    query = f"?{urlencode({'q': q})}" if q else ""
    return redirect(reverse("meetings:check_in", args=[meeting.pk]) + query)


@login_required
@require_POST
def check_in_guest(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(meeting_id, request.user, permission="meetings.check_in")
    form = GuestForm(request.POST)
    if form.is_valid():
        try:
            do_check_in_guest(
                meeting,
                name=form.cleaned_data["guest_name"],
                capacity=form.cleaned_data["capacity"],
                acting_user=request.user,
            )
        except MeetingError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"{form.cleaned_data['guest_name']} is checked in.")
            return redirect("meetings:check_in", meeting_id=meeting.pk)
    return render(
        request, "meetings/check_in.html", _check_in_context(meeting, request, guest_form=form)
    )


@login_required
@require_POST
def check_out(request: HttpRequest, attendance_id: int) -> HttpResponse:
    attendance = access_attendance(attendance_id, request.user)
    try:
        do_check_out(attendance, acting_user=request.user)
    except MeetingError as exc:
        show_refusal(request, exc)
    else:
        who = attendance.member or attendance.guest_name
        messages.success(request, f"{who} is recorded as having left.")
    return redirect("meetings:attendance", meeting_id=attendance.meeting_id)


@login_required
@require_GET
def qr_code(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The self check-in link with the meeting code, as an SVG QR code (for the projector and
    the door; only those who run the meeting see the code)."""
    import qrcode
    import qrcode.image.svg

    meeting = access_meeting(meeting_id, request.user, permission="meetings.check_in")
    url = _public_url(
        request, reverse("meetings:join", args=[meeting.pk]) + f"?code={meeting.check_in_code}"
    )
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    out = io.BytesIO()
    image.save(out)
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """A member checks themself in with the meeting code (typed, or from the QR code's link)."""
    meeting = access_meeting(meeting_id, request.user)
    member = member_of(request.user)
    mine = queries.attendance_of_member(meeting, member)
    form = CodeForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            mine = do_check_in_with_code(
                meeting, member, code=form.cleaned_data["code"], acting_user=request.user
            )
        except MeetingError as exc:
            show_refusal(form, exc)
        else:
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(
        request,
        "meetings/join.html",
        {"meeting": meeting, "form": form, "mine": mine if mine and mine.left_at is None else None},
    )


@login_required
@require_GET
def attendance_register(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Everyone checked in, with refusals and their reasons, and the quorum checks: the records
    the minutes cite."""
    meeting = access_meeting(meeting_id, request.user, permission="meetings.view_attendance")
    return render(
        request,
        "meetings/attendance.html",
        {
            "meeting": meeting,
            "rows": queries.attendance_of(meeting),
            "counts": queries.attendance_counts(meeting),
            "checks": meeting.quorum_checks.select_related("agenda_item").order_by("at", "id"),
            "quorum": queries.quorum_state(meeting),
            "can_check_in": request.user.has_perm("meetings.check_in", meeting),
        },
    )


@login_required
@require_GET
def attendance_csv(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The attendance register as CSV (one row per person, refusals with reason and clause);
    the one CSV writer neutralises formula prefixes (a guest named "=1+1")."""
    from moot.csv_export import csv_writer

    meeting = access_meeting(meeting_id, request.user, permission="meetings.view_attendance")
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "record",
            "member_number",
            "name",
            "capacity",
            "may_vote",
            "reason",
            "clause",
            "method",
            "checked_in_at",
            "left_at",
        ]
    )
    for row in queries.attendance_of(meeting).order_by("checked_in_at", "id"):
        writer.writerow(
            [
                row.pk,
                row.member.number if row.member_id else "",
                str(row.member.full_name if row.member_id else row.guest_name),
                row.capacity,
                "yes" if row.eligible else "no",
                row.reason,
                row.clause,
                row.method,
                timezone.localtime(row.checked_in_at).isoformat(timespec="seconds"),
                timezone.localtime(row.left_at).isoformat(timespec="seconds")
                if row.left_at
                else "",
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}-attendance.csv"'
    return response


# ---------------------------------------------------------------------------------------------
# Projector


@login_required
@require_GET
def projector(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(meeting_id, request.user)
    return render(
        request,
        "meetings/projector.html",
        {
            **_live_context(meeting, request.user),
            "show_code": request.user.has_perm("meetings.check_in", meeting),
        },
    )


@login_required
@require_GET
def projector_fragment(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(meeting_id, request.user)
    return _fragment("meetings/_projector.html", _live_context(meeting, request.user))


# ---------------------------------------------------------------------------------------------
# Minutes


@login_required
@require_GET
def minutes_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(meeting_id, request.user)
    minutes = queries.minutes_of(meeting)
    return render(
        request,
        "meetings/minutes.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "can_manage": request.user.has_perm("meetings.manage_meeting", meeting),
            "versions": minutes.versions.select_related("edited_by").order_by("-number")
            if minutes
            else [],
        },
    )


@login_required
@require_POST
def draft_minutes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(meeting_id, request.user, for_write=True)
    try:
        minutes = do_draft_minutes(meeting, acting_user=request.user)
    except MeetingError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, f"Minutes drafted from the records (version {minutes.version}).")
    return redirect("meetings:minutes", meeting_id=meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def edit_minutes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    minutes = access_minutes(meeting_id, request.user, for_write=True)
    if minutes.state == MinutesState.APPROVED:
        messages.error(request, "These minutes are approved and can no longer change.")
        return redirect("meetings:minutes", meeting_id=meeting_id)
    form = MinutesForm(request.POST or None, minutes=minutes)
    if request.method == "POST" and form.is_valid():
        try:
            minutes = do_edit_minutes(
                minutes,
                texts=form.texts(),
                note=form.cleaned_data["note"],
                acting_user=request.user,
            )
        except MeetingError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"Minutes saved as version {minutes.version}.")
            return redirect("meetings:minutes", meeting_id=meeting_id)
    return render(request, "meetings/minutes_edit.html", {"meeting": minutes.meeting, "form": form})


@login_required
@require_POST
def approve_minutes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """At this (later, open) meeting: approve the previous meeting's minutes."""
    meeting = access_meeting(meeting_id, request.user, for_write=True)
    minutes = queries.minutes_awaiting_approval(meeting)
    if minutes is None or str(minutes.pk) != request.POST.get("minutes", ""):
        messages.error(request, "There are no draft minutes of the previous meeting to approve.")
    else:
        try:
            do_approve_minutes(
                minutes,
                at_meeting=meeting,
                corrections=request.POST.get("corrections", ""),
                acting_user=request.user,
            )
        except MeetingError as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, f"The minutes of {minutes.meeting} are approved.")
    return redirect("meetings:chair", meeting_id=meeting.pk)


@login_required
@require_GET
def minutes_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    from django.contrib.staticfiles import finders
    from weasyprint import CSS, HTML

    minutes = access_minutes(meeting_id, request.user)
    meeting = minutes.meeting
    base = _base_url(request)
    html = render_to_string(
        "meetings/minutes_pdf.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "base": base,
            "generated_at": timezone.now(),
        },
    )
    stylesheet = CSS(filename=finders.find("meetings/minutes-print.css"))
    pdf = HTML(string=html, base_url=base).write_pdf(stylesheets=[stylesheet])
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="minutes-meeting-{meeting.pk}.pdf"'
    return response
