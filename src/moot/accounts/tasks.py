"""Background work for accounts: invitation e-mails (django-tasks; run by the worker, or
inline when MOOT_TASKS=immediate)."""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from moot.accounts.audit_verbs import AuditVerb
from moot.accounts.tokens import digest, new_secret
from moot.audit.actions import record

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


@task()
def send_invitation(invitation_id: int, base_url: str = "") -> str:
    """Generate the claim link's token, keep its digest, and mail the link to the member.
    Returns what happened (kept by the task backend as the task's result)."""
    from moot.accounts.models import Invitation

    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("member")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation.state not in ("queued", "pending"):
            return f"invitation {invitation_id} is no longer pending; nothing sent"
        token = new_secret()
        invitation.token_hash = digest(token)
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["token_hash", "sent_at"])
        record(
            actor=None,
            verb=AuditVerb.SEND_INVITATION,
            obj=invitation,
            after={"email": invitation.email, "sent_at": invitation.sent_at},
        )
        link = (base_url or DEFAULT_BASE_URL).rstrip("/") + reverse("accounts:claim", args=[token])
        context = {"invitation": invitation, "member": invitation.member, "link": link}
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation_message.txt", context)
        # Sent inside the transaction: if the mail server refuses, the token is not kept
        # and the task can be run again.
        send_mail(subject, body, None, [invitation.email])
    return f"invitation {invitation_id} sent to {invitation.email}"
