"""What each audit verb is called on the trail, for people: "Member status changed" for
``members.change_member_status``.

The stored verb stays the record (the chain hashes it, ``moot audit`` and the API filter on it)
and the trail shows it beside the label for auditors. Every member of every app's ``AuditVerb``
(``<app>/audit_verbs.py``) has a label here; ``tests/audit/test_verb_labels.py`` fails on a
verb without one and on a label for a verb no app has. An event written under a verb's former
name (the app's ``FORMER_VERBS``) is labelled as the verb it became; a string that is neither
is shown as it is.

The labels are plain strings keyed by the verbs' values, found through the apps' modules by
name, as ``moot.audit.verbs`` does: the audit app sits below the others and imports none of them.
"""

from __future__ import annotations

import importlib
import importlib.util
from functools import cache
from types import ModuleType

from django.apps import apps

LABELS: dict[str, str] = {
    # accounts
    "accounts.assign_staff_role": "Staff role assigned",
    "accounts.remove_staff_role": "Staff role removed",
    "accounts.invite_member": "Member invited to an account",
    "accounts.send_invitation": "Invitation e-mailed",
    "accounts.claim_invitation": "Invitation claimed",
    "accounts.revoke_invitation": "Invitation revoked",
    "accounts.create_api_token": "API token created",
    "accounts.revoke_api_token": "API token revoked",
    "accounts.revoke_all_api_tokens": "All API tokens revoked",
    "accounts.withdraw_access": "Account access withdrawn",
    "accounts.create_user": "Account created (staff admin)",
    "accounts.change_user": "Account changed (staff admin)",
    # cases
    "cases.submit_complaint": "Complaint submitted",
    "cases.record_complaint": "Complaint recorded by staff",
    "cases.add_evidence": "Evidence added to a case",
    "cases.ask_question": "Question put to a party of a case",
    "cases.answer_question": "Answer given by a party of a case",
    "cases.add_note": "Note added to a case",
    "cases.record_external_representation": "Representation from outside a case recorded",
    "cases.split_key": "Case key split among key holders",
    "cases.recover_key": "Case key recovered from shares",
    "cases.rotate_key": "Case key rotated",
    "cases.assign_to_case": "Person assigned to a case",
    "cases.record_assignment_refusal": "Assignment to a case refused (conflict or training)",
    "cases.end_assignment": "Assignment to a case ended",
    "cases.declare_conflict": "Conflict of interest declared",
    "cases.record_training": "Case-handling training recorded",
    "cases.draw_panel": "Panel drawn at random for a case",
    "cases.triage_case": "Case triaged",
    "cases.move_case": "Case moved to another stage",
    "cases.send_notice_to_respondent": "Notice of investigation sent to the respondent",
    "cases.record_reply": "Respondent's reply recorded",
    "cases.postpone_hearing": "Hearing postponed at the respondent's request",
    "cases.record_report": "Investigation report recorded",
    "cases.record_decision": "Panel decision recorded",
    "cases.stop_clock": "Case clock stopped",
    "cases.restart_clock": "Case clock restarted",
    "cases.suspend_respondent": "Respondent suspended pending investigation",
    "cases.renew_suspension": "Administrative suspension renewed",
    "cases.end_suspension": "Administrative suspension ended",
    "cases.impose_sanction": "Sanction imposed",
    "cases.complete_education": "Education sanction completed",
    "cases.close_case_respondent_left": "Case closed: the respondent left the organisation",
    "cases.record_review": "Independent review recorded",
    "cases.lodge_appeal": "Appeal lodged",
    "cases.record_appeal_decision": "Appeal decided",
    "cases.send_communication": "Case communication e-mailed",
    "cases.remind_overdue": "Reminders sent for overdue cases",
    "cases.alert_returning_officers": "Returning officers told of a suspended candidate",
    "cases.end_suspension_sanction": "Suspension for a period ended",
    "cases.identify_respondent": "Respondent of a case identified in the register",
    "cases.place_legal_hold": "Legal hold placed on a case",
    "cases.lift_legal_hold": "Legal hold on a case lifted",
    "cases.reopen_case": "Closed case reopened (its retention date kept)",
    "cases.draw_up_destruction_list": "Destruction list of closed cases drawn up",
    "cases.review_destruction_list": "Destruction list reviewed by a second person",
    "cases.execute_destruction_list": "Cases on an approved destruction list destroyed",
    "cases.export_subject_access": "Subject access response made from case files",
    "cases.draft_decision_summary": "Publishable decision summary drafted",
    "cases.approve_decision_summary": "Decision summary approved for publication",
    "cases.withdraw_decision_summary": "Published decision summary withdrawn",
    # elections
    "elections.create_election": "Election created",
    "elections.nominate": "Candidate nominated",
    "elections.second_nomination": "Nomination seconded",
    "elections.answer_nomination": "Nomination accepted or declined",
    "elections.update_statement": "Candidate statement updated",
    "elections.withdraw_nomination": "Nomination withdrawn",
    "elections.open_election": "Election opened for voting",
    "elections.refuse": "Nomination refused at the opening",
    "elections.declare_result": "Election result declared",
    # ballots: the published record and print files
    "ballots.publish_ballot_record": "Ballot record published (its SHA-256)",
    "ballots.prepare_print_files": "Ballot print files prepared for the mailing house",
    "ballots.download_print_file": "Ballot print file downloaded (personal data)",
    "ballots.mark_papers_printed": "Ballot papers written to a print file",
    # ballots: definition, officers and the ballot's life
    "ballots.create_ballot": "Ballot of a unit's members called (draft definition)",
    "ballots.edit_ballot": "Ballot definition changed (a new version)",
    "ballots.appoint_returning_officer": "Ballot returning officer appointed",
    "ballots.appoint_scrutineer": "Ballot scrutineer appointed",
    "ballots.appoint_teller": "Ballot teller appointed",
    "ballots.remove_teller": "Ballot teller removed",
    # verifiable ballots: trustees and the credential authority
    "verifiable.appoint_trustees": "Verifiable ballot's trustees appointed",
    "verifiable.register_seal_key": "Trustee registered a sealing key",
    "verifiable.commit_trustee": "Trustee committed to its key coefficients",
    "verifiable.reveal_coefficients": "Trustee revealed its key coefficients with proofs",
    "verifiable.deal_shares": "Trustee sent sealed key shares to the others",
    "verifiable.check_shares": "Trustee checked the key shares it received",
    "verifiable.prove_share_key": "Trustee proved its share of the election key",
    "verifiable.disqualify_trustee": "Trustee disqualified from the key generation",
    "verifiable.appoint_credential_authority": "Verifiable ballot's credential authority appointed",
    "verifiable.upload_credentials": "Public credential list uploaded (no names)",
    "verifiable.post_shuffle": "Trustee shuffled the encrypted ballots (proof checked)",
    "verifiable.skip_mixer": "Trustee skipped in the mix by the returning officer",
    "verifiable.post_decryption": "Trustee posted decryption shares (proofs checked)",
    # verifiable ballots: the definition's choice, opening and casting
    "verifiable.make_verifiable": "Ballot to be run verifiable (trustees and threshold)",
    "verifiable.drop_verifiable": "Ballot no longer to be run verifiable",
    "verifiable.open_verifiable": "Verifiable election opened: election.json hashed, board head",
    "verifiable.cast_verifiable": "An encrypted ballot taken onto the board (nobody named)",
    "verifiable.close_board": "Verifiable ballot's board closed with the ballot (its head)",
    "verifiable.take_result": "Decrypted online votes added to the ballot's count",
    "verifiable.export_voters": "E-mail voters exported for the credential authority",
    # ballots: casting and papers
    "ballots.cast_online": "A ballot vote received online (nobody named)",
    "ballots.key_paper": "Returned ballot paper keyed by a teller",
    "ballots.resolve_paper": "Ballot paper discrepancy resolved",
    # ballots: nominations, candidates, endorsements and post-issue events
    "ballots.hold_nomination_vote": "Ballot nomination vote set up at a unit's meeting",
    "ballots.set_candidate_woman": "Ballot candidate described themselves (women's minimum)",
    "ballots.record_unit_nomination": "Ballot nominations recorded for a unit",
    "ballots.record_affiliate_nomination": "Ballot nomination recorded for an affiliate",
    "ballots.consent_candidacy": "Ballot candidate consented",
    "ballots.update_candidate_statement": "Ballot candidate's statement updated",
    "ballots.set_candidate_photo": "Ballot candidate's photo set",
    "ballots.withdraw_candidacy": "Ballot candidate withdrew before the freeze",
    "ballots.reinstate_candidacy": "Ballot candidate reinstated before the freeze",
    "ballots.record_endorsement": "Ballot endorsement recorded",
    "ballots.withdraw_endorsement": "Ballot endorsement withdrawn before the issue",
    "ballots.record_ballot_event": "Ballot post-issue event recorded",
    # ballots: close, count, scrutineer, declaration, countback
    "ballots.close_ballot": "Ballot closed: one return per member counted, the rest set aside",
    "ballots.count_ballot": "Ballot counted (result locked until the scrutineer signs)",
    "ballots.sign_scrutineer_report": "Scrutineer's report signed",
    "ballots.declare_ballot": "Ballot result declared",
    "ballots.countback": "Countback run to fill a vacancy",
    "ballots.note_record_failure": "Ballot record could not be written after the declaration (why)",
    "ballots.retry_ballot_record": "Ballot record queued to be written again after a failure",
    # ballots: roll, freeze, issue and credentials
    "ballots.freeze_ballot": "Ballot frozen: definition hashed, roll committed",
    "ballots.issue_ballot": "Ballot issued: credentials and papers made",
    "ballots.reissue_credential": "Ballot credential reissued, the old one revoked",
    "ballots.request_my_reissue": "Ballot credential reissued at the member's request",
    # meetings
    "meetings.create_meeting": "Meeting called",
    "meetings.update_meeting": "Meeting details changed",
    "meetings.send_notice": "Notice of meeting sent",
    "ballots.send_reminders": "Ballot reminders queued",
    "ballots.switch_to_post": "Ballot voter switched to post after a bounce",
    "ballots.retry_deliveries": "Ballot deliveries retried",
    "meetings.send_notice_batch": "Batch of notices e-mailed",
    "meetings.add_agenda_item": "Agenda item added",
    "meetings.edit_agenda_item": "Agenda item edited",
    "meetings.move_agenda_item": "Agenda item moved",
    "meetings.remove_agenda_item": "Agenda item removed",
    "meetings.start_meeting": "Meeting opened",
    "meetings.set_current_item": "Business moved to an agenda item",
    "meetings.close_meeting": "Meeting closed",
    "meetings.check_in": "Member checked in",
    "meetings.check_in_guest": "Guest checked in",
    "meetings.check_out": "Checked out",
    "meetings.draft_minutes": "Minutes drafted",
    "meetings.edit_minutes": "Minutes edited",
    "meetings.approve_minutes": "Minutes approved",
    "meetings.change_meeting_chair": "Meeting chair changed",
    "meetings.record_outside_notice": "Notice given outside moot recorded",
    "meetings.adjourn_meeting": "Meeting adjourned",
    "meetings.resume_meeting": "Adjourned meeting resumed",
    "meetings.hand_over_chair": "Chair handed over for an item",
    "meetings.hand_back_chair": "Chair handed back",
    "meetings.send_apology": "Apologies for absence sent",
    "meetings.record_apology": "Apologies for absence recorded",
    "meetings.withdraw_apology": "Apologies for absence withdrawn",
    # members
    "members.create_member": "Member added to the register",
    "members.update_member": "Member details changed",
    "members.link_account": "Account linked to member",
    "members.change_member_status": "Member status changed",
    "members.resign": "Member resigned",
    "members.import_members": "Members imported",
    "members.propose_import": "Import proposed to the register",
    "members.propose_member_change": "Register change proposed",
    "members.propose_status_change": "Status change proposed",
    "members.decide_proposal": "Register proposal decided",
    "members.change_register_entry": "Register entry changed",
    "members.request_email_change": "E-mail change requested by the member",
    "members.confirm_email_change": "E-mail change confirmed by the member",
    "members.cancel_email_change": "E-mail change cancelled from the old address",
    # motions
    "motions.table_motion": "Motion tabled",
    "motions.composite_motions": "Motions composited",
    "motions.composited": "Motion merged into a composite",
    "motions.rule_on_motion": "Ruling on a motion",
    "motions.challenge_ruling": "Ruling challenged",
    "motions.close_challenge": "Challenge to a ruling decided",
    "motions.propose_amendment": "Amendment proposed",
    "motions.accept_amendment": "Amendment accepted by the mover",
    "motions.withdraw_amendment": "Amendment withdrawn",
    "motions.open_amendment_vote": "Vote on an amendment opened",
    "motions.close_amendment_vote": "Vote on an amendment closed",
    "motions.open_motion_vote": "Vote on a motion opened",
    "motions.record_motion_outcome": "Motion outcome recorded",
    "motions.forward_motion": "Motion forwarded",
    "motions.withdraw_motion": "Motion withdrawn",
    "motions.remit_motion": "Motion remitted",
    "motions.read_confidential": "Confidential motion read",
    # policies
    "policies.record_national_decision": "National decision on a policy recorded",
    "policies.table_policy_motion": "Policy change proposed by motion",
    "policies.apply_carried_motion": "Policy version made by a carried motion",
    "policies.refuse_carried_motion": "Carried motion's policy change refused",
    # polls
    "polls.create_poll": "Poll created",
    "polls.open_poll": "Poll opened",
    "polls.cast_ballot": "Named vote cast",
    "polls.enter_teller_counts": "Tellers' counts entered",
    "polls.close_poll": "Poll closed",
    # units
    "units.create_unit": "Unit created",
    "units.create_organisation": "Organisation added",
    "units.create_affiliation": "Affiliation recorded",
    "units.end_affiliation": "Affiliation ended",
    "units.appoint_officer": "Officer appointed",
    "units.end_holding": "Office holding ended",
    "units.adopt_edition": "Rulebook edition adopted",
    "units.refresh_posts": "Posts refreshed from the rulebook",
}


def audit_verb_modules() -> list[ModuleType]:
    """Every installed moot app's ``audit_verbs`` module."""
    modules: list[ModuleType] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("moot."):
            continue
        name = f"{config.name}.audit_verbs"
        if importlib.util.find_spec(name) is not None:
            modules.append(importlib.import_module(name))
    return modules


@cache
def _current_verb_of_former() -> dict[str, str]:
    """Former string -> the verb it became, across every app's ``FORMER_VERBS``."""
    became: dict[str, str] = {}
    for module in audit_verb_modules():
        for new, olds in getattr(module, "FORMER_VERBS", {}).items():
            for old in olds:
                became[old] = str(new)
    return became


def verb_label(verb: str) -> str:
    """The label of ``verb``, of the verb it became when it is a former name, or ``verb``
    itself when moot has no label for it."""
    verb = str(verb)
    if verb in LABELS:
        return LABELS[verb]
    current = _current_verb_of_former().get(verb)
    if current is not None and current in LABELS:
        return LABELS[current]
    return verb
