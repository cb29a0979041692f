"""The verifiable ballot's pages (issue 12, items 5 and 6). Thin: ``access_*``, a form, an
action. The board, election.json and the audit check are public; the booth is for a voter on
the roll (the invitation's credential in the session, or the signed-in member); the setup page
is for the ballot's manager.

The booth is the one page of moot that needs JavaScript: the ballot is encrypted in the
voter's browser (``static/verifiable/booth.js`` on ``ballots/booth-crypto.js``), so without it
the page says so and points to the postal vote (docs/verifiable.md, "Operators").
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from moot.ballots import casting, content, queries_casting
from moot.ballots.access import access_ballot_role
from moot.ballots.errors import BallotError
from moot.ballots.models import BallotState, Channel
from moot.errors import Refusal, show_refusal
from moot.text import TextGuardMixin
from moot.verifiable import board, context, queries
from moot.verifiable.access import access_election
from moot.verifiable.actions import (
    do_drop_verifiable,
    do_make_verifiable,
    do_open_verifiable_now,
)
from moot.verifiable.audit_check import COMPARE_TRACKER, MAX_AUDIT_CHARS, check_audit_text
from moot.verifiable.models import ElectionState
from moot.verifiable.readiness import missing_to_open
from moot.verifiable.voter import voter_for
from moot.verify import vballot


def _closed_reason(ballot: Any) -> str:
    try:
        casting.check_open_for_returns(ballot)
    except BallotError as exc:
        return str(exc)
    return ""


def _booth_lines(ballot: Any, entry: Any) -> list[dict[str, Any]]:
    """The boxes in the voter's order (rotated where the ballot rotates), each with its index
    in election.json's question (what the booth encrypts by)."""
    order = [c.pk for c in context.candidates_in_order(ballot)]
    lines = []
    for line in queries_casting.ballot_lines(ballot, entry):
        if ballot.kind == "question":
            index = 0 if line.box.key == "yes" else 1
        else:
            index = order.index(int(line.box.key))
        lines.append({"index": index, "label": line.box.label, "candidate": line.candidate})
    return lines


@never_cache
@require_GET
def vote(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET /ballots/<id>/verifiable/vote/: the booth. The voter ranks (or ticks), types the
    voting credential from the credential authority, encrypts, and then either casts the
    encrypted ballot or checks its encryption (which spends it: it is never cast)."""
    ballot, election = access_election(ballot_id, request.user)
    voter = voter_for(request, ballot)
    closed = _closed_reason(ballot)
    waiting = election.state != ElectionState.OPEN
    held = voter.entry is not None and queries_casting.online_vote_held(ballot, voter.entry)
    lines = _booth_lines(ballot, voter.entry) if voter.entry and not (closed or waiting) else []
    return render(
        request,
        "verifiable/booth.html",
        {
            "ballot": ballot,
            "election": election,
            "voter": voter,
            "closed": closed,
            "waiting": waiting,
            "held": held,
            "lines": lines,
            "style": str(content.mark_style(ballot)),
            "post": Channel.POST in (ballot.channels or []),
            "revote": election.revote,
        },
    )


class BoardSearchForm(TextGuardMixin, forms.Form):
    tracker = forms.CharField(
        max_length=80,
        required=False,
        label="Find a tracker",
        help_text="The 64 letters and digits the booth showed you (spaces do not matter).",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, label_suffix="", **kwargs)


def _after(request: HttpRequest) -> int:
    text = request.GET.get("after", "")
    return int(text) if text.isdigit() else -1


@require_GET
def board_page(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET /ballots/<id>/verifiable/board/: the public board a page at a time (height, type,
    tracker), and a tracker look-up (``?tracker=``)."""
    ballot, election = access_election(ballot_id, request.user)
    form = BoardSearchForm(request.GET or None)
    found = None
    searched = ""
    if form.is_bound and form.is_valid() and form.cleaned_data["tracker"]:
        searched = form.cleaned_data["tracker"]
        tracker = queries.normal_tracker(searched)
        if not tracker:
            form.add_error(
                "tracker", "A tracker is 64 letters a–f and digits (spaces do not matter)."
            )
        else:
            found = queries.entry_for_tracker(election, tracker)
    later = queries.superseded_by(election, found) if found else None
    page = queries.board_page(election, after=_after(request))
    return render(
        request,
        "verifiable/board.html",
        {
            "ballot": ballot,
            "election": election,
            "form": form,
            "found": found,
            "superseded_by": later,
            "searched": searched,
            "page": page,
            # In groups of 8, as the booth shows them (and so they wrap on a phone).
            "rows": [(e, vballot.format_tracker(e.tracker)) for e in page.rows],
            "head": vballot.format_tracker(election.board_head),
            "found_shown": vballot.format_tracker(found.tracker) if found else "",
        },
    )


@require_GET
def board_jsonl(request: HttpRequest, ballot_id: int) -> StreamingHttpResponse:
    """GET /ballots/<id>/verifiable/board.jsonl: the whole board, one canonical entry a line,
    streamed (``moot verify`` reads it)."""
    _ballot, election = access_election(ballot_id, request.user)
    response = StreamingHttpResponse(
        board.jsonl_lines(election), content_type="application/jsonl; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="board-{ballot_id}.jsonl"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def election_json(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET /ballots/<id>/verifiable/election.json: the election context, as hashed (its
    SHA-256 is every ballot's ``election_hash``). Published when the election opens."""
    _ballot, election = access_election(ballot_id, request.user)
    if not election.election_json:
        raise Http404("election.json is published when the verifiable election opens.")
    response = HttpResponse(
        election.election_json.encode("utf-8"), content_type="application/json; charset=utf-8"
    )
    response["X-Election-Hash"] = election.election_hash
    response["X-Content-Type-Options"] = "nosniff"
    return response


class AuditForm(forms.Form):
    """The audit JSON is parsed strictly and shown only as the plaintexts it checks to, so it
    is not held to the one-line text rules of names (it has line breaks when pretty)."""

    audit = forms.CharField(
        max_length=MAX_AUDIT_CHARS,
        label="The audit the booth showed you",
        help_text="Paste the whole audit (it starts with { and ends with }).",
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


@never_cache
@require_http_methods(["GET", "POST"])
def audit(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET/POST /ballots/<id>/verifiable/audit/: check a ballot the booth encrypted and then
    revealed instead of casting (a Benaloh challenge): the server re-encrypts its plaintexts
    with its randomness and shows them. Public; nothing is stored."""
    ballot, election = access_election(ballot_id, request.user)
    form = AuditForm(request.POST or None)
    result = None
    if not election.election_json:
        messages.info(request, "Ballots can be checked here once the verifiable election opens.")
    elif request.method == "POST" and form.is_valid():
        try:
            result = check_audit_text(election.election_json, form.cleaned_data["audit"])
        except Refusal as exc:
            show_refusal(form, exc)
    return render(
        request,
        "verifiable/audit.html",
        {
            "ballot": ballot,
            "election": election,
            "form": form,
            "result": result,
            "compare_tracker": COMPARE_TRACKER,
        },
    )


class SetupForm(TextGuardMixin, forms.Form):
    trustees = forms.IntegerField(
        min_value=2,
        max_value=9,
        label="Trustees",
        help_text="Who hold the key together, e.g. the returning officer, the scrutineer and a "
        "representative the candidates choose.",
    )
    threshold = forms.IntegerField(
        min_value=2,
        max_value=9,
        label="Threshold",
        help_text="How many of them must take part to decrypt (e.g. 2 of 3: one may be away).",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, label_suffix="", **kwargs)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET/POST /ballots/<id>/verifiable/setup/: the manager runs the ballot verifiable (while it
    is a draft), sees what its election still needs, and opens it."""
    ballot = access_ballot_role(ballot_id, request.user, "manage")
    election = queries.election_of(ballot)
    initial = (
        {"trustees": election.trustee_count, "threshold": election.threshold}
        if election
        else {"trustees": 3, "threshold": 2}
    )
    action = request.POST.get("do", "")
    form = SetupForm(request.POST if action == "make" else None, initial=initial)
    if request.method == "POST":
        try:
            if action == "make" and form.is_valid():
                do_make_verifiable(
                    ballot,
                    threshold=form.cleaned_data["threshold"],
                    trustees=form.cleaned_data["trustees"],
                    acting_user=request.user,
                )
                messages.success(request, "The ballot is run verifiable.")
                return redirect(request.path)
            if action == "drop":
                do_drop_verifiable(ballot, acting_user=request.user)
                messages.success(request, "The ballot is no longer run verifiable.")
                return redirect(request.path)
            if action == "open" and election is not None:
                do_open_verifiable_now(election, acting_user=request.user)
                messages.success(request, "The verifiable election is open.")
                return redirect(request.path)
        except Refusal as exc:
            if action == "make":
                show_refusal(form, exc)
            else:
                show_refusal(request, exc)
                return redirect(request.path)
    missing = missing_to_open(election, ballot) if election else []
    return render(
        request,
        "verifiable/setup.html",
        {
            "ballot": ballot,
            "election": election,
            "form": form,
            "draft": ballot.state == BallotState.DRAFT,
            "missing": missing,
            "hash_shown": vballot.format_tracker(election.election_hash)
            if election and election.election_hash
            else "",
            "opened": election is not None
            and election.state != ElectionState.SETUP
            and bool(election.election_hash),
        },
    )
