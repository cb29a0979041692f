"""Pages of a ballot's definition and officers: the list of ballots, calling one, the public
ballot page, the returning officer's console, the definition form and the officers. Thin:
``access_*``, a form, an action, ``show_refusal`` (a refusal is shown on the form with its
status and writes nothing)."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from moot.ballots import console, queries
from moot.ballots.access import access_ballot, access_ballot_role, access_unit_to_call
from moot.ballots.actions.definition import do_create_ballot, do_edit_ballot, spec_from_preset
from moot.ballots.actions.officers import (
    do_appoint_returning_officer,
    do_appoint_scrutineer,
    do_appoint_teller,
    do_remove_teller,
)
from moot.ballots.definition import definition_of
from moot.ballots.errors import BallotError
from moot.ballots.forms_definition import DefinitionForm, NewBallotForm, OfficerForm
from moot.ballots.models import BallotState
from moot.errors import show_refusal


def _acting(request: HttpRequest) -> Any:
    """The signed-in account acting (the views writing are behind ``login_required``)."""
    return request.user


def index(request: HttpRequest) -> HttpResponse:
    """Every ballot (public), and the way to call one for those the rulebook lets."""
    user = request.user
    return render(
        request,
        "ballots/definition_index.html",
        {
            "ballots": queries.ballots_list(),
            "can_call": user.is_authenticated and user.has_perm("ballots.call_ballot"),
        },
    )


@login_required
def new(request: HttpRequest) -> HttpResponse:
    """Call a ballot: a unit the rulebook lets the user ballot, and one of its presets."""
    callables = queries.units_to_call(request.user)
    if not callables:
        raise PermissionDenied(
            "The rulebook lets you call no ballot: a national ballot is called by national "
            "staff, a constituency's by its secretary (see the rulebook's chapter on ballots)."
        )
    form = NewBallotForm(request.POST or None, callables=callables)
    status = 200
    if request.method == "POST" and form.is_valid():
        unit_id, slug = form.chosen()
        unit = access_unit_to_call(unit_id, request.user)
        preset = next(
            p for c in callables if c.unit.pk == unit.pk for p in c.presets if p.slug == slug
        )
        spec = spec_from_preset(preset, title=form.cleaned_data["title"])
        if form.cleaned_data["position"] and preset.kind == "election":
            spec = dataclasses.replace(spec, position=form.cleaned_data["position"])
        if preset.kind == "question":
            spec = dataclasses.replace(spec, question=form.cleaned_data["question"].strip())
        try:
            ballot = do_create_ballot(unit, spec, acting_user=_acting(request))
        except BallotError as exc:
            show_refusal(form, exc)
            status = exc.code.status
        else:
            messages.success(
                request, "The ballot is called as a draft: check its definition and timetable."
            )
            return redirect("ballots:definition", ballot.pk)
    return render(
        request,
        "ballots/definition_new.html",
        {"form": form, "callables": callables},
        status=status,
    )


def ballot_page(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The public page: definition, timetable, state, officers; other topics' parts below."""
    ballot = access_ballot(ballot_id, request.user)
    user = request.user
    return render(
        request,
        "ballots/definition_ballot.html",
        {
            "ballot": ballot,
            "definition": definition_of(ballot),
            "timetable": queries.timetable(ballot),
            "provisional": ballot.state == BallotState.DRAFT,
            "returning_officer": queries.person_name(ballot.returning_officer),
            "scrutineer": queries.person_name(ballot.scrutineer),
            "can_manage": user.is_authenticated and user.has_perm("ballots.manage_ballot", ballot),
            "parts": console.public_templates(),
        },
    )


@login_required
def manage(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The returning officer's console: a section per stage with its state and next step."""
    ballot = access_ballot_role(ballot_id, request.user, "manage")
    return render(
        request,
        "ballots/definition_manage.html",
        {"ballot": ballot, "sections": console.sections(ballot)},
    )


@login_required
def definition(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The definition and its versions (read by the ballot's overseers); the form to edit it
    while it is a draft (its managers)."""
    if request.method == "POST":
        ballot = access_ballot_role(ballot_id, request.user, "manage")
    else:
        ballot = access_ballot_role(ballot_id, request.user, "oversee")
    editable = ballot.state == BallotState.DRAFT and request.user.has_perm(
        "ballots.manage_ballot", ballot
    )
    form = None
    status = 200
    if editable or request.method == "POST":
        form = DefinitionForm(request.POST or None, initial=DefinitionForm.initial_of(ballot))
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            ballot = do_edit_ballot(ballot, form.changes(), acting_user=_acting(request))
        except BallotError as exc:
            show_refusal(form, exc)
            status = exc.code.status
        else:
            messages.success(request, f"Saved as version {ballot.version}.")
            return redirect("ballots:definition", ballot.pk)
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "ballots/definition_edit.html",
        {
            "ballot": ballot,
            "form": form if editable or status != 200 else None,
            "definition": definition_of(ballot),
            "versions": queries.versions_of(ballot),
        },
        status=status,
    )


def _appoint(role: str, ballot: Any, user: Any, acting_user: Any, reason: str = "") -> None:
    if role == "returning_officer":
        do_appoint_returning_officer(ballot, user, acting_user=acting_user)
    elif role == "scrutineer":
        do_appoint_scrutineer(ballot, user, reason=reason, acting_user=acting_user)
    else:
        do_appoint_teller(ballot, user, acting_user=acting_user)


@login_required
def officers(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The returning officer, scrutineer and tellers (read by the ballot's overseers); the
    forms to appoint and remove them (its managers)."""
    role = "appoint" if request.method == "POST" else "oversee"
    ballot = access_ballot_role(ballot_id, request.user, role)
    form = OfficerForm(request.POST if "email" in request.POST else None)
    status = 200
    if request.method == "POST":
        try:
            if "remove" in request.POST:
                teller = next(
                    (t for t in queries.tellers_of(ballot) if str(t.pk) == request.POST["remove"]),
                    None,
                )
                if teller is None:
                    raise BallotError(
                        "No such teller of this ballot.", field="teller", code="not_found"
                    )
                do_remove_teller(ballot, teller.user, acting_user=_acting(request))
                messages.success(
                    request, f"{queries.person_name(teller.user)} is no longer a teller."
                )
                return redirect("ballots:officers", ballot.pk)
            if form.is_valid():
                person = queries.account_by_email(form.cleaned_data["email"])
                if person is None:
                    raise BallotError(
                        "No active account has this e-mail address: the person signs up first.",
                        field="email",
                        code="invalid",
                    )
                _appoint(
                    form.cleaned_data["role"],
                    ballot,
                    person,
                    _acting(request),
                    form.cleaned_data["reason"],
                )
                messages.success(request, f"{queries.person_name(person)} appointed.")
                return redirect("ballots:officers", ballot.pk)
            status = 422
        except BallotError as exc:
            show_refusal(form if form.is_bound else request, exc)
            status = exc.code.status
    ballot.refresh_from_db()
    return render(
        request,
        "ballots/definition_officers.html",
        {
            "ballot": ballot,
            "form": form,
            "tellers": queries.tellers_of(ballot),
            "can_manage": request.user.has_perm("ballots.appoint_ballot_officers", ballot),
            "returning_officer": queries.person_name(ballot.returning_officer),
            "scrutineer": queries.person_name(ballot.scrutineer),
        },
        status=status,
    )
