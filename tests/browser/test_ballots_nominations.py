"""axe (WCAG 2.2 A/AA) on the nominations, candidate, consent, endorsements and events pages,
on a phone. Riverside's secretary records the unit's nomination from its meeting's poll without
JavaScript (the pages have none; axe itself needs it, so the checks run with it on); the
candidate consents, writes a statement and uploads a photo; national staff record an
endorsement and, once the ballot is open, a candidate's withdrawal; anyone reads the list, the
candidate and the notices at a phone's and a desktop's width."""

from __future__ import annotations

import io
from typing import Any

import pytest
from playwright.sync_api import expect

from browser.conftest import DESKTOP, PHONE, signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def fits(page: Any, viewport: dict[str, int], label: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{label}: the page is {width}px wide"


def test_nominations_to_a_notice_on_a_phone(
    live_server: Any, browser: Any, axe: Any, settings: Any, tmp_path: Any
) -> None:
    from PIL import Image

    from accounts.world import build_world
    from ballots.nominations_world import candidate_member, national_ballot, nominating_poll
    from factories import OrganisationFactory
    from moot.ballots.models import BallotEvent, BallotState, Candidate

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    world = build_world()
    staff = world.users["national_staff"]
    ballot = national_ballot(world, returning_officer=staff)
    ada = candidate_member(world.riverside, first_name="Ada", last_name="Quill")
    poll = nominating_poll(world.riverside, [ada], secretary=None, ballot=ballot)
    OrganisationFactory(name="Open Slate", kind="campaign_group")
    base = live_server.url

    # Without JavaScript: the secretary's whole flow is plain links and forms.
    secretary = signed_in_page(
        browser, live_server, world.users["secretary"], viewport=PHONE, javascript=False
    )
    secretary.goto(f"{base}/ballots/{ballot.pk}/nominations/")
    expect(secretary.get_by_text("No nominations have been recorded yet.")).to_be_visible()
    secretary.get_by_role("link", name="Record a nomination").click()
    fits(secretary, PHONE, "record a nomination")
    secretary.get_by_label("Nominating unit").select_option(str(world.riverside.pk))
    secretary.get_by_label("The poll that decided it").select_option(str(poll.pk))
    secretary.get_by_role("button", name="Record the unit's nomination").click()
    expect(secretary.get_by_text("Recorded: Ada Quill nominated.")).to_be_visible()
    fits(secretary, PHONE, "nominations list")
    secretary.context.close()
    # axe runs its script in the page, so the pages are checked with JavaScript on (they have
    # none of their own).
    checker = signed_in_page(browser, live_server, world.users["secretary"], viewport=PHONE)
    checker.goto(f"{base}/ballots/{ballot.pk}/nominations/record/")
    axe.check(checker, "record a nomination (phone)")
    checker.goto(f"{base}/ballots/{ballot.pk}/nominations/")
    axe.check(checker, "nominations list (phone)")
    checker.context.close()

    candidate = Candidate.objects.get(member=ada)
    own = signed_in_page(browser, live_server, ada.user, viewport=PHONE)
    own.goto(f"{base}/ballots/{ballot.pk}/candidates/{candidate.pk}/consent/")
    axe.check(own, "your candidacy (phone)")
    own.get_by_role("button", name="I consent to stand").click()
    expect(own.get_by_text("You have consented to stand.")).to_be_visible()
    axe.check(own, "candidate page, own (phone)")
    own.get_by_label("Your statement").fill("I will listen.\nAnd then act.")
    own.get_by_role("button", name="Save the statement").click()
    expect(own.get_by_text("Your statement is saved.")).to_be_visible()
    own.goto(f"{base}/ballots/{ballot.pk}/candidates/{candidate.pk}/consent/")
    image = io.BytesIO()
    Image.new("RGB", (120, 160), (30, 90, 160)).save(image, format="PNG")
    own.get_by_label("Photo (PNG or JPEG)").set_input_files(
        files=[{"name": "ada.png", "mimeType": "image/png", "buffer": image.getvalue()}]
    )
    own.get_by_role("button", name="Upload the photo").click()
    expect(own.get_by_text("Your photo is saved.")).to_be_visible()

    manager = signed_in_page(browser, live_server, staff, viewport=PHONE)
    manager.goto(f"{base}/ballots/{ballot.pk}/endorsements/")
    axe.check(manager, "endorsements (phone)")
    manager.get_by_label("Organisation", exact=True).select_option(label="Open Slate")
    manager.get_by_label("Candidate", exact=True).select_option(str(candidate.pk))
    manager.get_by_label("Reference of the organisation's decision").fill("Slate AGM, motion 3")
    manager.get_by_role("button", name="Record").click()
    expect(manager.get_by_text("The endorsement is recorded.")).to_be_visible()
    axe.check(manager, "endorsements, one recorded (phone)")

    ballot.state = BallotState.OPEN
    ballot.save(update_fields=["state"])
    Candidate.objects.filter(pk=candidate.pk).update(on_ballot=True, position=1)
    manager.goto(f"{base}/ballots/{ballot.pk}/events/")
    axe.check(manager, "events with the form (phone)")
    manager.get_by_label("What happened").select_option("candidate_withdrawn")
    manager.get_by_label("Candidate", exact=True).select_option(str(candidate.pk))
    manager.get_by_label("The candidate's written").fill("Letter of 4 March")
    manager.get_by_label("Authority").fill("Ada Quill's letter of 4 March")
    manager.get_by_label("Clause").fill("5.7")
    manager.get_by_label("Notice to voters").fill("Ada Quill has withdrawn from this ballot.")
    manager.get_by_role("button", name="Record the event").click()
    expect(manager.get_by_text("The event is recorded and shown to voters.")).to_be_visible()
    assert BallotEvent.objects.count() == 1

    for viewport, size in ((PHONE, "phone"), (DESKTOP, "desktop")):
        context = browser.new_context(viewport=viewport, locale="en-GB")
        public = context.new_page()
        for path, label in (
            (f"/ballots/{ballot.pk}/events/", "events"),
            (f"/ballots/{ballot.pk}/nominations/", "nominations list"),
            (f"/ballots/{ballot.pk}/candidates/{candidate.pk}/", "candidate page"),
        ):
            response = public.goto(base + path)
            assert response is not None
            assert response.status == 200
            fits(public, viewport, f"{label} ({size})")
            axe.check(public, f"{label} ({size}, anonymous)")
        expect(public.get_by_text("I will listen.")).to_be_visible()
        expect(public.get_by_role("img", name="Photo of Ada Quill")).to_be_visible()
        context.close()
    axe.assert_clean()
