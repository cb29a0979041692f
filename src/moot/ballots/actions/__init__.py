"""The ballots app's actions (docs/house.md: one module per topic, re-exported here). Each is
``do_<verb>_<noun>(..., *, acting_user)``, atomic, with its own audit verb; a refusal is a
``BallotError`` with clause and field that writes nothing."""

from moot.ballots.actions.casting import do_cast_online, do_key_paper, do_resolve_paper
from moot.ballots.actions.closing import (
    do_close_ballot,
    do_count_ballot,
    do_countback,
    do_declare_ballot,
    do_sign_scrutineer_report,
)
from moot.ballots.actions.definition import do_create_ballot, do_edit_ballot
from moot.ballots.actions.deliveries import (
    do_retry_deliveries,
    do_send_reminders,
    do_switch_to_post,
)
from moot.ballots.actions.events import (
    do_record_ballot_event,
    do_record_endorsement,
    do_withdraw_endorsement,
    record_suspension_events,
)
from moot.ballots.actions.nominations import (
    do_consent_candidacy,
    do_hold_nomination_vote,
    do_record_affiliate_nomination,
    do_record_unit_nomination,
    do_reinstate_candidacy,
    do_set_candidate_woman,
    do_update_candidate_statement,
    do_withdraw_candidacy,
)
from moot.ballots.actions.officers import (
    do_appoint_returning_officer,
    do_appoint_scrutineer,
    do_appoint_teller,
    do_remove_teller,
)
from moot.ballots.actions.printing import (
    do_download_print_file,
    do_mark_papers_printed,
    do_prepare_print_files,
)
from moot.ballots.actions.record import do_publish_ballot_record
from moot.ballots.actions.roll import (
    do_freeze_ballot,
    do_issue_ballot,
    do_reissue_credential,
    do_request_my_reissue,
)

__all__ = [
    "do_appoint_returning_officer",
    "do_appoint_scrutineer",
    "do_appoint_teller",
    "do_cast_online",
    "do_close_ballot",
    "do_consent_candidacy",
    "do_count_ballot",
    "do_countback",
    "do_create_ballot",
    "do_declare_ballot",
    "do_download_print_file",
    "do_edit_ballot",
    "do_freeze_ballot",
    "do_hold_nomination_vote",
    "do_issue_ballot",
    "do_key_paper",
    "do_mark_papers_printed",
    "do_prepare_print_files",
    "do_publish_ballot_record",
    "do_record_affiliate_nomination",
    "do_record_ballot_event",
    "do_record_endorsement",
    "do_record_unit_nomination",
    "do_reinstate_candidacy",
    "do_reissue_credential",
    "do_remove_teller",
    "do_request_my_reissue",
    "do_resolve_paper",
    "do_retry_deliveries",
    "do_send_reminders",
    "do_set_candidate_woman",
    "do_sign_scrutineer_report",
    "do_switch_to_post",
    "do_update_candidate_statement",
    "do_withdraw_candidacy",
    "do_withdraw_endorsement",
    "record_suspension_events",
]
