"""Security defaults: headers on pages and the API, no inline scripts or styles (the CSP
forbids them), CSRF on forms and session API writes, and a clean ``check --deploy``."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.world import build_world

REPO = Path(__file__).resolve().parents[1]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"|\son[a-z]+=\"", re.IGNORECASE)


def assert_security_headers(response: Any) -> None:
    csp = response["Content-Security-Policy"]
    directives = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in csp.split(";") if part.strip()
    )
    assert directives["default-src"] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-inline'" not in directives["style-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_headers_on_the_sign_in_page(client: Client, db: Any) -> None:
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert_security_headers(response)


def test_headers_on_a_signed_in_page_and_the_api(client: Client, db: Any) -> None:
    world = build_world()
    client.force_login(world.users["secretary"])
    assert_security_headers(client.get(reverse("accounts:tokens")))
    api = client.get("/api/units/")
    assert api.status_code == 200
    assert api["X-Content-Type-Options"] == "nosniff"
    assert api["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "url_name", ["account_login", "account_reset_password", "accounts:tokens", "mfa_index"]
)
def test_account_pages_have_no_inline_script_or_style(
    client: Client, db: Any, url_name: str
) -> None:
    world = build_world()
    if url_name in ("accounts:tokens", "mfa_index"):
        client.force_login(world.users["member"])
    html = client.get(reverse(url_name)).content.decode()
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html)
    assert not INLINE_STYLE.search(html), INLINE_STYLE.search(html)


def test_forms_refuse_posts_without_csrf(db: Any) -> None:
    world = build_world()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.users["secretary"])
    response = browser.post(reverse("accounts:tokens"), {"name": "x"})
    assert response.status_code == 403
    login = Client(enforce_csrf_checks=True).post(
        reverse("account_login"), {"login": "secretary@example.org", "password": "x"}
    )
    assert login.status_code == 403


def test_cookies_are_secure_by_default(tmp_path: Path) -> None:
    """Production settings (MOOT_HTTPS unset) make cookies Secure and send HSTS."""
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SECURE_HSTS_SECONDS > 0, s.DEBUG)"
    )
    # The browser tests' conftest allows Django's sync ORM under Playwright's event loop for the
    # test process only; a deployment never sets it (check --deploy flags it as async.E001).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("MOOT_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(DJANGO_SETTINGS_MODULE="moot.site.settings", SECRET_KEY=secrets.token_urlsafe(60))
    env["MOOT_VAR_DIR"] = str(tmp_path)
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    assert out.stdout.split() == ["True", "True", "True", "True", "False"]


def test_check_deploy_is_clean_in_production(tmp_path: Path) -> None:
    """``check --deploy`` under production settings reports only two warnings, on purpose:
    W008 (SECURE_SSL_REDIRECT): moot runs behind a reverse proxy that redirects to HTTPS (set
    MOOT_SSL_REDIRECT=1 to redirect in Django as well); W021 (HSTS preload): submitting a
    domain to the browsers' preload list is its owner's decision, not the application's."""
    # The browser tests' conftest allows Django's sync ORM under Playwright's event loop for the
    # test process only; a deployment never sets it (check --deploy flags it as async.E001).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("MOOT_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="moot.site.settings",
        SECRET_KEY=secrets.token_urlsafe(60),
        MOOT_HTTPS="1",
        MOOT_DEBUG="0",
        MOOT_VAR_DIR=str(tmp_path),
        MOOT_ALLOWED_HOSTS="moot.example.org",
    )
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    found = set(re.findall(r"\((\w+\.[EW]\d+)\)", result.stdout + result.stderr))
    assert found <= {"security.W008", "security.W021"}, result.stdout + result.stderr
    env["MOOT_SSL_REDIRECT"] = "1"
    redirected = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert "security.W008" not in redirected.stdout + redirected.stderr
