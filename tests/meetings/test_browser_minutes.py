"""Minutes and results in a real browser (Chromium, Playwright) with axe (WCAG 2.2 A/AA): a
member sends apologies on a phone, the secretary records another's; the meeting takes a report
and a yes/no vote by show of hands and a one-voter secret election; the result pages (For /
Against / Abstain; totals only) and the approved minutes with the signature block pass axe on
a phone and a desktop, and log no console error."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.world import build_world
from browser.conftest import DESKTOP, PHONE, AxeChecker, signed_in_page
from moot.meetings.actions import (
    do_add_agenda_item,
    do_approve_minutes,
    do_check_in,
    do_close_meeting,
    do_create_meeting,
    do_draft_minutes,
    do_next_item,
    do_start_meeting,
)
from moot.polls.actions import (
    do_cast_ballot,
    do_close_poll,
    do_create_poll,
    do_enter_teller_counts,
    do_open_poll,
)

from .conftest import tonight

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_minutes_and_results_walk(live_server: Any, browser: Any) -> None:
    from factories import MemberFactory

    world = build_world()

    def meeting_at(starts_at: datetime.datetime, title: str) -> Any:
        return do_create_meeting(
            unit=world.riverside,
            kind="agm",
            title=title,
            starts_at=starts_at,
            location="Hollow Community Hall",
            chair=world.members["chair"],
            secretary=world.members["secretary"],
            notice_sent_on=timezone.localdate() - datetime.timedelta(days=30),
            acting_user=world.users["secretary"],
        )

    meeting = meeting_at(tonight(), "Riverside annual general meeting")
    report = do_add_agenda_item(
        meeting,
        kind="report",
        title="Treasurer's report",
        speaker="The Treasurer",
        body="Income for the year was £4,120.",
        acting_user=None,
    )
    base = live_server.url
    axe = AxeChecker()

    # A member sends apologies from a phone; the secretary records another member's.
    phone = signed_in_page(browser, live_server, world.users["member"], viewport=PHONE)
    phone.goto(f"{base}/meetings/{meeting.pk}/apologies/")
    axe.check(phone, "apologies (phone, member)")
    phone.get_by_role("button", name="Send my apologies").click()
    expect(phone.get_by_role("button", name="Withdraw my apologies")).to_be_visible()
    secretary = signed_in_page(browser, live_server, world.users["secretary"], viewport=DESKTOP)
    secretary.goto(f"{base}/meetings/{meeting.pk}/apologies/")
    secretary.get_by_label("Member (membership number)").fill(
        world.members["branch_secretary"].number
    )
    secretary.get_by_role("button", name="Record the apologies").click()
    expect(secretary.get_by_role("list").last).to_contain_text(
        world.members["branch_secretary"].last_name
    )
    axe.check(secretary, "apologies (desktop, secretary)")

    # The meeting: quorate, the report taken, a show of hands and a one-voter election.
    voters = [world.members["chair"], world.members["secretary"]]
    voters += [
        MemberFactory(constituency=world.riverside, branch=world.north, with_account=True)
        for _ in range(4)
    ]
    for member in voters:
        do_check_in(meeting, member, acting_user=None)
    do_start_meeting(meeting, acting_user=None)
    do_next_item(meeting, acting_user=None)
    officer = world.users["secretary"]
    hands = do_create_poll(
        title="Motion 1: a new banner",
        kind="motion",
        method="yes-no",
        voting="show_of_hands",
        meeting=meeting,
        agenda_item=report,
        acting_user=officer,
    )
    hands = do_open_poll(hands, acting_user=officer)
    do_enter_teller_counts(hands, {"yes": 4, "no": 1, "abstain": 1}, acting_user=officer)
    hands = do_close_poll(hands, acting_user=officer)
    secret = do_create_poll(
        title="Election of the auditor",
        kind="election",
        method="plurality",
        options=["Ada Brook", "Ben Hale"],
        meeting=meeting,
        agenda_item=report,
        acting_user=officer,
    )
    secret = do_open_poll(secret, acting_user=officer)
    ben = secret.options.get(label="Ben Hale").pk
    do_cast_ballot(secret, voters[2], [ben], acting_user=voters[2].user)
    secret = do_close_poll(secret, acting_user=officer)
    meeting = do_close_meeting(meeting, acting_user=None)
    minutes = do_draft_minutes(meeting, acting_user=None)
    later = meeting_at(tonight() + datetime.timedelta(hours=2), "Riverside general meeting")
    for member in voters:
        do_check_in(later, member, acting_user=None)
    do_start_meeting(later, acting_user=None)
    do_approve_minutes(minutes, at_meeting=later, acting_user=world.users["chair"])

    member = signed_in_page(browser, live_server, world.users["member"], viewport=PHONE)
    member.goto(f"{base}/polls/{hands.pk}/")
    expect(member.locator("caption", has_text="Votes")).to_be_visible()
    expect(member.get_by_role("rowheader", name="Against")).to_be_visible()
    expect(member.get_by_text("Ballot", exact=True)).to_be_visible()
    expect(member.locator("dd", has_text="show of hands")).to_be_visible()
    axe.check(member, "yes/no result (phone)")
    member.goto(f"{base}/polls/{secret.pk}/")
    expect(member.get_by_text("only totals are shown")).to_be_visible()
    assert member.locator("table").count() == 0
    axe.check(member, "one-voter secret result (phone)")
    member.goto(f"{base}/meetings/{meeting.pk}/minutes/")
    expect(member.get_by_role("heading", name="Signed as a true record")).to_be_visible()
    expect(member.get_by_text("The Treasurer presented the report")).to_be_visible()
    expect(member.get_by_text("Apologies for absence were received from")).to_be_visible()
    axe.check(member, "approved minutes (phone)")
    desk = signed_in_page(browser, live_server, world.users["member"], viewport=DESKTOP)
    desk.goto(f"{base}/meetings/{meeting.pk}/minutes/")
    axe.check(desk, "approved minutes (desktop)")
    for page in (phone, secretary, member, desk):
        assert not page.console_errors, page.console_errors
    axe.assert_clean()
