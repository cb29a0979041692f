"""A member's own e-mail addresses (allauth's page, accounts.forms.AddEmailForm): a new address
is confirmed by its owner, through a real SMTP server, before it can become the primary one."""

from __future__ import annotations

import re

from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from accounts.smtp import SmtpSink
from accounts.world import World

CONFIRM = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")


def test_a_new_address_becomes_primary_once_its_owner_confirms_it(
    client: Client, world: World, smtp_sink: SmtpSink
) -> None:
    user = world.users["member"]
    client.force_login(user)
    new = "member.at.home@example.net"
    added = client.post(reverse("account_email"), {"action_add": "", "email": new})
    assert added.status_code == 302
    assert EmailAddress.objects.filter(user=user, email=new, verified=False).exists()
    # Unconfirmed, it cannot be made primary.
    client.post(reverse("account_email"), {"action_primary": "", "email": new})
    user.refresh_from_db()
    assert user.email == "member@example.org"
    # The owner follows the link mailed to the new address ...
    (message,) = smtp_sink.to(new)
    link = CONFIRM.search(message.body)
    assert link, message.body
    page = client.get(link.group(0))
    assert page.status_code == 200
    confirmed = client.post(link.group(0))
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(user=user, email=new).verified
    # ... and only then may make it primary: the account now signs in with it.
    client.post(reverse("account_email"), {"action_primary": "", "email": new})
    user.refresh_from_db()
    assert user.email == new


def test_an_account_made_by_staff_has_its_own_address_verified(world: World) -> None:
    for user in world.users.values():
        if user is not None and getattr(user, "email", ""):
            assert EmailAddress.objects.filter(
                user=user, email=user.email, verified=True, primary=True
            ).exists(), user.email


def test_adding_an_address_needs_no_other_accounts_address(
    client: Client, world: World, smtp_sink: SmtpSink
) -> None:
    client.force_login(world.users["member"])
    taken = client.post(
        reverse("account_email"), {"action_add": "", "email": "NATIONAL.staff@example.org"}
    )
    assert taken.status_code == 200
    assert "is the address of another account" in taken.content.decode()
    assert smtp_sink.messages == []
