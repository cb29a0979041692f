"""Pages of the policy register: the units that keep policies, a unit's policies (what binds it
nationally and what it adopted itself) as at a date, a policy with its versions, a version with
its diff, a motion's proposal, and the forms to table a policy motion or record a national
decision. Thin: access, a form, an action, ``show_refusal``."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from moot.errors import Refusal, RefusalCode, show_refusal
from moot.motions.lines import numbered_lines
from moot.policies import queries
from moot.policies.access import (
    access_policy,
    access_policy_meeting,
    access_proposal,
    access_unit_policies,
    access_version,
)
from moot.policies.actions import do_record_national_decision, table_policy_motion
from moot.policies.diff import diff_counts, line_diff
from moot.policies.forms import AsAtForm, NationalDecisionForm, PolicyMotionForm, versions_shown


def _as_at(request: HttpRequest) -> tuple[AsAtForm, datetime.date]:
    """The "as at" date asked for (today when none or invalid; the form shows the error)."""
    form = AsAtForm(request.GET or None)
    on = queries.today()
    if form.is_bound and form.is_valid() and form.cleaned_data.get("as_at"):
        on = form.cleaned_data["as_at"]
    return form, on


def _acting(request: HttpRequest) -> Any:
    """The signed-in account acting (the views are behind ``login_required``)."""
    return request.user


def _refused(form: Any, exc: Refusal, policies: Any) -> int:
    """Show the refusal on the form; its status (409 when the register changed since the page
    was drawn: the hidden versions are drawn again, so sending it again is a decision taken
    after reading the message)."""
    show_refusal(form, exc)
    if exc.code != RefusalCode.CONFLICT:
        return 200
    form.data = form.data.copy()
    form.data["base_version"] = versions_shown(policies)
    return 409


def _kinds(on: datetime.date) -> list[tuple[str, str]]:
    return [(k.slug, k.title) for k in queries.edition_on(on).policies.kinds]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("policies.view_policies", None):
        raise PermissionDenied("Only members and staff can see the policy register.")
    units = [
        u
        for u in queries.units_with_policy_counts()
        if request.user.has_perm("policies.view_policies", u)
    ]
    return render(request, "policies/index.html", {"units": units})


@login_required
def unit_policies(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = access_unit_policies(unit_id, request.user)
    form, on = _as_at(request)
    own = [queries.standing_on(p, on) for p in queries.policies_of(unit)]
    context = {
        "unit": unit,
        "as_at_form": form,
        "on": on,
        "own": own,
        "binding": queries.binding_on(unit, on),
        "kind_titles": dict(_kinds(on)),
        "can_decide": request.user.has_perm("policies.record_national_decision", unit),
        "meetings": queries.meetings_taking_motions(unit, request.user),
    }
    return render(request, "policies/unit.html", context)


@login_required
def detail(request: HttpRequest, policy_id: int) -> HttpResponse:
    policy = access_policy(policy_id, request.user)
    form, on = _as_at(request)
    versions = queries.versions_of(policy)
    standing = queries.standing_on(policy, on)
    latest = versions[-1] if versions else None
    rows = []
    for i, version in enumerate(versions):
        until = versions[i + 1].in_force_from if i + 1 < len(versions) else None
        rows.append((version, until))
    context = {
        "policy": policy,
        "as_at_form": form,
        "on": on,
        "standing": standing,
        "lines": numbered_lines(standing.version.text)
        if standing.in_force and standing.version is not None
        else [],
        "rows": rows,
        "latest": latest,
        "kind_title": queries.kind_title(policy.kind, on),
        "proposals": list(queries.proposals_for(policy)),
        "adoptions": list(policy.adoptions.select_related("unit")),
        "can_decide": request.user.has_perm("policies.record_national_decision", policy.unit),
        "meetings": queries.meetings_taking_motions(policy.unit, request.user),
    }
    return render(request, "policies/detail.html", context)


@login_required
def version(request: HttpRequest, version_id: int) -> HttpResponse:
    version = access_version(version_id, request.user)
    diff = queries.version_diff(version)
    deleted, inserted = diff_counts(diff)
    context = {
        "version": version,
        "policy": version.policy,
        "previous": queries.previous_version(version),
        "following": queries.next_version(version),
        "lines": numbered_lines(version.text),
        "diff": diff,
        "deleted": deleted,
        "inserted": inserted,
        "motion_visible": version.motion is not None
        and request.user.has_perm("motions.view_motion", version.motion),
    }
    return render(request, "policies/version.html", context)


@login_required
def proposal(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = access_proposal(proposal_id, request.user)
    base = proposal.base_version
    new_text = queries.proposed_text(proposal)
    context = {
        "proposal": proposal,
        "motion": proposal.motion,
        "base": base,
        "base_lines": numbered_lines(base.text) if base is not None else [],
        "diff": line_diff(base.text if base is not None else "", new_text)
        if new_text is not None
        else [],
        "new_text_problem": "" if new_text is not None else queries.proposed_text_problem(proposal),
    }
    return render(request, "policies/proposal.html", context)


@login_required
def propose(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_policy_meeting(meeting_id, request.user)
    unit = meeting.unit
    on = queries.today()
    member = getattr(request.user, "member", None)
    own_name = not request.user.has_perm("motions.manage_meeting_motions", meeting)
    initial: dict[str, Any] = {"mover": member.number} if member is not None else {}
    chosen = request.GET.get("policy")
    if chosen and chosen.isdigit():
        initial.update({"policy": int(chosen), "action": request.GET.get("action", "amend")})
    policies = queries.policies_of(unit)
    status = 200
    form = PolicyMotionForm(
        request.POST or None,
        initial=initial,
        policies=policies,
        national=queries.national_policies(),
        kinds=_kinds(on),
        own_name=own_name,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            motion = table_policy_motion(
                meeting,
                action=data["action"],
                policy=data.get("policy"),
                base_version=form.base_version_of(data.get("policy")),
                kind=data.get("kind") or "",
                title=data.get("title") or "",
                source=data.get("source") or "",
                source_policy=data.get("source_policy"),
                extent=data.get("extent") or "",
                text=data.get("text") or "",
                edits=data.get("edits") or [],
                motion_title=data["motion_title"],
                motion_text=data["motion_text"],
                mover=data["mover"],
                seconder=data["seconder"],
                acting_user=_acting(request),
            )
        except Refusal as exc:
            status = _refused(form, exc, policies)
        else:
            messages.success(request, f"Motion {motion.number} is tabled.")
            return redirect("motions:detail", motion_id=motion.pk)
    return render(
        request,
        "policies/form.html",
        {
            "title": f"Propose a policy change to {meeting.title}",
            "form": form,
            "submit": "Table the motion",
            "back": reverse("policies:unit", args=[unit.pk]),
            "policies": [(p, queries.latest_version(p)) for p in queries.policies_of(unit)],
        },
        status=status,
    )


@login_required
def national_decision(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = access_unit_policies(unit_id, request.user, for_national_decision=True)
    on = queries.today()
    initial: dict[str, Any] = {"decision_date": on}
    chosen = request.GET.get("policy")
    if chosen and chosen.isdigit():
        initial.update({"policy": int(chosen), "action": request.GET.get("action", "amend")})
    policies = queries.policies_of(unit)
    status = 200
    form = NationalDecisionForm(
        request.POST or None, initial=initial, policies=policies, kinds=_kinds(on)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = do_record_national_decision(
                unit,
                action=data["action"],
                policy=data.get("policy"),
                base_version=form.base_version_of(data.get("policy")),
                kind=data.get("kind") or "",
                title=data.get("title") or "",
                source=data.get("source") or "",
                extent=data.get("extent") or "",
                text=data.get("text") or "",
                edits=data.get("edits") or [],
                body=data["body"],
                decision_date=data["decision_date"],
                minute=data.get("minute") or "",
                in_force_from=data.get("in_force_from"),
                acting_user=_acting(request),
            )
        except Refusal as exc:
            status = _refused(form, exc, policies)
        else:
            messages.success(
                request, f"Version {version.number} of {version.policy.title} is recorded."
            )
            return redirect("policies:version", version_id=version.pk)
    return render(
        request,
        "policies/form.html",
        {
            "title": f"Record a national decision on {unit.name}'s policies",
            "form": form,
            "submit": "Record the decision",
            "back": reverse("policies:unit", args=[unit.pk]),
            "policies": [(p, queries.latest_version(p)) for p in queries.policies_of(unit)],
        },
        status=status,
    )
