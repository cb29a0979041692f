"""The audit verbs of motions: ``motions.<action name without do_>`` (moot.audit.verbs has the
rule). Until December 2026 some were shorter (``motions.table``, ``motions.outcome``);
``FORMER_VERBS`` keeps those strings, under which the events written before stay."""

from __future__ import annotations

from enum import StrEnum


class AuditVerb(StrEnum):
    TABLE_MOTION = "motions.table_motion"
    COMPOSITE_MOTIONS = "motions.composite_motions"
    COMPOSITED = "motions.composited"  # on each motion merged into the composite
    RULE_ON_MOTION = "motions.rule_on_motion"
    CHALLENGE_RULING = "motions.challenge_ruling"
    CLOSE_CHALLENGE = "motions.close_challenge"
    PROPOSE_AMENDMENT = "motions.propose_amendment"
    ACCEPT_AMENDMENT = "motions.accept_amendment"
    WITHDRAW_AMENDMENT = "motions.withdraw_amendment"
    OPEN_AMENDMENT_VOTE = "motions.open_amendment_vote"
    CLOSE_AMENDMENT_VOTE = "motions.close_amendment_vote"
    OPEN_MOTION_VOTE = "motions.open_motion_vote"
    RECORD_MOTION_OUTCOME = "motions.record_motion_outcome"
    FORWARD_MOTION = "motions.forward_motion"
    WITHDRAW_MOTION = "motions.withdraw_motion"
    REMIT_MOTION = "motions.remit_motion"
    READ_CONFIDENTIAL = "motions.read_confidential"  # a withheld motion's text read in full


FORMER_VERBS: dict[AuditVerb, tuple[str, ...]] = {
    AuditVerb.TABLE_MOTION: ("motions.table",),
    AuditVerb.COMPOSITE_MOTIONS: ("motions.composite",),
    AuditVerb.RULE_ON_MOTION: ("motions.rule",),
    AuditVerb.CLOSE_CHALLENGE: ("motions.challenge_result",),
    AuditVerb.OPEN_AMENDMENT_VOTE: ("motions.amendment_vote",),
    AuditVerb.CLOSE_AMENDMENT_VOTE: ("motions.amendment_result",),
    AuditVerb.OPEN_MOTION_VOTE: ("motions.open_vote",),
    AuditVerb.RECORD_MOTION_OUTCOME: ("motions.outcome",),
    AuditVerb.FORWARD_MOTION: ("motions.forward",),
    AuditVerb.WITHDRAW_MOTION: ("motions.withdraw",),
    AuditVerb.REMIT_MOTION: ("motions.remit",),
}
