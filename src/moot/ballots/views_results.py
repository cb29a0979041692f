"""Pages of the close, the count, the scrutineer's report, the declaration, the results and
countbacks (issue 11 items 9 and 11). Thin: the actions in ``ballots.actions.closing`` check
and audit; ``ballots.results`` decides who reads the result when."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from moot.ballots import hooks, queries_results, results, scrutineer
from moot.ballots.access import access_ballot, access_ballot_role
from moot.ballots.actions.closing import (
    check_can_close,
    do_close_ballot,
    do_count_ballot,
    do_countback,
    do_declare_ballot,
    do_retry_ballot_record,
    do_sign_scrutineer_report,
)
from moot.ballots.count import binding_round
from moot.ballots.errors import BallotError
from moot.ballots.models import BallotState
from moot.errors import show_refusal
from moot.text import TextGuardMixin

YES_NO = [("yes", "Yes, satisfied"), ("no", "No, not satisfied")]


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(required=True, label="I have checked the above")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class SignForm(TextGuardMixin, forms.Form):
    a_satisfied = forms.ChoiceField(
        choices=YES_NO, widget=forms.RadioSelect, label="(a) " + scrutineer.STATEMENTS["a"]
    )
    a_reasons = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reasons for (a), if not satisfied",
    )
    b_satisfied = forms.ChoiceField(
        choices=YES_NO, widget=forms.RadioSelect, label="(b) " + scrutineer.STATEMENTS["b"]
    )
    b_reasons = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reasons for (b), if not satisfied",
    )
    c_satisfied = forms.ChoiceField(
        choices=YES_NO, widget=forms.RadioSelect, label="(c) " + scrutineer.STATEMENTS["c"]
    )
    c_reasons = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reasons for (c), if not satisfied",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def statements(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        return {
            key: {"satisfied": data[f"{key}_satisfied"] == "yes", "reasons": data[f"{key}_reasons"]}
            for key in scrutineer.STATEMENTS
        }


class CountbackForm(TextGuardMixin, forms.Form):
    departed = forms.TypedChoiceField(coerce=int, label="Who has left the seat")
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the seat is vacant (resigned, died, disqualified…), kept in the record.",
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["departed"].choices = choices  # type: ignore[attr-defined]


def _status(form: forms.Form) -> int:
    return 400 if form.is_bound and form.errors else 200


@login_required
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET/POST /ballots/<id>/close/: the confirm page of the close (a manager)."""
    ballot = access_ballot(ballot_id, request.user, for_write=True)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ballot = do_close_ballot(ballot, acting_user=request.user)
        except BallotError as exc:
            show_refusal(form, exc)
        else:
            counted = (ballot.returns or {}).get("counted", 0)
            messages.success(
                request,
                f"The ballot is closed: {counted} ballots to count; the returns and the sealing "
                "key are gone.",
            )
            return redirect("ballots:count", ballot_id=ballot.pk)
    blocker = ""
    if ballot.state == BallotState.OPEN:
        try:
            check_can_close(ballot, timezone.now())
        except BallotError as exc:
            blocker = str(exc)
    return render(
        request,
        "ballots/results_close.html",
        {
            "ballot": ballot,
            "form": form,
            "blocker": blocker,
            "received": queries_results.returns_received(ballot)
            if ballot.state == BallotState.OPEN
            else None,
        },
        status=_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def count(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET/POST /ballots/<id>/count/: run the count (a manager); the figures stay locked."""
    ballot = access_ballot(ballot_id, request.user, for_write=True)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ballot = do_count_ballot(ballot, acting_user=request.user)
        except BallotError as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request, "The ballot is counted. The result is locked until the scrutineer signs."
            )
            return redirect("ballots:count", ballot_id=ballot.pk)
    return render(
        request,
        "ballots/results_count.html",
        {
            "ballot": ballot,
            "form": form,
            "may_read": results.may_read_result(ballot, request.user),
            "locked": results.locked_reason(ballot),
            # What an app above says before the button (a verifiable ballot's trustees).
            "notes": hooks.count_notes(ballot) if ballot.state == "closed" else [],
        },
        status=_status(form),
    )


def _scrutineer_ballot(ballot_id: int, user: Any) -> Any:
    """The scrutineer (and an auditor, the aggregates only) read the report page at any time;
    after the sign-off the ballot's managers read it too; after the declaration anyone."""
    ballot = access_ballot(ballot_id, user)
    if ballot.state == BallotState.DECLARED:
        return ballot
    try:
        return access_ballot_role(ballot_id, user, "scrutinise")
    except PermissionDenied:
        ballot = access_ballot_role(ballot_id, user, "oversee")
        if ballot.signed_at is None:
            raise PermissionDenied(
                "The scrutineer's report and the result are read by the scrutineer alone until "
                "they sign it."
            ) from None
        return ballot


@require_http_methods(["GET", "POST"])
def scrutineer_report(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET/POST /ballots/<id>/scrutineer/: the report's figures, the result, and the sign-off
    (the scrutineer only); public, read only, once the result is declared."""
    if not request.user.is_authenticated:
        if access_ballot(ballot_id, request.user).state != BallotState.DECLARED:
            return redirect_to_login(request.get_full_path())
        if request.method == "POST":
            raise PermissionDenied("Only the ballot's scrutineer signs the report.")
    ballot = _scrutineer_ballot(ballot_id, request.user)
    own = ballot.scrutineer_id == request.user.pk
    form = SignForm(request.POST or None)
    if request.method == "POST":
        if not own:
            raise PermissionDenied("Only the ballot's scrutineer signs the report.")
        if form.is_valid():
            try:
                ballot = do_sign_scrutineer_report(
                    ballot, statements=form.statements(), acting_user=request.user
                )
            except BallotError as exc:
                show_refusal(form, exc)
            else:
                messages.success(request, "You signed the report. The result may be declared.")
                return redirect("ballots:scrutineer", ballot_id=ballot.pk)
    counted = ballot.state in {BallotState.COUNTED, BallotState.DECLARED}
    # The auditor reads the administration (aggregates) before the sign-off, not the result.
    may_read = results.may_read_result(ballot, request.user)
    figures = scrutineer.figures(ballot) if counted else None
    if figures is not None and not may_read:
        figures.pop("valid_votes")
    return render(
        request,
        "ballots/results_scrutineer.html",
        {
            "ballot": ballot,
            "form": form,
            "own": own,
            "figures": figures,
            "may_read": may_read,
            "locked": results.locked_reason(ballot),
            "report": ballot.scrutineer_report,
            # The signed report's text holds the votes per candidate: the result's readers only.
            "report_text": scrutineer.render_text(ballot.scrutineer_report)
            if ballot.scrutineer_report and may_read
            else "",
            "table": results.round_table(ballot.result or {}) if counted and may_read else None,
            "binds": binding_round(ballot.result) if may_read else None,
        },
        status=_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def declare(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET/POST /ballots/<id>/declare/: the returning officer declares, after the sign-off."""
    ballot = access_ballot(ballot_id, request.user, for_write=True)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ballot = do_declare_ballot(ballot, acting_user=request.user)
        except BallotError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "The result is declared and public.")
            return redirect("ballots:results", ballot_id=ballot.pk)
    return render(
        request,
        "ballots/results_declare.html",
        {
            "ballot": ballot,
            "form": form,
            "is_ro": ballot.returning_officer_id == request.user.pk,
            "may_read": results.may_read_result(ballot, request.user),
            "locked": results.locked_reason(ballot),
        },
        status=_status(form),
    )


@login_required
@require_http_methods(["POST"])
def record_retry(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """POST /ballots/<id>/declare/record/: queue the record again after it failed (a manager)."""
    ballot = access_ballot(ballot_id, request.user, for_write=True)
    try:
        do_retry_ballot_record(ballot, acting_user=request.user)
    except BallotError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The record is being written again.")
    return redirect("ballots:results", ballot_id=ballot.pk)


@require_GET
def results_page(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET /ballots/<id>/results/: public after the declaration (rounds, chart, downloads);
    before it, those who may read the result see it marked provisional."""
    ballot = access_ballot(ballot_id, request.user)
    may_read = results.may_read_result(ballot, request.user)
    return render(
        request,
        "ballots/results_page.html",
        {
            "ballot": ballot,
            "may_read": may_read,
            "locked": results.locked_reason(ballot),
            "result": ballot.result if may_read else None,
            "table": results.round_table(ballot.result or {}) if may_read else None,
            "binds": binding_round(ballot.result) if may_read else None,
            "downloads": list(results.DOWNLOADS) if may_read else [],
            "returns": results.returns_summary(ballot) if may_read else None,
            "record_failure": ballot.record_failure if ballot.state == BallotState.DECLARED else "",
            "manager": request.user.is_authenticated
            and request.user.has_perm("ballots.manage_ballot", ballot),
            "countbacks": queries_results.countbacks(ballot)
            if ballot.state == BallotState.DECLARED
            else [],
        },
    )


@require_GET
def results_download(request: HttpRequest, ballot_id: int, name: str) -> HttpResponse:
    """GET /ballots/<id>/results/<file>: the ballots (BLT, CDF), the count report (text,
    JSON), RCTab's summary and the chart, when the result may be read."""
    ballot = access_ballot(ballot_id, request.user)
    if name not in results.DOWNLOADS:
        raise Http404("No such file.")
    if not results.may_read_result(ballot, request.user):
        # Locked, not missing: the ballot is public, its result is not yet (409 says why).
        return HttpResponse(
            results.locked_reason(ballot), status=409, content_type="text/plain; charset=utf-8"
        )
    if name == "chart.svg":
        body = ballot.result_chart_svg
    elif name == "count.txt":
        body = ballot.result_text
    else:
        body = results.downloads(ballot)[name]
    response = HttpResponse(body, content_type=results.DOWNLOADS[name])
    if name != "chart.svg":
        response["Content-Disposition"] = f'attachment; filename="ballot-{ballot.pk}-{name}"'
    return response


@require_http_methods(["GET", "POST"])
def countback(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET /ballots/<id>/countback/: the countbacks of a declared ballot (public), and for a
    manager the form that runs one."""
    ballot = access_ballot(ballot_id, request.user)
    manager = request.user.is_authenticated and request.user.has_perm(
        "ballots.manage_ballot", ballot
    )
    if request.method == "POST":
        ballot = access_ballot(ballot_id, request.user, for_write=True)
    declared = ballot.state == BallotState.DECLARED
    choices = queries_results.seat_choices(ballot) if declared and manager else []
    form = CountbackForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        departed = queries_results.candidate(ballot, form.cleaned_data["departed"])
        try:
            done = do_countback(
                ballot,
                departed,
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except BallotError as exc:
            show_refusal(form, exc)
        else:
            filled = done.filled_by.name if done.filled_by is not None else ""
            messages.success(request, f"Countback run: the seat goes to {filled}.")
            return redirect("ballots:countback", ballot_id=ballot.pk)
    return render(
        request,
        "ballots/results_countback.html",
        {
            "ballot": ballot,
            "form": form if manager and declared else None,
            "declared": declared,
            "countbacks": queries_results.countbacks(ballot) if declared else [],
        },
        status=_status(form),
    )
