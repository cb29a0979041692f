"""The member pages through Django's test client: filters, keyset pages, refusals rendering
the error page, the actions' forms and their error messages, the import's dry run."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from factories import MemberFactory
from moot.audit.models import AuditEvent
from moot.members.models import Member

pytestmark = pytest.mark.django_db


def names_in(response) -> list[str]:
    return re.findall(r'<a href="/members/\d+/">([^<]+)</a>', response.content.decode())


def test_list_shows_the_secretary_their_unit_only(world, as_role):
    response = as_role("secretary").get(reverse("members:list"))
    assert response.status_code == 200
    shown = names_in(response)
    target = world.target
    assert f"{target.last_name}, {target.first_name}" in shown
    stranger = world.members["stranger"]
    assert f"{stranger.last_name}, {stranger.first_name}" not in shown
    assert 'aria-live="polite"' in response.content.decode()


def test_list_is_refused_to_a_plain_member_with_the_error_page(as_role):
    response = as_role("member").get(reverse("members:list"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "Not allowed" in body
    assert "Only unit officers, national staff and auditors may list members" in body


def test_search_by_name_number_and_email(world, as_role):
    client = as_role("national_staff")
    target = world.target
    for q in (target.last_name, target.number, target.email):
        shown = names_in(client.get(reverse("members:list"), {"q": q}))
        assert f"{target.last_name}, {target.first_name}" in shown, q
    assert names_in(client.get(reverse("members:list"), {"q": "zzzz-nobody"})) == []


def test_status_and_unit_filters(world, as_role):
    suspended = MemberFactory(constituency=world.riverside, branch=world.south, suspended=True)
    client = as_role("secretary")
    shown = names_in(client.get(reverse("members:list"), {"status": "suspended"}))
    assert shown == [f"{suspended.last_name}, {suspended.first_name}"]
    north_only = names_in(client.get(reverse("members:list"), {"unit": world.north.pk}))
    assert f"{world.target.last_name}, {world.target.first_name}" not in north_only
    assert north_only  # the officers' records are in the north branch


def test_unit_filter_refuses_a_unit_outside_the_scope(world, as_role):
    response = as_role("secretary").get(reverse("members:list"), {"unit": world.east.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert names_in(response) == []


def test_keyset_pages_walk_forward_and_back(world, as_role):
    for n in range(60):
        MemberFactory(constituency=world.riverside, last_name=f"Pager{n:02d}", first_name="Zed")
    client = as_role("secretary")
    first = client.get(reverse("members:list"), {"q": "pager"})
    first_names = names_in(first)
    assert len(first_names) == 50
    assert "More than" not in first.content.decode()
    assert "60 members match" in first.content.decode()
    next_href = re.search(r'href="\?([^"]*after=[^"]+)" rel="next"', first.content.decode())
    second = client.get(reverse("members:list") + "?" + next_href.group(1).replace("&amp;", "&"))
    second_names = names_in(second)
    assert len(second_names) == 10
    assert not set(first_names) & set(second_names)
    assert first_names + second_names == sorted(first_names + second_names)
    prev_href = re.search(r'href="\?([^"]*before=[^"]+)" rel="prev"', second.content.decode())
    back = client.get(reverse("members:list") + "?" + prev_href.group(1).replace("&amp;", "&"))
    assert names_in(back) == first_names


def test_a_damaged_page_link_says_so(as_role):
    response = as_role("secretary").get(reverse("members:list"), {"after": "not-a-cursor"})
    assert response.status_code == 200
    assert "The page link is damaged" in response.content.decode()


def test_htmx_request_gets_only_the_results_region(world, as_role):
    response = as_role("secretary").get(
        reverse("members:list"),
        {"q": world.target.last_name},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="member-results",
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="member-results"')
    assert "<html" not in body


def test_export_csv_for_the_secretary_and_refused_to_the_chair(world, as_role):
    response = as_role("secretary").get(reverse("members:export"), {"unit": world.south.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert world.target.number in text
    assert world.members["stranger"].number not in text
    refused = as_role("chair").get(reverse("members:export"))
    assert refused.status_code == 403
    assert "Not allowed" in refused.content.decode()


def test_member_page_hides_what_the_viewer_may_not_see(world, as_role):
    url = reverse("members:detail", args=[world.target.pk])
    hidden = as_role("branch_secretary").get(url)  # the north branch's secretary
    assert hidden.status_code == 404
    assert "Not found" in hidden.content.decode()


def test_member_page_for_the_secretary(world, as_role):
    response = as_role("secretary").get(reverse("members:detail", args=[world.target.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert world.target.phone in body  # contact details
    assert "self-described" in body  # the secretary applies the balance rules
    # A member's status is recorded by complaints staff or the office, never a secretary
    # (review finding A; tests/security/test_status_authority.py).
    assert "Change status" not in body
    assert "Invite to claim an account" in body
    assert "Audit history" in body
    # The target joined 3 weeks ago: not eligible next week, with the reason and clause.
    assert "<strong>No:</strong>" in body
    assert "clause" in body


def test_member_page_for_the_chair_has_no_actions(world, as_role):
    body = as_role("chair").get(reverse("members:detail", args=[world.target.pk])).content
    assert b"Change status" not in body
    assert b"Audit history" not in body


def test_eligibility_panel_takes_a_date_and_reports_a_bad_one(world, as_role):
    url = reverse("members:detail", args=[world.target.pk])
    client = as_role("secretary")
    later = timezone.localdate() + datetime.timedelta(weeks=10)
    body = client.get(url, {"at": later.isoformat(), "purpose": "meeting"}).content.decode()
    assert "<strong>Yes:</strong>" in body
    bad = client.get(url, {"at": "31/02/2026"}).content.decode()
    assert "is not a date; write it as YYYY-MM-DD" in bad
    partial = client.get(
        url, {"at": later.isoformat()}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="eligibility"
    ).content.decode()
    assert partial.lstrip().startswith('<section class="panel eligibility" id="eligibility"')


def test_status_change_is_recorded_and_shown_in_the_history(world, as_role):
    client = as_role("national_staff")  # the membership office records arrears
    target = world.target
    response = client.post(
        reverse("members:change_status", args=[target.pk]),
        {
            "status": "in_arrears",
            "start": timezone.localdate().isoformat(),
            "reason": "Dues unpaid",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.status == "in_arrears"
    event = AuditEvent.objects.filter(verb="members.change_member_status").get()
    assert event.object_id == str(target.pk)
    page = client.get(response["Location"]).content.decode()
    assert "Dues unpaid" in page
    assert "members.change_member_status" in page


def test_status_change_errors_name_the_field(world, as_role):
    future = timezone.localdate() + datetime.timedelta(days=3)
    response = as_role("secretary").post(
        reverse("members:change_status", args=[world.target.pk]),
        {"status": "lapsed", "start": future.isoformat(), "reason": ""},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Please correct the form" in body or "This was not saved" in body
    assert "This field is required" in body  # the reason
    assert Member.objects.get(pk=world.target.pk).status == "active"


def test_status_change_is_refused_to_the_chair(world, as_role):
    response = as_role("chair").post(
        reverse("members:change_status", args=[world.target.pk]),
        {"status": "lapsed", "start": timezone.localdate().isoformat(), "reason": "x"},
    )
    assert response.status_code == 403
    assert "not record their status" in response.content.decode()


IMPORT_GOOD = "first_name,last_name,joined_on,branch\nAda,Okafor,2024-01-05,south\n"
IMPORT_BAD = "first_name,last_name,joined_on\nAda,Okafor,2024-01-05\nBen,,2024-13-40\n"


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("members.csv", text.encode(), content_type="text/csv")


def test_import_dry_run_lists_row_and_column_problems(world, as_role):
    client = as_role("secretary")
    response = client.post(
        reverse("members:import"),
        {"file": upload(IMPORT_BAD), "unit": world.riverside.pk, "dry_run": "on"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "nothing was written" in body
    assert re.search(r"<td[^>]*>3</td>\s*<td[^>]*>last_name</td>", body)
    assert re.search(r"<td[^>]*>3</td>\s*<td[^>]*>joined_on</td>", body)
    assert not Member.objects.filter(last_name="Okafor").exists()


def _dry_run_digest(client, world) -> str:
    dry = client.post(
        reverse("members:import"),
        {"file": upload(IMPORT_GOOD), "unit": world.riverside.pk, "dry_run": "on"},
    )
    body = dry.content.decode()
    assert "every row is valid" in body
    assert not Member.objects.filter(last_name="Okafor").exists()
    return re.search(r'name="confirm" value="([0-9a-f]{64})"', body).group(1)


def test_import_dry_run_then_confirm(world, as_role):
    """The membership office imports; a join date before today needs its reason (rulebook
    [membership.register])."""
    client = as_role("national_staff")
    digest = _dry_run_digest(client, world)
    confirm = {"confirm": digest, "unit": world.riverside.pk}
    refused = client.post(reverse("members:import"), confirm)
    assert refused.status_code == 400
    assert "back-dates it with a reason" in refused.content.decode()
    assert not Member.objects.filter(last_name="Okafor").exists()
    done = client.post(reverse("members:import"), {**confirm, "backdate_reason": "paper form"})
    assert done.status_code == 302
    assert Member.objects.get(last_name="Okafor", constituency=world.riverside).backdate_reason
    again = client.post(reverse("members:import"), {**confirm, "backdate_reason": "paper form"})
    assert again.status_code == 302  # the stash is gone: back to the form with a message
    assert Member.objects.filter(last_name="Okafor").count() == 1


def test_a_secretarys_confirmed_import_is_a_proposal_to_the_office(world, as_role):
    from moot.members.models import RegisterProposal

    client = as_role("secretary")
    digest = _dry_run_digest(client, world)
    done = client.post(
        reverse("members:import"),
        {"confirm": digest, "unit": world.riverside.pk, "reason": "new at the stall"},
    )
    assert done.status_code == 302
    assert done.url == reverse("members:proposals")
    assert not Member.objects.filter(last_name="Okafor").exists()
    proposal = RegisterProposal.objects.get()
    assert (proposal.state, proposal.reason, proposal.unit) == (
        "pending",
        "new at the stall",
        world.riverside,
    )
    page = client.get(reverse("members:proposals")).content.decode()
    assert f"Proposal {proposal.pk}: admit members" in page


def test_import_into_another_constituency_is_refused(world, as_role):
    text = "first_name,last_name,joined_on,constituency\nAda,Okafor,2024-01-05,elsewhere\n"
    response = as_role("secretary").post(
        reverse("members:import"),
        {"file": upload(text), "unit": world.riverside.pk, "dry_run": "on"},
    )
    assert response.status_code == 400
    assert "rows name another constituency party" in response.content.decode()


def test_import_page_is_refused_to_the_chair(as_role):
    response = as_role("chair").get(reverse("members:import"))
    assert response.status_code == 403


def test_eligibility_panel_offers_every_purpose_of_the_edition(world, as_role):
    """The panel and the list's filter offer what the edition in force defines (the preset:
    meeting, ballot, stand, nominate), and each is judged by its own rule."""
    client = as_role("secretary")
    url = reverse("members:detail", args=[world.target.pk])
    body = client.get(url, {"purpose": "stand"}).content.decode()
    assert 'value="stand" selected' in body or 'value="stand"  selected' in body
    assert "stand for office (be nominated)" in body
    assert "is not something the rulebook judges" not in body
    listing = client.get(reverse("members:list")).content.decode()
    for purpose in ("meeting", "ballot", "stand", "nominate"):
        assert f'value="{purpose}"' in listing


def test_the_members_list_leads_to_the_proposals_for_who_may_see_them(as_role):
    link = reverse("members:proposals")
    assert link in as_role("secretary").get(reverse("members:list")).content.decode()
    assert link in as_role("national_staff").get(reverse("members:list")).content.decode()
    assert link not in as_role("auditor").get(reverse("members:list")).content.decode()
    assert as_role("auditor").get(link).status_code == 403
