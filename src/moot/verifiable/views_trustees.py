"""GET/POST /ballots/<id>/verifiable/trustees/: who holds the election's key and where each
trustee is in the key ceremony (public: who has done what, never a secret), the exact commands
each trustee and the credential authority run on their own machine, and for the returning
officer the forms that appoint them. Thin: access_*, a form, an action."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from moot.errors import Refusal, show_refusal
from moot.text import TextGuardMixin
from moot.verifiable.access_trustees import access_election, access_election_to_appoint
from moot.verifiable.actions.credentials import (
    do_appoint_credential_authority,
    do_export_voters,
)
from moot.verifiable.actions.mixing import do_skip_mixer
from moot.verifiable.actions.opening import online_voters
from moot.verifiable.actions.trustees import do_appoint_trustees
from moot.verifiable.models import ElectionState, TrusteeState
from moot.verifiable.queries_trustees import (
    account_named,
    ceremony_document,
    credential_authority_of,
    login_of,
    trustees_of,
)

ROLE_HINTS = (
    "the returning officer",
    "the scrutineer",
    "a representative the candidates choose together",
)


class TrusteesForm(TextGuardMixin, forms.Form):
    def __init__(self, *args: Any, count: int, **kwargs: Any) -> None:
        super().__init__(*args, label_suffix="", **kwargs)
        for index in range(1, count + 1):
            hint = ROLE_HINTS[index - 1] if index <= len(ROLE_HINTS) else "another trustee"
            self.fields[f"account_{index}"] = forms.CharField(
                max_length=254,
                label=f"Trustee {index}: account (e-mail address)",
                help_text=f"For example {hint}.",
            )
            self.fields[f"name_{index}"] = forms.CharField(
                max_length=200,
                label=f"Trustee {index}: name as published",
                help_text="Printed in election.json beside the trustee's key.",
            )
        self.count = count

    def appointees(self) -> list[tuple[Any, str]]:
        out = []
        for index in range(1, self.count + 1):
            user = account_named(self.cleaned_data[f"account_{index}"])
            if user is None:
                self.add_error(f"account_{index}", "No active account has this e-mail address.")
            out.append((user, self.cleaned_data[f"name_{index}"]))
        return out


class SkipForm(TextGuardMixin, forms.Form):
    reason = forms.CharField(
        max_length=500,
        label="Why this trustee is skipped",
        help_text="Recorded in the audit log, e.g. the deadline they were given and missed.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, label_suffix="", **kwargs)


class AuthorityForm(TextGuardMixin, forms.Form):
    account = forms.CharField(
        max_length=254,
        label="Credential authority: account (e-mail address)",
        help_text="Someone who is not the returning officer and does not run the site.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, label_suffix="", **kwargs)


def _initial(election: Any, ballot: Any) -> dict[str, str]:
    rows = {t.index: t for t in trustees_of(election)}
    initial: dict[str, str] = {}
    defaults = {1: ballot.returning_officer, 2: ballot.scrutineer}
    for index in range(1, election.trustee_count + 1):
        trustee = rows.get(index)
        user = trustee.user if trustee else defaults.get(index)
        initial[f"account_{index}"] = login_of(user)
        if trustee:
            initial[f"name_{index}"] = trustee.name
        elif user is not None:
            initial[f"name_{index}"] = user.get_full_name() or user.get_username()
    return initial


@never_cache
@require_http_methods(["GET", "POST"])
def trustees_page(request: HttpRequest, ballot_id: int) -> HttpResponse:
    election = access_election(ballot_id, request.user)
    ballot = election.ballot
    action = request.POST.get("do", "") if request.method == "POST" else ""
    manager = request.user.is_authenticated and request.user.has_perm(
        "ballots.manage_ballot", ballot
    )
    can_appoint = manager and election.state == ElectionState.SETUP
    trustees_form = TrusteesForm(
        request.POST if action == "trustees" else None,
        count=election.trustee_count,
        initial=_initial(election, ballot),
    )
    authority = credential_authority_of(election)
    authority_form = AuthorityForm(
        request.POST if action == "authority" else None,
        initial={"account": login_of(authority.user if authority else None)},
    )
    skip_form = SkipForm(request.POST if action == "skip" else None)
    if request.method == "POST":
        access_election_to_appoint(ballot_id, request.user)  # 403 for anyone else
        try:
            if action == "skip" and skip_form.is_valid():
                index = int(request.POST.get("index", "0") or 0)
                do_skip_mixer(
                    election, index, skip_form.cleaned_data["reason"], acting_user=request.user
                )
                messages.success(request, f"Trustee {index} is skipped in the mix.")
                return redirect(request.path)
            if action == "trustees" and trustees_form.is_valid():
                appointees = trustees_form.appointees()
                if trustees_form.is_valid():
                    do_appoint_trustees(election, appointees, acting_user=request.user)
                    messages.success(request, "The trustees are appointed.")
                    return redirect(request.path)
            if action == "authority" and authority_form.is_valid():
                user = account_named(authority_form.cleaned_data["account"])
                if user is None:
                    authority_form.add_error("account", "No active account has this address.")
                else:
                    do_appoint_credential_authority(election, user, acting_user=request.user)
                    messages.success(request, "The credential authority is appointed.")
                    return redirect(request.path)
        except Refusal as exc:
            forms_by_action = {"trustees": trustees_form, "skip": skip_form}
            show_refusal(forms_by_action.get(action, authority_form), exc)
    document = ceremony_document(election, request.user)
    site = request.build_absolute_uri("/").rstrip("/")
    qualified = [
        t
        for t in document["trustees"]
        if t["state"] != TrusteeState.DISQUALIFIED and not t["disqualified_reason"]
    ]
    return render(
        request,
        "verifiable/trustees.html",
        {
            "ballot": ballot,
            "election": election,
            "document": document,
            "trustees": trustees_of(election),
            "authority": authority,
            "too_few": len(qualified) < election.threshold
            and len(qualified) < len(document["trustees"]),
            "can_appoint": can_appoint,
            "manager": manager,
            "trustees_form": trustees_form,
            "authority_form": authority_form,
            "skip_form": skip_form,
            "mixing": document["mixing"],
            "online_voters": (online_voters(ballot) if ballot.frozen_at is not None else None),
            "can_skip": manager
            and election.state in ("closed", "mixing")
            and bool(document["mixing"]["skippable"]),
            "site": site,
            "you": document["you"],
        },
    )


@never_cache
@require_http_methods(["GET"])
def voters_csv(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """voters.csv for the credential authority: the frozen roll's e-mail voters, one address a
    line; the returning officer's only, each download in the audit chain."""
    election = access_election_to_appoint(ballot_id, request.user)
    try:
        addresses = do_export_voters(election, acting_user=request.user)
    except Refusal as refusal:
        show_refusal(request, refusal)
        return redirect("verifiable:trustees", ballot_id=ballot_id)
    response = HttpResponse(
        "".join(f"{address}\n" for address in addresses), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="voters-{ballot_id}.csv"'
    return response
