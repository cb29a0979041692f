"""The voter's pages on a phone (issue 4: "the voting page works on a phone, needs JavaScript for
nothing essential, and is accessible to a screen-reader user").

On a 390x844 screen the site header is one short row (the brand and a "Menu" disclosure, a
native <details>), so the content a member came for (the check-in form, the current agenda
item, the ballot) starts near the top. Each page is checked for sideways scrolling, for where
its heading and its ballot start, for the navigation behind the disclosure (with JavaScript and
without it), and with axe. The desktop header stays as it was: the navigation is in view with
no disclosure to open.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from browser.conftest import record_console_error, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
# The content starts within the top 30% of the screen (the header alone took 24% before).
CONTENT_TOP = 0.30
# The header, with its menu closed, is one row: at most 10% of the screen.
HEADER_MAX = 0.10
TOUCH = 44  # px, the size of a finger (WCAG 2.5.5 AAA; the header's targets meet it)

GEOMETRY = """(selector) => {
  const el = document.querySelector(selector);
  const box = el ? el.getBoundingClientRect() : null;
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    innerHeight: window.innerHeight,
    top: box ? box.top + window.scrollY : null,
    header: document.querySelector('.site-header').getBoundingClientRect().height,
  };
}"""


def open_agm_with_polls(demo: Any) -> dict[str, Any]:
    """The demo AGM, opened by the chair at its motions item, with a yes/no vote and a ranked
    election open (the member is not yet checked in: they do that on the phone)."""
    from moot.demo.agm import seed_agm
    from moot.meetings.actions import do_set_current_item, do_start_meeting
    from moot.polls.actions import do_create_poll, do_open_poll

    meeting = seed_agm(demo)
    chair = demo.accounts["chair"]
    meeting = do_start_meeting(meeting, acting_user=chair)
    item = meeting.items.filter(kind="motion").order_by("position").first()
    do_set_current_item(meeting, item, acting_user=chair)
    yes_no = do_create_poll(
        title="Affiliation to Clean Rivers Now",
        question="This party resolves to affiliate to Clean Rivers Now.",
        kind="motion",
        method="yes-no",
        unit=meeting.unit,
        meeting=meeting,
        agenda_item=item,
        acting_user=chair,
    )
    ranked = do_create_poll(
        title="Election of the treasurer",
        kind="election",
        method="irv",
        options=["Amara Okonkwo-Bellweather", "Tomasz Ridgeway", "Helen Featherstonehaugh"],
        unit=meeting.unit,
        meeting=meeting,
        agenda_item=item,
        acting_user=chair,
    )
    return {
        "meeting": meeting,
        "yes_no": do_open_poll(yes_no, acting_user=chair),
        "ranked": do_open_poll(ranked, acting_user=chair),
    }


def phone_context(browser: Any, *, viewport: dict[str, int] = PHONE, js: bool = True) -> Any:
    context = browser.new_context(
        viewport=viewport,
        locale="en-GB",
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        java_script_enabled=js,
    )
    context.set_default_timeout(15_000)
    return context


def check_layout(
    page: Any, label: str, *, content: str = "main h1", within: float = CONTENT_TOP
) -> None:
    """No sideways scrolling; a short header; the content (``content``) starts in the top
    ``within`` of the screen."""
    g = page.evaluate(GEOMETRY, content)
    assert g["scrollWidth"] <= g["innerWidth"], (
        f"{label}: the page is {g['scrollWidth']}px wide on a {g['innerWidth']}px screen"
    )
    assert g["header"] <= HEADER_MAX * g["innerHeight"], (
        f"{label}: the header is {g['header']:.0f}px tall, over {HEADER_MAX:.0%} of the screen"
    )
    assert g["top"] is not None, f"{label}: no {content} on the page"
    assert g["top"] <= within * g["innerHeight"], (
        f"{label}: {content} starts at {g['top']:.0f}px, below the top {within:.0%} "
        f"({within * g['innerHeight']:.0f}px) of a {g['innerHeight']}px screen"
    )


def check_menu(page: Any, label: str) -> None:
    """The navigation is behind the "Menu" disclosure: closed, it hides the links; opened, the
    links are there, a finger's size, and the disclosure says it is expanded."""
    header = page.locator(".site-header")
    toggle = header.locator("summary", has_text="Menu")
    nav = page.get_by_role("navigation", name="Main")
    meetings = nav.get_by_role("link", name="Meetings", exact=True)
    expect(toggle).to_be_visible()
    expect(meetings).to_be_hidden()
    box = toggle.bounding_box()
    assert box["height"] >= TOUCH, f"{label}: the Menu button is {box['height']:.0f}px tall"
    assert box["width"] >= TOUCH, f"{label}: the Menu button is {box['width']:.0f}px wide"
    toggle.click()
    expect(meetings).to_be_visible()
    expect(header.locator("details")).to_have_attribute("open", "")
    for link in nav.get_by_role("link").all():
        height = link.bounding_box()["height"]
        assert height >= TOUCH, f"{label}: the menu link {link.inner_text()!r} is {height:.0f}px"
    sign_out = header.get_by_role("button", name="Sign out")
    expect(sign_out).to_be_visible()
    assert sign_out.bounding_box()["height"] >= TOUCH, f"{label}: Sign out is too small"
    g = page.evaluate(GEOMETRY, "main")
    assert g["scrollWidth"] <= g["innerWidth"], f"{label}: the open menu scrolls sideways"
    toggle.click()
    expect(meetings).to_be_hidden()


def test_voter_pages_on_a_phone(live_server: Any, demo: Any, browser: Any, axe: Any) -> None:
    from moot.demo.seed import DEMO_PASSWORD

    agm = open_agm_with_polls(demo)
    meeting, yes_no, ranked = agm["meeting"], agm["yes_no"], agm["ranked"]
    base = live_server.url
    context = phone_context(browser)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: record_console_error(console, m))
    page.on("pageerror", lambda e: console.append(str(e)))

    page.goto(f"{base}/accounts/login/")
    check_layout(page, "sign-in page")
    axe.check(page, "sign-in page (phone)")
    sign_in(page, base, "member@example.org", DEMO_PASSWORD)
    check_layout(page, "dashboard")
    check_menu(page, "dashboard")
    axe.check(page, "dashboard (phone)")

    # The skip link is the first thing a keyboard reaches, then the brand, then the menu.
    page.reload()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator(".site-header summary")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()

    # Check-in with the meeting code (the QR code's link fills it in).
    page.goto(f"{base}/meetings/{meeting.pk}/join/?code={meeting.check_in_code}")
    check_layout(page, "check-in page")
    check_layout(page, "check-in page", content="main form")
    check_menu(page, "check-in page")
    axe.check(page, "check-in with the code (phone)")
    page.get_by_role("button", name="Check me in").click()
    expect(page.locator("main")).to_contain_text("You are checked in and may vote")

    page.goto(f"{base}/meetings/{meeting.pk}/")
    expect(page.locator("#live .current-item__title")).to_contain_text("Motions")
    check_layout(page, "meeting page")
    # What is happening now (and its "Vote now" link) starts on the first screen.
    check_layout(page, "meeting page", content="#live", within=0.70)
    check_menu(page, "meeting page")
    axe.check(page, "meeting page (phone)")

    # The ranked ballot starts in the top 30%; the motion's ballot comes after the text of the
    # motion (what is put to the vote), in the top 40%. Either fits on the screen, button and all.
    for poll, label, within in (
        (yes_no, "yes/no ballot", 0.40),
        (ranked, "ranked ballot", CONTENT_TOP),
    ):
        page.goto(f"{base}/polls/{poll.pk}/vote/")
        check_layout(page, label)
        check_layout(page, label, content="form.ballot", within=within)
        cast = page.get_by_role("button", name="Cast my vote").bounding_box()
        assert cast["y"] + cast["height"] <= PHONE["height"], f"{label}: scroll to cast the vote"
        check_menu(page, label)
        axe.check(page, f"{label} (phone)")

    page.goto(f"{base}/polls/{ranked.pk}/vote/")
    page.get_by_label("Tomasz Ridgeway").select_option("1")
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.get_by_role("heading", name="Your vote has been recorded")).to_be_visible()
    check_layout(page, "vote recorded")
    axe.check(page, "vote recorded (phone)")

    # A smaller phone: still no sideways scrolling, and the ballot still starts high up.
    small = phone_context(browser, viewport=SMALL_PHONE)
    small_page = small.new_page()
    sign_in(small_page, base, "member@example.org", DEMO_PASSWORD)
    for path, content in (
        (f"/meetings/{meeting.pk}/", "main h1"),
        (f"/meetings/{meeting.pk}/join/", "main h1"),  # checked in: no form now
        (f"/polls/{ranked.pk}/vote/", "main h1"),  # voted: "you have voted in this poll"
        (f"/polls/{yes_no.pk}/vote/", "form.ballot"),
    ):
        small_page.goto(base + path)
        check_layout(small_page, f"{path} at 360x740", content=content, within=0.40)
    small.close()
    context.close()

    axe.assert_clean()
    assert console == [], console


def test_the_menu_works_without_javascript(live_server: Any, demo: Any, browser: Any) -> None:
    """Nothing essential needs JavaScript: signed in on a phone with scripts off, the member opens
    the menu, follows a link in it, and can sign out from it."""
    from moot.demo.seed import DEMO_PASSWORD

    base = live_server.url
    context = phone_context(browser, js=False)
    page = context.new_page()
    sign_in(page, base, "member@example.org", DEMO_PASSWORD)
    check_layout(page, "dashboard without JavaScript")
    check_menu(page, "dashboard without JavaScript")
    page.locator(".site-header summary").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings").click()
    expect(page).to_have_url(re.compile(r"/meetings/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_layout(page, "meetings list without JavaScript")
    page.locator(".site-header summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/|/$"))
    expect(page.locator(".site-header summary")).to_have_count(0)  # signed out: no menu
    context.close()


def test_the_desktop_header_is_unchanged(live_server: Any, demo: Any, page: Any) -> None:
    """On a desk the navigation and the account are in the header, in view, with no disclosure."""
    from moot.demo.seed import DEMO_PASSWORD

    sign_in(page, live_server.url, "member@example.org", DEMO_PASSWORD)
    header = page.locator(".site-header")
    expect(header.locator("summary")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Meetings", exact=True)).to_be_visible()
    expect(header.get_by_role("button", name="Sign out")).to_be_visible()
    # One row: the brand, the links and the account side by side.
    brand = header.get_by_role("link", name="moot", exact=True).bounding_box()
    meetings = nav.get_by_role("link", name="Meetings", exact=True).bounding_box()
    sign_out = header.get_by_role("button", name="Sign out").bounding_box()
    assert abs(brand["y"] - meetings["y"]) < 20, (brand, meetings)
    assert meetings["x"] > brand["x"] + brand["width"]
    assert sign_out["x"] > meetings["x"]
    assert page.locator(".site-header").bounding_box()["height"] < 80
    assert page.console_errors == [], page.console_errors
