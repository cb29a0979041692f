"""The e-mail of a ballot delivery: plain text and HTML, the voter's credential (derived here,
never stored), the post-issue notices first, and nothing of a newsletter — no unsubscribe
header or footer, no tracking pixel, no rewritten links (BALLOTS.md §4: an unsubscribe must
never silence a ballot).

Every message carries a ``Message-ID`` made from the delivery's id (the same on a resend, so
a mailbox that already has it can drop the copy) and ``X-Moot-Delivery: <id>`` so a sink or a
mail log can count duplicates."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import get_template

from moot.ballots.models import Ballot, Delivery, DeliveryKind, RollEntry

DEFAULT_BASE_URL = "http://127.0.0.1:8000"

SUBJECTS = {
    DeliveryKind.INVITATION: "Your vote: {title}",
    DeliveryKind.REISSUE: "Your new voting code: {title}",
    DeliveryKind.REMINDER: "Reminder: you have not voted yet in {title}",
}


def site_url() -> str:
    return (getattr(settings, "MOOT_SITE_URL", "") or DEFAULT_BASE_URL).rstrip("/")


def mail_domain() -> str:
    """The domain of the sender address (for Message-IDs)."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "moot.invalid"


def message_id(delivery_id: int, ballot_id: int) -> str:
    return f"<ballot-{ballot_id}.delivery-{delivery_id}@{mail_domain()}>"


@dataclass
class Composer:
    """What one batch shares: the ballot, its notices, the compiled templates."""

    ballot: Ballot
    notices: list[Any]

    def __post_init__(self) -> None:
        self.text = get_template("ballots/email/delivery_message.txt")
        self.html = get_template("ballots/email/delivery_message.html")
        self.base = site_url()
        self.sender = getattr(settings, "MOOT_BALLOT_FROM_EMAIL", "") or settings.DEFAULT_FROM_EMAIL
        self.unit = str(self.ballot.unit)

    def message(
        self, delivery: Delivery, entry: RollEntry, credential: str, first_name: str
    ) -> EmailMultiAlternatives:
        ballot = self.ballot
        subject = SUBJECTS[DeliveryKind(delivery.kind)].format(title=ballot.title)
        vote_page = f"{self.base}/ballots/{ballot.pk}/vote/"
        context = {
            "subject": subject,
            "first_name": first_name or "member",
            "ballot": ballot,
            "unit": self.unit,
            "kind": delivery.kind,
            "close_at": ballot.close_at,
            "credential": credential,
            "vote_page": vote_page,
            "vote_link": f"{vote_page}c/{credential}/",
            # Reminders lead with the notices; an invitation or reissue sent after an event
            # carries them too, since the voter may not have seen the ballot page.
            "notices": self.notices,
        }
        message = EmailMultiAlternatives(
            subject,
            self.text.render(context),
            self.sender,
            [entry.email],
            headers={
                "Message-ID": message_id(delivery.pk, ballot.pk),
                "X-Moot-Delivery": str(delivery.pk),
                "Auto-Submitted": "auto-generated",
            },
        )
        message.attach_alternative(self.html.render(context), "text/html")
        # Read by django-anymail's backends (ignored by SMTP): no open or click tracking, which
        # would rewrite the credential link through the provider and mark the voter's opening.
        message.track_opens = False  # type: ignore[attr-defined]
        message.track_clicks = False  # type: ignore[attr-defined]
        message.tags = ["ballot", delivery.kind]  # type: ignore[attr-defined]
        message.metadata = {"moot_delivery": str(delivery.pk)}  # type: ignore[attr-defined]
        return message
