"""The audit verbs of ballots: ``ballots.<action name without do_>`` (moot.audit.verbs has the
rule). Each topic keeps its verbs together under its heading."""

from __future__ import annotations

from enum import StrEnum


class AuditVerb(StrEnum):
    # -- definition, officers and the ballot's life
    CREATE_BALLOT = "ballots.create_ballot"
    EDIT_BALLOT = "ballots.edit_ballot"
    APPOINT_RETURNING_OFFICER = "ballots.appoint_returning_officer"
    APPOINT_SCRUTINEER = "ballots.appoint_scrutineer"
    APPOINT_TELLER = "ballots.appoint_teller"
    REMOVE_TELLER = "ballots.remove_teller"
    # -- nominations, candidates, endorsements and post-issue events
    HOLD_NOMINATION_VOTE = "ballots.hold_nomination_vote"
    RECORD_UNIT_NOMINATION = "ballots.record_unit_nomination"
    RECORD_AFFILIATE_NOMINATION = "ballots.record_affiliate_nomination"
    CONSENT_CANDIDACY = "ballots.consent_candidacy"
    UPDATE_CANDIDATE_STATEMENT = "ballots.update_candidate_statement"
    SET_CANDIDATE_WOMAN = "ballots.set_candidate_woman"
    SET_CANDIDATE_PHOTO = "ballots.set_candidate_photo"
    WITHDRAW_CANDIDACY = "ballots.withdraw_candidacy"
    REINSTATE_CANDIDACY = "ballots.reinstate_candidacy"
    RECORD_ENDORSEMENT = "ballots.record_endorsement"
    WITHDRAW_ENDORSEMENT = "ballots.withdraw_endorsement"
    RECORD_BALLOT_EVENT = "ballots.record_ballot_event"
    # -- roll, freeze, issue and credentials
    FREEZE_BALLOT = "ballots.freeze_ballot"
    ISSUE_BALLOT = "ballots.issue_ballot"
    REISSUE_CREDENTIAL = "ballots.reissue_credential"
    REQUEST_MY_REISSUE = "ballots.request_my_reissue"
    # -- deliveries
    SEND_REMINDERS = "ballots.send_reminders"
    SWITCH_TO_POST = "ballots.switch_to_post"
    RETRY_DELIVERIES = "ballots.retry_deliveries"
    # -- casting and papers
    CAST_ONLINE = "ballots.cast_online"
    KEY_PAPER = "ballots.key_paper"
    RESOLVE_PAPER = "ballots.resolve_paper"
    # -- close, count, scrutineer, declaration, countback
    CLOSE_BALLOT = "ballots.close_ballot"
    COUNT_BALLOT = "ballots.count_ballot"
    SIGN_SCRUTINEER_REPORT = "ballots.sign_scrutineer_report"
    DECLARE_BALLOT = "ballots.declare_ballot"
    COUNTBACK = "ballots.countback"
    NOTE_RECORD_FAILURE = "ballots.note_record_failure"
    RETRY_BALLOT_RECORD = "ballots.retry_ballot_record"
    # -- the published record and print files
    PUBLISH_BALLOT_RECORD = "ballots.publish_ballot_record"
    PREPARE_PRINT_FILES = "ballots.prepare_print_files"
    DOWNLOAD_PRINT_FILE = "ballots.download_print_file"
    MARK_PAPERS_PRINTED = "ballots.mark_papers_printed"


FORMER_VERBS: dict[AuditVerb, tuple[str, ...]] = {}
