"""The published record's page and zip (public after the declaration), and the print files'
page (the ballot's managers). Thin: ``record`` and ``printing`` build, the actions audit."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from moot.ballots import postal_notices, printing
from moot.ballots.access import access_ballot, access_ballot_role
from moot.ballots.actions.printing import do_download_print_file, do_prepare_print_files
from moot.ballots.errors import BallotError
from moot.ballots.models import BallotState
from moot.ballots.record import open_stored_record
from moot.errors import show_refusal
from moot.verify.record import FILES, MANIFEST, countback_name

RUN = re.compile(r"^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}$")
PRINT_FILE = re.compile(
    r"^(ballot-paper(-r[0-9]{1,3})?\.pdf|papers-[0-9]{4}\.csv|(overlay|carriers)-[0-9]{4}\.pdf"
    r"|notice-letter\.pdf|notices\.csv)$"
)

ABOUT_FILES = {
    "definition.json": "the ballot's definition as frozen: seats, method, tie-break, seed, the "
    "women's minimum, channels, precedence, timetable, candidates in ballot order",
    "roll-commitment.json": "the frozen roll's Merkle root, its size and counts per "
    "constituency, region and channel, refusals by reason",
    "issue.json": "credentials issued, reissued and revoked, by channel; deliveries by kind, "
    "channel and state",
    "events.json": "post-issue events (withdrawals, suspensions, endorsements withdrawn) with "
    "their authority, time, clause, notice and the returns received before and after each",
    "returns.json": "returns received by channel, set aside by reason, spoilt by reason, counted",
    "ballots.blt": "the counted ballots, anonymous, as BLT",
    "ballots-cdf.json": "the same ballots as NIST CDF cast vote records",
    "count.txt": "the declared count report, round by round",
    "count.json": "the declared count as JSON",
    "rctab-summary.json": "the count as RCTab's summary",
    "scrutineer-report.json": "the scrutineer's signed report (TULRCA s.52 figures and statements)",
    "audit-head.json": "the audit chain's head at the declaration, signed with the site's key",
    "manifest.json": "the SHA-256 of every other file and the declared elected list",
}
ABOUT_COUNTBACK = (
    "a countback after the declaration: who left, why and when, the members who keep their "
    "seats, who fills the seat, the countback's result and report (re-run by the verifier)"
)


@require_GET
def record_page(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET /ballots/<id>/record/: what the published record holds, how to verify it, its
    SHA-256 (public once declared)."""
    ballot = access_ballot(ballot_id, request.user)
    published = ballot.state == BallotState.DECLARED and bool(ballot.bundle_sha256)
    return render(
        request,
        "ballots/record_page.html",
        {
            "ballot": ballot,
            "published": published,
            "files": [(name, ABOUT_FILES[name]) for name in FILES if name != MANIFEST]
            + [
                (countback_name(n), ABOUT_COUNTBACK)
                for n in range(1, ballot.countbacks.count() + 1)
            ]
            + [(MANIFEST, ABOUT_FILES[MANIFEST])],
        },
    )


@require_GET
def record_zip(request: HttpRequest, ballot_id: int) -> FileResponse:
    """GET /ballots/<id>/record.zip: the published record, after the declaration only."""
    ballot = access_ballot(ballot_id, request.user)
    if ballot.state != BallotState.DECLARED:
        raise Http404("The record is published when the ballot is declared.")
    handle = open_stored_record(ballot)
    if handle is None:
        raise Http404("The record is being written; try again in a few minutes.")
    response = FileResponse(handle, as_attachment=True, filename=f"ballot-{ballot.pk}-record.zip")
    response["Content-Type"] = "application/zip"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class PrepareForm(forms.Form):
    confirm = forms.BooleanField(
        required=True,
        label="I understand the files hold the names and addresses of the members who vote by "
        "post, and will send them only to the mailing house",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def print_files(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET/POST /ballots/<id>/papers/print/: prepare a print run, then download its files
    (the ballot's managers only)."""
    ballot = access_ballot_role(ballot_id, request.user, "manage")
    form = PrepareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = do_prepare_print_files(ballot, acting_user=request.user)
        except BallotError as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request,
                f"Print run {run} started: its files appear below as they are written.",
            )
            return redirect("ballots:print_files", ballot.pk)
    return render(
        request,
        "ballots/print_files.html",
        {
            "ballot": ballot,
            "form": form,
            "waiting": len(printing.waiting_deliveries(ballot)),
            "letters": len(postal_notices.waiting_notices(ballot)),
            "runs": printing.runs(ballot),
            "printable": ballot.state == BallotState.OPEN,
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def print_download(request: HttpRequest, ballot_id: int, run: str, name: str) -> FileResponse:
    """GET /ballots/<id>/papers/print/<run>/<file>: one file of a print run (managers; each
    download recorded in the audit trail)."""
    ballot = access_ballot_role(ballot_id, request.user, "manage")
    if not RUN.match(run) or not PRINT_FILE.match(name):
        raise Http404("No such print file.")
    try:
        handle = do_download_print_file(ballot, run, name, acting_user=request.user)
    except BallotError as exc:
        raise Http404(str(exc)) from None
    kind = "text/csv; charset=utf-8" if name.endswith(".csv") else "application/pdf"
    response = FileResponse(handle, as_attachment=True, filename=f"ballot-{ballot.pk}-{name}")
    response["Content-Type"] = kind
    response["Cache-Control"] = "no-store"
    return response
