"""Project-wide test settings. Database tests run on SQLite by default and on PostgreSQL when
DATABASE_URL points at one (scripts/test.sh starts a throwaway server)."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

if TYPE_CHECKING:
    from accounts.world import World

os.environ.setdefault("MOOT_HTTPS", "0")
os.environ.setdefault("MOOT_TASKS", "immediate")

# Property tests are about correctness, not speed: on a 2-core CI machine running two workers
# (and speed is measured by bench/, never by tests), hypothesis's timing checks — a 200 ms
# deadline per example, "input generation is slow" — failed tests that were right.
hypothesis_settings.register_profile(
    "moot", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
hypothesis_settings.load_profile("moot")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def pytest_configure(config: pytest.Config) -> None:
    # WhiteNoise warns (an error under -W error) when STATIC_ROOT does not exist yet; some test
    # modules build the WSGI application while they are collected, before any fixture runs.
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    # The keys directory (audit signing key, poll keys) defaults to ~/.config/moot/keys: tests
    # never write there, only to a directory of their own (docs/security.md §2).
    if not os.environ.get("MOOT_KEYS_DIR"):
        import tempfile

        settings.MOOT_KEYS_DIR = Path(tempfile.mkdtemp(prefix="moot-test-keys-"))


DATABASE_FIXTURES = frozenset({"db", "transactional_db", "live_server", "client", "admin_client"})


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked ``pure`` runs once, on no database (scripts/test.sh leaves it out of the
    PostgreSQL run with ``-m "not pure"``), so it may not ask for one."""
    if item.get_closest_marker("pure") is None:
        return
    wants = DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    if item.get_closest_marker("django_db") or wants:
        pytest.fail(
            f"{item.nodeid} is marked pure but uses the database "
            f"({', '.join(sorted(wants)) or 'django_db'}): remove the pure marker",
            pytrace=False,
        )


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
def world(db: Any) -> World:
    """The small organisation with one account per role (tests/accounts/world.py) that every
    package's tests share: ``world.riverside``, ``world.members["chair"]``,
    ``world.users["auditor"]``..."""
    from accounts.world import build_world

    return build_world()


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


@pytest.fixture(autouse=True)
def live_server_turns(request: pytest.FixtureRequest) -> Iterator[Callable[[], Any]]:
    """For every test that uses pytest-django's live server on in-memory SQLite: its request
    threads take turns. There they share the test's single database connection, and two
    threads on one SQLite connection can fail with "database table is locked" (a page's htmx
    poll reading while a click writes). ``with live_server_turns():`` lets the test's own
    database work take its turn too. PostgreSQL (a connection per thread) needs none of this."""
    if "live_server" not in request.fixturenames:
        yield contextlib.nullcontext
        return
    live_server = request.getfixturevalue("live_server")
    from django.db import connection

    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield contextlib.nullcontext
        return
    turn = threading.RLock()
    httpd = live_server.thread.httpd
    app = httpd.get_app()
    # The server (one per session) closes connections after each request. The shared in-memory
    # connection is the test's: closing it is a no-op, but a request thread that lingers past
    # its test (a browser's keep-alive socket) fails Django's thread-sharing check while doing
    # so, and the error lands in a later test's teardown. Nothing is lost by not asking.
    httpd._close_connections = lambda: None

    def one_at_a_time(environ: Any, start_response: Any) -> Any:
        with turn:
            return app(environ, start_response)

    httpd.set_app(one_at_a_time)
    try:
        yield lambda: turn
    finally:
        httpd.set_app(app)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, one per test process: Playwright's sync API runs
    an event loop in this thread, so a second one in the same process would be refused."""
    from browser.conftest import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium` (make test does)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    from playwright.sync_api import expect, sync_playwright

    # A click that submits a form returns before the answer arrives; every check of what the
    # page shows goes through expect(), which retries until this long has passed (CI's two
    # cores are slow under a full parallel run; plain .is_visible() read the old page).
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        _LAUNCHED.append(chromium)
        yield chromium
        _LAUNCHED.clear()
        chromium.close()


_LAUNCHED: list[Any] = []


@pytest.fixture(autouse=True)
def _close_browser_contexts() -> Iterator[None]:
    """Close every page a test opened once it ends. A page left open keeps running: one that
    refreshes itself (a record being written, a print run) goes on requesting the session's
    live server, whose thread then writes "Database access not allowed" tracebacks into the
    stderr of whichever test runs next — a pure test that reads its own stderr fails on them."""
    yield
    for chromium in _LAUNCHED:
        for context in list(chromium.contexts):
            context.close()


def shared_path(*parts: str) -> Path:
    """A file under ../shared; missing data fails under CI and skips elsewhere."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing: CI must have ../shared beside the checkout")
        pytest.skip(f"{path} is not available on this machine")
    return path
