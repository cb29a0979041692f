"""The trustees' page in Chromium on a phone, with axe (WCAG 2.2 A/AA): the
returning officer appoints three trustees and a credential authority through the forms (a
person named twice is refused on the field), and anyone reads the progress and the commands."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from browser.conftest import PHONE, signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_returning_officer_appoints_the_trustees_on_a_phone(
    live_server: Any, browser: Any, axe: Any
) -> None:
    from ballots.casting_world import open_ballot
    from factories import MemberFactory, UserFactory
    from moot.verifiable.models import CredentialAuthority, Election, Trustee

    ballot = open_ballot().ballot
    officer = MemberFactory(with_account=True).user
    ballot.returning_officer = officer
    ballot.state = "draft"
    ballot.save(update_fields=["returning_officer", "state"])
    election = Election.objects.create(ballot=ballot, threshold=2, trustee_count=3)
    scrutineer, representative, authority = (
        MemberFactory(with_account=True).user for _ in range(3)
    )
    url = f"{live_server.url}/ballots/{ballot.pk}/verifiable/trustees/"

    page = signed_in_page(browser, live_server, officer, viewport=PHONE)
    page.goto(url)
    expect(page.get_by_role("heading", name="Appoint the trustees")).to_be_visible()
    axe.check(page, "the trustees page, to appoint (phone)")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide"

    page.get_by_label("Trustee 2: account (e-mail address)").fill(officer.email)
    page.get_by_label("Trustee 2: name as published").fill("Scrutineer")
    page.get_by_label("Trustee 3: account (e-mail address)").fill(representative.email)
    page.get_by_label("Trustee 3: name as published").fill("Candidates' representative")
    page.get_by_role("button", name="Appoint these trustees").click()
    expect(page.get_by_text("is already trustee 1")).to_be_visible()
    axe.check(page, "a trustee named twice (phone)")
    assert not Trustee.objects.filter(election=election).exists()

    page.get_by_label("Trustee 2: account (e-mail address)").fill(scrutineer.email)
    page.get_by_role("button", name="Appoint these trustees").click()
    expect(page.locator("#trustees")).to_contain_text("Candidates' representative")
    page.get_by_label("Credential authority: account (e-mail address)").fill(authority.email)
    page.get_by_role("button", name="Appoint the credential authority").click()
    expect(page.locator("#authority")).to_contain_text("not uploaded yet")
    axe.check(page, "trustees appointed (phone)")
    assert list(
        Trustee.objects.filter(election=election).order_by("index").values_list("user", flat=True)
    ) == [officer.pk, scrutineer.pk, representative.pk]
    assert CredentialAuthority.objects.get(election=election).user_id == authority.pk

    reader = signed_in_page(browser, live_server, UserFactory(), viewport=PHONE)
    reader.goto(url)
    expect(reader.locator("#trustee-commands")).to_contain_text("moot trustee step --dir")
    expect(reader.get_by_role("heading", name="Appoint the trustees")).to_have_count(0)
    axe.check(reader, "the trustees page, read by anyone (phone)")
    axe.assert_clean()
    assert not reader.console_errors
    page.context.close()
    reader.context.close()
