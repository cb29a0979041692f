"""Pages of the roll and credentials: the freeze and the issue (confirm pages), the roll summary
for the ballot's overseers (counts only; one entry by membership number), the reissue of a
credential by the manager, and the member's own entitlement (``/my/``). Thin: the actions in
``ballots.actions.roll`` check and audit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from moot.ballots import queries_roll
from moot.ballots.access import access_ballot, access_ballot_role
from moot.ballots.actions.roll import (
    check_freeze,
    check_issue,
    do_freeze_ballot,
    do_issue_ballot,
    do_reissue_credential,
    do_request_my_reissue,
)
from moot.ballots.models import BallotState, Channel
from moot.errors import Refusal, show_refusal
from moot.text import TextGuardMixin

CHANNEL_CHOICES = [(Channel.ONLINE, "By e-mail"), (Channel.POST, "By post")]


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(required=True, label="I have checked the above")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class LookupForm(TextGuardMixin, forms.Form):
    number = forms.CharField(max_length=20, label="Membership number")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ReissueForm(TextGuardMixin, forms.Form):
    number = forms.CharField(max_length=20, label="Membership number")
    channel = forms.ChoiceField(choices=CHANNEL_CHOICES, widget=forms.RadioSelect)
    reason = forms.CharField(
        max_length=200,
        help_text="Why: lost, not received, address compromised… (kept in the audit trail).",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class MyReissueForm(forms.Form):
    channel = forms.ChoiceField(choices=CHANNEL_CHOICES, widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _status(form: forms.Form, refusal: Refusal | None) -> int:
    """A refused action answers with its refusal's status (409 state, 422 rule or input, 429
    too many); a form with errors of its own 400."""
    if refusal is not None:
        return refusal.code.status
    return 400 if form.is_bound and form.errors else 200


def _blocker(check: Any, ballot: Any) -> str:
    try:
        check(ballot)
    except Refusal as exc:
        return str(exc)
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def freeze(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET/POST /ballots/<id>/freeze/: the confirm page of the freeze."""
    from moot.ballots.queries_nominations import candidates_reaching_ballot

    ballot = access_ballot(ballot_id, request.user, for_write=True)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            ballot = do_freeze_ballot(ballot.pk, acting_user=request.user)
        except Refusal as exc:
            refusal = exc
            show_refusal(form, exc)
        else:
            messages.success(
                request,
                f"The ballot is frozen: {(ballot.roll_commitment or {}).get('size', 0)} members "
                "on the electorate; the definition's hash is in the audit trail.",
            )
            return redirect("ballots:roll", ballot_id=ballot.pk)
    draft = ballot.state == BallotState.DRAFT
    return render(
        request,
        "ballots/roll_freeze.html",
        {
            "ballot": ballot,
            "form": form,
            "blocker": _blocker(check_freeze, ballot) if draft else "",
            "reaching": candidates_reaching_ballot(ballot) if draft else [],
        },
        status=_status(form, refusal),
    )


@login_required
@require_http_methods(["GET", "POST"])
def issue(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET/POST /ballots/<id>/issue/: the confirm page of the issue."""
    ballot = access_ballot(ballot_id, request.user, for_write=True)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            ballot = do_issue_ballot(ballot.pk, acting_user=request.user)
        except Refusal as exc:
            refusal = exc
            show_refusal(form, exc)
        else:
            messages.success(
                request, "The ballot is open: credentials made and invitations queued."
            )
            return redirect("ballots:roll", ballot_id=ballot.pk)
    frozen = ballot.state == BallotState.FROZEN
    return render(
        request,
        "ballots/roll_issue.html",
        {
            "ballot": ballot,
            "form": form,
            "blocker": _blocker(check_issue, ballot) if frozen else "",
            "summary": queries_roll.roll_summary(ballot) if frozen else None,
        },
        status=_status(form, refusal),
    )


@login_required
@require_http_methods(["GET"])
def roll(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET /ballots/<id>/roll/: the roll's counts for the returning officer, the callers, the
    scrutineer and the auditor; one entry by membership number (``?number=``)."""
    ballot = access_ballot_role(ballot_id, request.user, "oversee")
    form = LookupForm(request.GET if "number" in request.GET else None)
    entry = None
    refusal = None
    if form.is_bound and form.is_valid():
        try:
            entry = queries_roll.entry_by_number(ballot, form.cleaned_data["number"])
        except Refusal as exc:
            refusal = exc
            show_refusal(form, exc)
    may_manage = request.user.has_perm("ballots.manage_ballot", ballot)
    return render(
        request,
        "ballots/roll_summary.html",
        {
            "ballot": ballot,
            "summary": queries_roll.roll_summary(ballot),
            "form": form,
            "entry": entry,
            "revocations": queries_roll.revocations_of(entry) if entry else [],
            "may_manage": may_manage,
        },
        status=_status(form, refusal),
    )


@login_required
@require_http_methods(["GET", "POST"])
def reissue(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET/POST /ballots/<id>/reissue/: the manager reissues one member's credential."""
    ballot = access_ballot(ballot_id, request.user, for_write=True)
    initial = {"number": request.GET.get("number", "")[:20]}
    form = ReissueForm(request.POST if request.method == "POST" else None, initial=initial)
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            entry = queries_roll.entry_by_number(ballot, form.cleaned_data["number"])
            do_reissue_credential(
                entry.pk,
                channel=form.cleaned_data["channel"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except Refusal as exc:
            refusal = exc
            show_refusal(form, exc)
        else:
            messages.success(
                request,
                f"A new credential for {entry.member.number} is on its way "
                f"({form.cleaned_data['channel']}); the old one no longer works.",
            )
            return redirect("ballots:roll", ballot_id=ballot.pk)
    return render(
        request,
        "ballots/roll_reissue.html",
        {"ballot": ballot, "form": form},
        status=_status(form, refusal),
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_entitlement(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET/POST /ballots/<id>/my/: the signed-in member's own entitlement and how to check it;
    POST asks for the credential again."""
    from moot.ballots.roll import member_proof

    ballot = access_ballot(ballot_id, request.user)
    entry = queries_roll.entry_of_user(ballot, request.user)
    form = MyReissueForm(
        request.POST or None,
        initial={"channel": entry.channel if entry else Channel.ONLINE},
    )
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            do_request_my_reissue(
                ballot.pk, channel=form.cleaned_data["channel"], acting_user=request.user
            )
        except Refusal as exc:
            refusal = exc
            show_refusal(form, exc)
        else:
            messages.success(
                request,
                "A new credential is on its way; the one you had before no longer works.",
            )
            return redirect("ballots:my", ballot_id=ballot.pk)
    proof = None
    proof_error = ""
    if entry is not None and entry.eligible:
        try:
            proof = member_proof(ballot, entry)
        except Refusal as exc:
            proof_error = str(exc)
    provisional = (
        queries_roll.provisional_verdict(ballot, request.user)
        if ballot.state == BallotState.DRAFT
        else None
    )
    return render(
        request,
        "ballots/roll_my.html",
        {
            "ballot": ballot,
            "entry": entry,
            "provisional": provisional[0] if provisional else None,
            "provisional_on": provisional[1] if provisional else None,
            "proof": proof,
            "proof_error": proof_error,
            "form": form,
            "open": ballot.state == BallotState.OPEN,
        },
        status=_status(form, refusal),
    )
