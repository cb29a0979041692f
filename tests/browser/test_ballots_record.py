"""axe (WCAG 2.2 A/AA) on the published record's page (anyone, on a phone) and the print files'
page (the returning officer: the form refused unconfirmed, then a run's files), nothing wider
than the screen. Both pages are plain HTML and forms (no script of their own); axe runs with
JavaScript on (with it off, axe's evaluation was cut short on this machine)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from browser.conftest import PHONE, signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(autouse=True)
def _own_storage(settings: Any, tmp_path: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path)}},
    }


def fits(page: Any, label: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{label}: the page is {width}px wide"


def test_the_record_page_on_a_phone(live_server: Any, browser: Any, axe: Any) -> None:
    from ballots.record_world import declared_ballot
    from moot.ballots.actions.record import do_publish_ballot_record

    declared = declared_ballot()
    digest = do_publish_ballot_record(declared.ballot.pk)
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}/ballots/{declared.ballot.pk}/record/")
    expect(page.locator("#record-sha256")).to_have_text(digest)
    expect(
        page.get_by_text(f"moot ballot verify ballot-{declared.ballot.pk}-record.zip")
    ).to_be_visible()
    axe.check(page, "published record (phone)")
    fits(page, "record")
    response = page.request.get(f"{live_server.url}/ballots/{declared.ballot.pk}/record.zip")
    assert response.status == 200
    assert response.body()[:2] == b"PK"
    context.close()
    axe.assert_clean()


def test_the_print_page_for_the_returning_officer(live_server: Any, browser: Any, axe: Any) -> None:
    from ballots.casting_world import open_ballot
    from factories import UserFactory
    from moot.ballots import printing
    from moot.ballots.actions.printing import do_prepare_print_files
    from moot.ballots.models import Delivery

    def run_name(world: Any) -> str:
        return printing.runs(world.ballot)[0].name

    world = open_ballot(voters=6)
    world.ballot.returning_officer = UserFactory()
    world.ballot.save(update_fields=["returning_officer"])
    for entry in world.entries:
        if entry.channel == "post":
            Delivery.objects.create(
                ballot=world.ballot,
                entry=entry,
                kind="invitation",
                channel="post",
                queued_at=timezone.now(),
            )
    do_prepare_print_files(world.ballot, acting_user=None, enqueue=False)
    ro = signed_in_page(browser, live_server, world.ballot.returning_officer)
    ro.goto(f"{live_server.url}/ballots/{world.ballot.pk}/papers/print/")
    expect(ro.locator("#personal-data")).to_be_visible()
    axe.check(ro, "print files, before a run (phone)")
    fits(ro, "print files")
    ro.get_by_role("button", name="Prepare a print run").click()
    expect(ro.get_by_text("This field is required").first).to_be_visible()
    axe.check(ro, "print files, not confirmed (phone)")
    # The run itself is written here (the task workers' part), then listed on the page.
    ids, digests = printing.write_chunk(world.ballot, run_name(world), 1)
    printing.write_common(world.ballot, run_name(world))
    ro.goto(f"{live_server.url}/ballots/{world.ballot.pk}/papers/print/")
    expect(ro.get_by_text("complete").first).to_be_visible()
    expect(ro.get_by_role("link", name="papers-0001.csv")).to_be_visible()
    axe.check(ro, "print files, a run written (phone)")
    fits(ro, "print files with a run")
    assert len(ids) == sum(1 for e in world.entries if e.channel == "post")
    assert set(digests) == {"papers-0001.csv", "carriers-0001.pdf", "overlay-0001.pdf"}
    axe.assert_clean()
