"""Election pages: the list, creating an election, the election (candidates, statements,
nominations, the vote, the result and the declaration), the nomination form, the nominee's
consent page and the candidates' page beside the ballot. Thin: access, actions and queries do
the work; every refusal is shown with its reason and clause."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from moot.elections import queries
from moot.elections.access import access_election, access_nomination, access_unit_for_elections
from moot.elections.actions import (
    LIVE_NOMINATIONS,
    ElectionError,
    do_answer_nomination,
    do_close_election,
    do_create_election,
    do_declare_result,
    do_nominate,
    do_open_election,
    do_second_nomination,
    do_withdraw_nomination,
    nomination_window,
    today,
)
from moot.elections.forms import AnswerForm, ElectionForm, NominationForm, WithdrawForm
from moot.elections.models import Election, ElectionState
from moot.errors import show_refusal
from moot.ids import parse_id
from moot.polls.permissions import member_of
from moot.polls.views import HTMX_STOP_POLLING


def _result_context(election: Election) -> dict[str, Any]:
    """What polls' result partial (polls/_result.html) reads, from the poll's stored result."""
    from moot.polls.results import result_context

    return result_context(election.poll)


@login_required
@require_GET
def election_list(request: HttpRequest) -> HttpResponse:
    """Elections the user may see — of one meeting (?meeting=) or unit (?unit=) — and the
    nominations waiting for them."""
    from moot.meetings.access import access_meeting
    from moot.units.access import access_unit

    meeting = unit = None
    meeting_id, unit_id = parse_id(request.GET.get("meeting")), parse_id(request.GET.get("unit"))
    if meeting_id is not None:
        meeting = access_meeting(meeting_id, request.user)
    elif unit_id is not None:
        unit = access_unit(unit_id, request.user)
    elections = queries.elections_visible_to(request.user, meeting=meeting, unit=unit)
    on = today()
    for election in elections:  # the state a member reads: the real window, not the stage
        status = (
            nomination_window(election, on).status
            if election.state == "nominations"
            else election.get_state_display()
        )
        setattr(election, "window_status", status)  # noqa: B010 - for the template only
    scope = meeting.unit if meeting is not None else unit
    if scope is None:
        scope = queries.unit_run_by(request.user)
    return render(
        request,
        "elections/list.html",
        {
            "elections": elections,
            "meeting": meeting,
            "unit": unit,
            "awaiting": queries.awaiting(request.user),
            "may_create": scope is not None
            and request.user.has_perm("elections.manage_election", scope),
            "scope": scope,
        },
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    """A manager sets up an election for a unit (``?unit=``), optionally at a meeting."""
    unit_id = request.GET.get("unit") or request.POST.get("unit")
    if parse_id(unit_id) is None:
        raise Http404("Choose the unit that holds the election (?unit=).")
    unit = access_unit_for_elections(unit_id, request.user)
    initial = {}
    for key, field in (("meeting", "meeting"), ("item", "agenda_item")):
        if (value := parse_id(request.GET.get(key))) is not None:
            initial[field] = value
    form = ElectionForm(request.POST or None, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            election = do_create_election(
                post=data["post"],
                method=data["method"],
                seats=data["seats"],
                meeting=data["meeting"],
                agenda_item=data["agenda_item"],
                election_date=data["election_date"],
                nominations_open_on=data["nominations_open_on"],
                nominations_close_on=data["nominations_close_on"],
                statement_limit=data["statement_limit"],
                returning_officer=request.user,
                acting_user=request.user,
            )
        except ElectionError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"{election.title}: nominations are set up.")
            return redirect("elections:detail", election_id=election.pk)
    return render(request, "elections/create.html", {"form": form, "unit": unit})


def _manager_offers(election: Any, user: Any) -> dict[str, Any]:
    """What the page offers whoever manages ``election`` — only what the actions would do now,
    and otherwise why not: a candidate is told to hand over (``check_not_a_candidate``, the
    actions' own check); the vote is opened only at a meeting in progress and only when more
    candidates stand than there are seats (else the result is declared unopposed); a result
    is declared after the count, or unopposed once nominations have closed."""
    from moot.clock import today
    from moot.elections.actions._common import check_not_a_candidate

    try:
        check_not_a_candidate(election, user, "open, close or declare it")
    except ElectionError as exc:
        return {"stands": exc.message, "offer_open": False, "offer_declare": False}
    poll = election.poll
    standing = len(queries.candidates(election))
    nominating = election.state == ElectionState.NOMINATIONS and poll is None
    meeting = election.meeting if election.meeting_id else None
    held_up = ""
    if nominating and meeting is not None and meeting.state != "open":
        held_up = (
            "The meeting is adjourned: resume it from the chair's console, then open the vote."
            if meeting.state == "adjourned"
            else "The meeting is not in progress: start it, then open the vote."
            if meeting.state == "scheduled"
            else "The meeting has closed; the vote can no longer be held at it."
        )
    contested = standing > election.seats
    on = today()  # as do_open_election decides it
    closed_nominations = not (on <= election.nominations_close_on and on < election.election_date)
    return {
        "stands": "",
        "open_held_up": held_up if contested and closed_nominations else "",
        "offer_open": nominating and contested and closed_nominations and not held_up,
        "offer_declare": not election.is_declared
        and (
            (poll is not None and poll.is_closed)
            or (nominating and not contested and closed_nominations)
        ),
        "unopposed": nominating and not contested,
    }


@login_required
@require_GET
def detail(request: HttpRequest, election_id: int) -> HttpResponse:
    election = access_election(election_id, request.user)
    user = request.user
    can_manage = user.has_perm("elections.manage_election", election)
    member = member_of(user)
    rows = []
    for nomination in queries.nominations(election):
        mine = member is not None and member.pk in {
            nomination.nominee_id,
            nomination.partner_id,
            nomination.nominator_id,
            nomination.seconder_id,
        }
        if not (can_manage or mine or nomination.state == "standing"):
            continue
        rows.append(
            {
                "nomination": nomination,
                "needs": queries.needs_from(nomination, member),
                "refusal_visible": bool(nomination.refusal)
                and user.has_perm("elections.view_refusal", nomination),
            }
        )
    poll = election.poll
    window = nomination_window(election, today())
    context = {
        "election": election,
        "can_manage": can_manage,
        **(_manager_offers(election, user) if can_manage else {}),
        "window": window,
        "can_nominate": window.open and user.has_perm("elections.nominate", election),
        "nominates": user.has_perm("elections.nominate", election),
        "candidates": queries.candidates(election),
        "rows": rows,
        "turnout": _turnout(poll),
        "declaration": election.declaration or {},
        **_result_context(election),
    }
    return render(request, "elections/detail.html", context)


def _turnout(poll: Any) -> Any:
    if poll is None:
        return None
    from moot.polls.queries import turnout

    return turnout(poll)


@login_required
@require_GET
def ballot(request: HttpRequest, election_id: int) -> HttpResponse:
    """The candidates and their statements, with the way to the ballot while it is open."""
    election = access_election(election_id, request.user)
    return render(
        request,
        "elections/ballot.html",
        {"election": election, "candidates": queries.candidates(election), "poll": election.poll},
    )


@login_required
@require_GET
def ballot_status(request: HttpRequest, election_id: int) -> HttpResponse:
    """Fragment polled by the candidates' page until the vote opens (htmx only)."""
    election = access_election(election_id, request.user)
    response = render(
        request, "elections/_ballot_status.html", {"election": election, "poll": election.poll}
    )
    if election.poll is not None and election.poll.state != "draft":
        response.status_code = HTMX_STOP_POLLING
    return response


@login_required
@require_GET
def constraints(request: HttpRequest, election_id: int) -> HttpResponse:
    """The count's constraints (OpenTally CON, candidates numbered as in the ballots' BLT),
    after close, so that ``moot count --constraints`` recounts to the same result."""
    election = access_election(election_id, request.user)
    poll = election.poll
    if poll is None or not poll.is_closed or not poll.constraints:
        return HttpResponse(
            "No constraints: the vote is not closed, or its count had none.",
            status=404,
            content_type="text/plain",
        )
    response = HttpResponse(poll.constraints, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="election-{election.pk}-constraints.con"'
    )
    return response


@login_required
def nominate(request: HttpRequest, election_id: int) -> HttpResponse:
    election = access_election(election_id, request.user)
    if not request.user.has_perm("elections.nominate", election):
        raise PermissionDenied(
            f"Nominations for this election are closed, or you are not a member of {election.unit}."
        )
    window = nomination_window(election, today())
    if not window.open:
        # Not offered: the action would refuse it. Why, with the clause, and what to do.
        return render(request, "elections/closed.html", {"election": election, "window": window})
    manager = request.user.has_perm("elections.manage_election", election)
    form = NominationForm(
        request.POST or None,
        election=election,
        own=member_of(request.user),
        manager=manager,
        user=request.user,
    )
    if request.method == "POST" and "lookup" in request.POST:
        form.run_lookup(request.POST["lookup"])  # shows the members found; nominates nobody
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            nomination = do_nominate(
                election,
                nominee=data["nominee"],
                partner=data.get("partner"),
                nominator=data["nominator"],
                seconder=data["seconder"],
                acting_user=request.user,
            )
        except ElectionError as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request,
                f"Nomination of {nomination.label} recorded: "
                f"{nomination.get_state_display().lower()}.",
            )
            return redirect("elections:detail", election_id=election.pk)
    return render(
        request,
        "elections/nominate.html",
        {"election": election, "form": form, "manager": manager},
    )


@login_required
def nomination(request: HttpRequest, nomination_id: int) -> HttpResponse:
    """The nominee's page: accept (with a statement) or decline; the seconder's: second."""
    nomination = access_nomination(nomination_id, request.user)
    user = request.user
    is_nominee = user.has_perm("elections.answer_nomination", nomination)
    is_manager = user.has_perm("elections.manage_election", nomination.election)
    if not (is_nominee or is_manager or user.has_perm("elections.second_nomination", nomination)):
        raise PermissionDenied(
            "This page is for the nominee, the seconder and the returning officer."
        )
    form = AnswerForm(
        request.POST or None,
        limit=nomination.election.statement_limit,
        initial={"statement": nomination.statement},
    )
    if request.method == "POST" and is_nominee and form.is_valid():
        accept = request.POST.get("answer") == "accept"
        try:
            nomination = do_answer_nomination(
                nomination,
                accept=accept,
                statement=form.cleaned_data["statement"] if accept else None,
                acting_user=user,
            )
        except ElectionError as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request,
                "You accepted the nomination." if accept else "You declined the nomination.",
            )
            return redirect("elections:nomination", nomination_id=nomination.pk)
    member = member_of(user)
    return render(
        request,
        "elections/nomination.html",
        {
            "nomination": nomination,
            "election": nomination.election,
            "form": form,
            "is_nominee": is_nominee,
            "is_manager": is_manager,
            "needs": queries.needs_from(nomination, member),
            "refusal_visible": bool(nomination.refusal)
            and user.has_perm("elections.view_refusal", nomination),
            "withdraw_form": WithdrawForm(),
            "reserved": nomination.election.post.reserved_for_women,
            "live": nomination.state in LIVE_NOMINATIONS,
        },
    )


@login_required
@require_POST
def second(request: HttpRequest, nomination_id: int) -> HttpResponse:
    nomination = access_nomination(nomination_id, request.user)
    try:
        do_second_nomination(nomination, acting_user=request.user)
    except ElectionError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, "You seconded the nomination.")
    return redirect("elections:nomination", nomination_id=nomination.pk)


@login_required
@require_POST
def withdraw(request: HttpRequest, nomination_id: int) -> HttpResponse:
    nomination = access_nomination(nomination_id, request.user)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        do_withdraw_nomination(nomination, reason=reason, acting_user=request.user)
    except ElectionError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, "The nomination is withdrawn.")
    return redirect("elections:detail", election_id=nomination.election_id)


def _manager_post(request: HttpRequest, election_id: int, action: Any, done: str) -> HttpResponse:
    election = access_election(election_id, request.user, for_write=True)
    try:
        action(election, acting_user=request.user)
    except ElectionError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, done)
    return redirect("elections:detail", election_id=election.pk)


@login_required
@require_POST
def open_vote(request: HttpRequest, election_id: int) -> HttpResponse:
    return _manager_post(
        request, election_id, do_open_election, "Nominations are closed and the vote is open."
    )


@login_required
@require_http_methods(["GET", "POST"])
def close_vote(request: HttpRequest, election_id: int) -> HttpResponse:
    """GET: the confirmation (what closing does, that it cannot be undone); POST: close."""
    election = access_election(election_id, request.user, for_write=True)
    if election.poll is not None and not request.user.has_perm("polls.manage_poll", election.poll):
        raise PermissionDenied("Only the returning officer or the chair can close the vote.")
    if request.method == "GET":
        return _confirm(
            request,
            election,
            "Close the vote and count",
            [
                "Voting stops now: nobody else can vote.",
                (
                    "The votes are counted and the count is shown with the election; the "
                    "result is then declared as a separate step."
                ),
            ],
        )
    return _manager_post(request, election_id, do_close_election, "The vote is closed and counted.")


def _confirm(
    request: HttpRequest, election: Any, heading: str, consequences: list[str]
) -> HttpResponse:
    return render(
        request,
        "elections/confirm.html",
        {"election": election, "heading": heading, "consequences": consequences},
    )


@login_required
@require_http_methods(["GET", "POST"])
def declare(request: HttpRequest, election_id: int) -> HttpResponse:
    """GET: the confirmation (the offices change hands, it cannot be undone); POST: declare."""
    if request.method == "GET":
        from moot.elections.actions.declaration import preview_declaration

        election = access_election(election_id, request.user, for_write=True)
        return _confirm(
            request,
            election,
            "Declare the result",
            [
                *preview_declaration(election),
                "The result is published to everyone who can see the election.",
                (
                    "The elected take office from today, citing this election; the outgoing "
                    "holders' terms end today."
                ),
            ],
        )
    return _manager_post(
        request, election_id, do_declare_result, "The result is declared and the offices updated."
    )
