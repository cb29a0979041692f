"""A motion that proposes a change to the unit's policy register (adopt, amend by line-numbered
edits, rescind), and what carrying it does: the new version, in the transaction that records
the motion's outcome, or the refusal, recorded on the proposal (the motion stays carried)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from moot.audit.actions import record
from moot.errors import Refusal
from moot.policies.actions._common import (
    append_version,
    check_change,
    edits_json,
    parse_edits,
    version_event,
)
from moot.policies.audit_verbs import AuditVerb
from moot.policies.errors import PolicyError
from moot.policies.models import DecidedBy, Policy, PolicyProposal, PolicyVersion, VersionAction

if TYPE_CHECKING:
    from moot.accounts.models import User


def table_policy_motion(
    meeting: Any,
    *,
    action: str,
    policy: Policy | None = None,
    base_version: PolicyVersion | None = None,
    kind: str = "",
    title: str = "",
    source: str = "",
    source_policy: Policy | None = None,
    extent: str = "",
    text: str = "",
    edits: Any = None,
    motion_title: str,
    motion_text: str,
    mover: Any,
    seconder: Any,
    tabled_on: datetime.date | None = None,
    acting_user: User | None,
) -> Any:
    """Table a motion for ``meeting`` that proposes a change to its unit's policies: the
    motion's own checks (deadline, mover, seconder: ``do_table_motion``) and the register's
    (:func:`check_change`, on the meeting's date) in one transaction — a refusal of either
    tables nothing. An amendment or rescission names the version it changes (the latest when
    ``base_version`` is not given; a stale one is refused as a conflict)."""
    from moot.motions.actions.tabling import do_table_motion
    from moot.motions.queries import meeting_date

    unit = meeting.unit
    on = meeting_date(meeting)
    parsed = parse_edits(edits) if action == VersionAction.AMEND else None
    if action in {VersionAction.AMEND, VersionAction.RESCIND} and base_version is None:
        from moot.policies.queries import latest_version

        base_version = latest_version(policy) if policy is not None else None

    def check() -> Any:
        return check_change(
            unit,
            action=action,
            policy=policy,
            on=on,
            kind=kind,
            title=title,
            source=source,
            source_policy=source_policy,
            extent=extent,
            text=text,
            edits=parsed,
            base_version=base_version,
        )

    check()  # before the motion's own checks, so the register's refusal is the one shown

    def attach(motion: Any) -> dict[str, Any]:
        change = check()
        proposal = PolicyProposal.objects.create(
            motion=motion,
            action=change.action,
            policy=change.policy,
            base_version=change.base_version,
            kind=change.kind,
            title=change.title,
            source=change.source,
            source_policy=change.source_policy,
            extent=change.extent,
            # adopting a national policy in full: its text as in force at the meeting
            text=change.text if action == VersionAction.ADOPT else "",
            edits=edits_json(parsed) if parsed else [],
        )
        record(
            actor=acting_user,
            verb=AuditVerb.TABLE_POLICY_MOTION,
            obj=proposal,
            after={
                "motion": motion.pk,
                "action": change.action,
                "policy": change.policy.pk if change.policy else None,
                "title": change.title,
                "base_version": change.base_version.number if change.base_version else None,
                "extent": change.extent,
                "edits": proposal.edits,
            },
            clause=change.clause,
        )
        return {"policy_proposal": proposal.pk}

    return do_table_motion(
        meeting,
        title=motion_title,
        text=motion_text,
        mover=mover,
        seconder=seconder,
        tabled_on=tabled_on,
        attach=attach,
        acting_user=acting_user,
    )


def apply_carried_motion(motion: Any, *, acting_user: User | None) -> dict[str, Any]:
    """The one place a carried motion changes the register (called by ``do_record_motion_outcome``
    through ``moot.motions.extensions``, inside its transaction): the proposal is checked again
    as at the day the motion was carried — the policy may have changed since it was tabled
    (a conflict), the rulebook may have changed — and either the version is appended, or the
    refusal is recorded on the proposal with its clause and audited; the motion stays carried
    either way, as a carried affiliation to a proscribed organisation does."""
    proposal = (
        PolicyProposal.objects.select_for_update(of=("self",))
        .select_related("policy__unit", "base_version", "source_policy__unit")
        .filter(motion=motion)
        .first()
    )
    if proposal is None or proposal.result_version_id or proposal.refusal:
        return {}
    decided = motion.decided_at or timezone.now()
    on = timezone.localdate(decided)
    unit = motion.meeting.unit
    try:
        from django.db import transaction

        with transaction.atomic():
            change = check_change(
                unit,
                action=proposal.action,
                policy=proposal.policy,
                on=on,
                kind=proposal.kind,
                title=proposal.title,
                source=proposal.source,
                source_policy=proposal.source_policy,
                extent=proposal.extent,
                text=proposal.text,
                edits=parse_edits(proposal.edits) if proposal.action == "amend" else None,
                base_version=proposal.base_version,
            )
            version = append_version(
                unit,
                change,
                in_force_from=on,
                decided_by=DecidedBy.MOTION,
                decision_body=f"Motion {motion.number} at {motion.meeting.title}",
                decision_date=on,
                decision_ref=f"motion {motion.number}",
                decision_text=motion.outcome_text,
                motion=motion,
                acting_user=acting_user,
            )
            record(
                actor=acting_user,
                verb=AuditVerb.APPLY_CARRIED_MOTION,
                obj=version,
                **version_event(change, version),
            )
    except Refusal as exc:
        proposal.refusal = f"The policy was not changed: {exc.message}"
        proposal.refusal_clause = exc.clause
        proposal.save(update_fields=["refusal", "refusal_clause"])
        record(
            actor=acting_user,
            verb=AuditVerb.REFUSE_CARRIED_MOTION,
            obj=proposal,
            after={"motion": motion.pk, "refusal": exc.message, "code": str(exc.code)},
            clause=exc.clause,
            reason=exc.message,
        )
        return {"policy_refused": exc.message, "policy_refused_clause": exc.clause}
    proposal.result_version = version
    proposal.save(update_fields=["result_version"])
    return {"policy_version": version.pk}


__all__ = ["PolicyError", "apply_carried_motion", "table_policy_motion"]
