"""A member's own contact details, and the membership office's edits of a member's details.

* A member changes their own telephone number and postal address at once (audited); their
  e-mail address (where invitations, notices and ballots go) changes only when they follow, while
  signed in, a link sent to the new address. The old address is told of the request, so a
  stolen session cannot quietly redirect a member's mail.
* The register's authority (the membership office, rulebook [membership.register]) edits any
  detail, including the member's constituency party and branch, with a reason: moving a member
  between units changes where they may vote, so it is never a unit officer's act.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from moot.audit.actions import record
from moot.limits import hit
from moot.members.actions import do_update_member, register_clause
from moot.members.audit_verbs import AuditVerb
from moot.members.errors import ActionError, RefusalCode
from moot.members.models import EmailChangeRequest, Member
from moot.members.signals import contact_email_changed, email_taken_by_another_account

# What a member may change on their own record without anyone's approval.
OWN_CONTACT_FIELDS = ("phone", "address", "postcode")
# How long the confirmation link sent to a new address works.
CONFIRMATION_VALID = datetime.timedelta(days=3)
# Requests a member may make in a day (each sends a mail to an address they name).
REQUESTS_PER_DAY = 5
MAX_REASON = 2000


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _check_own(member: Member, acting_user: Any) -> None:
    if acting_user is None or getattr(member, "user_id", None) != getattr(acting_user, "pk", None):
        raise ActionError(
            "a member changes only their own contact details; the membership office changes "
            "anyone else's",
            code=RefusalCode.FORBIDDEN,
        )


@transaction.atomic
def do_update_own_contact(member: Member, *, acting_user: Any, **changes: Any) -> Member:
    """The member changes their own telephone number, address or postcode (hands off to
    do_update_member, which records the change)."""
    _check_own(member, acting_user)
    unknown = sorted(set(changes) - set(OWN_CONTACT_FIELDS))
    if unknown:
        raise ActionError(
            f"you cannot change {', '.join(unknown)} yourself; ask the membership office "
            f"(clause {register_clause()})",
            field=unknown[0],
            code=RefusalCode.FORBIDDEN,
        )
    return do_update_member(
        member, acting_user=acting_user, reason="changed by the member", **changes
    )


def _clean_email(value: str) -> str:
    from moot.members.imports import _EMAIL

    email = (value or "").strip().lower()
    if not email:
        raise ActionError("give the new e-mail address", field="email")
    if len(email) > 254:
        raise ActionError("the e-mail address is longer than 254 characters", field="email")
    if not _EMAIL.match(email):
        raise ActionError(f"'{email}' is not an e-mail address", field="email")
    return email


@transaction.atomic
def do_request_email_change(
    member: Member, new_email: str, *, acting_user: Any, base_url: str = ""
) -> EmailChangeRequest:
    """The member asks to change the e-mail address on their record to ``new_email``. Nothing
    changes yet: a confirmation link goes to the new address, a notice to the old one."""
    from moot.members.tasks import send_email_change_confirmation
    from moot.on_commit import enqueue_on_commit

    _check_own(member, acting_user)
    email = _clean_email(new_email)
    if email == (member.email or "").lower():
        raise ActionError("that is already the address on your record", field="email")
    answers = email_taken_by_another_account.send(sender=Member, email=email, member=member)
    if any(answer for _, answer in answers):
        raise ActionError(
            "another account signs in with that address; give an address of your own, or ask "
            "the membership office",
            field="email",
            code=RefusalCode.CONFLICT,
        )
    if hit(
        "email-change", str(member.pk), limit=REQUESTS_PER_DAY, window=datetime.timedelta(days=1)
    ):
        raise ActionError(
            f"you have asked to change your e-mail address {REQUESTS_PER_DAY} times today; "
            "try again tomorrow or ask the membership office",
            code=RefusalCode.RATE_LIMITED,
        )
    member = Member.objects.select_for_update(of=("self",)).get(pk=member.pk)
    EmailChangeRequest.objects.filter(
        member=member, confirmed_at__isnull=True, superseded=False
    ).update(superseded=True)
    change = EmailChangeRequest.objects.create(
        member=member,
        new_email=email,
        old_email=member.email,
        expires_at=timezone.now() + CONFIRMATION_VALID,
    )
    record(
        actor=acting_user,
        verb=AuditVerb.REQUEST_EMAIL_CHANGE,
        obj=member,
        after={"request": change.pk, "new_email": email},
    )
    enqueue_on_commit(send_email_change_confirmation, change.pk, base_url)
    return change


def issue_secrets(change: EmailChangeRequest) -> tuple[str, str]:
    """New link secrets for ``change``: the one that confirms (to the new address) and the one
    that cancels (to the old address). Their digests are kept; the secrets are returned to be
    mailed."""
    confirm, cancel = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    change.token_hash = _digest(confirm)
    change.cancel_hash = _digest(cancel)
    change.sent_at = timezone.now()
    change.save(update_fields=["token_hash", "cancel_hash", "sent_at"])
    return confirm, cancel


def pending_change(secret: str) -> EmailChangeRequest | None:
    """The pending request a link secret belongs to, else None (expired, used, superseded)."""
    return _pending_by("token_hash", secret)


def cancellable_change(secret: str) -> EmailChangeRequest | None:
    """The pending request a cancel link's secret belongs to, else None."""
    return _pending_by("cancel_hash", secret)


def _pending_by(column: str, secret: str) -> EmailChangeRequest | None:
    if not secret or len(secret) > 100:
        return None
    change = (
        EmailChangeRequest.objects.select_related("member")
        .filter(**{column: _digest(secret)})
        .first()
    )
    return change if change is not None and change.is_pending else None


# What a member is shown of their own record's audit history: the changes to their details
# (not the register's internal proposals, nor status reasons, which members.disclosure governs).
OWN_HISTORY_VERBS = (
    AuditVerb.CREATE_MEMBER,
    AuditVerb.UPDATE_MEMBER,
    AuditVerb.CHANGE_REGISTER_ENTRY,
    AuditVerb.LINK_ACCOUNT,
    AuditVerb.REQUEST_EMAIL_CHANGE,
    AuditVerb.CONFIRM_EMAIL_CHANGE,
    AuditVerb.CANCEL_EMAIL_CHANGE,
)


def own_history(member: Member, limit: int = 100) -> list[Any]:
    """The changes to ``member``'s details, newest first, for the member's own page."""
    from moot.audit.queries import history_of

    verbs = [str(verb) for verb in OWN_HISTORY_VERBS]
    return list(history_of(member).filter(verb__in=verbs).order_by("-seq")[:limit])


def pending_request_of(member: Member) -> EmailChangeRequest | None:
    """The member's e-mail change still waiting for its confirmation, if any."""
    change = EmailChangeRequest.objects.filter(
        member=member, confirmed_at__isnull=True, superseded=False
    ).first()
    return change if change is not None and change.is_pending else None


@transaction.atomic
def do_confirm_email_change(secret: str, *, password: str, acting_user: Any) -> Member:
    """The member, signed in, confirms the new address by the link's secret and their password
    (a stolen session alone cannot redirect their mail): the address on the record, and the
    account's sign-in address, change now."""
    from moot.members.tasks import send_email_changed_notice
    from moot.on_commit import enqueue_on_commit

    change = pending_change(secret)
    if change is None:
        raise ActionError(
            "this confirmation link has expired, was already used, was cancelled or was "
            "replaced by a newer request; ask again from your details page",
            code=RefusalCode.NOT_FOUND,
        )
    _check_own(change.member, acting_user)
    if acting_user.has_usable_password() and not acting_user.check_password(password or ""):
        raise ActionError(
            "that is not your password; give the password you sign in with to confirm",
            field="password",
            code=RefusalCode.FORBIDDEN,
        )
    change = EmailChangeRequest.objects.select_for_update(of=("self",)).get(pk=change.pk)
    if not change.is_pending:
        raise ActionError("this request was confirmed a moment ago", code=RefusalCode.CONFLICT)
    member = Member.objects.select_for_update(of=("self",)).get(pk=change.member_id)
    before = member.email
    member.email = change.new_email
    member.save(update_fields=["email", "updated_at"])
    change.confirmed_at = timezone.now()
    change.save(update_fields=["confirmed_at"])
    record(
        actor=acting_user,
        verb=AuditVerb.CONFIRM_EMAIL_CHANGE,
        obj=member,
        before={"email": before},
        after={"email": member.email, "request": change.pk},
    )
    contact_email_changed.send(
        sender=Member,
        member=member,
        old_email=before,
        new_email=member.email,
        acting_user=acting_user,
    )
    if before:
        enqueue_on_commit(send_email_changed_notice, change.pk)
    return member


@transaction.atomic
def do_cancel_email_change(secret: str) -> EmailChangeRequest:
    """Whoever reads the old address cancels a pending change by the link mailed there (no
    sign-in needed: the point is to stop someone holding the member's session)."""
    change = cancellable_change(secret)
    if change is None:
        raise ActionError(
            "this request is no longer pending (confirmed, cancelled, replaced or expired); if "
            "the address on your record was changed without you, tell the membership office",
            code=RefusalCode.NOT_FOUND,
        )
    change = EmailChangeRequest.objects.select_for_update(of=("self",)).get(pk=change.pk)
    change.cancelled_at = timezone.now()
    change.save(update_fields=["cancelled_at"])
    record(
        actor=None,
        verb=AuditVerb.CANCEL_EMAIL_CHANGE,
        obj=change.member,
        after={"request": change.pk, "cancelled_from": "the link sent to the old address"},
    )
    return change


@transaction.atomic
def do_edit_member_details(
    member: Member, *, acting_user: Any, reason: str, **changes: Any
) -> Member:
    """The register's authority edits a member's details (names, contact details, date of birth,
    gender, constituency party and branch) with a reason kept in the audit trail. Who may call it
    is the permission layer's answer (members.decide_register); the reason is required here."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionError("give the reason for the change to the register", field="reason")
    if len(reason) > MAX_REASON:
        raise ActionError(
            f"the reason is {len(reason)} characters long; use at most {MAX_REASON}",
            field="reason",
        )
    return do_update_member(member, acting_user=acting_user, reason=reason, **changes)
