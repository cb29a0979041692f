from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth import authenticate
from django.http import HttpRequest

from moot.accounts import throttle


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are claimed by invitation only (accounts.invitations); open sign-up is closed.
    Password sign-in is limited by :mod:`moot.accounts.throttle` (shared counters, per
    (address, account) pair) instead of allauth's per-process, per-address limit."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": (
            "Too many sign-in attempts for this account from your network. Wait a few "
            "minutes and try again, or reset your password."
        ),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        """The client's address as the trusted proxies report it (``MOOT_TRUSTED_PROXIES``);
        allauth's remaining rate limits (password reset, e-mail) use it too."""
        return throttle.client_address(request)

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        """Check the password, counting the attempt against the shared limits first."""
        from allauth.account.auth_backends import AuthenticationBackend

        login = str(credentials.get("email") or credentials.get("username") or "")
        try:
            reservation = throttle.reserve(
                self.get_client_ip(request), login, throttle.device_of(request, login)
            )
        except throttle.TooManyAttempts:
            raise self.validation_error("too_many_login_attempts") from None
        AuthenticationBackend.unstash_authenticated_user()
        user = authenticate(request, **credentials)
        user = user or AuthenticationBackend.unstash_authenticated_user()
        if user:
            reservation.succeeded()
        else:
            throttle.forget_old_attempts()
            self.authentication_failed(request, **credentials)
        return user
