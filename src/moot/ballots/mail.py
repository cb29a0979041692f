"""The e-mail of a ballot delivery: plain text and HTML, the voter's credential (derived here,
never stored), the post-issue notices first, and nothing of a newsletter — no unsubscribe
header or footer, no tracking pixel, no rewritten links (BALLOTS.md §4: an unsubscribe must
never silence a ballot).

Every message carries a ``Message-ID`` made from the delivery's id (the same on a resend, so
a mailbox that already has it can drop the copy) and ``X-Moot-Delivery: <id>`` so a sink or a
mail log can count duplicates."""

from __future__ import annotations

import binascii
import secrets
from dataclasses import dataclass, field
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr
from html import escape
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import get_template

from moot.ballots.errors import BallotError, RefusalCode
from moot.ballots.models import Ballot, DeliveryKind

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Markers rendered into the templates once per kind and replaced per message (letters only, so
# no escaping or filter changes them).
FIRST_NAME_MARK = "MOOTxFIRSTxNAMExMARK"
CODE_MARK = "MOOTxVOTINGxCODExMARK"
# A body line longer than this (before the voter's name is put in) goes quoted-printable.
SEVEN_BIT_LINE = 900

SUBJECTS = {
    DeliveryKind.INVITATION: "Your vote: {title}",
    DeliveryKind.REISSUE: "Your new voting code: {title}",
    DeliveryKind.REMINDER: "Reminder: you have not voted yet in {title}",
}


def development_site() -> bool:
    """A development site: ``MOOT_HTTPS=0`` (tests, ``make run``'s loopback demo)."""
    return not getattr(settings, "HTTPS", True)


def check_site_url() -> str:
    """The site's public address for links in ballot mail, or a refusal saying what to set.

    It must be ``https://`` with a host. Only a development site (``MOOT_HTTPS=0``) may use
    ``http://`` on the loopback address, and gets ``http://127.0.0.1:8000`` when none is set."""
    raw = str(getattr(settings, "MOOT_SITE_URL", "") or "").strip().rstrip("/")
    development = development_site()
    if not raw:
        if development:
            return DEFAULT_BASE_URL
        raise BallotError(
            "The site's public address is not set, so the links in ballot e-mails would point "
            "nowhere voters can reach: set MOOT_SITE_URL to the https:// address voters use "
            "(e.g. MOOT_SITE_URL=https://members.example.org) and restart the site and the "
            "workers. Nothing was issued or sent.",
            field="MOOT_SITE_URL",
            code=RefusalCode.STATE,
        )
    parts = urlsplit(raw)
    if parts.scheme == "https" and parts.hostname and not parts.query and not parts.fragment:
        return raw
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS and development:
        return raw
    raise BallotError(
        f"MOOT_SITE_URL is {raw!r}: ballot e-mails carry each voter's code in their links, so "
        "the address must be https:// with a host name (http:// is allowed only on the "
        "loopback address of a development site, MOOT_HTTPS=0). Set it to the https:// address "
        "voters use and restart the site and the workers. Nothing was issued or sent.",
        field="MOOT_SITE_URL",
        code=RefusalCode.STATE,
    )


def site_url() -> str:
    return check_site_url()


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

    prepared: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.text = get_template("ballots/email/delivery_message.txt")
        self.html = get_template("ballots/email/delivery_message.html")
        self.base = check_site_url()
        self.sender = getattr(settings, "MOOT_BALLOT_FROM_EMAIL", "") or settings.DEFAULT_FROM_EMAIL
        self.envelope_from = parseaddr(self.sender)[1]
        self.domain = mail_domain()
        self.unit = str(self.ballot.unit)
        self.boundary = f"==moot.{secrets.token_hex(12)}"

    def subject(self, kind: str) -> str:
        return SUBJECTS[DeliveryKind(kind)].format(title=" ".join(self.ballot.title.split()))

    def context(self, kind: str, credential: str, first_name: str) -> dict[str, Any]:
        ballot = self.ballot
        vote_page = f"{self.base}/ballots/{ballot.pk}/vote/"
        return {
            "subject": self.subject(kind),
            "first_name": first_name or "member",
            "ballot": ballot,
            "unit": self.unit,
            "kind": kind,
            "close_at": ballot.close_at,
            "credential": credential,
            "vote_page": vote_page,
            "vote_link": f"{vote_page}c/{credential}/",
            # Reminders lead with the notices; an invitation or reissue sent after an event
            # carries them too, since the voter may not have seen the ballot page.
            "notices": self.notices,
        }

    def _prepare(self, kind: str) -> tuple[str, str, bytes]:
        """The kind's text and HTML bodies (CRLF, with the markers) and its fixed headers."""
        found = self.prepared.get(kind)
        if found is not None:
            return found
        context = self.context(kind, CODE_MARK, FIRST_NAME_MARK)
        text = _crlf(self.text.render(context))
        html = _crlf(self.html.render(context))
        name, address = parseaddr(self.sender)
        head = (
            f"From: {_header('From', formataddr((name, address), charset='utf-8'))}\r\n"
            f"Subject: {_header('Subject', self.subject(kind))}\r\n"
            f"Date: {formatdate(usegmt=True)}\r\n"
            "MIME-Version: 1.0\r\n"
            "Auto-Submitted: auto-generated\r\n"
        ).encode("ascii")
        found = (text, html, head)
        self.prepared[kind] = found
        return found

    def raw(
        self, delivery_id: int, kind: str, email: str, credential: str, first_name: str
    ) -> tuple[bytes, str] | None:
        """The message as the bytes an SMTP server is sent, and its Message-ID; None when the
        address is one this path does not write (not plain ASCII): that row takes
        :meth:`message`."""
        if not email.isascii() or any(c in email for c in ' \t\r\n<>,;"()'):
            return None
        text, html, head = self._prepare(kind)
        first = " ".join((first_name or "member").split())
        text = text.replace(FIRST_NAME_MARK, first).replace(CODE_MARK, credential)
        html = html.replace(FIRST_NAME_MARK, escape(first)).replace(CODE_MARK, credential)
        short = len(first) <= 60
        text_body, text_cte = _body(text, short)
        html_body, html_cte = _body(html, short)
        boundary = self.boundary.encode("ascii")
        while boundary in text_body or boundary in html_body:  # pragma: no cover - 96 random bits
            boundary = f"==moot.{secrets.token_hex(12)}".encode("ascii")
        mid = f"<ballot-{self.ballot.pk}.delivery-{delivery_id}@{self.domain}>"
        return (
            b"".join(
                (
                    head,
                    b"To: ",
                    email.encode("ascii"),
                    b"\r\nMessage-ID: ",
                    mid.encode("ascii"),
                    b"\r\nX-Moot-Delivery: ",
                    str(delivery_id).encode("ascii"),
                    b'\r\nContent-Type: multipart/alternative;\r\n boundary="',
                    boundary,
                    b'"\r\n\r\n--',
                    boundary,
                    (
                        b'\r\nContent-Type: text/plain; charset="utf-8"\r\n'
                        b"Content-Transfer-Encoding: "
                    ),
                    text_cte,
                    b"\r\n\r\n",
                    text_body,
                    b"\r\n--",
                    boundary,
                    (
                        b'\r\nContent-Type: text/html; charset="utf-8"\r\n'
                        b"Content-Transfer-Encoding: "
                    ),
                    html_cte,
                    b"\r\n\r\n",
                    html_body,
                    b"\r\n--",
                    boundary,
                    b"--\r\n",
                )
            ),
            mid,
        )

    def message(
        self, delivery_id: int, kind: str, email: str, credential: str, first_name: str
    ) -> EmailMultiAlternatives:
        context = self.context(kind, credential, first_name)
        message = EmailMultiAlternatives(
            context["subject"],
            self.text.render(context),
            self.sender,
            [email],
            headers={
                "Message-ID": message_id(delivery_id, self.ballot.pk),
                "X-Moot-Delivery": str(delivery_id),
                "Auto-Submitted": "auto-generated",
            },
        )
        message.attach_alternative(self.html.render(context), "text/html")
        # Read by django-anymail's backends (ignored by SMTP): no open or click tracking, which
        # would rewrite the credential link through the provider and mark the voter's opening.
        message.track_opens = False  # type: ignore[attr-defined]
        message.track_clicks = False  # type: ignore[attr-defined]
        message.tags = ["ballot", kind]  # type: ignore[attr-defined]
        message.metadata = {"moot_delivery": str(delivery_id)}  # type: ignore[attr-defined]
        return message


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


def _header(name: str, value: str) -> str:
    """A header's value folded at 78 and, when not ASCII, encoded (RFC 2047)."""
    charset = "us-ascii" if value.isascii() else "utf-8"
    return Header(value, charset, header_name=name).encode(linesep="\r\n")


def _body(text: str, short_insert: bool) -> tuple[bytes, bytes]:
    """(encoded body, Content-Transfer-Encoding): 7bit when ASCII with short lines, else
    quoted-printable (``binascii``, soft breaks at 76, CRLF kept)."""
    data = text.encode("utf-8")
    if data.isascii() and short_insert and max(map(len, data.split(b"\r\n"))) <= SEVEN_BIT_LINE:
        return data, b"7bit"
    return binascii.b2a_qp(data, istext=True), b"quoted-printable"
