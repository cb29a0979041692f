"""What accounts does when other parts report a change (connected in AccountsConfig.ready)."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.account.signals import password_reset, user_logged_in
from allauth.mfa.signals import authenticator_added
from django.db.models.signals import post_save
from django.dispatch import receiver

from moot.accounts.models import User
from moot.members.signals import (
    contact_email_changed,
    email_taken_by_another_account,
    membership_ended,
)


@receiver(membership_ended, dispatch_uid="accounts.withdraw_access_when_membership_ends")
def withdraw_access_when_membership_ends(
    sender: Any, member: Any, status: str, reason: str, acting_user: Any, **kwargs: Any
) -> None:
    """An expelled, resigned or lapsed member is signed out everywhere and their API tokens stop
    working, in the status change's own transaction."""
    from moot.accounts.actions import do_withdraw_access

    # The status change's own reason stays with it (a suspension's or expulsion's reason is
    # for the member and complaints staff only); this event says only what ended.
    do_withdraw_access(member.user, reason=f"membership ended ({status})", acting_user=acting_user)


@receiver(authenticator_added, dispatch_uid="accounts.revoke_tokens_when_mfa_is_added")
def revoke_tokens_when_mfa_is_added(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Tokens made before the account had a second factor were made without one: they are
    revoked when a second factor is added, and new ones need a session that used it."""
    from moot.accounts.actions import do_revoke_all_api_tokens

    do_revoke_all_api_tokens(
        user, reason="a second factor was added to the account", acting_user=user
    )


@receiver(post_save, sender=User, dispatch_uid="accounts.record_account_address")
def record_account_address(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    """Every account's own address is its verified primary address. Accounts are made only by
    claiming an invitation sent to the member's address on record, or by staff; so an address
    the member adds later cannot become primary before its owner confirms it (allauth lets an
    unverified address become primary only on an account with no verified one)."""
    if not created or not instance.email or kwargs.get("raw"):
        return
    EmailAddress.objects.get_or_create(
        user=instance, email=instance.email.lower(), defaults={"verified": True, "primary": True}
    )


@receiver(password_reset, dispatch_uid="accounts.forget_attempts_after_a_reset")
def forget_attempts_after_a_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A member who reset their password (which needs their mailbox) may sign in with it at
    once, from wherever their failed attempts were counted."""
    from moot.accounts.models import SignInAttempt

    logins = {user.email.lower()} | {
        address.lower()
        for address in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    }
    SignInAttempt.objects.filter(account__in=logins).delete()


@receiver(user_logged_in, dispatch_uid="accounts.issue_device_cookie")
def issue_device_cookie_on_sign_in(
    sender: Any, request: Any, user: Any, response: Any = None, **kwargs: Any
) -> None:
    """A browser that signed in gets a device cookie for the account (accounts.throttle): a
    guesser at the same address cannot lock it out later (docs/security.md §6)."""
    from moot.accounts.throttle import issue_device_cookie

    if response is not None and user.email:
        issue_device_cookie(response, user.email)


@receiver(email_taken_by_another_account, dispatch_uid="accounts.email_taken_by_another_account")
def answer_email_taken(sender: Any, email: str, member: Any, **kwargs: Any) -> bool:
    """Whether an account other than ``member``'s signs in with (or has confirmed) ``email``."""
    accounts = User.objects.filter(email__iexact=email)
    addresses = EmailAddress.objects.filter(email__iexact=email, verified=True)
    if member.user_id is not None:
        accounts = accounts.exclude(pk=member.user_id)
        addresses = addresses.exclude(user_id=member.user_id)
    return accounts.exists() or addresses.exists()


@receiver(contact_email_changed, dispatch_uid="accounts.follow_the_members_address")
def follow_the_members_address(
    sender: Any, member: Any, old_email: str, new_email: str, acting_user: Any, **kwargs: Any
) -> None:
    """A member's confirmed new address on record becomes their account's sign-in address
    (verified, primary), in the same transaction, so password resets follow their mail."""
    if member.user_id is None:
        return
    user = User.objects.select_for_update(of=("self",)).get(pk=member.user_id)
    EmailAddress.objects.filter(user=user, primary=True).update(primary=False)
    EmailAddress.objects.update_or_create(
        user=user, email=new_email, defaults={"verified": True, "primary": True}
    )
    # Unconfirmed claims on the address by other accounts lapse: it is proven to be this one's.
    EmailAddress.objects.filter(email__iexact=new_email, verified=False).exclude(user=user).delete()
    user.email = new_email
    user.save(update_fields=["email"])
