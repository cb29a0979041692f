"""The delivery dashboard of a ballot (``/ballots/<id>/deliveries/``): counts per kind ×
channel × state, bounces and failures by reason, the post queue, reminder rounds; for its
managers the reminder and retry buttons. Thin: the actions in ``ballots.actions.deliveries``
check and audit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from moot.ballots import queries_deliveries
from moot.ballots.access import access_ballot_role
from moot.ballots.actions.deliveries import (
    do_retry_deliveries,
    do_send_reminders,
    reminder_rounds_sent,
)
from moot.ballots.errors import BallotError
from moot.errors import show_refusal


class ReminderForm(forms.Form):
    confirm = forms.BooleanField(
        required=True,
        label="Send the next reminder to every member who has not voted and has e-mail",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class RetryForm(forms.Form):
    confirm = forms.BooleanField(
        required=True, label="Queue again what is stuck, waiting or failed (nothing sent twice)"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def dashboard(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET /ballots/<id>/deliveries/ for the ballot's overseers; POST (``action`` remind or
    retry) for its managers."""
    if request.method == "POST":
        ballot = access_ballot_role(ballot_id, request.user, "manage")
    else:
        ballot = access_ballot_role(ballot_id, request.user, "oversee")
    remind = ReminderForm(prefix="remind")
    retry = RetryForm(prefix="retry")
    status = 200
    if request.method == "POST":
        refused = 400  # a form not filled in; a refusal of the action gives its own status
        action = request.POST.get("action", "")
        if action == "remind":
            remind = ReminderForm(request.POST, prefix="remind")
            if remind.is_valid():
                try:
                    queued = do_send_reminders(ballot, acting_user=request.user)
                except BallotError as exc:
                    show_refusal(remind, exc)
                    refused = exc.status
                else:
                    messages.success(
                        request,
                        f"Reminder round {reminder_rounds_sent(ballot)} queued to {queued} "
                        "members who have not voted.",
                    )
                    return redirect("ballots:deliveries", ballot_id=ballot.pk)
        elif action == "retry":
            retry = RetryForm(request.POST, prefix="retry")
            if retry.is_valid():
                try:
                    result = do_retry_deliveries(ballot, acting_user=request.user)
                except BallotError as exc:
                    show_refusal(retry, exc)
                    refused = exc.status
                else:
                    messages.success(
                        request,
                        f"Queued again: {result['stuck']} stuck, {result['failed']} failed; "
                        f"{result['batches']} batches to send.",
                    )
                    return redirect("ballots:deliveries", ballot_id=ballot.pk)
        else:
            remind.add_error(None, "Choose what to do: send a reminder or retry.")
        status = refused
    return render(
        request,
        "ballots/deliveries_dashboard.html",
        {
            "ballot": ballot,
            "counts": queries_deliveries.delivery_counts(ballot),
            "problems": queries_deliveries.problems_by_reason(ballot),
            "post": queries_deliveries.post_queue(ballot),
            "rounds": queries_deliveries.reminder_rounds(ballot),
            "next_reminder": queries_deliveries.not_voted_by_email(ballot),
            "may_manage": request.user.has_perm("ballots.manage_ballot", ballot),
            "remind": remind,
            "retry": retry,
        },
        status=status,
    )
