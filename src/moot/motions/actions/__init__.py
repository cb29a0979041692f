"""Every write to motions: table, rule on competence, challenge a ruling, amend, composite, put
to the vote and record the outcome, create the affiliation a carried motion decides, forward,
withdraw, remit. One transaction and one audit event each; nothing is half-recorded.

Votes are polls: these actions create and open them through ``moot.polls.actions`` (majority from
the rulebook), and close them through it, copying the outcome with its figures onto the motion,
amendment or ruling in the same transaction (``_voting`` is that bridge).

One module per topic (``tabling``, ``rulings``, ``amendments``, ``vote``, ``disposal``; shared
helpers in ``_common``); this package re-exports their names so ``moot.motions.actions.X``
keeps working. New code imports from the topic module."""

from __future__ import annotations

from moot.motions.actions._common import snapshot
from moot.motions.actions._voting import (
    POLL_MAJORITIES,
    Figures,
    figures_of,
    majority_for,
    poll_majority_name,
)
from moot.motions.actions.amendments import (
    do_accept_amendment,
    do_close_amendment_vote,
    do_open_amendment_vote,
    do_propose_amendment,
    do_withdraw_amendment,
)
from moot.motions.actions.disposal import do_forward_motion, do_remit_motion, do_withdraw_motion
from moot.motions.actions.rulings import (
    NEEDS_REASONS,
    do_challenge_ruling,
    do_close_challenge,
    do_rule_on_motion,
)
from moot.motions.actions.tabling import (
    TablingWindow,
    check_deadline,
    check_mover,
    check_tabled_by,
    do_composite_motions,
    do_table_motion,
    tabling_window,
)
from moot.motions.actions.vote import (
    do_close_motion_vote,
    do_open_motion_vote,
    do_record_motion_outcome,
)
from moot.motions.errors import MotionError

__all__ = [
    "NEEDS_REASONS",
    "POLL_MAJORITIES",
    "Figures",
    "MotionError",
    "TablingWindow",
    "check_deadline",
    "check_mover",
    "check_tabled_by",
    "do_accept_amendment",
    "do_challenge_ruling",
    "do_close_amendment_vote",
    "do_close_challenge",
    "do_close_motion_vote",
    "do_composite_motions",
    "do_forward_motion",
    "do_open_amendment_vote",
    "do_open_motion_vote",
    "do_propose_amendment",
    "do_record_motion_outcome",
    "do_remit_motion",
    "do_rule_on_motion",
    "do_table_motion",
    "do_withdraw_amendment",
    "do_withdraw_motion",
    "figures_of",
    "majority_for",
    "poll_majority_name",
    "snapshot",
    "tabling_window",
]
