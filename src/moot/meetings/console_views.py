"""The chair's console's confirmations (issue 9 item 2): ending the meeting (adjourn or close,
with the business left unfinished listed first), resuming an adjourned meeting, and handing
the chair over for an item and back. Every page works without JavaScript: a GET shows what will
happen and what cannot be undone, a POST does it. Thin: ``meetings.actions.console`` and
``do_close_meeting`` check and audit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from moot.errors import show_refusal
from moot.meetings import console, hooks, queries
from moot.meetings.access import access_meeting, access_member_of_unit_by_number
from moot.meetings.actions.chair import do_close_meeting
from moot.meetings.actions.console import (
    check_may_chair,
    do_adjourn_meeting,
    do_hand_back_chair,
    do_hand_over_chair,
    do_resume_meeting,
    unfinished,
)
from moot.meetings.errors import MeetingError
from moot.text import TextGuardMixin

if TYPE_CHECKING:
    from moot.accounts.models import User

UNFINISHED_CHOICES = [
    ("not_taken", "Record it in the minutes as not taken"),
    ("carried_over", "Record it in the minutes as carried over to the next meeting"),
]


class EndMeetingForm(TextGuardMixin, forms.Form):
    choice = forms.ChoiceField(
        choices=[("adjourn", "Adjourn"), ("close", "Close")], widget=forms.HiddenInput
    )
    unfinished_as = forms.ChoiceField(
        choices=UNFINISHED_CHOICES,
        required=False,
        initial="not_taken",
        widget=forms.RadioSelect,
        label="The unfinished business",
    )
    reason = forms.CharField(
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason for adjourning (for the minutes)",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, label_suffix="", **kwargs)


class HandOverForm(TextGuardMixin, forms.Form):
    member = forms.CharField(
        max_length=20,
        label="Who takes the chair (member number)",
        help_text="The vice-chair, or a member the meeting elects from the floor to chair "
        "this item. They must be checked in and not stand in the election.",
    )
    reason = forms.CharField(
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Note for the minutes (optional)",
    )

    def __init__(self, *args: Any, meeting: Any, **kwargs: Any) -> None:
        super().__init__(*args, label_suffix="", **kwargs)
        self.meeting = meeting

    def clean_member(self) -> Any:
        return access_member_of_unit_by_number(
            self.cleaned_data["member"], self.meeting.unit, field="member"
        )


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind ``login_required``)."""
    return cast("User", request.user)


@login_required
@require_http_methods(["GET", "POST"])
def end_meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """GET/POST /meetings/<id>/chair/end/: what is unfinished, then adjourn or close."""
    meeting = access_meeting(meeting_id, request.user, for_write=True)
    form = EndMeetingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        try:
            check_may_chair(meeting, request.user)
            if not form.is_valid():
                raise MeetingError("Choose to adjourn or to close the meeting.", field="choice")
            data = form.cleaned_data
            if data["choice"] == "adjourn":
                do_adjourn_meeting(meeting, reason=data["reason"], acting_user=_user(request))
                messages.success(
                    request,
                    "The meeting is adjourned. Resume it from the console when it meets again.",
                )
                return redirect("meetings:chair", meeting_id=meeting.pk)
            do_close_meeting(
                meeting,
                acting_user=_user(request),
                unfinished_as=data["unfinished_as"] or "not_taken",
            )
        except MeetingError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "The meeting is closed. Draft the minutes next.")
            return redirect("meetings:chair", meeting_id=meeting.pk)
    meeting.refresh_from_db()
    return render(
        request,
        "meetings/end.html",
        {
            "meeting": meeting,
            "form": form,
            "unfinished": unfinished(meeting) if not meeting.is_closed else [],
            # What the adjournment and the close would both refuse (a vote still open): said
            # instead of offering them.
            "blocked": hooks.before_close(meeting) if not meeting.is_closed else [],
            "quorum": queries.quorum_state(meeting),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def resume_meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(meeting_id, request.user, for_write=True)
    try:
        do_resume_meeting(meeting, acting_user=_user(request))
    except MeetingError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, "The meeting has resumed.")
    return redirect("meetings:chair", meeting_id=meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def hand_over(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """GET/POST /meetings/<id>/chair/hand-over/: hand the chair over for the current item."""
    meeting = access_meeting(meeting_id, request.user, for_write=True)
    prompt = console.hand_over_prompt(meeting)
    suggested = prompt.suggested if prompt is not None else console.vice_chair(meeting)
    form = HandOverForm(
        request.POST if request.method == "POST" else None,
        meeting=meeting,
        initial={"member": suggested.number} if suggested is not None else {},
    )
    if request.method == "POST" and form.is_valid():
        try:
            do_hand_over_chair(
                meeting,
                form.cleaned_data["member"],
                reason=form.cleaned_data["reason"],
                acting_user=_user(request),
            )
        except MeetingError as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request, f"{form.cleaned_data['member'].full_name} has the chair for this item."
            )
            return redirect("meetings:chair", meeting_id=meeting.pk)
    return render(
        request,
        "meetings/hand_over.html",
        {
            "meeting": meeting,
            "form": form,
            "prompt": prompt,
            "suggested": suggested,
            "current": queries.current_item(meeting),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def hand_back(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(meeting_id, request.user, for_write=True)
    try:
        do_hand_back_chair(meeting, acting_user=_user(request))
    except MeetingError as exc:
        show_refusal(request, exc)
    else:
        meeting.refresh_from_db()
        name = meeting.chair.full_name if meeting.chair is not None else "The chair"
        messages.success(request, f"{name} has the chair again.")
    return redirect("meetings:chair", meeting_id=meeting.pk)
