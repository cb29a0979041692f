"""Limits on password guessing that nobody can turn against everyone else.

The counters are rows (:class:`moot.accounts.models.SignInAttempt`) in the database, so every
worker and every app server counts the same attempts and "5" means five. The limits:

* **per (address, account) pair**: ``PAIR_LIMIT`` attempts that did not succeed in
  ``WINDOW``; after that this pair waits for the window to pass, even with the right password.
  A row is written (and committed) *before* the password is checked and removed when it was
  right, so twenty guesses sent at once still get at most five tries between them.
* **a noisy address or a targeted account** (``ADDRESS_NOISY`` failures from one address, or
  ``ACCOUNT_NOISY`` failures for one account from anywhere, in the window): sign-in is slowed,
  not shut: each (address, account) pair then gets ``PAIR_LIMIT_WHEN_NOISY`` try per window.
  Everyone behind a shared address (the reverse proxy, a venue's Wi-Fi) keeps a first try with
  their own password; nobody is locked out because someone else guessed.

* **device cookies** (OWASP, "Slow down online guessing attacks with device cookies"): a
  browser that signed in to an account gets a signed, long-lived cookie for that account
  (:func:`issue_device_cookie`). An attempt carrying a valid one for the account typed is
  counted against that device alone (``PAIR_LIMIT`` per window, whatever the address's or the
  account's noise), so a guesser sharing the member's address (an AGM venue's Wi-Fi) cannot
  lock the member's own browser out; a device that keeps failing is limited like an address.

The client's address is :func:`client_address`: ``REMOTE_ADDR``, or the nearest address in
``X-Forwarded-For`` that is not one of ``MOOT_TRUSTED_PROXIES`` when the request came from a
trusted proxy. A header from anyone else is ignored (it would let a guesser pick a fresh
address for every try).
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import secrets
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

WINDOW = datetime.timedelta(minutes=5)
PAIR_LIMIT = 5
PAIR_LIMIT_WHEN_NOISY = 1
ADDRESS_NOISY = 30
ACCOUNT_NOISY = 20
DEVICE_COOKIE_PREFIX = "moot_device_"
DEVICE_COOKIE_AGE = datetime.timedelta(days=365)
_DEVICE_SALT = "moot.accounts.throttle.device"
# Stored in SignInAttempt.address for an attempt from a known device (never an IP address).
_DEVICE_PREFIX = "device:"


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def trusted_proxies() -> tuple[Any, ...]:
    """The networks of ``settings.MOOT_TRUSTED_PROXIES`` (addresses or CIDR networks)."""
    spec = getattr(settings, "MOOT_TRUSTED_PROXIES", ()) or ()
    return _networks(tuple(spec))


def _is_trusted(address: str, networks: tuple[Any, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _clean(address: str) -> str:
    address = address.strip()
    if address.startswith("[") and "]" in address:
        address = address[1 : address.index("]")]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return ""


def client_address(request: Any) -> str:
    """The address the request came from, seen through the trusted proxies only."""
    remote = _clean(request.META.get("REMOTE_ADDR", "")) or "unknown"
    networks = trusted_proxies()
    if not networks or not _is_trusted(remote, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [_clean(part) for part in forwarded.split(",") if part.strip()]
    # Right to left: each trusted proxy vouches for the hop before it; the first address that
    # is not a trusted proxy is the client. A malformed hop ends the trust there.
    for hop in reversed(hops):
        if not hop:
            return remote
        if not _is_trusted(hop, networks):
            return hop
        remote = hop
    return remote


@dataclass(frozen=True)
class Reservation:
    """An attempt in flight: its row is deleted if the password was right."""

    attempt_id: int

    def succeeded(self) -> None:
        from moot.accounts.models import SignInAttempt

        SignInAttempt.objects.filter(pk=self.attempt_id).delete()


class TooManyAttempts(Exception):  # noqa: N818 - a refusal, not a programming error
    def __init__(self, retry_after: datetime.timedelta) -> None:
        super().__init__(f"too many sign-in attempts; try again in {retry_after}")
        self.retry_after = retry_after


def _account_key(account: str) -> str:
    return account.strip().lower()[:254]


def device_cookie_name(account: str) -> str:
    """One cookie per account signed in from this browser (the name does not show the login)."""
    digest = hashlib.sha256(_account_key(account).encode()).hexdigest()[:16]
    return DEVICE_COOKIE_PREFIX + digest


def issue_device_cookie(response: Any, account: str) -> None:
    """Give the browser that just signed in to ``account`` a signed device cookie for it."""
    value = signing.dumps(
        {"a": _account_key(account), "n": secrets.token_hex(16)}, salt=_DEVICE_SALT
    )
    response.set_cookie(
        device_cookie_name(account),
        value,
        max_age=int(DEVICE_COOKIE_AGE.total_seconds()),
        secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
        httponly=True,
        samesite="Lax",
    )


def device_of(request: Any, account: str) -> str:
    """The known device this attempt comes from ("device:<nonce>"), or "" when the request
    carries no valid, unexpired device cookie issued for ``account``."""
    value = request.COOKIES.get(device_cookie_name(account), "")
    if not value:
        return ""
    try:
        data = signing.loads(
            value, salt=_DEVICE_SALT, max_age=int(DEVICE_COOKIE_AGE.total_seconds())
        )
    except signing.BadSignature:
        return ""
    if not isinstance(data, dict) or data.get("a") != _account_key(account):
        return ""
    nonce = str(data.get("n", ""))
    return _DEVICE_PREFIX + nonce[:32] if nonce else ""


def reserve(address: str, account: str, device: str = "") -> Reservation:
    """Count this attempt against the limits, or raise :class:`TooManyAttempts`. With a known
    ``device`` (:func:`device_of`) the attempt counts against that device only."""
    from moot.accounts.models import SignInAttempt

    account = _account_key(account)
    address = (device or address)[:45]
    now = timezone.now()
    since = now - WINDOW
    with transaction.atomic():
        attempt = SignInAttempt.objects.create(address=address, account=account, at=now)
    # Every row of the window counts, the attempts still in flight too: of several guesses
    # sent at once, each sees the others, so together they never get more than the limit.
    recent = SignInAttempt.objects.filter(at__gt=since)
    # A known device is not slowed by the noise of its address or of guesses at its account
    # from elsewhere: only its own failures count.
    noisy = not device and (
        recent.filter(address=address).count() > ADDRESS_NOISY
        or recent.filter(account=account).count() > ACCOUNT_NOISY
    )
    limit = PAIR_LIMIT_WHEN_NOISY if noisy else PAIR_LIMIT
    pair = recent.filter(address=address, account=account)
    if pair.count() > limit:
        SignInAttempt.objects.filter(pk=attempt.pk).delete()
        oldest = pair.exclude(pk=attempt.pk).order_by("at").values_list("at", flat=True).first()
        wait = (oldest + WINDOW - now) if oldest else WINDOW
        raise TooManyAttempts(max(wait, datetime.timedelta(seconds=1)))
    return Reservation(attempt.pk)


def forget_old_attempts() -> int:
    """Delete the rows no limit looks at any more (run after each failed attempt)."""
    from moot.accounts.models import SignInAttempt

    deleted, _ = SignInAttempt.objects.filter(at__lte=timezone.now() - WINDOW).delete()
    return deleted
