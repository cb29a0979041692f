"""Pages of the register's authority: the proposals unit officers make and the membership
office's decisions on them (rulebook [membership.register])."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from moot.members import register
from moot.members.access import access_member, access_proposal, proposals_visible_to
from moot.members.errors import ActionError
from moot.members.models import ProposalState


def _decides(user: Any) -> bool:
    return bool(user.has_perm("members.decide_register", None))


@login_required
@require_GET
def proposals(request: HttpRequest) -> HttpResponse:
    """The office sees every pending proposal; a unit officer sees the ones they made."""
    user = request.user
    decides = _decides(user)
    if not decides and not user.has_perm("members.propose_register", None):
        raise PermissionDenied(
            "Proposals to the register are for unit secretaries and the membership office."
        )
    rows = proposals_visible_to(user)
    pending = rows.filter(state=ProposalState.PENDING).order_by("proposed_at", "id")
    decided = rows.filter(~Q(state=ProposalState.PENDING)).order_by("-decided_at", "-id")[:50]
    rules = _rules()
    return render(
        request,
        "members/proposals.html",
        {"pending": pending, "decided": decided, "decides": decides, "rules": rules},
    )


def _rules() -> Any:
    from moot.units.queries import edition_in_force

    return edition_in_force().membership.register


@login_required
@require_POST
def decide(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """POST ``decision`` ("approve" or "reject"), ``reason`` and, for a file with back-dated
    join dates, ``backdate_reason``."""
    proposal = access_proposal(proposal_id, request.user, for_write=True)
    decision = request.POST.get("decision", "")
    if decision not in ("approve", "reject"):
        messages.error(request, "Choose to approve or to reject the proposal.")
        return redirect("members:proposals")
    try:
        register.do_decide_proposal(
            proposal,
            approve=decision == "approve",
            reason=request.POST.get("reason", ""),
            backdate_reason=request.POST.get("backdate_reason", ""),
            acting_user=request.user,
        )
    except ActionError as error:
        messages.error(request, f"Proposal {proposal.pk} not decided: {error}")
    else:
        messages.success(request, f"Proposal {proposal.pk} {decision}d.")
    return redirect("members:proposals")


@login_required
@require_POST
def change_register_entry(request: HttpRequest, member_id: int) -> HttpResponse:
    """POST ``email``, ``joined_on`` (YYYY-MM-DD) and ``reason``: the register's authority
    changes the member's entry; a unit officer's change becomes a proposal to it."""
    import datetime

    member = access_member(member_id, request.user)
    user = request.user
    back = redirect(reverse("members:detail", args=[member.pk]) + "#actions-heading")
    decides = user.has_perm("members.decide_register", member)
    if not decides and not user.has_perm("members.propose_register", member):
        rules = _rules()
        raise PermissionDenied(
            "Only the register's authority changes a member's e-mail address or join date"
            + (f" (clause {rules.clause})" if rules.clause else "")
            + "."
        )
    email = request.POST.get("email")
    raw_joined = request.POST.get("joined_on", "").strip()
    joined_on = None
    if raw_joined:
        try:
            joined_on = datetime.date.fromisoformat(raw_joined)
        except ValueError:
            messages.error(request, f"'{raw_joined}' is not a date; write it as YYYY-MM-DD.")
            return back
    email = None if email is None or email.strip().lower() == member.email else email
    joined_on = None if joined_on == member.joined_on else joined_on
    reason = request.POST.get("reason", "")
    try:
        if decides:
            register.do_change_register_entry(
                member, email=email, joined_on=joined_on, reason=reason, acting_user=user
            )
            messages.success(request, f"The register entry of {member.full_name} is changed.")
        else:
            proposal = register.do_propose_member_change(
                member, email=email, joined_on=joined_on, reason=reason, acting_user=user
            )
            messages.success(
                request,
                f"Proposal {proposal.pk} sent to the membership office; it decides.",
            )
    except ActionError as error:
        messages.error(request, f"Nothing changed: {error}")
    return back
