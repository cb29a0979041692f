"""Every write to officer elections: create, nominate, second, consent or decline, withdraw,
open the vote, close it, declare the result. One transaction and one audit event each;
nothing is half-recorded.

The vote is a ``polls.Poll`` created and opened through ``moot.polls.actions``; declaring the
result appoints the winners through ``moot.units.actions.do_appoint_officer`` (which checks
the rulebook's officer constraints once more) after ending the outgoing holders' terms.

One module per topic (``create_election``, ``nominations``, ``vote``, ``declaration``; shared
helpers in ``_common``); this package re-exports their names so ``moot.elections.actions.X``
keeps working. New code imports from the topic module."""

from __future__ import annotations

from moot.clock import today
from moot.elections.actions._common import LIVE_NOMINATIONS, snapshot
from moot.elections.actions.create_election import check_nomination_window, do_create_election
from moot.elections.actions.declaration import do_declare_result
from moot.elections.actions.nominations import (
    NominationWindow,
    check_statement,
    do_answer_nomination,
    do_nominate,
    do_second_nomination,
    do_update_statement,
    do_withdraw_nomination,
    nomination_window,
)
from moot.elections.actions.vote import constraints_text, do_close_election, do_open_election
from moot.elections.errors import ElectionError

__all__ = [
    "LIVE_NOMINATIONS",
    "ElectionError",
    "NominationWindow",
    "check_nomination_window",
    "check_statement",
    "constraints_text",
    "do_answer_nomination",
    "do_close_election",
    "do_create_election",
    "do_declare_result",
    "do_nominate",
    "do_open_election",
    "do_second_nomination",
    "do_update_statement",
    "do_withdraw_nomination",
    "nomination_window",
    "snapshot",
    "today",
]
