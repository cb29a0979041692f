"""Pages for the two officer records of a meeting that need a reason: who chairs it (when not
the rulebook's chair) and a notice sent outside moot. Thin: the actions in
``meetings.actions.officers`` check and audit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from moot.errors import show_refusal
from moot.meetings.access import access_meeting, access_member_of_unit_by_number
from moot.meetings.actions.officers import (
    do_change_meeting_chair,
    do_record_outside_notice,
    may_change_chair,
    rulebook_chair,
)
from moot.meetings.errors import MeetingError
from moot.text import TextGuardMixin


class ChangeChairForm(TextGuardMixin, forms.Form):
    chair = forms.CharField(max_length=20, label="Chair (member number)")
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the unit's chair (else its vice-chair) does not chair this meeting.",
    )

    def __init__(self, *args: Any, meeting: Any, **kwargs: Any) -> None:
        super().__init__(*args, label_suffix="", **kwargs)
        self.meeting = meeting

    def clean_chair(self) -> Any:
        # The same answer for a number that does not exist and one of another unit: the form
        # names nobody outside the meeting's unit (a Refusal is a ValidationError).
        return access_member_of_unit_by_number(
            self.cleaned_data["chair"], self.meeting.unit, field="chair"
        )


class OutsideNoticeForm(TextGuardMixin, forms.Form):
    sent_on = forms.DateField(
        label="Notice sent on", widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="How it was sent and why not from moot, e.g. 'posted with the newsletter'.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, label_suffix="", **kwargs)


def _page(request: HttpRequest, meeting: Any, form: forms.Form, **context: Any) -> HttpResponse:
    return render(
        request,
        "meetings/officer_form.html",
        {"meeting": meeting, "form": form, **context},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_chair(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """GET/POST /meetings/<id>/chair-change/: another member chairs, with a reason."""
    meeting = access_meeting(meeting_id, request.user, for_write=True)
    form = ChangeChairForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            do_change_meeting_chair(
                meeting,
                form.cleaned_data["chair"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except MeetingError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"{form.cleaned_data['chair'].full_name} chairs the meeting.")
            return redirect("meetings:detail", meeting_id=meeting.pk)
    expected = rulebook_chair(meeting.unit, timezone.localdate(meeting.starts_at))
    who_may = (
        " The change and its reason are kept in the audit trail. Nobody may appoint themself."
        if may_change_chair(meeting, request.user)
        else " Only the unit's chair (else its vice-chair) or national staff can change who "
        "chairs a meeting: ask them."
    )
    return _page(
        request,
        meeting,
        form,
        title="Change who chairs the meeting",
        lead=(
            f"Under the rulebook {expected.full_name} chairs this meeting."
            if expected is not None
            else "Nobody holds the unit's chair or vice-chair post."
        )
        + who_may,
        submit="Change the chair",
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_outside_notice(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """GET/POST /meetings/<id>/notice/outside/: record a notice sent another way, with a
    reason (checked against the notice periods; shown on the meeting page)."""
    meeting = access_meeting(meeting_id, request.user, for_write=True)
    form = OutsideNoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_record_outside_notice(
                meeting,
                form.cleaned_data["sent_on"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except MeetingError as exc:
            show_refusal(form, exc, fields={"notice_sent_on": "sent_on"})
        else:
            messages.success(request, "The notice is recorded as sent outside moot.")
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return _page(
        request,
        meeting,
        form,
        title="Record a notice sent outside moot",
        lead="Only if the notice went out another way (post, an earlier system). The date, "
        "who recorded it and the reason are shown on the meeting page and kept in the audit "
        "trail. Otherwise send the notice from the meeting's page.",
        submit="Record the notice",
    )
