"""Fetch a unit's policies, a policy or a version and authorise the user in one step
(moot.access): 404 when it does not exist or the user may not see it (the same answer), 403
when they may see it but not do what they ask."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from moot.access import authorise
from moot.ids import parse_id
from moot.policies.models import Policy, PolicyVersion

NATIONAL_REFUSED = (
    "Only national staff record the national executive's decisions on national policies; a "
    "unit changes its own policies by a motion carried at its meeting."
)


def access_unit_policies(unit_id: Any, user: Any, *, for_national_decision: bool = False) -> Any:
    """The unit, if the user may see its policies (``for_national_decision``: may record a
    national decision on them)."""
    from moot.units.models import Unit

    unit = Unit.objects.select_related("parent").filter(pk=parse_id(unit_id) or 0).first()
    if for_national_decision and unit is not None and unit.kind != "national":
        # Not even a superuser: a unit's policies change only by its own carried motions.
        authorise(unit, user, view="policies.view_policies", missing="No such unit.")
        raise PermissionDenied(NATIONAL_REFUSED)
    return authorise(
        unit,
        user,
        view="policies.view_policies",
        missing="No such unit.",
        permission="policies.record_national_decision" if for_national_decision else None,
        refused=NATIONAL_REFUSED,
    )


def access_policy(policy_id: Any, user: Any, *, for_national_decision: bool = False) -> Policy:
    """The policy, if the user may see it (``for_national_decision``: may record a national
    decision on it)."""
    policy = (
        Policy.objects.select_related("unit", "source_policy__unit")
        .filter(pk=parse_id(policy_id) or 0)
        .first()
    )
    return authorise(
        policy,
        user,
        view="policies.view_policies",
        missing="No such policy.",
        permission="policies.record_national_decision" if for_national_decision else None,
        refused=NATIONAL_REFUSED,
        target=policy.unit if policy is not None else None,
    )


def access_version(version_id: Any, user: Any) -> PolicyVersion:
    """The version, if the user may see its policy."""
    version = (
        PolicyVersion.objects.select_related("policy__unit", "motion__meeting")
        .filter(pk=parse_id(version_id) or 0)
        .first()
    )
    return authorise(
        version,
        user,
        view="policies.view_policies",
        missing="No such policy version.",
    )


def access_policy_meeting(meeting_id: Any, user: Any) -> Any:
    """The meeting, if the user may see its motions and table a policy motion for it."""
    from moot.meetings.models import Meeting

    meeting = (
        Meeting.objects.select_related("unit", "chair", "secretary")
        .filter(pk=parse_id(meeting_id) or 0)
        .first()
    )
    return authorise(
        meeting,
        user,
        view="motions.view_meeting_motions",
        missing="No such meeting.",
        permission="policies.table_policy_motion",
        refused="Only members of the meeting's unit and its officers can table motions for it.",
    )


def access_proposal(proposal_id: Any, user: Any) -> Any:
    """A motion's policy proposal, if the user may see the motion (404 otherwise, as for one
    that does not exist)."""
    from django.http import Http404

    from moot.policies.models import PolicyProposal

    proposal = (
        PolicyProposal.objects.select_related(
            "motion__meeting__unit", "policy__unit", "base_version", "result_version"
        )
        .filter(pk=parse_id(proposal_id) or 0)
        .first()
    )
    if proposal is None or not user.has_perm("motions.view_motion", proposal.motion):
        raise Http404("No such proposal.")
    from moot.motions.confidential import is_withheld, may_read_confidential

    if is_withheld(proposal.motion) and not may_read_confidential(user, proposal.motion):
        # A motion withheld as confidential business shows nothing of what it proposed.
        raise Http404("No such proposal.")
    return proposal
