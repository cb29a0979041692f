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

The client's address is :func:`client_address`: ``REMOTE_ADDR``, or the nearest address in
``X-Forwarded-For`` that is not one of ``MOOT_TRUSTED_PROXIES`` when the request came from a
trusted proxy. A header from anyone else is ignored (it would let a guesser pick a fresh
address for every try).
"""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

WINDOW = datetime.timedelta(minutes=5)
PAIR_LIMIT = 5
PAIR_LIMIT_WHEN_NOISY = 1
ADDRESS_NOISY = 30
ACCOUNT_NOISY = 20


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


def reserve(address: str, account: str) -> Reservation:
    """Count this attempt against the limits, or raise :class:`TooManyAttempts`."""
    from moot.accounts.models import SignInAttempt

    account = account.strip().lower()[:254]
    address = address[:45]
    now = timezone.now()
    since = now - WINDOW
    with transaction.atomic():
        attempt = SignInAttempt.objects.create(address=address, account=account, at=now)
    # Every row of the window counts, the attempts still in flight too: of several guesses
    # sent at once, each sees the others, so together they never get more than the limit.
    recent = SignInAttempt.objects.filter(at__gt=since)
    noisy = (
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
