"""The complaint as people make and handle it, in a browser (issue 10 item 14): the public form
on a phone without JavaScript, its receipt code, following the complaint with the code in
another browser, then the complaints staff's list and case page — each page checked with axe
(WCAG 2.2 A/AA) and none wider than the screen."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from browser.conftest import DESKTOP, PHONE, record_console_error, signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def fits(page: Any, viewport: dict[str, int], label: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{label}: the page is {width}px wide"


def test_a_public_complaint_followed_with_its_code_and_handled_by_staff(
    live_server: Any, browser: Any, axe: Any, settings: Any, tmp_path: Any
) -> None:
    from accounts.world import build_world

    settings.MOOT_CASE_EVIDENCE_DIR = tmp_path / "evidence"
    world = build_world()
    evidence = tmp_path / "screenshot.png"
    evidence.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)

    def fill(form_page: Any) -> None:
        form_page.get_by_label("Who is the complaint about?").fill("the branch press officer")
        form_page.get_by_label("What is the complaint about?").select_option("bullying")
        form_page.get_by_label("Yes: it was said or done to me").check()
        form_page.get_by_label("What happened").fill("She shouted at me at the May meeting.")
        form_page.get_by_label("When it happened").fill("3 May 2026")
        form_page.get_by_label("Evidence files (optional)").set_input_files(str(evidence))
        form_page.get_by_role("button", name="Send the complaint").click()
        form_page.get_by_role("heading", name="Complaint received").wait_for()

    # Without JavaScript, on a phone: the form works as plain HTML.
    context = browser.new_context(
        viewport=PHONE, locale="en-GB", java_script_enabled=False, is_mobile=True
    )
    plain = context.new_page()
    plain.goto(f"{live_server.url}/complain/")
    fill(plain)
    assert re.search(r"\d{4} \d{4} \d{4} \d{4} \d{4}", plain.content())
    context.close()

    context = browser.new_context(viewport=PHONE, locale="en-GB", is_mobile=True)
    public = context.new_page()
    console: list[str] = []
    public.on("console", lambda m: record_console_error(console, m))
    public.goto(f"{live_server.url}/complain/")
    fits(public, PHONE, "public form")
    axe.check(public, "public complaint form (phone)")
    # Sent empty: every required field says what is missing, and nothing is written.
    public.get_by_role("button", name="Send the complaint").click()
    expect(public.get_by_text("This field is required.").nth(3 - 1)).to_be_visible()
    axe.check(public, "public complaint form with errors")
    console.clear()  # the refused form answered 400, as it should
    fill(public)
    code = re.search(r"\d{4} \d{4} \d{4} \d{4} \d{4}", public.content()).group(0)
    fits(public, PHONE, "receipt")
    axe.check(public, "receipt code page")
    context.close()

    # Another browser follows the complaint with the code and answers.
    context = browser.new_context(viewport=PHONE, locale="en-GB", is_mobile=True)
    other = context.new_page()
    other.goto(f"{live_server.url}/complain/follow-up/")
    axe.check(other, "follow-up page")
    other.get_by_label("Receipt code").fill(code)
    other.get_by_role("button", name="Show my complaint").click()
    other.get_by_role("heading", name=re.compile("Your complaint C-")).wait_for()
    other.get_by_label("Your answer or further information").fill("Jo Witness saw it too.")
    other.get_by_role("button", name="Send", exact=True).click()
    expect(other.get_by_text("Your answer is in the case file.")).to_be_visible()
    fits(other, PHONE, "complainant's page")
    axe.check(other, "the complainant's page (receipt code)")
    context.close()

    # The complaints staff: the list and the case page, phone and desktop.
    for viewport, size in ((PHONE, "phone"), (DESKTOP, "desktop")):
        staff = signed_in_page(
            browser, live_server, world.users["complaints_staff"], viewport=viewport
        )
        staff.goto(f"{live_server.url}/cases/")
        fits(staff, viewport, f"case list ({size})")
        axe.check(staff, f"case list ({size})")
        staff.get_by_role("link", name=re.compile("C-")).first.click()
        staff.get_by_role("heading", name=re.compile("Case C-")).wait_for()
        expect(staff.get_by_text("She shouted at me at the May meeting.")).to_be_visible()
        expect(staff.get_by_text("Jo Witness saw it too.")).to_be_visible()
        fits(staff, viewport, f"case page ({size})")
        axe.check(staff, f"staff case page ({size})")
        assert not staff.console_errors, staff.console_errors
        staff.context.close()

    # The staff's form for a complaint received by e-mail or letter.
    staff = signed_in_page(browser, live_server, world.users["complaints_staff"], viewport=PHONE)
    staff.goto(f"{live_server.url}/cases/record/")
    fits(staff, PHONE, "record a complaint")
    axe.check(staff, "record a complaint (staff)")
    staff.context.close()

    # A member: their form, their complaints, their own case page.
    member = signed_in_page(browser, live_server, world.users["member"], viewport=PHONE)
    member.goto(f"{live_server.url}/cases/complain/")
    axe.check(member, "member's complaint form")
    member.get_by_label("Their membership number, if you know it").fill(
        world.members["target"].number
    )
    member.get_by_label("What is the complaint about?").select_option("bullying")
    member.get_by_label("No: I saw or heard about it (a third-party complaint)").check()
    member.get_by_label("What happened").fill("Rude to a new member at the stall.")
    member.get_by_role("button", name="Send the complaint").click()
    member.get_by_role("heading", name=re.compile("Your complaint C-")).wait_for()
    fits(member, PHONE, "member's case page")
    axe.check(member, "member's own case page")
    member.goto(f"{live_server.url}/cases/mine/")
    axe.check(member, "member's complaints")
    assert not member.console_errors, member.console_errors
    member.context.close()

    # The auditor: metadata only, and the page says so.
    auditor = signed_in_page(browser, live_server, world.users["auditor"], viewport=DESKTOP)
    auditor.goto(f"{live_server.url}/cases/")
    auditor.get_by_role("link", name=re.compile("C-")).first.click()
    expect(auditor.get_by_text("are not shown to you")).to_be_visible()
    assert auditor.get_by_text("She shouted at me").count() == 0
    axe.check(auditor, "auditor's case page")
    auditor.context.close()
    assert not console, console
    axe.assert_clean()
