"""Background work for the register: the mails of a member's e-mail change (django-tasks; run
by the worker, or inline when MOOT_TASKS=immediate)."""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


@task()
def send_email_change_confirmation(change_id: int, base_url: str = "") -> str:
    """Mail the confirmation link to the new address and a notice to the old one. The link's
    secret is made here, so the task queue never holds it."""
    from moot.members.contact import issue_secrets
    from moot.members.models import EmailChangeRequest

    with transaction.atomic():
        change = (
            EmailChangeRequest.objects.select_for_update(of=("self",))
            .select_related("member")
            .filter(pk=change_id)
            .first()
        )
        if change is None or not change.is_pending:
            return f"e-mail change {change_id} is no longer pending; nothing sent"
        confirm, cancel = issue_secrets(change)
        base = (base_url or DEFAULT_BASE_URL).rstrip("/")
        context = {
            "change": change,
            "member": change.member,
            "link": base + reverse("members:confirm_email", args=[confirm]),
            "cancel_link": base + reverse("members:cancel_email", args=[cancel]),
        }
        send_mail(
            "Confirm your new e-mail address",
            render_to_string("members/email/confirm_change.txt", context),
            None,
            [change.new_email],
        )
        if change.old_email:
            send_mail(
                "A change of your e-mail address was requested",
                render_to_string("members/email/change_requested.txt", context),
                None,
                [change.old_email],
            )
    return f"e-mail change {change_id}: confirmation sent"


@task()
def send_email_changed_notice(change_id: int) -> str:
    """Tell the old address that the change took effect."""
    from moot.members.models import EmailChangeRequest

    change = EmailChangeRequest.objects.select_related("member").filter(pk=change_id).first()
    if change is None or change.confirmed_at is None or not change.old_email:
        return f"e-mail change {change_id}: no notice to send"
    send_mail(
        "Your e-mail address was changed",
        render_to_string("members/email/changed.txt", {"change": change, "member": change.member}),
        None,
        [change.old_email],
    )
    return f"e-mail change {change_id}: notice sent to the old address"
