"""Reads of the policy register: a unit's policies, a policy's versions, which version was in
force on a date ("as at"), what binds a unit nationally, and the line diff between versions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from moot.clock import today
from moot.dates import long_date
from moot.policies.diff import DiffLine, line_diff
from moot.policies.models import Policy, PolicyProposal, PolicyVersion, VersionAction


def edition_on(on: datetime.date) -> Any:
    """The rulebook edition in force on ``on`` (its ``[policies]`` chapter)."""
    from moot.units.queries import edition_in_force

    return edition_in_force(on)


def policies_of(unit: Any) -> QuerySet[Policy]:
    return (
        Policy.objects.filter(unit=unit)
        .select_related("unit", "source_policy__unit")
        .prefetch_related("versions")
    )


def units_with_policy_counts() -> QuerySet[Any]:
    """Every unit, in tree order, with the number of policies it keeps (``policy_count``)."""
    from django.db.models import Count

    from moot.units.models import Unit

    return Unit.objects.annotate(policy_count=Count("policies")).order_by("path")


def versions_of(policy: Policy) -> list[PolicyVersion]:
    return list(
        PolicyVersion.objects.filter(policy=policy)
        .select_related("motion__meeting", "policy")
        .order_by("number")
    )


def latest_version(policy: Policy) -> PolicyVersion | None:
    return PolicyVersion.objects.filter(policy=policy).order_by("-number").first()


def previous_version(version: PolicyVersion) -> PolicyVersion | None:
    return (
        PolicyVersion.objects.filter(policy_id=version.policy_id, number__lt=version.number)
        .order_by("-number")
        .first()
    )


def next_version(version: PolicyVersion) -> PolicyVersion | None:
    return (
        PolicyVersion.objects.filter(policy_id=version.policy_id, number__gt=version.number)
        .order_by("number")
        .first()
    )


@dataclass(frozen=True)
class Standing:
    """A policy as at a date: the version that date falls in (None: not yet adopted), whether
    it was in force (a rescinding version is not), and the dates of that version."""

    policy: Policy
    on: datetime.date
    version: PolicyVersion | None
    until: datetime.date | None  # the day the next version came into force

    @property
    def in_force(self) -> bool:
        return self.version is not None and self.version.action != VersionAction.RESCIND

    @property
    def sentence(self) -> str:
        when = f"{long_date(self.on)}"
        if self.version is None:
            return f"Not in force on {when}: not yet adopted."
        since = f"{long_date(self.version.in_force_from)}"
        if not self.in_force:
            return (
                f"Not in force on {when}: rescinded from {since} "
                f"(by {self.version.decision_label})."
            )
        return (
            f"In force on {when}: version {self.version.number}, "
            f"{self.version.how} from {since} (by {self.version.decision_label})."
        )


def standing_on(policy: Policy, on: datetime.date) -> Standing:
    """Which version of ``policy`` was in force on ``on``: the last version in force from that
    day or before (versions come into force in number order)."""
    # policy.versions.all(): the prefetched versions when the list was read with them
    # (policies_of, all_policies, binding_on), so a page of policies is not a query each.
    versions = sorted(policy.versions.all(), key=lambda v: v.number)
    current = None
    until = None
    for version in versions:
        if version.in_force_from <= on:
            current = version
            until = None
        elif current is not None and until is None:
            until = version.in_force_from
    return Standing(policy, on, current, until)


@dataclass(frozen=True)
class Binding:
    """A national policy binding a unit on a date, with the rulebook clause that says so."""

    standing: Standing
    clause: str
    rule_text: str


def binding_on(unit: Any, on: datetime.date) -> list[Binding]:
    """The national policies in force on ``on`` whose kind binds a unit of ``unit``'s kind under
    the rulebook edition in force that day (``[policies.kinds.<kind>] binds``)."""
    from moot.units.models import Unit

    if unit.kind == "national":
        return []
    rules = edition_on(on).policies
    national = Unit.objects.filter(kind="national")
    bindings = []
    national_policies = (
        Policy.objects.filter(unit__in=national).select_related("unit").prefetch_related("versions")
    )
    for policy in national_policies:
        rule = rules.binds(policy.kind, unit.kind)
        if rule is None:
            continue
        standing = standing_on(policy, on)
        if standing.in_force:
            bindings.append(Binding(standing, rule.clause, rule.text))
    return bindings


def kind_title(kind: str, on: datetime.date | None = None) -> str:
    rule = edition_on(on or today()).policies.kind(kind)
    return rule.title if rule is not None else kind.replace("_", " ")


def version_diff(version: PolicyVersion) -> list[DiffLine]:
    """The version's lines against the previous version's (all inserted for the first)."""
    before = previous_version(version)
    return line_diff(before.text if before is not None else "", version.text)


def proposals_for(policy: Policy) -> QuerySet[PolicyProposal]:
    """Motions proposing to change ``policy`` that have not yet made or failed to make a
    version (still before their meeting)."""
    return (
        PolicyProposal.objects.filter(policy=policy, result_version__isnull=True, refusal="")
        .exclude(motion__state__in=["lost", "withdrawn", "remitted", "composited", "not_competent"])
        .select_related("motion__meeting")
    )


def proposal_of(motion: Any) -> PolicyProposal | None:
    return (
        PolicyProposal.objects.filter(motion=motion)
        .select_related("policy__unit", "base_version", "source_policy", "result_version")
        .first()
    )


def national_policies() -> QuerySet[Policy]:
    return Policy.objects.filter(unit__kind="national").select_related("unit")


def meetings_taking_motions(unit: Any, user: Any) -> list[Any]:
    """The unit's meetings not yet closed for which ``user`` may table a policy motion."""
    from moot.meetings.models import Meeting

    meetings = (
        Meeting.objects.filter(unit=unit)
        .exclude(state="closed")
        .select_related("unit")
        .order_by("starts_at")[:10]
    )
    return [m for m in meetings if user.has_perm("policies.table_policy_motion", m)]


def proposed_text(proposal: PolicyProposal) -> str | None:
    """The text the proposal would make (None when its changes no longer apply)."""
    from moot.motions.lines import Edit, LinesError, apply_edits

    if proposal.action == VersionAction.RESCIND:
        return ""
    if proposal.action == VersionAction.ADOPT:
        return proposal.text
    base = proposal.base_version.text if proposal.base_version else ""
    edits = [
        Edit(f"change {n}", e["action"], e["line_from"], e.get("line_to"), e.get("text", ""))
        for n, e in enumerate(proposal.edits, start=1)
    ]
    try:
        return apply_edits(base, edits)
    except LinesError:
        return None


def proposed_text_problem(proposal: PolicyProposal) -> str:
    return "The changes no longer apply to the version they were proposed to."


def all_policies() -> QuerySet[Policy]:
    return (
        Policy.objects.select_related("unit", "source_policy")
        .prefetch_related("versions")
        .order_by("unit__path", "title")
    )


def version_numbered(policy: Policy, number: int) -> PolicyVersion | None:
    return PolicyVersion.objects.filter(policy=policy, number=number).first()


def versions_not_matching_the_trail(policy: Policy | None = None) -> list[PolicyVersion]:
    """Versions whose text or number differs from the audit event that recorded them (the
    event holds the text's SHA-256), or that no event recorded: a version changed or written
    in the database behind the actions. ``moot audit verify`` proves the events themselves
    whole, so an operator who rewrote a version would have to rewrite the chain too."""
    import hashlib

    from moot.audit.models import AuditEvent

    versions = PolicyVersion.objects.all() if policy is None else policy.versions.all()
    events = {
        e.object_id: e.after or {}
        for e in AuditEvent.objects.filter(
            object_type=PolicyVersion._meta.label_lower,
            verb__in=["policies.record_national_decision", "policies.apply_carried_motion"],
        )
    }
    wrong = []
    for version in versions.order_by("pk"):
        after = events.get(str(version.pk))
        digest = hashlib.sha256(version.text.encode()).hexdigest()
        if (
            after is None
            or after.get("text_sha256") != digest
            or after.get("version") != version.number
            or after.get("policy") != version.policy_id
        ):
            wrong.append(version)
    return wrong
