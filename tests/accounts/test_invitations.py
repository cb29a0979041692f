"""Staff invite a member; the member claims an account from the e-mailed link."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.smtp import SmtpSink
from accounts.world import World
from moot.accounts.actions import do_claim_invitation, do_invite_member
from moot.accounts.models import Invitation, User
from moot.audit.models import AuditEvent
from moot.members.errors import ActionError

LINK = re.compile(r"https?://\S+/accounts/claim/(\S+)/")


def invite(client: Client, world: World, role: str = "secretary", **extra: str) -> Any:
    client.force_login(world.users[role])
    return client.post(
        reverse("accounts:invite"), {"member": world.target.pk, **extra}, follow=False
    )


def claim_token() -> str:
    match = LINK.search(mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_secretary_invites_and_member_claims(
    client: Client, world: World, smtp_sink: SmtpSink, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, world)
    assert response.status_code == 302
    # Through a real SMTP server: the envelope goes to the address on record, and only there.
    (message,) = smtp_sink.messages
    assert message.rcpt_tos == [world.target.email]
    assert message.message["To"] == world.target.email
    match = LINK.search(message.body)
    assert match, message.body
    token = match.group(1)
    invitation = Invitation.objects.get(member=world.target)
    assert invitation.state == "pending"
    assert token not in invitation.token_hash  # only the digest is stored

    claimant = Client()
    page = claimant.get(reverse("accounts:claim", args=[token]))
    assert page.status_code == 200
    assert world.target.email in page.content.decode()
    weak = claimant.post(
        reverse("accounts:claim", args=[token]), {"password1": "short", "password2": "short"}
    )
    assert weak.status_code == 400
    assert "too short" in weak.content.decode()
    done = claimant.post(
        reverse("accounts:claim", args=[token]),
        {"password1": "river-bank-lantern-42", "password2": "river-bank-lantern-42"},
    )
    assert done.status_code == 302
    user = User.objects.get(email=world.target.email)
    world.target.refresh_from_db()
    assert world.target.user_id == user.pk
    assert user.check_password("river-bank-lantern-42")
    # The new account is signed in and sees its own record.
    assert claimant.get(reverse("api-1.0.0:my_record")).json()["number"] == world.target.number
    verbs = list(AuditEvent.objects.order_by("seq").values_list("verb", flat=True))
    for verb in (
        "accounts.invite_member",
        "accounts.send_invitation",
        "accounts.claim_invitation",
        "members.link_account",
    ):
        assert verb in verbs
    # A used link cannot be used again.
    again = Client().get(reverse("accounts:claim", args=[token]))
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_a_new_invitation_replaces_the_old_link(
    client: Client, world: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, world)
    first = claim_token()
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, world)
    second = claim_token()
    assert first != second
    old = Client().get(reverse("accounts:claim", args=[first]))
    assert old.status_code == 410
    assert "replaced" in old.content.decode()
    assert Client().get(reverse("accounts:claim", args=[second])).status_code == 200


def test_expired_and_unknown_links(world: World, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invitation = do_invite_member(world.target, acting_user=world.users["secretary"])
    token = claim_token()
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=invitation.created_at)
    response = Client().get(reverse("accounts:claim", args=[token]))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert Client().get(reverse("accounts:claim", args=["nonsense"])).status_code == 410


@pytest.mark.parametrize("role", ["member", "chair", "auditor", "branch_secretary"])
def test_roles_that_may_not_invite(client: Client, world: World, role: str) -> None:
    response = invite(client, world, role)
    assert response.status_code in (403, 404)
    assert not Invitation.objects.exists()


def test_invitation_refused_with_reason(client: Client, world: World) -> None:
    world.target.email = ""
    world.target.save()
    response = invite(client, world)
    assert response.status_code == 302
    assert not Invitation.objects.exists()
    page = client.get(response.url, follow=True)
    assert "has no e-mail address" in page.content.decode()
    with pytest.raises(ActionError, match="already has an account"):
        do_invite_member(world.members["member"], acting_user=world.users["secretary"])


def test_invite_needs_a_member_id(client: Client, world: World) -> None:
    client.force_login(world.users["secretary"])
    assert client.post(reverse("accounts:invite"), {"member": "x"}).status_code == 400
    assert client.get(reverse("accounts:invite")).status_code == 405


def test_claim_is_refused_when_the_email_already_has_an_account(
    world: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invitation = do_invite_member(world.target, acting_user=world.users["secretary"])
    User.objects.create_user(username="x", email=world.target.email.upper(), password="x")
    with pytest.raises(ActionError, match="already exists"):
        do_claim_invitation(invitation, password="river-bank-lantern-42")
    world.target.refresh_from_db()
    assert world.target.user_id is None
