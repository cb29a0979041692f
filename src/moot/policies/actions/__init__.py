"""Every write to the policy register: a national decision on a national policy, a motion
proposing a change, and what carrying it does. One transaction and one audit event each;
versions are appended, never changed. One module per topic (``national``, ``proposals``;
shared checks and the one function that appends a version in ``_common``)."""

from __future__ import annotations

from moot.policies.actions._common import Change, check_change, parse_edits
from moot.policies.actions.national import do_record_national_decision
from moot.policies.actions.proposals import apply_carried_motion, table_policy_motion

__all__ = [
    "Change",
    "apply_carried_motion",
    "check_change",
    "do_record_national_decision",
    "parse_edits",
    "table_policy_motion",
]
