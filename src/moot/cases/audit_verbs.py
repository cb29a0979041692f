"""The audit verbs of cases: ``cases.<action name without do_>`` (moot.audit.verbs has the rule).
An event names the case by its id and reference only; what the case is about stays in the case
file (encrypted), never in the audit log."""

from __future__ import annotations

from enum import StrEnum


class AuditVerb(StrEnum):
    SUBMIT_COMPLAINT = "cases.submit_complaint"  # public or member form
    RECORD_COMPLAINT = "cases.record_complaint"  # staff record one received otherwise
    ACKNOWLEDGE_COMPLAINT = "cases.acknowledge_complaint"  # the task that mails it
    ADD_EVIDENCE = "cases.add_evidence"
    ASK_QUESTION = "cases.ask_question"
    ANSWER_QUESTION = "cases.answer_question"
    ADD_NOTE = "cases.add_note"
    RECORD_EXTERNAL_REPRESENTATION = "cases.record_external_representation"
    SPLIT_KEY = "cases.split_key"
    RECOVER_KEY = "cases.recover_key"
    ROTATE_KEY = "cases.rotate_key"
    # Retention, subject access, statistics and summaries (C3).
    PLACE_LEGAL_HOLD = "cases.place_legal_hold"
    LIFT_LEGAL_HOLD = "cases.lift_legal_hold"
    REOPEN_CASE = "cases.reopen_case"
    DRAW_UP_DESTRUCTION_LIST = "cases.draw_up_destruction_list"
    REVIEW_DESTRUCTION_LIST = "cases.review_destruction_list"
    EXECUTE_DESTRUCTION_LIST = "cases.execute_destruction_list"


FORMER_VERBS: dict[AuditVerb, tuple[str, ...]] = {}
