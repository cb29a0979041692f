"""Motion pages: a meeting's motions, tabling, the motion (numbered text, amendments, rulings,
vote and outcome, history), the ruling form, amendments, composites, forwarding and a unit's
received motions. Thin: access, actions and queries do the work; every page works without
JavaScript, and htmx refreshes the live turnout of an open vote."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from moot.audit.verbs import with_former
from moot.errors import show_refusal
from moot.motions import queries
from moot.motions.access import (
    MANAGE_REFUSED,
    access_amendment,
    access_meeting_motions,
    access_motion,
    access_received,
    access_ruling,
)
from moot.motions.actions import (
    MotionError,
    do_accept_amendment,
    do_challenge_ruling,
    do_close_amendment_vote,
    do_close_challenge,
    do_close_motion_vote,
    do_composite_motions,
    do_forward_motion,
    do_open_amendment_vote,
    do_open_motion_vote,
    do_propose_amendment,
    do_record_motion_outcome,
    do_remit_motion,
    do_rule_on_motion,
    do_table_motion,
    do_withdraw_amendment,
    do_withdraw_motion,
    tabling_window,
)
from moot.motions.actions.confidential import do_read_confidential
from moot.motions.actions.rulings import challenge_refusal
from moot.motions.audit_verbs import AuditVerb as MotionVerb
from moot.motions.confidential import is_withheld, may_read_confidential, withheld, withhold
from moot.motions.extensions import motion_notes
from moot.motions.forms import (
    AmendmentForm,
    ChallengeForm,
    CompositeForm,
    RemitForm,
    RulingForm,
    TableMotionForm,
    VoteForm,
    WithdrawForm,
)
from moot.motions.models import Motion
from moot.polls.permissions import member_of
from moot.polls.queries import turnout as poll_turnout

# What the motion's history calls each event; events written before the verbs were renamed
# (December 2026) keep their old verb and are shown by the same words.
VERBS = {
    verb: label
    for new, label in {
        MotionVerb.TABLE_MOTION: "Tabled",
        MotionVerb.RULE_ON_MOTION: "Competence ruling",
        MotionVerb.CHALLENGE_RULING: "Ruling challenged",
        MotionVerb.CLOSE_CHALLENGE: "Challenge decided",
        MotionVerb.PROPOSE_AMENDMENT: "Amendment proposed",
        MotionVerb.ACCEPT_AMENDMENT: "Amendment accepted by the mover",
        MotionVerb.WITHDRAW_AMENDMENT: "Amendment withdrawn",
        MotionVerb.OPEN_AMENDMENT_VOTE: "Amendment put to the vote",
        MotionVerb.CLOSE_AMENDMENT_VOTE: "Amendment vote closed",
        MotionVerb.COMPOSITED: "Composited",
        MotionVerb.COMPOSITE_MOTIONS: "Composite motion made",
        MotionVerb.OPEN_MOTION_VOTE: "Put to the vote",
        MotionVerb.RECORD_MOTION_OUTCOME: "Outcome recorded",
        MotionVerb.FORWARD_MOTION: "Forwarded",
        MotionVerb.WITHDRAW_MOTION: "Withdrawn",
        MotionVerb.REMIT_MOTION: "Remitted",
    }.items()
    for verb in with_former(new)
}


def _form_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    """A form page; shown again with the problems named (status 200, as the browser expects
    for a form it posted) when the input or an action's rule refuses it."""
    return render(request, "motions/form.html", context)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    motions = withheld(queries.motions_visible_to(request.user))
    receiving = queries.receiving_units_for(request.user)
    return render(request, "motions/index.html", {"motions": motions, "receiving": receiving})


@login_required
@require_GET
def meeting_motions(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting_motions(meeting_id, request.user)
    records = list(queries.motions_of(meeting))
    can_manage = request.user.has_perm("motions.manage_meeting_motions", meeting)
    # The chair's private notes, worked out now for this user (empty for everyone else), on
    # the records themselves: a held motion's shown copy carries only its public sentence.
    noted = {m.pk for m in records if queries.chair_flags(m, request.user)}
    motions = withheld(records)
    warned = {m.pk for m in motions if m.is_open and queries.public_warnings(m)}
    context = {
        "meeting": meeting,
        "motions": motions,
        "noted": noted,
        "warned": warned,
        "can_table": request.user.has_perm("motions.table_motion", meeting),
        "window": tabling_window(meeting, timezone.localdate(), member=member_of(request.user)),
        "can_manage": can_manage,
    }
    return render(request, "motions/meeting_motions.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def table_motion(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting_motions(meeting_id, request.user, for_write=True)
    window = tabling_window(meeting, timezone.localdate(), member=member_of(request.user))
    if not window.open:
        # Not offered: the action would refuse it. Why, with the clause, and what to do.
        return render(request, "motions/closed.html", {"meeting": meeting, "window": window})
    member = getattr(request.user, "member", None)
    initial = {"mover": member.number} if member is not None else {}
    own_name = not request.user.has_perm("motions.manage_meeting_motions", meeting)
    form = TableMotionForm(
        request.POST or None,
        meeting=meeting,
        initial=initial,
        own_name=own_name,
        user=request.user,
    )
    if request.method == "POST" and "lookup" in request.POST:
        form.run_lookup(request.POST["lookup"])  # shows the members found; tables nothing
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            motion = do_table_motion(
                meeting,
                title=data["title"],
                text=data["text"],
                mover=data["mover"],
                seconder=data["seconder"],
                proposer_kind=data["proposer_kind"],
                proposer=form.proposer(),
                affiliate_to=data.get("affiliate_to"),
                acting_user=request.user,
            )
        except MotionError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"Motion {motion.number} is tabled.")
            for warning in queries.public_warnings(motion):
                messages.warning(request, warning.text)
            return redirect("motions:detail", motion_id=motion.pk)
    return _form_page(
        request,
        {
            "title": f"Table a motion for {meeting.title}",
            "form": form,
            "submit": "Table the motion",
            "back": ("motions:meeting", meeting.pk),
            "meeting": meeting,
        },
    )


@login_required
@require_GET
def detail(request: HttpRequest, motion_id: int) -> HttpResponse:
    motion = access_motion(motion_id, request.user)
    user = request.user
    if is_withheld(motion):
        # Confidential business: the public sentence for everyone, the text for the chair,
        # the secretary and complaints staff — each such read recorded before it is shown.
        if not may_read_confidential(user, motion):
            return render(
                request,
                "motions/withheld.html",
                {"motion": withhold(motion), "ruling": queries.current_ruling(motion)},
            )
        do_read_confidential(motion, acting_user=user)
    can_manage = user.has_perm("motions.manage_motion", motion)
    amendments = list(motion.amendments.select_related("mover", "seconder", "poll"))
    history = [
        (event, VERBS.get(event.verb, event.verb.removeprefix("motions.")))
        for event in queries.history(motion)
    ]
    current = queries.current_ruling(motion)
    context = {
        "motion": motion,
        "lines": queries.lines_of(motion),
        "amended": any(a.is_applied for a in amendments),
        "amended_lines": queries.amended_lines(motion),
        "amendments": amendments,
        "rulings": list(motion.rulings.select_related("challenge_poll", "challenged_by")),
        "ruling": current,
        "warnings": queries.public_warnings(motion),
        # What apps above motions say about it (a policy it proposes to adopt or change).
        "extension_notes": motion_notes(motion),
        # The chair's private flag: computed now, for this user only (empty for everyone else).
        "chair_flags": queries.chair_flags(motion, user),
        "history": history,
        "can_manage": can_manage,
        "can_rule": user.has_perm("motions.rule_on_motion", motion),
        "can_amend": user.has_perm("motions.propose_amendment", motion)
        and motion.state in {"tabled", "admitted"},
        # Why an app above motions refuses amendments to it (a policy motion), shown instead
        # of the form that would be refused.
        "amend_refusal": _amendment_refusal(motion),
        "is_mover": can_manage or user.has_perm("motions.accept_amendment", _probe(motion)),
        "vote_form": VoteForm(prefix="vote") if can_manage else None,
        "challenge_form": ChallengeForm(prefix="challenge") if can_manage else None,
        # Why the current ruling is not the meeting's to challenge (confidential business).
        "challenge_refusal": challenge_refusal(current) if current is not None else "",
        "composited_from": list(motion.composited_from.order_by("number")),
        "turnout": poll_turnout(motion.poll) if motion.poll is not None else None,
    }
    return render(request, "motions/detail.html", context)


def _amendment_refusal(motion: Motion) -> str:
    from moot.errors import Refusal
    from moot.motions.extensions import check_amendment

    try:
        check_amendment(motion)
    except Refusal as exc:
        return str(exc)
    return ""


def _probe(motion: Motion) -> Any:
    """An unsaved amendment of ``motion``, to ask "may this user accept its amendments?"."""
    from moot.motions.models import Amendment

    return Amendment(motion=motion)


@login_required
@require_http_methods(["GET", "POST"])
def rule(request: HttpRequest, motion_id: int) -> HttpResponse:
    motion = access_motion(motion_id, request.user, permission="motions.rule_on_motion")
    if not motion.is_open or motion.state == "debated":
        messages.error(
            request,
            f"Motion {motion.number} is {motion.get_state_display()}; it can be ruled on only "
            "before it is put to the vote.",
        )
        return redirect("motions:detail", motion_id=motion.pk)
    categories = queries.competence_categories(motion.meeting)
    form = RulingForm(request.POST or None, categories=categories)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            do_rule_on_motion(
                motion,
                decision=data["decision"],
                reasons=data["reasons"],
                clause=data["clause"],
                category=data["category"],
                referred_to=data["referred_to"],
                acting_user=request.user,
            )
        except MotionError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "The ruling is recorded.")
            return redirect("motions:detail", motion_id=motion.pk)
    return _form_page(
        request,
        {
            "title": f"Rule on motion {motion.number}: {motion.title}",
            "form": form,
            "submit": "Record the ruling",
            "back": ("motions:detail", motion.pk),
            "motion": motion,
            "categories": categories,
            "chair_flags": queries.chair_flags(motion, request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def amend(request: HttpRequest, motion_id: int) -> HttpResponse:
    motion = access_motion(motion_id, request.user, permission="motions.propose_amendment")
    if is_withheld(motion):
        messages.error(
            request,
            f"Motion {motion.number} was ruled not competent; it cannot be amended."
            if motion.withheld_as
            else f"Motion {motion.number} awaits the chair's ruling on competence; it cannot "
            "be amended until then.",
        )
        return redirect("motions:detail", motion_id=motion.pk)
    if refusal := _amendment_refusal(motion):
        messages.error(request, refusal)
        return redirect("motions:detail", motion_id=motion.pk)
    member = getattr(request.user, "member", None)
    initial = {"mover": member.number} if member is not None else {}
    form = AmendmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            amendment = do_propose_amendment(
                motion,
                action=data["action"],
                line_from=data["line_from"],
                line_to=data.get("line_to"),
                text=data.get("text") or "",
                mover=data["mover"],
                seconder=data.get("seconder"),
                acting_user=request.user,
            )
        except MotionError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"Amendment {amendment.number} is proposed.")
            return redirect("motions:detail", motion_id=motion.pk)
    return _form_page(
        request,
        {
            "title": f"Amend motion {motion.number}: {motion.title}",
            "form": form,
            "submit": "Propose the amendment",
            "back": ("motions:detail", motion.pk),
            "motion": motion,
            "lines": queries.lines_of(motion),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def composite(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting_motions(meeting_id, request.user)
    if not request.user.has_perm("motions.manage_meeting_motions", meeting):
        raise PermissionDenied(MANAGE_REFUSED)
    form = CompositeForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            motion = do_composite_motions(
                list(data["motions"]),
                title=data["title"],
                text=data["text"],
                mover=data["mover"],
                seconder=data["seconder"],
                acting_user=request.user,
            )
        except MotionError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"Composite motion {motion.number} is made.")
            return redirect("motions:detail", motion_id=motion.pk)
    return _form_page(
        request,
        {
            "title": f"Composite motions for {meeting.title}",
            "form": form,
            "submit": "Make the composite motion",
            "back": ("motions:meeting", meeting.pk),
            "meeting": meeting,
        },
    )


def _post_action(
    request: HttpRequest, motion: Motion, fn: Callable[[], Any], done: str
) -> HttpResponse:
    try:
        fn()
    except MotionError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, done)
    return redirect("motions:detail", motion_id=motion.pk)


@login_required
@require_POST
def open_vote(request: HttpRequest, motion_id: int) -> HttpResponse:
    motion = access_motion(motion_id, request.user, permission="motions.manage_motion")
    form = VoteForm(request.POST, prefix="vote")
    if not form.is_valid():
        messages.error(request, "Choose how the vote is taken.")
        return redirect("motions:detail", motion_id=motion.pk)
    data = form.cleaned_data
    return _post_action(
        request,
        motion,
        lambda: do_open_motion_vote(
            motion, voting=data["voting"], secret=data["secret"], acting_user=request.user
        ),
        "The motion is put to the vote.",
    )


@login_required
@require_POST
def close_vote(request: HttpRequest, motion_id: int) -> HttpResponse:
    motion = access_motion(motion_id, request.user, permission="motions.manage_motion")
    return _post_action(
        request,
        motion,
        lambda: do_close_motion_vote(motion, acting_user=request.user),
        "The vote is closed and the outcome recorded.",
    )


@login_required
@require_POST
def record_outcome(request: HttpRequest, motion_id: int) -> HttpResponse:
    motion = access_motion(motion_id, request.user, permission="motions.manage_motion")
    return _post_action(
        request,
        motion,
        lambda: do_record_motion_outcome(motion, acting_user=request.user),
        "The outcome is recorded.",
    )


@login_required
@require_POST
def forward(request: HttpRequest, motion_id: int) -> HttpResponse:
    motion = access_motion(motion_id, request.user, permission="motions.manage_motion")
    return _post_action(
        request,
        motion,
        lambda: do_forward_motion(motion, acting_user=request.user),
        "The motion is forwarded to the parent unit.",
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, motion_id: int) -> HttpResponse:
    motion = access_motion(motion_id, request.user)
    member = getattr(request.user, "member", None)
    is_mover = member is not None and member.pk == motion.mover_id
    if not is_mover:
        motion = access_motion(motion_id, request.user, permission="motions.manage_motion")
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _post_action(
        request,
        motion,
        lambda: do_withdraw_motion(motion, reason=reason, acting_user=request.user),
        "The motion is withdrawn.",
    )


@login_required
@require_POST
def remit(request: HttpRequest, motion_id: int) -> HttpResponse:
    motion = access_motion(motion_id, request.user, permission="motions.manage_motion")
    form = RemitForm(request.POST)
    to = form.cleaned_data["to"] if form.is_valid() else ""
    return _post_action(
        request,
        motion,
        lambda: do_remit_motion(motion, to=to or "", acting_user=request.user),
        "The motion is remitted.",
    )


@login_required
@require_POST
def accept_amendment(request: HttpRequest, amendment_id: int) -> HttpResponse:
    amendment = access_amendment(amendment_id, request.user, permission="motions.accept_amendment")
    return _post_action(
        request,
        amendment.motion,
        lambda: do_accept_amendment(amendment, acting_user=request.user),
        f"Amendment {amendment.number} is accepted and is now part of the motion.",
    )


@login_required
@require_POST
def withdraw_amendment(request: HttpRequest, amendment_id: int) -> HttpResponse:
    amendment = access_amendment(amendment_id, request.user)
    member = getattr(request.user, "member", None)
    if member is None or member.pk != amendment.mover_id:
        amendment = access_amendment(amendment_id, request.user, permission="motions.manage_motion")
    return _post_action(
        request,
        amendment.motion,
        lambda: do_withdraw_amendment(amendment, acting_user=request.user),
        f"Amendment {amendment.number} is withdrawn.",
    )


@login_required
@require_POST
def amendment_vote(request: HttpRequest, amendment_id: int) -> HttpResponse:
    amendment = access_amendment(amendment_id, request.user, permission="motions.manage_motion")
    form = VoteForm(request.POST, prefix="vote")
    data = form.cleaned_data if form.is_valid() else {"voting": "show_of_hands", "secret": False}
    return _post_action(
        request,
        amendment.motion,
        lambda: do_open_amendment_vote(
            amendment, voting=data["voting"], secret=data["secret"], acting_user=request.user
        ),
        f"Amendment {amendment.number} is put to the vote.",
    )


@login_required
@require_POST
def close_amendment_vote(request: HttpRequest, amendment_id: int) -> HttpResponse:
    amendment = access_amendment(amendment_id, request.user, permission="motions.manage_motion")
    return _post_action(
        request,
        amendment.motion,
        lambda: do_close_amendment_vote(amendment, acting_user=request.user),
        f"The vote on amendment {amendment.number} is closed.",
    )


@login_required
@require_POST
def challenge(request: HttpRequest, ruling_id: int) -> HttpResponse:
    ruling = access_ruling(ruling_id, request.user, permission="motions.manage_motion")
    form = ChallengeForm(request.POST, prefix="challenge")
    if not form.is_valid():
        errors = "; ".join(e for errs in form.errors.values() for e in errs)
        messages.error(request, f"The challenge was not put: {errors}")
        return redirect("motions:detail", motion_id=ruling.motion_id)
    data = form.cleaned_data
    return _post_action(
        request,
        ruling.motion,
        lambda: do_challenge_ruling(
            ruling,
            moved_by=data.get("moved_by"),
            voting=data["voting"],
            secret=data["secret"],
            acting_user=request.user,
        ),
        "The challenge to the chair's ruling is put to the vote.",
    )


@login_required
@require_POST
def close_challenge(request: HttpRequest, ruling_id: int) -> HttpResponse:
    ruling = access_ruling(ruling_id, request.user, permission="motions.manage_motion")
    return _post_action(
        request,
        ruling.motion,
        lambda: do_close_challenge(ruling, acting_user=request.user),
        "The challenge vote is closed.",
    )


@login_required
@require_GET
def received(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = access_received(unit_id, request.user)
    return render(
        request,
        "motions/received.html",
        {"unit": unit, "motions": withheld(queries.received_motions(unit))},
    )
