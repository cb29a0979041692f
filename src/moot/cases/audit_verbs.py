"""The audit verbs of cases: ``cases.<action name without do_>`` (moot.audit.verbs has the rule).
An event names the case by its id and reference only; what the case is about stays in the case
file (encrypted), never in the audit log."""

from __future__ import annotations

from enum import StrEnum


class AuditVerb(StrEnum):
    SUBMIT_COMPLAINT = "cases.submit_complaint"  # public or member form
    RECORD_COMPLAINT = "cases.record_complaint"  # staff record one received otherwise
    ADD_EVIDENCE = "cases.add_evidence"
    ASK_QUESTION = "cases.ask_question"
    ANSWER_QUESTION = "cases.answer_question"
    ADD_NOTE = "cases.add_note"
    RECORD_EXTERNAL_REPRESENTATION = "cases.record_external_representation"
    SPLIT_KEY = "cases.split_key"
    RECOVER_KEY = "cases.recover_key"
    ROTATE_KEY = "cases.rotate_key"
    # The process (stages, assignments, sanctions, review and appeal, communications).
    ASSIGN_TO_CASE = "cases.assign_to_case"
    RECORD_ASSIGNMENT_REFUSAL = "cases.record_assignment_refusal"
    END_ASSIGNMENT = "cases.end_assignment"
    DECLARE_CONFLICT = "cases.declare_conflict"
    RECORD_TRAINING = "cases.record_training"
    DRAW_PANEL = "cases.draw_panel"
    TRIAGE_CASE = "cases.triage_case"
    MOVE_CASE = "cases.move_case"
    SEND_NOTICE_TO_RESPONDENT = "cases.send_notice_to_respondent"
    RECORD_REPLY = "cases.record_reply"
    POSTPONE_HEARING = "cases.postpone_hearing"
    RECORD_REPORT = "cases.record_report"
    RECORD_DECISION = "cases.record_decision"
    STOP_CLOCK = "cases.stop_clock"
    RESTART_CLOCK = "cases.restart_clock"
    SUSPEND_RESPONDENT = "cases.suspend_respondent"
    RENEW_SUSPENSION = "cases.renew_suspension"
    END_SUSPENSION = "cases.end_suspension"
    IMPOSE_SANCTION = "cases.impose_sanction"
    COMPLETE_EDUCATION = "cases.complete_education"
    CLOSE_CASE_RESPONDENT_LEFT = "cases.close_case_respondent_left"
    RECORD_REVIEW = "cases.record_review"
    LODGE_APPEAL = "cases.lodge_appeal"
    RECORD_APPEAL_DECISION = "cases.record_appeal_decision"
    SEND_COMMUNICATION = "cases.send_communication"
    REMIND_OVERDUE = "cases.remind_overdue"
    ALERT_RETURNING_OFFICERS = "cases.alert_returning_officers"
    END_SUSPENSION_SANCTION = "cases.end_suspension_sanction"
    IDENTIFY_RESPONDENT = "cases.identify_respondent"

    # Retention, subject access, statistics and summaries (C3).
    PLACE_LEGAL_HOLD = "cases.place_legal_hold"
    LIFT_LEGAL_HOLD = "cases.lift_legal_hold"
    REOPEN_CASE = "cases.reopen_case"
    DRAW_UP_DESTRUCTION_LIST = "cases.draw_up_destruction_list"
    REVIEW_DESTRUCTION_LIST = "cases.review_destruction_list"
    EXECUTE_DESTRUCTION_LIST = "cases.execute_destruction_list"
    EXPORT_SUBJECT_ACCESS = "cases.export_subject_access"
    DRAFT_DECISION_SUMMARY = "cases.draft_decision_summary"
    APPROVE_DECISION_SUMMARY = "cases.approve_decision_summary"
    WITHDRAW_DECISION_SUMMARY = "cases.withdraw_decision_summary"


FORMER_VERBS: dict[AuditVerb, tuple[str, ...]] = {}
