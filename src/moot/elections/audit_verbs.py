"""The audit verbs of elections: ``elections.<action name without do_>`` (moot.audit.verbs has
the rule). Until December 2026 some were shorter (``elections.create``, ``elections.declare``)
and a nominee's answer was ``elections.accept`` or ``elections.decline`` (now one verb; the
event's ``after`` says which); ``FORMER_VERBS`` keeps those strings, under which the events
written before stay."""

from __future__ import annotations

from enum import StrEnum


class AuditVerb(StrEnum):
    CREATE_ELECTION = "elections.create_election"
    NOMINATE = "elections.nominate"
    SECOND_NOMINATION = "elections.second_nomination"
    ANSWER_NOMINATION = "elections.answer_nomination"
    UPDATE_STATEMENT = "elections.update_statement"
    WITHDRAW_NOMINATION = "elections.withdraw_nomination"
    OPEN_ELECTION = "elections.open_election"
    REFUSE = "elections.refuse"  # a nomination no longer standing when the vote opens
    DECLARE_RESULT = "elections.declare_result"


FORMER_VERBS: dict[AuditVerb, tuple[str, ...]] = {
    AuditVerb.CREATE_ELECTION: ("elections.create",),
    AuditVerb.SECOND_NOMINATION: ("elections.second",),
    AuditVerb.ANSWER_NOMINATION: ("elections.accept", "elections.decline"),
    AuditVerb.UPDATE_STATEMENT: ("elections.statement",),
    AuditVerb.WITHDRAW_NOMINATION: ("elections.withdraw",),
    AuditVerb.OPEN_ELECTION: ("elections.open",),
    AuditVerb.DECLARE_RESULT: ("elections.declare",),
}
