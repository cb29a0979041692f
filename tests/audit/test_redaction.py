"""The audit trail shows each reader only what they may see of a member elsewhere (issue 8,
finding 18: the auditor read contact details in the trail that the member pages hide from them).
Redaction happens when events are shown; the stored events, and so the chain, are untouched."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from accounts.world import World, build_world
from moot.audit.actions import record
from moot.audit.models import AuditEvent
from moot.audit.queries import verify_chain
from moot.audit.redaction import HIDDEN, shown_to
from moot.members.actions import do_change_member_status, do_update_member

pytestmark = pytest.mark.django_db

PHONE = "07700 900123"
ADDRESS = "2 Hidden Lane"
REASON = "Complaint 17: alleged abusive posts"
REFERENCE = "case:17"


@pytest.fixture
def world() -> World:
    world = build_world()
    target = world.target
    do_update_member(target, acting_user=world.users["secretary"], phone=PHONE, address=ADDRESS)
    do_change_member_status(
        target,
        "suspended",
        timezone.localdate() - datetime.timedelta(days=1),
        reason=REASON,
        reference=REFERENCE,
        acting_user=world.users["national_staff"],
    )
    with transaction.atomic():
        record(
            actor=world.users["secretary"],
            verb="accounts.invite_member",
            object_type="accounts.invitation",
            object_id=987654,
            object_repr=f"invitation for {target.email} (pending)",
            after={"member": target.pk, "email": target.email},
        )
    return world


SECRETS = (PHONE, ADDRESS, REASON, REFERENCE)


def page_as(world: World, role: str, url: str) -> str:
    client = Client()
    client.force_login(world.users[role])
    response = client.get(url)
    assert response.status_code == 200, (role, url)
    return response.content.decode()


def test_the_auditor_reads_no_contact_detail_or_suspension_reason_on_the_trail(
    world: World,
) -> None:
    page = page_as(world, "auditor", "/audit/")
    for secret in (*SECRETS, world.target.email, "secretary@example.org"):
        assert secret not in page, secret
    assert HIDDEN in page
    assert "members.change_member_status" in page  # the standing and its date stay visible
    assert "suspended" in page


def test_the_auditor_reads_none_of_them_in_a_members_history_either(world: World) -> None:
    page = page_as(world, "auditor", f"/members/{world.target.pk}/")
    assert "members.update_member" in page  # the history is shown ...
    for secret in (PHONE, ADDRESS, REASON, REFERENCE):
        assert secret not in page, secret  # ... without what the member page hides


def test_national_staff_read_contact_details_but_not_the_suspension_reason(
    world: World,
) -> None:
    page = page_as(world, "national_staff", "/audit/")
    assert PHONE in page
    assert ADDRESS in page
    assert world.target.email in page
    assert REASON not in page
    assert REFERENCE not in page


def test_redaction_follows_the_reader_not_the_stored_event(world: World) -> None:
    events = list(AuditEvent.objects.order_by("seq"))
    as_auditor = {e.verb: e for e in shown_to(events, world.users["auditor"])}
    as_admin = {e.verb: e for e in shown_to(events, world.users["admin"])}
    update = as_auditor["members.update_member"]
    assert update.after == {"phone": HIDDEN, "address": HIDDEN}
    assert update.redacted
    assert "secretary@example.org" not in update.actor_label
    assert update.actor_label == world.members["secretary"].user.get_full_name()
    status = as_auditor["members.change_member_status"]
    assert (status.reason, status.after["reference"], status.after["status"]) == (
        HIDDEN,
        HIDDEN,
        "suspended",
    )
    invitation = as_auditor["accounts.invite_member"]
    assert invitation.after["email"] == HIDDEN
    assert world.target.email not in invitation.object_repr
    # A change of standing the complaints process made (its reference names a case) is shown
    # to everyone but complaints staff and the auditor as the process's, the admin included.
    by_process = as_admin["members.change_member_status"]
    assert (by_process.reason, by_process.after["reference"], by_process.actor_label) == (
        HIDDEN,
        HIDDEN,
        "a change recorded by the complaints process",
    )
    assert by_process.after["status"] == "suspended"
    stored = AuditEvent.objects.get(verb="members.update_member")
    assert stored.after == {"phone": PHONE, "address": ADDRESS}
    assert verify_chain()[1] == []


def test_an_event_about_no_member_is_shown_as_stored(world: World) -> None:
    with transaction.atomic():
        event = record(
            actor=None,
            verb="accounts.create_user",
            obj=world.users["auditor"],
            after={"email": "auditor@example.org"},
        )
    (shown,) = shown_to([event], world.users["national_staff"])
    assert shown.after == {"email": "auditor@example.org"}
    assert not shown.redacted


def test_searching_the_trail_by_a_members_e_mail_confirms_nothing_to_the_auditor(
    world: World,
) -> None:
    address = "secretary@example.org"  # the secretary (a member) acted in the fixture
    for_auditor = page_as(world, "auditor", f"/audit/?actor={address}")
    assert "members.update_member" not in for_auditor
    assert "members.update_member" in page_as(world, "national_staff", f"/audit/?actor={address}")
    by_name = world.members["secretary"].user.get_full_name()
    assert "members.update_member" in page_as(world, "auditor", f"/audit/?actor={by_name}")


def test_details_nested_in_a_change_are_hidden_too(world: World) -> None:
    with transaction.atomic():
        event = record(
            actor=None,
            verb="members.propose_member_change",
            object_type="members.member",
            object_id=world.target.pk,
            after={"changes": {"phone": PHONE, "notes": [f"write to {world.target.email}"]}},
        )
    (shown,) = shown_to([event], world.users["auditor"])
    assert shown.after == {"changes": {"phone": HIDDEN, "notes": [f"write to {HIDDEN}"]}}
    assert shown.redacted


def test_the_trail_keeps_back_a_reason_exactly_where_the_member_pages_do(world: World) -> None:
    """An arrears note stays readable to who sees the record; a suspension's reason does not,
    nor a change whose statuses cannot be read (the safe default)."""
    target = world.target
    with transaction.atomic():
        for before, after, reason in (
            ("active", "in_arrears", "Direct debit failed twice"),
            ("suspended", "active", "No case to answer on complaint 17"),
            (None, None, "A change of unknown kind"),
        ):
            record(
                actor=world.users["national_staff"],
                verb="members.change_member_status",
                object_type="members.member",
                object_id=target.pk,
                object_repr=str(target),
                before={"status": before} if before else None,
                after={"status": after} if after else None,
                reason=reason,
            )
    shown = {e.reason for e in shown_to(AuditEvent.objects.order_by("seq"), world.users["chair"])}
    assert "Direct debit failed twice" in shown
    assert "No case to answer on complaint 17" not in shown
    assert "A change of unknown kind" not in shown
    assert REASON not in shown
