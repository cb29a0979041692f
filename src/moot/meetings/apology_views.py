"""Apologies for absence (GET/POST /meetings/<id>/apologies/): a member sends or withdraws
their own before the meeting starts; the secretary or chair records or withdraws anyone's of
the unit before the meeting closes. Thin: the actions in ``meetings.actions.apologies``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from moot.errors import Refusal, show_refusal
from moot.meetings import queries
from moot.meetings.access import access_meeting, access_member_of_unit_by_number
from moot.meetings.actions.apologies import (
    do_record_apology,
    do_send_apology,
    do_withdraw_apology,
)
from moot.meetings.errors import MeetingError
from moot.meetings.permissions import member_of
from moot.text import TextGuardMixin

if TYPE_CHECKING:
    from moot.accounts.models import User


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here is ``login_required``)."""
    return cast("User", request.user)


class ApologyForm(TextGuardMixin, forms.Form):
    member = forms.CharField(
        max_length=20,
        label="Member (membership number)",
        help_text="The member who sent apologies, e.g. M0001234.",
    )

    def __init__(self, *args: Any, meeting: Any, **kwargs: Any) -> None:
        super().__init__(*args, label_suffix="", **kwargs)
        self.meeting = meeting

    def clean_member(self) -> Any:
        return access_member_of_unit_by_number(
            self.cleaned_data["member"], self.meeting.unit, field="member"
        )


def _page(
    request: HttpRequest, meeting: Any, form: ApologyForm | None, status: int = 200
) -> HttpResponse:
    member = member_of(request.user)
    can_manage = request.user.has_perm("meetings.manage_meeting", meeting)
    return render(
        request,
        "meetings/apologies.html",
        {
            "meeting": meeting,
            "apologies": queries.apologies_of(meeting),
            "mine": queries.apology_of(meeting, member),
            "member": member,
            "can_manage": can_manage,
            "form": form if can_manage and not meeting.is_closed else None,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def apologies(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The list; POST (officers) records a member's apologies by membership number."""
    meeting = access_meeting(meeting_id, request.user)
    if request.method == "GET":
        return _page(request, meeting, ApologyForm(meeting=meeting))
    meeting = access_meeting(meeting_id, request.user, for_write=True)
    form = ApologyForm(request.POST, meeting=meeting)
    if form.is_valid():
        member = form.cleaned_data["member"]
        try:
            do_record_apology(meeting, member, acting_user=_user(request))
        except MeetingError as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request, f"Apologies from {member.first_name} {member.last_name} recorded."
            )
            return redirect("meetings:apologies", meeting_id=meeting.pk)
    return _page(request, meeting, form, status=400)


@login_required
@require_POST
def send_apology(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """A member sends their own apologies (before the meeting starts)."""
    meeting = access_meeting(meeting_id, request.user)
    member = member_of(request.user)
    try:
        if member is None:
            raise MeetingError("Only a member can send apologies.", code="forbidden")
        do_send_apology(meeting, member, acting_user=_user(request))
    except MeetingError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, "Your apologies are recorded; the minutes will list them.")
    return redirect("meetings:apologies", meeting_id=meeting.pk)


@login_required
@require_POST
def withdraw_apology(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Withdraw apologies: a member their own before the start; an officer anyone's (POST
    ``member``, a membership number) before the close."""
    meeting = access_meeting(meeting_id, request.user)
    own = member_of(request.user)
    try:
        number = request.POST.get("member", "").strip().upper()
        if number and (own is None or number != own.number):
            meeting = access_meeting(meeting_id, request.user, for_write=True)
            member = access_member_of_unit_by_number(number, meeting.unit, field="member")
            do_withdraw_apology(meeting, member, by_member=False, acting_user=_user(request))
        elif own is None:
            raise MeetingError("Only a member can withdraw their apologies.", code="forbidden")
        else:
            by_member = not request.user.has_perm("meetings.manage_meeting", meeting)
            do_withdraw_apology(meeting, own, by_member=by_member, acting_user=_user(request))
    except Refusal as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, "The apologies are withdrawn.")
    return redirect("meetings:apologies", meeting_id=meeting.pk)
