"""The audit verbs of polls: ``polls.<action name without do_>`` (the rule of
``moot.audit.verbs``). No verb is recorded per secret ballot: a dated event per vote would
time each participation (docs/polls.md); ``CAST_BALLOT`` is a named (roll-call) vote."""

from __future__ import annotations

from enum import StrEnum


class AuditVerb(StrEnum):
    CREATE_POLL = "polls.create_poll"
    OPEN_POLL = "polls.open_poll"
    CAST_BALLOT = "polls.cast_ballot"
    ENTER_TELLER_COUNTS = "polls.enter_teller_counts"
    CLOSE_POLL = "polls.close_poll"


# What the same events were called before the rule (``moot.audit.verbs.with_former``): the
# closing event printed under a result is found under either.
FORMER_VERBS: dict[AuditVerb, tuple[str, ...]] = {
    AuditVerb.CREATE_POLL: ("poll.create",),
    AuditVerb.OPEN_POLL: ("poll.open",),
    AuditVerb.CAST_BALLOT: ("poll.named_vote_cast",),
    AuditVerb.ENTER_TELLER_COUNTS: ("poll.teller_counts",),
    AuditVerb.CLOSE_POLL: ("poll.close",),
}
