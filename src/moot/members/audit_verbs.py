"""The audit verbs of the member register: ``members.<action name without do_>``."""

from __future__ import annotations

from enum import StrEnum


class AuditVerb(StrEnum):
    CREATE_MEMBER = "members.create_member"
    UPDATE_MEMBER = "members.update_member"
    LINK_ACCOUNT = "members.link_account"
    CHANGE_MEMBER_STATUS = "members.change_member_status"
    RESIGN = "members.resign"
    IMPORT_MEMBERS = "members.import_members"
    PROPOSE_IMPORT = "members.propose_import"
    PROPOSE_MEMBER_CHANGE = "members.propose_member_change"
    PROPOSE_STATUS_CHANGE = "members.propose_status_change"
    DECIDE_PROPOSAL = "members.decide_proposal"
    CHANGE_REGISTER_ENTRY = "members.change_register_entry"
    REQUEST_EMAIL_CHANGE = "members.request_email_change"
    CONFIRM_EMAIL_CHANGE = "members.confirm_email_change"
    CANCEL_EMAIL_CHANGE = "members.cancel_email_change"
