"""The credential authority's side (docs/verifiable.md §2): credentials made on the
authority's own machine, the public list uploaded, each voter sent one credential by e-mail —
and no file kept of who got which.

A credential is 24 characters of base58 (about 140 bits) shown in groups of four; its secret
``z = challenge("credential", uuid, text without hyphens)`` and the public credential
``Z = z·B``. The public list is the sorted list of Z (hex); ``credentials_sha256`` is the SHA-256
of its canonical JSON.
"""

from __future__ import annotations

import hashlib
import secrets
import smtplib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from moot.verify import vballot
from moot.verify.group import Point
from moot.verify.vcommon import canonical

MAX_COUNT = 2_000_000


class CredentialError(Exception):
    """Bad input to ``moot credentials`` (the message names the file, line and fix)."""


def new_credential() -> str:
    """A fresh credential as the voter is sent it: 24 base58 characters in groups of 4."""
    return vballot.format_credential(vballot.new_credential())


def public_list(uuid: str, credentials: Iterable[str]) -> dict[str, object]:
    try:
        listed = vballot.credential_list([vballot.public_credential(uuid, c) for c in credentials])
    except ValueError as exc:
        raise CredentialError(f"{exc}: generate again") from exc
    return {
        "uuid": uuid,
        "credentials": listed,
        "credentials_sha256": vballot.credentials_sha256(listed),
    }


def check_public_file(data: object) -> tuple[str, list[str], str]:
    """(uuid, the sorted list, its sha256) of a public-credentials.json, checked."""
    if not isinstance(data, dict) or set(data) != {"uuid", "credentials", "credentials_sha256"}:
        raise CredentialError(
            'public-credentials.json: expected {"uuid", "credentials", "credentials_sha256"} '
            "as `moot credentials generate` writes it"
        )
    listed = data["credentials"]
    if not isinstance(listed, list) or not listed:
        raise CredentialError("public-credentials.json: credentials must be a non-empty list")
    for position, item in enumerate(listed):
        try:
            Point.decode(item, what=f"credentials[{position}]")
        except (ValueError, TypeError) as exc:
            raise CredentialError(f"public-credentials.json: {exc}") from exc
    if listed != sorted(set(listed)):
        raise CredentialError("public-credentials.json: the list must be sorted, no repeats")
    digest = hashlib.sha256(canonical(listed)).hexdigest()
    if digest != data["credentials_sha256"]:
        raise CredentialError(
            "public-credentials.json: credentials_sha256 does not match the list (changed?)"
        )
    return str(data["uuid"]), listed, digest


# --- sending -----------------------------------------------------------------------------------
def read_voters(lines: Sequence[str], name: str) -> list[str]:
    """The addresses of voters.csv: one a line, blank lines skipped, no repeats."""
    addresses: list[str] = []
    seen: set[str] = set()
    for number, raw in enumerate(lines, start=1):
        address = raw.strip()
        if not address or (number == 1 and address.lower() in {"email", "address", "e-mail"}):
            continue
        local, at, domain = address.rpartition("@")
        if not at or not local or "." not in domain or any(ch.isspace() for ch in address):
            raise CredentialError(f"{name} line {number}: {address!r} is not an e-mail address")
        if "," in address or ";" in address or "<" in address:
            raise CredentialError(f"{name} line {number}: one bare address a line, please")
        if address.lower() in seen:
            raise CredentialError(
                f"{name} line {number}: {address} is listed twice (a voter gets one credential)"
            )
        seen.add(address.lower())
        addresses.append(address)
    if not addresses:
        raise CredentialError(f"{name}: no addresses")
    return addresses


def read_secret_lines(lines: Sequence[str], name: str) -> list[str]:
    credentials: list[str] = []
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text or (number == 1 and text == "credential"):
            continue
        try:
            vballot.parse_credential(text)
        except vballot.CredentialError as exc:
            raise CredentialError(f"{name} line {number}: not a credential ({exc})") from exc
        credentials.append(text)
    if len(set(map(vballot.parse_credential, credentials))) != len(credentials):
        raise CredentialError(f"{name}: a credential is listed twice")
    return credentials


@dataclass(frozen=True)
class Mail:
    host: str
    port: int
    sender: str
    link: str
    starttls: bool = False
    user: str = ""
    password: str = ""
    title: str = ""


def message(mail: Mail, address: str, credential: str) -> EmailMessage:
    out = EmailMessage()
    out["From"] = mail.sender
    out["To"] = address
    out["Subject"] = f"Your voting credential: {mail.title}"
    out["Message-ID"] = make_msgid()
    out.set_content(
        f'You are a voter in the verifiable ballot "{mail.title}".\n\n'
        f"Your voting credential is:\n\n    {credential}\n\n"
        f"Vote at {mail.link}\n\n"
        "The booth asks for this credential: it signs your encrypted ballot, and only ballots\n"
        "signed with a credential on the published list are counted. Keep it secret: with it\n"
        "and your invitation you can vote. This sender keeps no record of which credential\n"
        "went to which voter.\n"
    )
    return out


class SentState:
    """What ``moot credentials send`` has done, kept beside the secret file (0600) so that a
    second run cannot give a voter a second credential: the counts, the credentials consumed
    (sorted) and the addresses sent to as salted hashes (sorted; the salt is random and kept
    here) — never which credential went to which address."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.salt = bytes.fromhex(str(data["salt"]))
        self.sent_to: set[str] = set(data.get("sent_to") or [])
        self.consumed: set[str] = set(data.get("consumed") or [])
        self.runs = int(data.get("runs") or 0)

    @classmethod
    def new(cls) -> SentState:
        return cls({"salt": secrets.token_bytes(32).hex()})

    def key(self, address: str) -> str:
        return hashlib.sha256(self.salt + address.strip().lower().encode("utf-8")).hexdigest()

    def has(self, address: str) -> bool:
        return self.key(address) in self.sent_to

    def mark(self, address: str, credential: str) -> None:
        self.sent_to.add(self.key(address))
        self.consumed.add(credential)

    def to_json(self) -> dict[str, Any]:
        return {
            "salt": self.salt.hex(),
            "runs": self.runs,
            "sent": len(self.sent_to),
            "sent_to": sorted(self.sent_to),
            "consumed": sorted(self.consumed),
        }


def send_all(
    mail: Mail,
    voters: Sequence[str],
    credentials: Sequence[str],
    on_sent: Callable[[str, str], None] | None = None,
) -> tuple[int, list[str], list[str]]:
    """Pair voters with credentials in a random order and send; (sent, failed addresses, the
    credentials not sent). ``on_sent(address, credential)`` after each accepted message."""
    if len(voters) > len(credentials):
        raise CredentialError(
            f"{len(voters)} voters but only {len(credentials)} credentials: generate at least "
            "as many credentials as voters"
        )
    pool = list(credentials)
    secrets.SystemRandom().shuffle(pool)
    unused = pool[len(voters) :]
    sent = 0
    failed: list[str] = []
    with smtplib.SMTP(mail.host, mail.port, timeout=60) as smtp:
        if mail.starttls:
            smtp.starttls()
        if mail.user:
            smtp.login(mail.user, mail.password)
        for address, credential in zip(voters, pool, strict=False):
            try:
                smtp.send_message(message(mail, address, credential))
            except smtplib.SMTPRecipientsRefused:
                failed.append(address)
                unused.append(credential)
            else:
                sent += 1
                if on_sent is not None:
                    on_sent(address, credential)
    return sent, failed, unused
