"""Pages of nominations, candidates, endorsements and post-issue events. Anyone reads them (a
ballot is public); writes are for whose act it is: a unit's secretary records its nominations,
the manager an affiliate's, endorsements and events; the candidate alone consents, writes the
statement and uploads the photo. Thin: the actions check and audit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from moot.ballots import queries_nominations as q
from moot.ballots.access import access_ballot
from moot.ballots.actions.events import (
    candidate_standing,
    do_record_ballot_event,
    do_record_endorsement,
    do_withdraw_endorsement,
)
from moot.ballots.actions.nominations import (
    do_consent_candidacy,
    do_hold_nomination_vote,
    do_record_affiliate_nomination,
    do_record_unit_nomination,
    do_reinstate_candidacy,
    do_set_candidate_woman,
    do_update_candidate_statement,
    do_withdraw_candidacy,
)
from moot.ballots.errors import BallotError
from moot.ballots.forms_nominations import (
    AffiliateNominationForm,
    EndorsementForm,
    EventForm,
    NominationVoteForm,
    PhotoForm,
    StatementForm,
    UnitNominationForm,
    WithdrawForm,
)
from moot.ballots.models import BallotState
from moot.ballots.notices import notices_for
from moot.ballots.photos import content_type_of, do_set_candidate_photo
from moot.ballots.queries_nominations import returns_shown
from moot.errors import show_refusal


def _may_manage(user: Any, ballot: Any) -> bool:
    return bool(user.is_authenticated and user.has_perm("ballots.manage_ballot", ballot))


def _candidate(ballot: Any, candidate_id: Any) -> Any:
    candidate = q.candidate_of_ballot(ballot, candidate_id)
    if candidate is None:
        raise Http404("No such candidate in this ballot.")
    return candidate


def _is_own(user: Any, candidate: Any) -> bool:
    return bool(user.is_authenticated and candidate.member and candidate.member.user_id == user.pk)


@require_GET
def nominations(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET /ballots/<id>/nominations/: who nominated whom, and who reaches the ballot."""
    ballot = access_ballot(ballot_id, request.user)
    standings = {s.candidate.pk: s for s in q.standings(ballot)}
    rows = [
        {"candidate": c, "nominations": noms, "standing": standings.get(c.pk)}
        for c, noms in q.nominations_by_candidate(ballot)
    ]
    user = request.user
    return render(
        request,
        "ballots/nominations_list.html",
        {
            "ballot": ballot,
            "rows": rows,
            "draft": ballot.state == BallotState.DRAFT,
            "may_record": ballot.state == BallotState.DRAFT
            and user.is_authenticated
            and (_may_manage(user, ballot) or bool(q.nominating_units_of(ballot, user))),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_nomination(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET/POST /ballots/<id>/nominations/record/: a unit's secretary records its nomination;
    the manager records an affiliate's."""
    ballot = access_ballot(ballot_id, request.user)
    units = q.nominating_units_of(ballot, request.user)
    manager = _may_manage(request.user, ballot)
    if not units and not manager:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(
            "Only the secretary of a nominating unit records its nominations, and the ballot's "
            "manager an affiliate's."
        )
    polls = q.polls_for_units(ballot, units)
    data = request.POST if request.method == "POST" else None
    which = request.POST.get("which") if data else None
    vote_form = NominationVoteForm(
        data if which == "vote" else None,
        meetings=q.meetings_for_nomination_vote(ballot, units),
        prefix="vote",
    )
    if which == "vote" and units and vote_form.is_valid():
        numbers = [n for n in vote_form.cleaned_data["nominees"].split() if n.strip()]
        members = [q.member_by_number(n) for n in numbers]
        unknown = [n for n, m in zip(numbers, members, strict=True) if m is None]
        if unknown:
            vote_form.add_error("nominees", f"No member has the number {unknown[0]}.")
        else:
            try:
                poll = do_hold_nomination_vote(
                    ballot,
                    meeting=vote_form.cleaned_data["meeting"],
                    nominees=members,
                    seats=vote_form.cleaned_data["seats"],
                    acting_user=request.user,
                )
            except BallotError as exc:
                show_refusal(vote_form, exc, fields={"nominee": "nominees"})
            else:
                messages.success(
                    request,
                    f"The nomination vote {poll.title!r} is set up at the meeting: the meeting "
                    "opens and closes it like any poll; then record its result here.",
                )
                return redirect("ballots:record_nomination", ballot.pk)
    unit_form = UnitNominationForm(
        data if which == "unit" else None, units=units, polls=polls, prefix="unit"
    )
    affiliate_form = AffiliateNominationForm(
        data if which == "affiliate" else None, prefix="affiliate"
    )
    if which == "unit" and units and unit_form.is_valid():
        try:
            done = do_record_unit_nomination(
                ballot,
                unit=unit_form.cleaned_data["unit"],
                poll=unit_form.cleaned_data["poll"],
                acting_user=request.user,
            )
        except BallotError as exc:
            show_refusal(unit_form, exc)
        else:
            names = ", ".join(n.candidate.name for n in done)
            messages.success(request, f"Recorded: {names} nominated.")
            return redirect("ballots:nominations", ballot.pk)
    if which == "affiliate" and manager and affiliate_form.is_valid():
        member = q.member_by_number(affiliate_form.cleaned_data["member_number"])
        if member is None:
            affiliate_form.add_error("member_number", "No member has that number.")
        else:
            try:
                do_record_affiliate_nomination(
                    ballot,
                    organisation=affiliate_form.cleaned_data["organisation"],
                    member=member,
                    reference=affiliate_form.cleaned_data["reference"],
                    decided_on=affiliate_form.cleaned_data["decided_on"],
                    acting_user=request.user,
                )
            except BallotError as exc:
                show_refusal(affiliate_form, exc, fields={"nominee": "member_number"})
            else:
                messages.success(request, f"Recorded: {member.full_name} nominated.")
                return redirect("ballots:nominations", ballot.pk)
    return render(
        request,
        "ballots/nominations_record.html",
        {
            "ballot": ballot,
            "unit_form": unit_form if units else None,
            "vote_form": vote_form if units else None,
            "affiliate_form": affiliate_form
            if manager and "affiliate" in (ballot.nominating_kinds or [])
            else None,
        },
    )


@require_http_methods(["GET", "POST"])
def candidate(request: HttpRequest, ballot_id: int, candidate_id: int) -> HttpResponse:
    """GET /ballots/<id>/candidates/<cid>/: the candidate's statement, photo, nominations and
    endorsements; POST: the candidate's own statement."""
    ballot = access_ballot(ballot_id, request.user)
    cand = _candidate(ballot, candidate_id)
    own = _is_own(request.user, cand)
    form = StatementForm(initial={"statement": cand.statement}) if own else None
    if request.method == "POST":
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        form = StatementForm(request.POST)
        if form.is_valid():
            try:
                do_update_candidate_statement(
                    cand, form.cleaned_data["statement"], acting_user=request.user
                )
            except BallotError as exc:
                if exc.code == "forbidden":
                    from django.core.exceptions import PermissionDenied

                    raise PermissionDenied(str(exc)) from exc
                show_refusal(form, exc)
            else:
                messages.success(request, "Your statement is saved.")
                return redirect("ballots:candidate", ballot.pk, cand.pk)
    return render(
        request,
        "ballots/nominations_candidate.html",
        {
            "ballot": ballot,
            "candidate": cand,
            "nominations": list(cand.nominations.select_related("unit", "organisation")),
            "endorsements": q.endorsements_shown(cand),
            "standing": candidate_standing(cand),
            "own": own,
            "form": form if own and ballot.state == BallotState.DRAFT else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, ballot_id: int, candidate_id: int) -> HttpResponse:
    """GET/POST /ballots/<id>/candidates/<cid>/consent/: the candidate's consent, photo upload
    and withdrawal (their own candidacy only)."""
    ballot = access_ballot(ballot_id, request.user)
    cand = _candidate(ballot, candidate_id)
    if not _is_own(request.user, cand):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Only the candidate may consent, withdraw or change the photo.")
    withdraw_form = WithdrawForm(request.POST if request.POST.get("which") == "withdraw" else None)
    if request.method == "POST":
        try:
            if request.POST.get("which") == "consent":
                do_consent_candidacy(cand, acting_user=request.user)
                messages.success(request, "You have consented to stand.")
                return redirect("ballots:candidate", ballot.pk, cand.pk)
            if request.POST.get("which") == "withdraw" and withdraw_form.is_valid():
                do_withdraw_candidacy(
                    cand, reason=withdraw_form.cleaned_data["reason"], acting_user=request.user
                )
                messages.success(request, "You have withdrawn.")
                return redirect("ballots:candidate", ballot.pk, cand.pk)
            if request.POST.get("which") == "woman":
                woman = request.POST.get("woman") == "yes"
                do_set_candidate_woman(cand, woman=woman, acting_user=request.user)
                messages.success(
                    request,
                    "Saved: you count toward the women's minimum."
                    if woman
                    else "Saved: you do not count toward the women's minimum.",
                )
                return redirect("ballots:consent", ballot.pk, cand.pk)
            if request.POST.get("which") == "reinstate":
                do_reinstate_candidacy(cand, acting_user=request.user)
                messages.success(request, "Your candidacy is reinstated.")
                return redirect("ballots:candidate", ballot.pk, cand.pk)
        except BallotError as exc:
            show_refusal(request, exc)
            return redirect("ballots:consent", ballot.pk, cand.pk)
    return render(
        request,
        "ballots/nominations_consent.html",
        {
            "ballot": ballot,
            "candidate": cand,
            "withdraw_form": withdraw_form,
            "photo_form": PhotoForm(),
            "draft": ballot.state == BallotState.DRAFT,
        },
    )


@require_http_methods(["GET", "POST"])
def photo(request: HttpRequest, ballot_id: int, candidate_id: int) -> HttpResponseBase:
    """GET /ballots/<id>/candidates/<cid>/photo/: the stored (re-encoded) photo, with its type
    and nosniff; POST: the candidate's new photo."""
    ballot = access_ballot(ballot_id, request.user)
    cand = _candidate(ballot, candidate_id)
    if request.method == "POST":
        if not _is_own(request.user, cand):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied("Only the candidate may change their photo.")
        form = PhotoForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                do_set_candidate_photo(cand, form.cleaned_data["photo"], acting_user=request.user)
            except BallotError as exc:
                show_refusal(request, exc)
            else:
                messages.success(request, "Your photo is saved.")
        else:
            messages.error(request, "Choose a PNG or JPEG file to upload.")
        return redirect("ballots:consent", ballot.pk, cand.pk)
    if not cand.photo or not default_storage.exists(cand.photo):
        raise Http404("This candidate has no photo.")
    response = FileResponse(
        default_storage.open(cand.photo), content_type=content_type_of(cand.photo)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_http_methods(["GET", "POST"])
def endorsements(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET /ballots/<id>/endorsements/: who endorses whom; POST (the manager): record one, or
    withdraw one before the issue."""
    ballot = access_ballot(ballot_id, request.user)
    manager = _may_manage(request.user, ballot)
    form = EndorsementForm(
        request.POST if request.POST.get("which") == "record" else None,
        candidates=q.candidates_of(ballot).filter(withdrawn_at__isnull=True),
    )
    if request.method == "POST":
        ballot = access_ballot(ballot_id, request.user, for_write=True)
        try:
            if request.POST.get("which") == "withdraw":
                endorsement = q.endorsement_of_ballot(ballot, request.POST.get("endorsement"))
                if endorsement is None:
                    raise Http404("No such endorsement in this ballot.")
                do_withdraw_endorsement(endorsement, acting_user=request.user)
                messages.success(request, "The endorsement is withdrawn.")
                return redirect("ballots:endorsements", ballot.pk)
            if form.is_valid():
                do_record_endorsement(
                    ballot,
                    candidate=form.cleaned_data["candidate"],
                    organisation=form.cleaned_data["organisation"],
                    reference=form.cleaned_data["reference"],
                    acting_user=request.user,
                )
                messages.success(request, "The endorsement is recorded.")
                return redirect("ballots:endorsements", ballot.pk)
        except BallotError as exc:
            show_refusal(form, exc)
    return render(
        request,
        "ballots/nominations_endorsements.html",
        {
            "ballot": ballot,
            "endorsements": q.endorsements_of(ballot),
            "form": form if manager and ballot.state in {"draft", "frozen"} else None,
            "manager": manager and ballot.state in {"draft", "frozen"},
        },
    )


@require_http_methods(["GET", "POST"])
def events(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """GET /ballots/<id>/events/: the post-issue events and their notices; POST (the manager,
    while the ballot is open): record one."""
    ballot = access_ballot(ballot_id, request.user)
    manager = _may_manage(request.user, ballot)
    form = EventForm(
        request.POST if request.method == "POST" else None,
        candidates=q.candidates_of(ballot).filter(on_ballot=True),
        endorsements=q.endorsements_of(ballot).filter(withdrawn_at__isnull=True),
    )
    if request.method == "POST":
        ballot = access_ballot(ballot_id, request.user, for_write=True)
        if form.is_valid():
            try:
                do_record_ballot_event(
                    ballot,
                    kind=form.cleaned_data["kind"],
                    candidate=form.cleaned_data["candidate"],
                    endorsement=form.cleaned_data["endorsement"],
                    authority=form.cleaned_data["authority"],
                    clause=form.cleaned_data["clause"],
                    notice=form.cleaned_data["notice"],
                    reference=form.cleaned_data["reference"],
                    occurred_at=timezone.now(),
                    acting_user=request.user,
                )
            except BallotError as exc:
                show_refusal(form, exc)
            else:
                messages.success(request, "The event is recorded and shown to voters.")
                return redirect("ballots:events", ballot.pk)
    return render(
        request,
        "ballots/nominations_events.html",
        {
            "ballot": ballot,
            "events": q.events_of(ballot),
            "show_returns": returns_shown(ballot, request.user),
            "notices": notices_for(ballot),
            "form": form if manager and ballot.state == BallotState.OPEN else None,
        },
    )
