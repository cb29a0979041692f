"""Editing people: the membership office edits a member's details with a reason (kept in the
record's history); a member changes their own telephone and address at once and their e-mail
address only through a link sent to the new address, opened while signed in."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.smtp import SmtpSink
from accounts.world import World
from moot.audit.models import AuditEvent
from moot.members.contact import REQUESTS_PER_DAY, do_request_email_change
from moot.members.errors import ActionError
from moot.members.models import EmailChangeRequest, Member

LINK = re.compile(r"https?://\S+/members/me/email/(\S+)/")
CANCEL = re.compile(r"https?://\S+/members/email/cancel/(\S+)/")
PASSWORD = "a-long-member-passphrase"


def _client(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def _edit_form(member: Member, **changes: Any) -> dict[str, Any]:
    data = {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "phone": member.phone,
        "address": member.address,
        "postcode": member.postcode,
        "date_of_birth": member.date_of_birth.isoformat() if member.date_of_birth else "",
        "gender": member.gender,
        "constituency": member.constituency_id,
        "branch": member.branch_id or "",
        "reason": "member wrote to the office",
    }
    data.update(changes)
    return data


def test_the_office_edits_details_with_a_reason_kept_in_the_history(world: World) -> None:
    office = _client(world, "national_staff")
    target = world.target
    url = reverse("members:edit", args=[target.pk])
    assert office.get(url).status_code == 200
    response = office.post(url, _edit_form(target, last_name="Okonkwo-Hale", branch=world.north.pk))
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.last_name, target.branch_id) == ("Okonkwo-Hale", world.north.pk)
    event = AuditEvent.objects.filter(verb="members.update_member", object_id=str(target.pk)).get()
    assert event.reason == "member wrote to the office"
    assert event.after["last_name"] == "Okonkwo-Hale"
    page = office.get(reverse("members:detail", args=[target.pk])).content.decode()
    assert "Edit details" in page
    assert "member wrote to the office" in page


def test_an_edit_without_a_reason_or_with_a_foreign_branch_writes_nothing(world: World) -> None:
    office = _client(world, "national_staff")
    target = world.target
    url = reverse("members:edit", args=[target.pk])
    before = AuditEvent.objects.count()
    no_reason = office.post(url, _edit_form(target, last_name="Changed", reason=""))
    assert no_reason.status_code == 200
    assert "This field is required" in no_reason.content.decode()
    foreign = office.post(url, _edit_form(target, branch=world.east.pk))
    assert "is not a branch of" in foreign.content.decode()
    target.refresh_from_db()
    assert target.last_name != "Changed"
    assert target.branch_id == world.south.pk
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    "role", ["member", "branch_secretary", "chair", "secretary", "auditor", "complaints_staff"]
)
def test_only_the_register_authority_edits_details(world: World, role: str) -> None:
    client = _client(world, role)
    target = world.target
    url = reverse("members:edit", args=[target.pk])
    assert client.get(url).status_code in (403, 404)
    response = client.post(url, _edit_form(target, branch=world.north.pk, last_name="Moved"))
    assert response.status_code in (403, 404)
    target.refresh_from_db()
    assert target.branch_id == world.south.pk
    assert target.last_name != "Moved"


def test_a_member_changes_their_own_phone_and_address(world: World) -> None:
    client = _client(world, "member")
    member = world.members["member"]
    response = client.post(
        reverse("members:my_details"),
        {
            "save_contact": "1",
            "contact-phone": "01632 960777",
            "contact-address": "4 Mill Lane",
            "contact-postcode": "rh2 2bb",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.phone, member.address, member.postcode) == (
        "01632 960777",
        "4 Mill Lane",
        "RH2 2BB",
    )
    event = AuditEvent.objects.filter(verb="members.update_member", object_id=str(member.pk)).get()
    assert event.actor_id == world.users["member"].pk
    assert event.reason == "changed by the member"


def test_the_own_details_page_needs_a_membership_record(world: World) -> None:
    assert _client(world, "outsider").get(reverse("members:my_details")).status_code == 404
    assert Client().get(reverse("members:my_details")).status_code == 302


def test_a_member_cannot_change_anothers_contact_or_their_own_unit(world: World) -> None:
    from moot.members.contact import do_update_own_contact

    with pytest.raises(ActionError, match="only their own"):
        do_update_own_contact(world.target, acting_user=world.users["member"], phone="1")
    with pytest.raises(ActionError, match="membership office"):
        do_update_own_contact(
            world.members["member"], acting_user=world.users["member"], branch=world.south
        )


def _request_change(
    client: Client, sink: SmtpSink, capture: Any, old: str, new: str
) -> tuple[str, str]:
    """Ask for ``new`` as the signed-in member; the confirm and cancel secrets mailed."""
    with capture(execute=True):
        response = client.post(
            reverse("members:my_details"), {"change_email": "1", "email-email": new}
        )
    assert response.status_code == 302
    confirmation = sink.to(new.lower())[-1]
    warning = sink.to(old)[-1]
    assert "requested" in warning.message["Subject"]
    confirm = LINK.search(confirmation.body).group(1)
    cancel = CANCEL.search(warning.body).group(1)
    return confirm, cancel


def test_an_email_change_takes_effect_only_through_the_link_and_the_password(
    world: World, smtp_sink: SmtpSink, django_capture_on_commit_callbacks: Any
) -> None:
    from allauth.account.models import EmailAddress

    client = _client(world, "member")
    member, user = world.members["member"], world.users["member"]
    user.set_password(PASSWORD)
    user.save()
    client.force_login(user)
    old = member.email
    secret, _ = _request_change(
        client, smtp_sink, django_capture_on_commit_callbacks, old, "New.Address@Example.org"
    )
    member.refresh_from_db()
    assert member.email == old  # nothing changes until the link is opened
    change = EmailChangeRequest.objects.get(member=member)
    assert secret not in change.token_hash

    # Opening the link moves the secret into the session: the next address does not carry it.
    opened = client.get(reverse("members:confirm_email", args=[secret]))
    assert opened.status_code == 302
    assert secret not in opened["Location"]
    pending = reverse("members:confirm_email_pending")
    assert client.get(pending).status_code == 200
    # Signed out, the sign-in page's "next" does not carry it either.
    stranger = Client()
    signed_out = stranger.get(reverse("members:confirm_email", args=[secret]), follow=True)
    assert all(secret not in url for url, _ in signed_out.redirect_chain)
    # Another account holding the link gets nothing.
    other = _client(world, "chair")
    other.get(reverse("members:confirm_email", args=[secret]))
    assert other.get(pending).status_code == 404
    other.post(pending, {"password": PASSWORD})
    # The session alone does not confirm: the password is asked.
    wrong = client.post(pending, {"password": "not-the-password"})
    assert "not your password" in wrong.content.decode()
    member.refresh_from_db()
    assert member.email == old

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(pending, {"password": PASSWORD}).status_code == 302
    member.refresh_from_db()
    user.refresh_from_db()
    assert member.email == "new.address@example.org"
    # The sign-in address follows, so password resets go to the new mailbox.
    assert user.email == "new.address@example.org"
    assert EmailAddress.objects.get(user=user, primary=True).email == "new.address@example.org"
    assert len(smtp_sink.to(old)) == 2  # told of the request, then of the change
    assert AuditEvent.objects.filter(verb="members.confirm_email_change").count() == 1
    # Used once.
    assert EmailChangeRequest.objects.get(pk=change.pk).confirmed_at is not None
    client.get(reverse("members:confirm_email", args=[secret]))
    assert client.get(pending).status_code == 404
    # The member sees the change in their own record's history.
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "Changes to your details" in page
    assert "E-mail change confirmed by the member" in page


def test_the_old_address_cancels_a_change_without_signing_in(
    world: World, smtp_sink: SmtpSink, django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(world, "member")
    member = world.members["member"]
    old = member.email
    secret, cancel = _request_change(
        client, smtp_sink, django_capture_on_commit_callbacks, old, "thief@example.net"
    )
    anyone = Client()
    url = reverse("members:cancel_email", args=[cancel])
    assert anyone.get(url).status_code == 200
    assert EmailChangeRequest.objects.get(member=member).is_pending  # GET changes nothing
    assert anyone.post(url).status_code == 200
    change = EmailChangeRequest.objects.get(member=member)
    assert change.cancelled_at is not None
    assert not change.is_pending
    assert AuditEvent.objects.filter(verb="members.cancel_email_change").count() == 1
    client.get(reverse("members:confirm_email", args=[secret]))
    assert client.get(reverse("members:confirm_email_pending")).status_code == 404
    member.refresh_from_db()
    assert member.email == old
    assert anyone.get(url).status_code == 404


def test_an_address_another_account_signs_in_with_is_refused(world: World) -> None:
    member, user = world.members["member"], world.users["member"]
    taken = world.users["secretary"].email
    with pytest.raises(ActionError, match="another account signs in with that address"):
        do_request_email_change(member, taken.upper(), acting_user=user)
    assert not EmailChangeRequest.objects.filter(member=member).exists()


def test_a_newer_request_replaces_the_older_link(world: World) -> None:
    member, user = world.members["member"], world.users["member"]
    first = do_request_email_change(member, "first@example.org", acting_user=user)
    second = do_request_email_change(member, "second@example.org", acting_user=user)
    first.refresh_from_db()
    assert first.superseded
    assert not first.is_pending
    assert second.is_pending


def test_bad_or_repeated_email_requests_are_refused(world: World) -> None:
    member, user = world.members["member"], world.users["member"]
    with pytest.raises(ActionError, match="not an e-mail address"):
        do_request_email_change(member, "not-an-address", acting_user=user)
    with pytest.raises(ActionError, match="already the address"):
        do_request_email_change(member, member.email.upper(), acting_user=user)
    with pytest.raises(ActionError, match="only their own"):
        do_request_email_change(world.target, "x@example.org", acting_user=user)
    for i in range(REQUESTS_PER_DAY):
        do_request_email_change(member, f"n{i}@example.org", acting_user=user)
    with pytest.raises(ActionError, match="times today"):
        do_request_email_change(member, "one-more@example.org", acting_user=user)
    assert EmailChangeRequest.objects.filter(member=member).count() == REQUESTS_PER_DAY


def test_the_api_changes_own_contact_and_asks_for_an_email_change(world: World) -> None:
    client = _client(world, "member")
    member = world.members["member"]
    response = client.patch(
        "/api/members/me", {"phone": "01632 960123"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["phone"] == "01632 960123"
    unknown = client.patch(
        "/api/members/me", {"branch": world.south.pk}, content_type="application/json"
    )
    assert unknown.status_code == 422
    member.refresh_from_db()
    assert member.branch_id == world.north.pk
    asked = client.post(
        "/api/members/me/email-change",
        {"email": "api.new@example.org"},
        content_type="application/json",
    )
    assert asked.status_code == 202, asked.content
    member.refresh_from_db()
    assert member.email != "api.new@example.org"
    assert EmailChangeRequest.objects.get(member=member).new_email == "api.new@example.org"


def test_the_office_edits_through_the_api_and_others_cannot(world: World) -> None:
    office = _client(world, "national_staff")
    target = world.target
    url = f"/api/members/{target.pk}"
    no_reason = office.patch(url, {"last_name": "X"}, content_type="application/json")
    assert no_reason.status_code == 422
    moved = office.patch(
        url,
        {"branch": "north", "phone": "01632 960999", "reason": "moved house"},
        content_type="application/json",
    )
    assert moved.status_code == 200, moved.content
    target.refresh_from_db()
    assert (target.branch_id, target.phone) == (world.north.pk, "01632 960999")
    event = AuditEvent.objects.filter(verb="members.update_member", object_id=str(target.pk)).get()
    assert event.after["branch"] == f"North (unit {world.north.pk})"
    foreign = office.patch(
        url, {"branch": "east", "reason": "typo"}, content_type="application/json"
    )
    assert foreign.status_code == 422
    assert "is not a branch of" in foreign.json()["detail"]
    secretary = _client(world, "secretary")
    refused = secretary.patch(
        url, {"branch": "south", "reason": "rival"}, content_type="application/json"
    )
    assert refused.status_code == 403
    target.refresh_from_db()
    assert target.branch_id == world.north.pk
