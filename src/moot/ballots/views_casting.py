"""The voter's pages (phone-first, no JavaScript needed), the tellers' keying pages and the public
live turnout (issue 11, items 7, 8 and 11). Thin: the actions in ``ballots.actions.casting``
check and seal.

The session never holds a credential: entering one (or following the link in the invitation,
``/vote/c/<credential>/``, which redirects at once to a URL without it) puts the roll entry's id
and the credential's hash there, both of which the roll holds anyway; the cast checks the hash
against the roll again, so a credential replaced meanwhile stops working at once.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from moot.ballots import casting, content, hooks, paper_reasons, queries_casting
from moot.ballots.access import access_ballot, access_ballot_role
from moot.ballots.access_papers import access_resolver
from moot.ballots.actions.casting import do_cast_online, do_key_paper, do_resolve_paper
from moot.ballots.credential_pacing import entry_paced
from moot.ballots.errors import BallotError
from moot.ballots.models import Ballot, BallotState, RollEntry
from moot.ballots.notices import notices_for
from moot.ballots.turnout import turnout_of
from moot.errors import show_refusal
from moot.text import TextGuardMixin

SESSION_KEY = "ballots.voter"  # {ballot id: {"entry": id, "hash": sha256}}
DONE_KEY = "ballots.voted"  # [ballot id, ...]: this browser sent a vote


class CredentialForm(TextGuardMixin, forms.Form):
    credential = forms.CharField(
        max_length=40,
        label="Your credential",
        help_text="The code in your invitation, like ABCD-EFGH-JKMN-PQRS (capitals or not).",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, label_suffix="", **kwargs)


def ballot_form_class(ballot: Ballot, lines: list[queries_casting.BallotLine]) -> type[forms.Form]:
    """A form with one field per box: a number box (ranked), a tick box (crosses) or, for a
    question, one choice of Yes / No."""
    style = content.mark_style(ballot)
    fields: dict[str, forms.Field] = {}
    if style == content.MarkStyle.ANSWER:
        fields["answer"] = forms.ChoiceField(
            choices=[(line.box.key, line.box.label) for line in lines],
            widget=forms.RadioSelect,
            required=False,
            label=ballot.question or ballot.title,
        )
    for line in lines if style != content.MarkStyle.ANSWER else []:
        name = f"c{line.box.key}"
        if style == content.MarkStyle.RANK:
            fields[name] = forms.CharField(
                max_length=3,
                required=False,
                label=line.box.label,
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "size": "3", "class": "rank-box"}
                ),
            )
        else:
            fields[name] = forms.BooleanField(required=False, label=line.box.label)

    def init(self: forms.Form, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        forms.Form.__init__(self, *args, **kwargs)

    return type("BallotForm", (forms.Form,), {**fields, "__init__": init})


def _voter_from_session(request: HttpRequest, ballot: Ballot) -> RollEntry | None:
    held = request.session.get(SESSION_KEY, {}).get(str(ballot.pk))
    if not held:
        return None
    entry = queries_casting.entry_by_id(ballot, held.get("entry"))
    if entry is None or not entry.credential_hash or entry.credential_hash != held.get("hash"):
        _forget_voter(request, ballot)
        messages.error(
            request,
            "The credential you entered was replaced by a newer one: enter the newest one you "
            "were sent.",
        )
        return None
    return entry


def _forget_voter(request: HttpRequest, ballot: Ballot) -> None:
    held = dict(request.session.get(SESSION_KEY, {}))
    if held.pop(str(ballot.pk), None) is not None:
        request.session[SESSION_KEY] = held


def _remember_voter(request: HttpRequest, ballot: Ballot, entry: RollEntry) -> None:
    held = dict(request.session.get(SESSION_KEY, {}))
    held[str(ballot.pk)] = {"entry": entry.pk, "hash": entry.credential_hash}
    request.session.cycle_key()
    request.session[SESSION_KEY] = held


def _closed_reason(ballot: Ballot) -> str:
    try:
        casting.check_open_for_returns(ballot)
    except BallotError as exc:
        return str(exc)
    return ""


def _signed_in_entry(request: HttpRequest, ballot: Ballot) -> tuple[RollEntry | None, str]:
    if not request.user.is_authenticated:
        return None, ""
    try:
        return casting.entry_for_member(ballot, request.user), ""
    except BallotError as exc:
        return None, str(exc)


@never_cache
@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET/POST /ballots/<id>/vote/: enter the credential, or go straight on when signed in
    and on the roll."""
    ballot = access_ballot(ballot_id, request.user)
    closed = _closed_reason(ballot)
    if not closed and _voter_from_session(request, ballot) is not None:
        return redirect("ballots:vote_ballot", ballot.pk)
    entry, why_not = _signed_in_entry(request, ballot)
    if not closed and entry is not None and request.method == "GET":
        return redirect("ballots:vote_ballot", ballot.pk)
    form = CredentialForm(request.POST or None)
    if not closed and request.method == "POST" and form.is_valid():
        try:
            found = entry_paced(ballot, request, form.cleaned_data["credential"])
        except BallotError as exc:
            show_refusal(form, exc)
        else:
            _remember_voter(request, ballot, found)
            return redirect("ballots:vote_ballot", ballot.pk)
    return render(
        request,
        "ballots/casting_vote.html",
        {"ballot": ballot, "form": form, "closed": closed, "why_not": why_not},
    )


@never_cache
@require_GET
def vote_link(request: HttpRequest, ballot_id: int, credential: str) -> HttpResponse:
    """GET /ballots/<id>/vote/c/<credential>/: the invitation's link. The credential goes into
    the session (as its entry and hash) and the browser is sent on to a URL without it; the
    access log never records it (``moot.site.log_filters``)."""
    ballot = access_ballot(ballot_id, request.user)
    try:
        found = entry_paced(ballot, request, credential)
    except BallotError as exc:
        messages.error(request, str(exc))
        response = redirect("ballots:vote", ballot.pk)
    else:
        _remember_voter(request, ballot, found)
        response = redirect("ballots:vote_ballot", ballot.pk)
    response.status_code = 303
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def vote_ballot(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET/POST /ballots/<id>/vote/ballot/: the ballot, with the candidates' statements,
    photos, endorsements and the notices of events since the issue; the marks are checked
    and a refusal names the box at fault."""
    ballot = access_ballot(ballot_id, request.user)
    closed = _closed_reason(ballot)
    if closed:
        messages.error(request, closed)
        return redirect("ballots:vote", ballot.pk)
    entry = _voter_from_session(request, ballot)
    by_credential = entry is not None
    if entry is None:
        entry, _why = _signed_in_entry(request, ballot)
    if entry is None:
        return redirect("ballots:vote", ballot.pk)
    booth = hooks.online_booth(ballot)
    if booth:  # a verifiable ballot is encrypted in its own booth (moot.verifiable)
        return redirect(booth)
    lines = queries_casting.ballot_lines(ballot, entry)
    form_class = ballot_form_class(ballot, lines)
    form = form_class(request.POST or None)
    held = queries_casting.online_vote_held(ballot, entry)
    if request.method == "POST" and not held and form.is_valid():
        try:
            if content.mark_style(ballot) == content.MarkStyle.ANSWER:
                choice: Any = form.cleaned_data.get("answer") or None
            else:
                boxes = {
                    line.box.key: _box_text(form.cleaned_data.get(f"c{line.box.key}"))
                    for line in lines
                }
                choice = content.choice_from_boxes(ballot, boxes, entry)
            do_cast_online(
                ballot, entry, choice, acting_user=None if by_credential else request.user
            )
        except BallotError as exc:
            _show(form, exc)
        else:
            _forget_voter(request, ballot)
            done = [n for n in request.session.get(DONE_KEY, []) if n != ballot.pk]
            request.session[DONE_KEY] = [*done, ballot.pk]
            return redirect("ballots:vote_done", ballot.pk)
    return render(
        request,
        "ballots/casting_ballot.html",
        {
            "ballot": ballot,
            "form": form,
            "lines": [(line, form[f"c{line.box.key}"]) for line in lines]
            if "answer" not in form.fields
            else [],
            "style": content.mark_style(ballot),
            "notices": notices_for(ballot),
            "held": held,
            "replaces": ballot.precedence == "last_online" and entry.voted,
        },
    )


def _show(form: forms.Form, exc: BallotError) -> None:
    """The refusal on the field it names, and every other box it names marked too (a number
    repeated in three boxes marks the three)."""
    show_refusal(form, exc)
    for name in getattr(exc, "fields", [])[1:]:
        if name in form.fields:
            form.add_error(name, "This box repeats a number: see the message above.")


def _box_text(value: Any) -> str:
    if value is True:
        return "X"
    if value in (False, None):
        return ""
    return str(value)


@never_cache
@require_GET
def vote_done(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET /ballots/<id>/vote/done/: that a vote was received, never what."""
    ballot = access_ballot(ballot_id, request.user)
    sent = ballot.pk in request.session.get(DONE_KEY, [])
    return render(request, "ballots/casting_done.html", {"ballot": ballot, "sent": sent})


class KeyForm(TextGuardMixin, forms.Form):
    paper_number = forms.CharField(
        max_length=10, label="Paper number", widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    check_code = forms.CharField(
        max_length=10,
        label="Check code",
        help_text="The six digits printed beside the number.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    spoilt = forms.BooleanField(required=False, label="The paper is spoilt")
    spoilt_reason = forms.ChoiceField(
        choices=[("", "(not spoilt)"), *paper_reasons.SPOILT_REASONS.items()],
        required=False,
        label="Why it is spoilt",
        help_text="Chosen from the list: nothing describing the marks is recorded.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, label_suffix="", **kwargs)


class ResolveForm(KeyForm):
    reason = forms.ChoiceField(
        choices=[("", "(choose)"), *paper_reasons.RESOLUTION_REASONS.items()],
        label="Why the keyings differed",
        help_text="Chosen from the list: nothing describing the marks is recorded.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["check_code"]
        self.fields["paper_number"].widget = forms.HiddenInput()


def _marks(ballot: Ballot, lines: list[queries_casting.BallotLine], data: Any) -> Any:
    form = ballot_form_class(ballot, lines)(data)
    if data is None or not form.is_valid():
        return form, None
    if content.mark_style(ballot) == content.MarkStyle.ANSWER:
        return form, form.cleaned_data.get("answer") or None
    boxes = {line.box.key: _box_text(form.cleaned_data.get(f"c{line.box.key}")) for line in lines}
    return form, boxes


def _paper_page(
    request: HttpRequest, ballot: Ballot, form_class: type[KeyForm], act: Any, template: str
) -> HttpResponse:
    lines = queries_casting.ballot_lines(ballot, None)
    form = form_class(request.POST or None)
    marks_form, marks = _marks(ballot, lines, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            choice = None
            if not data["spoilt"]:
                choice = (
                    marks
                    if isinstance(marks, str) or marks is None
                    else content.choice_from_boxes(ballot, marks)
                )
            result = act(ballot, data, choice)
        except BallotError as exc:
            _show(form if exc.field in form.fields else marks_form, exc)
        else:
            messages.success(request, result.message)
            return redirect(request.path)
    return render(
        request,
        template,
        {
            "ballot": ballot,
            "form": form,
            "marks_form": marks_form,
            "lines": [(line, marks_form[f"c{line.box.key}"]) for line in lines]
            if "answer" not in marks_form.fields
            else [],
            "style": content.mark_style(ballot),
            "counts": queries_casting.paper_counts(ballot),
            "closed": _closed_reason(ballot),
            "numbers": queries_casting.discrepancies(ballot),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def papers_key(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET/POST /ballots/<id>/papers/key/: a teller keys a returned paper (never shown another
    teller's keying)."""
    ballot = access_ballot_role(ballot_id, request.user, "tell")

    def act(ballot: Ballot, data: dict[str, Any], choice: Any) -> Any:
        return do_key_paper(
            ballot,
            data["paper_number"],
            data["check_code"],
            choice,
            spoilt=data["spoilt"],
            spoilt_reason=data["spoilt_reason"],
            acting_user=request.user,
        )

    return _paper_page(request, ballot, KeyForm, act, "ballots/casting_papers_key.html")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def papers_discrepancies(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET/POST /ballots/<id>/papers/discrepancies/: papers whose keyings differ, resolved by a
    third person with the paper in hand (a teller who keyed neither, or the scrutineer; never
    the returning officer)."""
    ballot = access_resolver(ballot_id, request.user)

    def act(ballot: Ballot, data: dict[str, Any], choice: Any) -> Any:
        return do_resolve_paper(
            ballot,
            data["paper_number"],
            choice,
            spoilt=data["spoilt"],
            spoilt_reason=data["spoilt_reason"],
            reason=data["reason"],
            acting_user=request.user,
        )

    return _paper_page(
        request, ballot, ResolveForm, act, "ballots/casting_papers_discrepancies.html"
    )


@require_GET
def turnout(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET /ballots/<id>/turnout/: live turnout per region, small cells hidden; public."""
    ballot = access_ballot(ballot_id, request.user)
    figures = turnout_of(ballot) if ballot.state != BallotState.DRAFT else None
    return render(
        request,
        "ballots/casting_turnout.html",
        {"ballot": ballot, "t": figures, "d": figures.as_dict() if figures else None},
    )
