"""The audit verbs of policies: ``policies.<action name without do_>`` (moot.audit.verbs has
the rule)."""

from __future__ import annotations

from enum import StrEnum


class AuditVerb(StrEnum):
    RECORD_NATIONAL_DECISION = "policies.record_national_decision"
    TABLE_POLICY_MOTION = "policies.table_policy_motion"
    APPLY_CARRIED_MOTION = "policies.apply_carried_motion"
    REFUSE_CARRIED_MOTION = "policies.refuse_carried_motion"


FORMER_VERBS: dict[AuditVerb, tuple[str, ...]] = {}
