"""The policy register in the JSON API: a unit's policies as at a date (what binds it nationally
and what it adopted itself), a policy with its versions and its standing on a date
(``?as_at=YYYY-MM-DD``: "was the definition in force on 1 September?"), a version with its line
diff; a national decision (national staff) and a motion proposing a change.

Refusals: 422 with ``detail``, ``clause`` and ``field`` (the rulebook or the input), 409 when
the policy changed since the change was proposed to it (``base_version``) or is already
adopted, 403 when the caller may not, 404 when there is no such thing or the caller may not see
it."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from pydantic import ConfigDict

from moot.accounts.api_auth import API_AUTH
from moot.api_common import Message
from moot.api_common import caller as _user
from moot.members.access import access_named_member
from moot.policies import queries
from moot.policies.access import (
    access_policy,
    access_policy_meeting,
    access_proposal,
    access_unit_policies,
    access_version,
)
from moot.policies.actions import do_record_national_decision, table_policy_motion
from moot.policies.diff import line_diff
from moot.policies.errors import PolicyError
from moot.policies.models import Policy, PolicyVersion
from moot.text import ModelText, Text

router = Router(tags=["policies"], auth=API_AUTH)

REFUSALS: dict[int, Any] = {403: Message, 404: Message, 409: Message, 422: Message}


class VersionOut(Schema):
    id: int
    number: int
    action: str
    extent: str
    in_force_from: datetime.date
    in_force_to: datetime.date | None
    decided_by: str
    decision: str
    decision_body: str
    decision_date: datetime.date
    decision_ref: str
    motion_id: int | None
    clause: str
    summary: str
    text: str


class DiffLineOut(Schema):
    op: str
    old_number: int | None
    new_number: int | None
    text: str


class VersionDetailOut(VersionOut):
    policy_id: int
    diff: list[DiffLineOut]


class StandingOut(Schema):
    as_at: datetime.date
    in_force: bool
    version: int | None
    until: datetime.date | None
    sentence: str


class PolicyOut(Schema):
    id: int
    unit_id: int
    unit: str
    kind: str
    title: str
    source: str
    source_policy_id: int | None
    standing: StandingOut


class ProposalSummary(Schema):
    id: int
    motion_id: int
    action: str


class PolicyDetailOut(PolicyOut):
    text_in_force: str
    versions: list[VersionOut]
    proposals: list[ProposalSummary]  # motions before a meeting to change it, as you may see


class EditOut(Schema):
    action: str
    line_from: int
    line_to: int | None
    text: str


class ProposalOut(Schema):
    id: int
    motion_id: int
    motion_state: str
    action: str
    policy_id: int | None
    base_version: int | None
    kind: str
    title: str
    source: str
    source_policy_id: int | None
    extent: str
    edits: list[EditOut]
    text_if_carried: str | None  # None: the changes no longer apply to the version
    diff: list[DiffLineOut]
    result_version_id: int | None
    refusal: str
    refusal_clause: str


class BindingOut(Schema):
    policy: PolicyOut
    clause: str
    rule: str


class UnitPoliciesOut(Schema):
    unit_id: int
    unit: str
    as_at: datetime.date
    binding: list[BindingOut]
    own: list[PolicyOut]


def _standing(standing: queries.Standing) -> dict[str, Any]:
    return {
        "as_at": standing.on,
        "in_force": standing.in_force,
        "version": standing.version.number if standing.version else None,
        "until": standing.until,
        "sentence": standing.sentence,
    }


def _policy_out(policy: Policy, on: datetime.date) -> dict[str, Any]:
    return {
        "id": policy.pk,
        "unit_id": policy.unit_id,
        "unit": policy.unit.name,
        "kind": policy.kind,
        "title": policy.title,
        "source": policy.source,
        "source_policy_id": policy.source_policy_id,
        "standing": _standing(queries.standing_on(policy, on)),
    }


def _version_out(version: PolicyVersion, until: datetime.date | None) -> dict[str, Any]:
    return {
        "id": version.pk,
        "number": version.number,
        "action": version.action,
        "extent": version.extent,
        "in_force_from": version.in_force_from,
        "in_force_to": until,
        "decided_by": version.decided_by,
        "decision": version.decision_label,
        "decision_body": version.decision_body,
        "decision_date": version.decision_date,
        "decision_ref": version.decision_ref,
        "motion_id": version.motion_id,
        "clause": version.clause,
        "summary": version.summary,
        "text": version.text,
    }


def _versions(policy: Policy) -> list[dict[str, Any]]:
    versions = queries.versions_of(policy)
    return [
        _version_out(v, versions[i + 1].in_force_from if i + 1 < len(versions) else None)
        for i, v in enumerate(versions)
    ]


def _on(as_at: datetime.date | None) -> datetime.date:
    return as_at or queries.today()


@router.get(
    "/",
    response={200: list[PolicyOut], **REFUSALS},
    summary="Policies (of a unit with ?unit=), each with its standing as at a date",
)
def list_policies(
    request: HttpRequest, unit: int | None = None, as_at: datetime.date | None = None
) -> list[dict[str, Any]]:
    user = _user(request)
    on = _on(as_at)
    if unit is not None:
        policies = queries.policies_of(access_unit_policies(unit, user))
    else:
        if not user.has_perm("policies.view_policies", None):
            raise PermissionDenied("Only members and staff can see the policy register.")
        policies = queries.all_policies()
    return [_policy_out(p, on) for p in policies]


@router.get(
    "/units/{unit_id}",
    response={200: UnitPoliciesOut, **REFUSALS},
    summary="What binds a unit nationally and what it adopted itself, as at a date",
)
def unit_policies(
    request: HttpRequest, unit_id: int, as_at: datetime.date | None = None
) -> dict[str, Any]:
    unit = access_unit_policies(unit_id, _user(request))
    on = _on(as_at)
    return {
        "unit_id": unit.pk,
        "unit": unit.name,
        "as_at": on,
        "binding": [
            {"policy": _policy_out(b.standing.policy, on), "clause": b.clause, "rule": b.rule_text}
            for b in queries.binding_on(unit, on)
        ],
        "own": [_policy_out(p, on) for p in queries.policies_of(unit)],
    }


@router.get(
    "/{int:policy_id}",
    response={200: PolicyDetailOut, **REFUSALS},
    summary="A policy, its versions and the text in force as at a date",
)
def policy_detail(
    request: HttpRequest, policy_id: int, as_at: datetime.date | None = None
) -> dict[str, Any]:
    policy = access_policy(policy_id, _user(request))
    on = _on(as_at)
    standing = queries.standing_on(policy, on)
    user = _user(request)
    proposals = [
        {"id": p.pk, "motion_id": p.motion_id, "action": p.action}
        for p in queries.proposals_for(policy)
        if user.has_perm("motions.view_motion", p.motion)
    ]
    return {
        **_policy_out(policy, on),
        "proposals": proposals,
        "text_in_force": standing.version.text
        if standing.in_force and standing.version is not None
        else "",
        "versions": _versions(policy),
    }


@router.get(
    "/{int:policy_id}/versions",
    response={200: list[VersionOut], **REFUSALS},
    summary="A policy's versions, oldest first, with the dates each was in force",
)
def policy_versions(request: HttpRequest, policy_id: int) -> list[dict[str, Any]]:
    return _versions(access_policy(policy_id, _user(request)))


@router.get(
    "/versions/{version_id}",
    response={200: VersionDetailOut, **REFUSALS},
    summary="A version with its line diff from the previous version",
)
def version_detail(request: HttpRequest, version_id: int) -> dict[str, Any]:
    version = access_version(version_id, _user(request))
    following = queries.next_version(version)
    return {
        **_version_out(version, following.in_force_from if following else None),
        "policy_id": version.policy_id,
        "diff": [vars(row) for row in queries.version_diff(version)],
    }


@router.get(
    "/proposals/{int:proposal_id}",
    response={200: ProposalOut, **REFUSALS},
    summary="What a motion proposes for the register, with the text if carried and its diff",
)
def proposal_detail(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    proposal = access_proposal(proposal_id, _user(request))
    base = proposal.base_version
    new_text = queries.proposed_text(proposal)
    diff = (
        line_diff(base.text if base is not None else "", new_text) if new_text is not None else []
    )
    return {
        "id": proposal.pk,
        "motion_id": proposal.motion_id,
        "motion_state": proposal.motion.state,
        "action": proposal.action,
        "policy_id": proposal.policy_id,
        "base_version": base.number if base is not None else None,
        "kind": proposal.kind,
        "title": proposal.title,
        "source": proposal.source,
        "source_policy_id": proposal.source_policy_id,
        "extent": proposal.extent,
        "edits": proposal.edits,
        "text_if_carried": new_text,
        "diff": [vars(row) for row in diff],
        "result_version_id": proposal.result_version_id,
        "refusal": proposal.refusal,
        "refusal_clause": proposal.refusal_clause,
    }


class EditIn(Schema):
    model_config = ConfigDict(extra="forbid")

    action: Literal["replace", "insert", "delete"]
    line_from: int
    line_to: int | None = None
    text: Annotated[str, Text(20_000, single_line=False)] = ""


class ChangeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    action: Literal["adopt", "amend", "rescind"]
    policy_id: int | None = None
    base_version: int | None = None  # the version number the change is proposed to
    kind: Annotated[str, Text(40)] = ""
    title: Annotated[str, ModelText(Policy, "title")] = ""
    source: Annotated[str, ModelText(Policy, "source")] = ""
    extent: Literal["", "full", "part"] = ""
    text: Annotated[str, Text(200_000, single_line=False)] = ""
    edits: list[EditIn] = []


class NationalDecisionIn(ChangeIn):
    body: Annotated[str, Text(200)]
    decision_date: datetime.date
    minute: Annotated[str, Text(200)] = ""
    in_force_from: datetime.date | None = None


class PolicyMotionIn(ChangeIn):
    meeting: int
    source_policy_id: int | None = None
    motion_title: Annotated[str, Text(300)]
    motion_text: Annotated[str, Text(single_line=False)]
    mover: Annotated[str, Text(20)]
    seconder: Annotated[str, Text(20)]


class MotionCreatedOut(Schema):
    motion_id: int
    number: int
    proposal_id: int


def _named_policy(policy_id: int | None, user: Any, field: str) -> Policy | None:
    if policy_id is None:
        return None
    try:
        return access_policy(policy_id, user)
    except Http404:
        raise PolicyError(f"{field}: there is no policy {policy_id}.", field=field) from None


def _base(policy: Policy | None, number: int | None) -> PolicyVersion | None:
    if policy is None or number is None:
        return None
    version = queries.version_numbered(policy, number)
    if version is None:
        raise PolicyError(f"{policy.title} has no version {number}.", field="base_version")
    return version


@router.post(
    "/units/{unit_id}/national-decisions",
    response={201: VersionOut, **REFUSALS},
    summary="Record a national decision adopting, amending or rescinding a national policy",
)
def record_national_decision(
    request: HttpRequest, unit_id: int, payload: NationalDecisionIn
) -> Status:
    user = _user(request)
    unit = access_unit_policies(unit_id, user, for_national_decision=True)
    policy = _named_policy(payload.policy_id, user, "policy_id")
    version = do_record_national_decision(
        unit,
        action=payload.action,
        policy=policy,
        base_version=_base(policy, payload.base_version),
        kind=payload.kind,
        title=payload.title,
        source=payload.source,
        extent=payload.extent,
        text=payload.text,
        edits=[e.model_dump() for e in payload.edits],
        body=payload.body,
        decision_date=payload.decision_date,
        minute=payload.minute,
        in_force_from=payload.in_force_from,
        acting_user=user,
    )
    return Status(201, _version_out(version, None))


@router.post(
    "/motions",
    response={201: MotionCreatedOut, **REFUSALS},
    summary="Table a motion proposing to adopt, amend (line-numbered) or rescind a policy",
)
def create_policy_motion(request: HttpRequest, payload: PolicyMotionIn) -> Status:
    user = _user(request)
    meeting = access_policy_meeting(payload.meeting, user)
    policy = _named_policy(payload.policy_id, user, "policy_id")
    motion = table_policy_motion(
        meeting,
        action=payload.action,
        policy=policy,
        base_version=_base(policy, payload.base_version),
        kind=payload.kind,
        title=payload.title,
        source=payload.source,
        source_policy=_named_policy(payload.source_policy_id, user, "source_policy_id"),
        extent=payload.extent,
        text=payload.text,
        edits=[e.model_dump() for e in payload.edits],
        motion_title=payload.motion_title,
        motion_text=payload.motion_text,
        mover=access_named_member(payload.mover, user, field="mover"),
        seconder=access_named_member(payload.seconder, user, field="seconder"),
        acting_user=user,
    )
    proposal = queries.proposal_of(motion)
    return Status(
        201,
        {
            "motion_id": motion.pk,
            "number": motion.number,
            "proposal_id": proposal.pk if proposal else 0,
        },
    )
