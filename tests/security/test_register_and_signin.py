"""Insider tests: who can create or impersonate a voter (docs/security.md §1, the register) and
who can block sign-in for others (§6). Each test plays one finding of issue 8 as the hostile
actor would and shows it no longer works. Run on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from accounts import smtp
from accounts.smtp import SmtpSink
from accounts.world import PASSWORD, World
from moot.accounts.actions import do_create_api_token
from moot.accounts.models import ApiToken, Invitation, SignInAttempt, User
from moot.audit.models import AuditEvent
from moot.members.actions import do_change_member_status

smtp_sink = smtp.smtp_sink  # the real SMTP server (tests/accounts/smtp.py), used by name
LINK = re.compile(r"https?://\S+/accounts/claim/(\S+)/")


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def sign_in(client: Client, email: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- Finding 1: an officer sends a member's invitation to an address of their choosing -------


def test_secretary_cannot_send_a_members_invitation_to_their_own_address(
    client: Client, world: World, smtp_sink: SmtpSink, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.users["secretary"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:invite"),
            {"member": world.target.pk, "email": "secretary-sock@example.net"},
        )
    assert response.status_code == 302
    assert not Invitation.objects.exists()
    assert smtp_sink.messages == []
    page = client.get(response.url).content.decode()
    assert "only to the e-mail address on the member" in page


def test_the_invitation_goes_to_the_address_on_record_over_real_smtp(
    client: Client, world: World, smtp_sink: SmtpSink, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.users["secretary"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:invite"), {"member": world.target.pk})
    assert [m.rcpt_tos for m in smtp_sink.messages] == [[world.target.email]]
    assert LINK.search(smtp_sink.messages[0].body)
    assert Invitation.objects.get().email == world.target.email


# --- Finding 10: a member adds someone else's address to their account -----------------------


def test_a_member_cannot_take_another_accounts_address(client: Client, world: World) -> None:
    client.force_login(world.users["member"])
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "secretary@example.org"}
    )
    assert response.status_code == 200
    assert "is the address of another account" in response.content.decode()
    assert not EmailAddress.objects.filter(
        user=world.users["member"], email="secretary@example.org"
    ).exists()


def test_an_unconfirmed_address_never_becomes_primary_nor_blocks_its_owner(
    client: Client, world: World, smtp_sink: SmtpSink, django_capture_on_commit_callbacks: Any
) -> None:
    member = world.users["member"]
    client.force_login(member)
    client.post(reverse("account_email"), {"action_add": "", "email": world.target.email})
    assert EmailAddress.objects.filter(user=member, email=world.target.email, verified=False)
    # The confirmation goes to the address's owner, not to the member who typed it.
    assert [m.rcpt_tos for m in smtp_sink.messages] == [[world.target.email]]
    client.post(reverse("account_email"), {"action_primary": "", "email": world.target.email})
    member.refresh_from_db()
    assert member.email == "member@example.org"
    # The owner's invitation still goes out, and claiming it takes the address back.
    secretary = Client()
    secretary.force_login(world.users["secretary"])
    with django_capture_on_commit_callbacks(execute=True):
        secretary.post(reverse("accounts:invite"), {"member": world.target.pk})
    token = LINK.search(smtp_sink.to(world.target.email)[-1].body).group(1)
    claimed = Client().post(
        reverse("accounts:claim", args=[token]),
        {"password1": "river-bank-lantern-42", "password2": "river-bank-lantern-42"},
    )
    assert claimed.status_code == 302
    owner = User.objects.get(email=world.target.email)
    assert EmailAddress.objects.get(email=world.target.email, verified=True).user == owner
    assert not EmailAddress.objects.filter(user=member, email=world.target.email).exists()


# --- Finding 18 (parts): second factor after claiming; tokens and passwords -----------------


def test_a_claimed_account_can_add_a_second_factor_at_once(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail

    client.force_login(world.users["secretary"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:invite"), {"member": world.target.pk})
    token = LINK.search(mail.outbox[-1].body).group(1)
    claimant = Client()
    claimant.post(
        reverse("accounts:claim", args=[token]),
        {"password1": "river-bank-lantern-42", "password2": "river-bank-lantern-42"},
    )
    page = claimant.get(reverse("mfa_activate_totp"))
    if page.status_code == 302 and page.url.startswith(reverse("account_reauthenticate")):
        claimant.post(page.url, {"password": "river-bank-lantern-42"})
        page = claimant.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200, page.get("Location")
    assert "verify" not in page.content.decode().lower()


def test_a_password_change_revokes_api_tokens(world: World) -> None:
    user = world.users["member"]
    token, secret = do_create_api_token(user, name="script", acting_user=user)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get(reverse("api-1.0.0:my_record")).status_code == 200
    user.set_password("a-new-password-for-me-7")
    user.save()
    assert api.get(reverse("api-1.0.0:my_record")).status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(verb="accounts.revoke_all_api_tokens", object_id=str(user.pk))


def test_a_password_reset_revokes_api_tokens(
    client: Client, world: World, smtp_sink: SmtpSink
) -> None:
    user = world.users["member"]
    _token, secret = do_create_api_token(user, name="script", acting_user=user)
    client.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"https?://\S+/password/reset/key/\S+", smtp_sink.to(user.email)[-1].body)
    assert link, smtp_sink.messages[-1].body
    form = client.get(link.group(0), follow=True)
    new = "a-fresh-password-for-me-9"
    done = client.post(form.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get(reverse("api-1.0.0:my_record")).status_code == 401


def test_a_password_reset_lifts_the_accounts_sign_in_limit(
    client: Client, world: World, smtp_sink: SmtpSink
) -> None:
    user = world.users["member"]
    for n in range(5):
        sign_in(client, user.email, f"forgotten-{n}")
    assert "Too many sign-in attempts" in sign_in(client, user.email).content.decode()
    client.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"https?://\S+/password/reset/key/\S+", smtp_sink.to(user.email)[-1].body)
    form = client.get(link.group(0), follow=True)
    new = "a-fresh-password-for-me-9"
    client.post(form.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert sign_in(client, user.email, new).status_code == 302


def test_adding_a_second_factor_revokes_tokens_and_new_ones_need_it(
    client: Client, world: World
) -> None:
    user = world.users["member"]
    _token, secret = do_create_api_token(user, name="before", acting_user=user)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    from allauth.mfa.signals import authenticator_added

    authenticator_added.send(
        sender=Authenticator, request=None, user=user, authenticator=Authenticator.objects.get()
    )
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get(reverse("api-1.0.0:my_record")).status_code == 401
    # A session that did not use the second factor cannot make a token that skips it.
    client.force_login(user)
    response = client.post(reverse("accounts:tokens"), {"name": "sneaky"})
    assert response.status_code == 400
    assert "second factor" in response.content.decode()
    assert not ApiToken.objects.filter(user=user, revoked_at=None).exists()


# --- Standing: sessions and tokens follow the member's standing -----------------------------


@pytest.mark.parametrize("status", ["expelled", "resigned", "lapsed"])
def test_membership_ended_ends_sessions_and_tokens(world: World, status: str) -> None:
    member = world.members["member"]
    user = member.user
    browser = Client()
    assert sign_in(browser, user.email).status_code == 302
    _token, secret = do_create_api_token(user, name="phone", acting_user=user)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get(reverse("api-1.0.0:my_record")).status_code == 200
    do_change_member_status(
        member,
        status,
        datetime.date.today(),
        reason="decided by the national executive",
        acting_user=world.users["national_staff"],
    )
    assert browser.get(reverse("dashboard")).status_code == 302  # signed out
    assert api.get(reverse("api-1.0.0:my_record")).status_code == 401
    assert AuditEvent.objects.filter(verb="accounts.withdraw_access").count() == 1
    # They may sign in again to see their own record, which says what happened.
    again = Client()
    assert sign_in(again, user.email).status_code == 302
    assert again.get(reverse("api-1.0.0:my_record")).json()["status"] == status


def test_a_suspended_member_keeps_their_session_but_not_their_rights(world: World) -> None:
    member = world.members["secretary"]
    browser = Client()
    assert sign_in(browser, member.user.email).status_code == 302
    assert browser.get(reverse("members:detail", args=[world.target.pk])).status_code == 200
    do_change_member_status(
        member,
        "suspended",
        datetime.date.today(),
        reason="pending investigation",
        acting_user=world.users["national_staff"],
    )
    assert browser.get(reverse("dashboard")).status_code == 200
    assert browser.get(reverse("api-1.0.0:my_record")).json()["status"] == "suspended"


# --- Finding 9: sign-in nobody blocks for others ---------------------------------------------


def test_thirty_wrong_passwords_from_one_address_do_not_lock_others_out(world: World) -> None:
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(40):
        sign_in(attacker, f"nobody{n}@example.org", "wrong-password")
    # Someone else behind the same address signs in with their own password.
    colleague = Client(REMOTE_ADDR="203.0.113.7")
    assert sign_in(colleague, "secretary@example.org").status_code == 302
    assert signed_in(colleague)


def test_a_guesser_at_a_shared_address_cannot_lock_out_a_known_device(world: World) -> None:
    """Review finding D: 31 failures from an AGM venue's Wi-Fi and wrong guesses at a named
    member's account locked the member out for 5 minutes. Their browser, which signed in
    before, carries a device cookie for the account and is counted on its own."""
    victim = world.members["member"].user
    venue = "198.51.100.20"
    member_browser = Client(REMOTE_ADDR=venue)
    assert sign_in(member_browser, victim.email).status_code == 302
    cookies = [name for name in member_browser.cookies if name.startswith("moot_device_")]
    assert len(cookies) == 1
    member_browser.post(reverse("account_logout"))
    attacker = Client(REMOTE_ADDR=venue)
    for n in range(31):
        sign_in(attacker, f"nobody{n}@example.org", "wrong-password")
    for _ in range(6):
        sign_in(attacker, victim.email, "wrong-password")
    # An unknown browser at the venue is slowed for this account (the attacker's pair is
    # shut for the window): the limit that stays.
    assert "Too many sign-in attempts" in sign_in(attacker, victim.email).content.decode()
    # The member's own browser signs in with their password.
    assert sign_in(member_browser, victim.email).status_code == 302
    assert signed_in(member_browser)


def test_a_device_cookie_counts_for_its_own_account_only(world: World) -> None:
    victim = world.members["member"].user
    venue = "198.51.100.21"
    browser = Client(REMOTE_ADDR=venue)
    assert sign_in(browser, "secretary@example.org").status_code == 302
    browser.post(reverse("account_logout"))
    # A cookie for another account (or a forged one) does not make the browser known here.
    browser.cookies["moot_device_0000000000000000"] = "forged"
    for _ in range(6):
        sign_in(browser, victim.email, "wrong-password")
    assert "Too many sign-in attempts" in sign_in(browser, victim.email).content.decode()
    # A known device that keeps failing is limited too.
    for _ in range(6):
        sign_in(browser, "secretary@example.org", "wrong-password")
    refused = sign_in(browser, "secretary@example.org")
    assert "Too many sign-in attempts" in refused.content.decode()


def test_five_means_five_across_workers(world: World) -> None:
    # Two "workers" are two clients; the counters live in the database, so they add up.
    workers = [Client(REMOTE_ADDR="198.51.100.5"), Client(REMOTE_ADDR="198.51.100.5")]
    failures = 0
    for n in range(10):
        response = sign_in(workers[n % 2], "member@example.org", f"guess-{n}")
        if "not correct" in response.content.decode():
            failures += 1
    assert failures == 5
    assert SignInAttempt.objects.filter(account="member@example.org").count() == 5
    # The right password from that address now waits too ...
    late = Client(REMOTE_ADDR="198.51.100.5")
    response = sign_in(late, "member@example.org")
    assert not signed_in(late)
    assert "Too many sign-in attempts" in response.content.decode()
    # ... but not from the member's own address.
    home = Client(REMOTE_ADDR="192.0.2.10")
    assert sign_in(home, "member@example.org").status_code == 302


def test_forwarded_for_is_believed_only_from_trusted_proxies(settings: Any, world: World) -> None:
    # Untrusted: a guesser cannot pick a fresh address per try with the header.
    for n in range(8):
        Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}").post(
            reverse("account_login"), {"login": "chair@example.org", "password": f"g{n}"}
        )
    assert set(SignInAttempt.objects.values_list("address", flat=True)) == {"203.0.113.9"}
    assert SignInAttempt.objects.count() == 5
    SignInAttempt.objects.all().delete()
    # Trusted proxy: each client behind it is counted on its own address.
    settings.MOOT_TRUSTED_PROXIES = ("127.0.0.1",)
    for client_address in ("192.0.2.1", "192.0.2.2"):
        proxied = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"{client_address}")
        sign_in(proxied, "chair@example.org", "wrong")
    assert sorted(SignInAttempt.objects.values_list("address", flat=True)) == [
        "192.0.2.1",
        "192.0.2.2",
    ]


# --- Finding 1 (the import) and the register's one authority -------------------------------

CSV_HEADER = "first_name,last_name,email,joined_on,constituency,branch"


def _invented_member_csv(joined_on: str = "2011-09-01") -> str:
    return f"{CSV_HEADER}\nSock,Puppet,sock@example.net,{joined_on},riverside,south\n"


def test_a_secretary_cannot_invent_an_eligible_member_by_import(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from moot.members.models import Member, RegisterProposal

    api = Client()
    api.force_login(world.users["secretary"])
    before = Member.objects.count()
    response = api.post(
        "/api/members/import",
        {
            "file": SimpleUploadedFile("sock.csv", _invented_member_csv().encode()),
            "dry_run": "false",
            "unit": "riverside",
        },
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["created"] == 0
    assert body["backdated_rows"] == 1
    assert "clause 2.6" in body["summary"]
    assert Member.objects.count() == before  # nobody was admitted
    proposal = RegisterProposal.objects.get(pk=body["proposal"])
    assert proposal.state == "pending"
    # The secretary cannot approve their own proposal ...
    decided = api.post(
        reverse("members:decide_proposal", args=[proposal.pk]), {"decision": "approve"}
    )
    assert decided.status_code == 403
    proposal.refresh_from_db()
    assert proposal.state == "pending"
    # ... the office rejects it, with a reason the secretary can read.
    office = Client()
    office.force_login(world.users["national_staff"])
    office.post(
        reverse("members:decide_proposal", args=[proposal.pk]),
        {"decision": "reject", "reason": "no application on file"},
    )
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decision_reason) == ("rejected", "no application on file")
    assert "no application on file" in api.get(reverse("members:proposals")).content.decode()
    assert Member.objects.count() == before


def test_the_office_admits_a_proposal_and_back_dates_only_with_a_reason(world: World) -> None:
    from moot.members.errors import ActionError
    from moot.members.models import Member
    from moot.members.queries import eligibility
    from moot.members.register import do_decide_proposal, do_propose_import

    proposal = do_propose_import(
        _invented_member_csv("2024-01-10"),
        unit_default=world.riverside,
        source_name="new.csv",
        reason="joined at the street stall",
        acting_user=world.users["secretary"],
    )
    office = world.users["national_staff"]
    with pytest.raises(ActionError, match="back-dates it with a reason"):
        do_decide_proposal(proposal, approve=True, acting_user=office)
    assert not Member.objects.filter(email="sock@example.net").exists()
    do_decide_proposal(
        proposal, approve=True, backdate_reason="paper form dated 10 Jan 2024", acting_user=office
    )
    member = Member.objects.get(email="sock@example.net")
    assert member.backdate_reason == "paper form dated 10 Jan 2024"
    verdict = eligibility(member, "meeting")
    assert verdict.allowed
    assert any("paper form dated 10 Jan 2024" in r.text for r in verdict.reasons)
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"members.propose_import", "members.decide_proposal", "members.import_members"} <= verbs


def test_a_secretary_proposes_an_email_change_and_the_office_decides(world: World) -> None:
    secretary = Client()
    secretary.force_login(world.users["secretary"])
    url = reverse("members:change_register_entry", args=[world.target.pk])
    secretary.post(url, {"email": "secretary-sock@example.net", "reason": "member asked"})
    world.target.refresh_from_db()
    assert world.target.email != "secretary-sock@example.net"
    from moot.members.models import RegisterProposal

    proposal = RegisterProposal.objects.get(member=world.target)
    assert proposal.payload == {"email": "secretary-sock@example.net"}
    office = Client()
    office.force_login(world.users["national_staff"])
    office.post(
        reverse("members:decide_proposal", args=[proposal.pk]),
        {"decision": "reject", "reason": "the member did not ask us"},
    )
    world.target.refresh_from_db()
    assert world.target.email != "secretary-sock@example.net"
    # The office itself may change it, and the change is audited with its reason.
    office.post(url, {"email": "new-home@example.org", "reason": "member's letter of 3 Dec"})
    world.target.refresh_from_db()
    assert world.target.email == "new-home@example.org"
    event = AuditEvent.objects.get(verb="members.change_register_entry")
    assert (event.after, event.reason, event.clause) == (
        {"email": "new-home@example.org"},
        "member's letter of 3 Dec",
        "2.6",
    )


def test_a_secretary_cannot_readmit_a_former_member(world: World) -> None:
    member = world.members["member"]
    do_change_member_status(
        member,
        "lapsed",
        datetime.date.today() - datetime.timedelta(days=10),
        reason="did not renew",
        acting_user=world.users["national_staff"],
    )
    secretary = Client()
    secretary.force_login(world.users["secretary"])
    response = secretary.post(
        reverse("members:change_status", args=[member.pk]),
        {
            "status": "active",
            "start": str(datetime.date.today()),
            "reason": "paid again",
        },
    )
    assert response.status_code == 400
    assert "readmitting a former member is for the membership office" in response.content.decode()
    member.refresh_from_db()
    assert member.status == "lapsed"


@pytest.mark.django_db(transaction=True)
def test_twenty_guesses_at_once_get_at_most_five_tries(tmp_path: Any) -> None:
    """Concurrent requests (threads, each with its own database connection, as separate
    workers would have): the attempt is counted before the password is checked, so together
    they never get more than the limit."""
    import threading

    from django.db import connections

    from factories import UserFactory
    from polls.test_concurrency import database_for_threads

    UserFactory(email="target@example.org")
    answers: list[str] = []
    lock = threading.Lock()
    with database_for_threads(tmp_path) as connect:
        barrier = threading.Barrier(20)

        def guess(n: int) -> None:
            connect()
            try:
                barrier.wait(timeout=60)
                response = Client(REMOTE_ADDR="198.51.100.77").post(
                    reverse("account_login"),
                    {"login": "target@example.org", "password": f"guess-{n}"},
                )
                answer = response.content.decode()
            except Exception as exc:  # every outcome is reported by the test
                answer = f"{type(exc).__name__}: {exc}"
            finally:
                connections.close_all()
            with lock:
                answers.append(answer)

        threads = [threading.Thread(target=guess, args=(n,)) for n in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        kept = SignInAttempt.objects.filter(account="target@example.org").count()
    checked = sum("not correct" in answer for answer in answers)
    refused = sum("Too many sign-in attempts" in answer for answer in answers)
    assert len(answers) == 20
    assert checked + refused == 20, [a[:200] for a in answers if "<html" not in a]
    # Never more than five; a burst may get fewer (each attempt in flight counts against the
    # others), which costs only the guesser's own (address, account) pair.
    assert checked <= 5
    assert kept == checked


def test_a_link_sent_before_the_office_changed_the_address_no_longer_claims(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail

    from moot.accounts.actions import do_invite_member
    from moot.members.register import do_change_register_entry

    with django_capture_on_commit_callbacks(execute=True):
        do_invite_member(world.target, acting_user=world.users["secretary"])
    token = LINK.search(mail.outbox[-1].body).group(1)
    do_change_register_entry(
        world.target,
        email="the-real-one@example.org",
        reason="the member wrote: the old address was never mine",
        acting_user=world.users["national_staff"],
    )
    page = Client().get(reverse("accounts:claim", args=[token]))
    assert page.status_code == 410
    assert "no longer on your record" in page.content.decode()
