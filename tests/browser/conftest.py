"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server,
with axe-core (bundled in axe-playwright-python, no CDN) checking WCAG 2.2 A/AA.

The live server needs a transactional database (pytest-django flushes it after each test), so
each module seeds the demo organisation once inside its single walk and checks several pages in
that one test; failures name the page.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses database calls from
# a thread with a running loop unless told that this is deliberate (tests only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = (
    Path(os.environ.get("MOOT_SCREENSHOTS", "")) if os.environ.get("MOOT_SCREENSHOTS") else None
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    # A CSP violation (an inline script or style) or a script error fails the test.
    page.on("console", lambda m: record_console_error(errors, m))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.console_errors = errors
    yield page
    context.close()


def record_console_error(errors: list[str], message: Any) -> None:
    """Keep console errors, except the browser's own request for /favicon.ico."""
    if message.type == "error" and "favicon.ico" not in (message.location or {}).get("url", ""):
        errors.append(message.text)


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def signed_in_page(
    browser: Any,
    live_server: Any,
    user: Any,
    *,
    viewport: dict[str, int] = PHONE,
    javascript: bool = True,
    timeout_ms: int | None = None,
) -> Any:
    """A page in a new browser context signed in as ``user`` (a session made with Django's test
    client, not the sign-in form): a phone unless ``viewport`` says otherwise, console errors
    kept in ``page.console_errors``."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(
        viewport=viewport,
        locale="en-GB",
        java_script_enabled=javascript,
        is_mobile=viewport is PHONE,
    )
    if timeout_ms is not None:
        context.set_default_timeout(timeout_ms)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: record_console_error(page.console_errors, m))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    return page


@pytest.fixture
def demo(live_server: Any) -> Any:
    """The demo organisation, seeded into the live server's (transactional) database."""
    from moot.demo.seed import seed_foundation

    return seed_foundation()


class AxeChecker:
    """Runs axe on the current page and keeps every page's violations for one report."""

    def __init__(self) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.failures: dict[str, str] = {}
        self.checked: list[str] = []

    def check(self, page: Any, label: str) -> None:
        results = self._run(page)
        self.checked.append(label)
        if results.violations_count:
            self.failures[label] = results.generate_report()
        if SCREENSHOTS:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            name = "".join(c if c.isalnum() else "-" for c in label.lower()).strip("-")
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def _run(self, page: Any) -> Any:
        """axe on a settled page: a click on a link starts a navigation that Playwright does not
        wait for, so a run can meet the old document being torn down (``document`` is null, or
        the execution context is destroyed). Such a run is retried on the new page once it has
        loaded; any other error, or a third failure, is raised."""
        from playwright.sync_api import Error as PlaywrightError

        options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
        for attempt in range(3):
            page.wait_for_load_state("load")
            try:
                return self.axe.run(page, options=options)
            except PlaywrightError as error:
                navigating = "documentElement" in str(error) or "context was destroyed" in str(
                    error
                )
                if not navigating or attempt == 2:
                    raise
                page.wait_for_timeout(200)
        raise AssertionError("unreachable: the loop returns or raises")

    def assert_clean(self) -> None:
        report = "\n\n".join(f"== {label} ==\n{text}" for label, text in self.failures.items())
        assert not self.failures, f"axe found WCAG 2.2 A/AA violations:\n{report}"


@pytest.fixture
def axe() -> AxeChecker:
    return AxeChecker()


def sign_in(page: Any, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/")


def have_chromium() -> bool:
    return shutil.which("chromium") is not None or Path(CHROMIUM).exists()
