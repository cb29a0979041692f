"""Sign-in with e-mail and password through allauth, TOTP two-factor sign-in, closed sign-up,
rate limits, and the staff admin behind the same sign-in."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.world import PASSWORD, World


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()  # rate-limit counters and used TOTP codes live in the cache


def current_code(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def sign_in(client: Client, email: str, password: str = PASSWORD) -> Any:
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_sign_in_with_email_and_password(client: Client, world: World) -> None:
    page = client.get(reverse("account_login"))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<label for="id_login"' in html
    assert "sign up" not in html.lower()
    response = sign_in(client, "secretary@example.org")
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200


def test_wrong_password_is_refused_and_limited(client: Client, world: World) -> None:
    for _ in range(5):
        refused = sign_in(client, "secretary@example.org", "wrong-password")
        assert refused.status_code == 200
        assert "not correct" in refused.content.decode()
    # After 5 failures for one account within 5 minutes, even the right password waits.
    limited = sign_in(client, "secretary@example.org")
    assert limited.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


def test_signup_is_closed(client: Client, db: Any) -> None:
    response = client.get(reverse("account_signup"))
    assert "closed" in response.content.decode().lower()
    client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": "x-long-pass-9", "password2": "x-long-pass-9"},
    )
    from moot.accounts.models import User

    assert not User.objects.filter(email="new@example.org").exists()


def test_totp_enable_then_sign_in_with_code(client: Client, world: World) -> None:
    email = "national.staff@example.org"
    sign_in(client, email)
    page = client.get(reverse("mfa_activate_totp"))
    if page.status_code == 302 and page.url.startswith(reverse("account_reauthenticate")):
        # allauth asks for the password again before changing sign-in methods.
        client.post(page.url, {"password": PASSWORD})
        page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=world.users["national_staff"]).exists()
    activated = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert activated.status_code == 302
    assert Authenticator.objects.filter(
        user=world.users["national_staff"], type=Authenticator.Type.TOTP
    ).exists()
    # Recovery codes are offered once TOTP is on.
    assert client.get(reverse("mfa_view_recovery_codes")).status_code in (200, 302)

    client.post(reverse("account_logout"))
    fresh = Client()
    first_step = sign_in(fresh, email)
    assert first_step.status_code == 302
    assert first_step.url == reverse("mfa_authenticate")
    # The password alone does not sign in.
    assert fresh.get(reverse("dashboard")).status_code == 302
    assert fresh.get("/api/units/").status_code == 401
    bad = fresh.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert bad.status_code == 200
    done = fresh.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert done.status_code == 302
    assert fresh.get(reverse("dashboard")).status_code == 200

    # The same code cannot be replayed for another sign-in.
    replay = Client()
    sign_in(replay, email)
    again = replay.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert again.status_code == 200
    assert replay.get(reverse("dashboard")).status_code == 302


def test_mfa_pages_use_the_site_layout(client: Client, world: World) -> None:
    sign_in(client, "member@example.org")
    html = client.get(reverse("mfa_index")).content.decode()
    assert 'class="site-header"' in html
    assert "<style" not in html


def test_staff_admin_is_for_superusers_behind_the_site_sign_in(
    client: Client, world: World
) -> None:
    anonymous = client.get("/staff/admin/")
    assert anonymous.status_code == 302
    login = client.get(anonymous.url)
    assert login.status_code == 302
    assert login.url.startswith(reverse("account_login"))
    sign_in(client, "national.staff@example.org")
    assert client.get("/staff/admin/").status_code in (302, 403)
    admin = Client()
    sign_in(admin, "admin@example.org")
    assert admin.get("/staff/admin/").status_code == 200
    for name in (
        "accounts/user",
        "accounts/staffassignment",
        "accounts/invitation",
        "accounts/apitoken",
    ):
        assert admin.get(f"/staff/admin/{name}/").status_code == 200, name


def test_admin_gives_a_staff_role_through_the_action(world: World) -> None:
    from moot.accounts.models import StaffAssignment
    from moot.audit.models import AuditEvent

    admin = Client()
    admin.force_login(world.users["admin"])
    response = admin.post(
        "/staff/admin/accounts/staffassignment/add/",
        {"user": world.users["outsider"].pk, "role": "auditor", "unit": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert StaffAssignment.objects.filter(user=world.users["outsider"], role="auditor").exists()
    assert AuditEvent.objects.filter(verb="accounts.assign_staff_role").exists()
