"""Project-wide test settings. Database tests run on SQLite by default and on PostgreSQL when
DATABASE_URL points at one (scripts/test.sh starts a throwaway server)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("MOOT_HTTPS", "0")
os.environ.setdefault("MOOT_TASKS", "immediate")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def pytest_configure(config: pytest.Config) -> None:
    # WhiteNoise warns (an error under -W error) when STATIC_ROOT does not exist yet; some test
    # modules build the WSGI application while they are collected, before any fixture runs.
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def _test_settings(settings) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # WhiteNoise warns (an error under -W error) when STATIC_ROOT does not exist yet.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """For tests that call the raw WSGI application (schemathesis): Django would close the
    database connection at the end of each request — inside the test's transaction on
    PostgreSQL. Django's test client avoids that the same way: by not listening for the request
    signals meanwhile."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def shared_path(*parts: str) -> Path:
    """A file under ../shared; missing data fails under CI and skips elsewhere."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing: CI must have ../shared beside the checkout")
        pytest.skip(f"{path} is not available on this machine")
    return path
