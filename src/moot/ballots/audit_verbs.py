"""The audit verbs of ballots: ``ballots.<action name without do_>`` (moot.audit.verbs has the
rule). Each topic keeps its verbs together under its heading."""

from __future__ import annotations

from enum import StrEnum


class AuditVerb(StrEnum):
    # -- definition, officers and the ballot's life
    # -- nominations, candidates, endorsements and post-issue events
    # -- roll, freeze, issue and credentials
    # -- deliveries
    SEND_REMINDERS = "ballots.send_reminders"
    SWITCH_TO_POST = "ballots.switch_to_post"
    RETRY_DELIVERIES = "ballots.retry_deliveries"
    # -- casting and papers
    # -- close, count, scrutineer, declaration, countback
    # -- the published record and print files
    pass


FORMER_VERBS: dict[AuditVerb, tuple[str, ...]] = {}
