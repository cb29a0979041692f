"""The audit verbs of accounts: ``accounts.<action name without do_>`` (one per action; the
staff admin's and the invitation task's own)."""

from __future__ import annotations

from enum import StrEnum


class AuditVerb(StrEnum):
    ASSIGN_STAFF_ROLE = "accounts.assign_staff_role"
    REMOVE_STAFF_ROLE = "accounts.remove_staff_role"
    INVITE_MEMBER = "accounts.invite_member"
    SEND_INVITATION = "accounts.send_invitation"  # the task that mails the link
    CLAIM_INVITATION = "accounts.claim_invitation"
    REVOKE_INVITATION = "accounts.revoke_invitation"
    CREATE_API_TOKEN = "accounts.create_api_token"  # noqa: S105 - a verb, not a secret
    REVOKE_API_TOKEN = "accounts.revoke_api_token"  # noqa: S105 - a verb, not a secret
    REVOKE_ALL_API_TOKENS = "accounts.revoke_all_api_tokens"
    WITHDRAW_ACCESS = "accounts.withdraw_access"
    CREATE_USER = "accounts.create_user"  # the staff admin
    CHANGE_USER = "accounts.change_user"  # the staff admin
