"""The audit trail at a laptop's width (issue 9, item 10): every column in view at 1280 px with
no sideways scrolling, each verb named for people with the stored verb beside it; and the
site's icon, so the browser asks for no /favicon.ico."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from browser.conftest import record_console_error, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LAPTOP = {"width": 1280, "height": 900}

GEOMETRY = """() => {
  const wrap = document.querySelector('.events').closest('.table-wrap');
  const table = document.querySelector('.events');
  const heads = [...table.querySelectorAll('thead th')].map(th => th.getBoundingClientRect().right);
  return {
    pageScroll: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    wrapScroll: wrap.scrollWidth,
    wrapClient: wrap.clientWidth,
    tableRight: table.getBoundingClientRect().right,
    lastHeadRight: Math.max(...heads),
    // Cells whose content spills out of them (over the next column).
    spilling: [...table.querySelectorAll('td')].filter(td => td.scrollWidth > td.clientWidth + 1)
      .map(td => td.textContent.trim().slice(0, 40)),
  };
}"""


def test_audit_trail_fits_a_laptop_and_names_verbs(
    live_server: Any, demo: Any, browser: Any, axe: Any
) -> None:
    from moot.audit.models import AuditEvent
    from moot.audit.verb_labels import verb_label
    from moot.demo.seed import DEMO_PASSWORD

    base = live_server.url
    context = browser.new_context(viewport=LAPTOP, locale="en-GB")
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: record_console_error(console, m))
    asked: list[str] = []
    page.on("request", lambda r: asked.append(urlsplit(r.url).path))

    sign_in(page, base, "staff@example.org", DEMO_PASSWORD)
    page.goto(f"{base}/audit/")
    geometry = page.evaluate(GEOMETRY)
    shots = os.environ.get("MOOT_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(shots) / "audit-trail-1280.png"), full_page=True)
    assert geometry["pageScroll"] <= geometry["innerWidth"], geometry
    assert geometry["wrapScroll"] <= geometry["wrapClient"], geometry
    assert geometry["lastHeadRight"] <= geometry["innerWidth"], geometry
    assert geometry["spilling"] == [], geometry

    # Each row names its verb for people and keeps the stored verb beside it.
    newest = AuditEvent.objects.filter(seq__gt=0).order_by("-seq").first()
    assert newest is not None
    row = page.locator(".events tbody tr").first
    expect(row.locator(".verb-label")).to_have_text(verb_label(newest.verb))
    assert verb_label(newest.verb) != newest.verb
    expect(row.locator("code.verb")).to_have_text(newest.verb)
    axe.check(page, "audit trail at 1280 px")

    # The page linked its icon, so the browser never asked for /favicon.ico.
    assert "/favicon.ico" not in asked, asked
    assert any(path.endswith((".ico", ".svg")) for path in asked), asked
    context.close()
    axe.assert_clean()
    assert console == [], console
