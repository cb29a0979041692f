"""Poll pages: the voter's ballot (works with no JavaScript), the confirmation, the manager's
page with live turnout, the projector fragment and the downloads. Thin: access, actions,
queries do the work."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from moot.errors import show_refusal
from moot.polls import hooks, queries, results
from moot.polls.access import access_poll
from moot.polls.actions import (
    PollError,
    do_cast_ballot,
    do_close_poll,
    do_enter_teller_counts,
    do_open_poll,
)
from moot.polls.forms import TellerCountsForm, build_ballot, choice_from_post
from moot.polls.models import Poll
from moot.polls.permissions import member_of

# htmx stops polling when a response has this status.
HTMX_STOP_POLLING = 286


def _result_context(poll: Poll) -> dict[str, Any]:
    return results.result_context(poll)


@login_required
@require_GET
def poll_list(request: HttpRequest) -> HttpResponse:
    polls = queries.polls_visible_to(request.user)
    return render(request, "polls/list.html", {"polls": polls})


@login_required
def vote(request: HttpRequest, poll_id: int) -> HttpResponse:
    """The voter's page. GET shows the ballot (or why they cannot vote); POST casts it and
    redirects to the confirmation, or shows the ballot again with the problem named."""
    poll = access_poll(poll_id, request.user)
    member = member_of(request.user)
    standing = queries.voter_standing(poll, member) if poll.is_open else None
    voted = queries.has_voted(poll, member)
    error: PollError | None = None
    ballot = build_ballot(poll, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        try:
            do_cast_ballot(
                poll, member, choice_from_post(ballot, request.POST), acting_user=request.user
            )
        except PollError as exc:
            error = exc
            voted = queries.has_voted(poll, member)
            poll.refresh_from_db()
        else:
            return redirect("polls:voted", poll_id=poll.pk)
    context = {
        "poll": poll,
        "ballot": ballot,
        "standing": standing,
        "voted": voted,
        "error": error,
        "can_vote": poll.is_open
        and poll.voting == "electronic"
        and standing is not None
        and standing.allowed
        and not voted,
    }
    return render(request, "polls/vote.html", context)


@login_required
@require_GET
def voted(request: HttpRequest, poll_id: int) -> HttpResponse:
    """ "Your vote has been recorded" — without repeating the vote, since the screen may be
    shared or overlooked."""
    poll = access_poll(poll_id, request.user)
    return render(
        request,
        "polls/voted.html",
        {"poll": poll, "voted": queries.has_voted(poll, member_of(request.user))},
    )


@login_required
@require_GET
def vote_status(request: HttpRequest, poll_id: int) -> HttpResponse:
    """Fragment polled by the voting page while the poll is not open yet (htmx only)."""
    poll = access_poll(poll_id, request.user)
    response = render(request, "polls/_vote_status.html", {"poll": poll})
    if poll.state != "draft":
        response.status_code = HTMX_STOP_POLLING
    return response


@login_required
@require_GET
def detail(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = access_poll(poll_id, request.user)
    can_manage = request.user.has_perm("polls.manage_poll", poll)
    context = {
        "poll": poll,
        "can_manage": can_manage,
        "turnout": queries.turnout(poll),
        "options": queries.options_of(poll),
        "subjects": hooks.subjects(poll, request.user),
        "teller_form": TellerCountsForm(poll=poll)
        if can_manage and poll.voting != "electronic" and poll.is_open
        else None,
        **_result_context(poll),
    }
    return render(request, "polls/detail.html", context)


@login_required
@require_GET
def turnout_fragment(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = access_poll(poll_id, request.user)
    response = render(
        request, "polls/_turnout.html", {"poll": poll, "turnout": queries.turnout(poll)}
    )
    if poll.is_closed:
        response.status_code = HTMX_STOP_POLLING
    return response


@login_required
@require_POST
def open_poll(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = access_poll(poll_id, request.user, for_write=True)
    try:
        do_open_poll(poll, acting_user=request.user)
    except PollError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, "The poll is open.")
    return redirect("polls:detail", poll_id=poll.pk)


@login_required
@require_http_methods(["GET", "POST"])
def close_poll(request: HttpRequest, poll_id: int) -> HttpResponse:
    """GET: what closing will do and that it cannot be undone (works without JavaScript);
    POST: close and count."""
    poll = access_poll(poll_id, request.user, for_write=True)
    if request.method == "GET":
        context = {
            "poll": poll,
            "turnout": queries.turnout(poll),
            "subjects": hooks.subjects(poll, request.user),
            "few_voters": results.few_voters_warning(poll) if poll.is_open else "",
        }
        context["next"] = _safe_next(request, request.GET.get("next", ""))
        return render(request, "polls/confirm_close.html", context)
    try:
        do_close_poll(poll, acting_user=request.user)
    except PollError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, "The poll is closed and counted.")
    back = _safe_next(request, request.POST.get("next", ""))
    return redirect(back) if back else redirect("polls:detail", poll_id=poll.pk)


def _safe_next(request: HttpRequest, url: str) -> str:
    """``url`` when it is a path on this site (the motion page the chair came from), else ""."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


@login_required
@require_POST
def teller_counts(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = access_poll(poll_id, request.user, for_write=True)
    form = TellerCountsForm(request.POST, poll=poll)
    if form.is_valid():
        try:
            do_enter_teller_counts(poll, form.counts(), acting_user=request.user)
        except PollError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "The tellers' counts are recorded.")
            return redirect("polls:detail", poll_id=poll.pk)
    context = {
        "poll": poll,
        "can_manage": True,
        "turnout": queries.turnout(poll),
        "options": queries.options_of(poll),
        "teller_form": form,
        **_result_context(poll),
    }
    return render(request, "polls/detail.html", context)


@login_required
@require_GET
def projector(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = access_poll(poll_id, request.user)
    context = {"poll": poll, "turnout": queries.turnout(poll), **_result_context(poll)}
    return render(request, "polls/projector.html", context)


@login_required
@require_GET
def projector_fragment(request: HttpRequest, poll_id: int) -> HttpResponse:
    """The question, live turnout and, after close, the result — in large type. Fetched by the
    meeting's projector with hx-get (meetings never imports polls)."""
    poll = access_poll(poll_id, request.user)
    context = {"poll": poll, "turnout": queries.turnout(poll), **_result_context(poll)}
    response = render(request, "polls/_projector.html", context)
    if poll.is_closed and request.htmx:
        response.status_code = HTMX_STOP_POLLING
    return response


@login_required
@require_GET
def chart(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = access_poll(poll_id, request.user)
    if not poll.is_closed or not poll.result_chart_svg:
        return HttpResponse("No chart: the poll is not closed and counted.", status=404)
    if results.figures_withheld(poll):
        return HttpResponse(results.public_result(poll)["withheld"]["note"], status=404)
    return HttpResponse(poll.result_chart_svg, content_type="image/svg+xml")


@login_required
@require_GET
def download(request: HttpRequest, poll_id: int) -> HttpResponse:
    """The anonymised ballots after close: ?format=blt (for ``moot count``) or ?format=csv."""
    poll = access_poll(poll_id, request.user)
    if results.figures_withheld(poll):
        return HttpResponse(
            results.public_result(poll)["withheld"]["note"], status=404, content_type="text/plain"
        )
    fmt = request.GET.get("format", "blt")
    if fmt == "blt":
        body, content_type = queries.ballots_as_blt(poll), "text/plain; charset=utf-8"
    elif fmt == "csv":
        body, content_type = queries.ballots_as_csv(poll), "text/csv; charset=utf-8"
    else:
        return HttpResponse(
            f"Unknown format {fmt!r}: use ?format=blt or ?format=csv.",
            status=400,
            content_type="text/plain",
        )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="poll-{poll.pk}-ballots.{fmt}"'
    return response
