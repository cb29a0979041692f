"""Insider tests: who records a member's status (docs/security.md §1 and §3; review findings A,
J and K). A unit secretary — a political office — cannot suspend, expel, lapse, lift a
suspension or record a resignation from membership; complaints staff suspend and expel (the
panel's decision), the membership office records lapses, resignations and readmissions, and
whoever may record a suspension may read its reason. Run on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from accounts.world import World
from moot.audit.models import AuditEvent
from moot.members.access import access_proposal
from moot.members.actions import do_change_member_status
from moot.members.models import MembershipPeriod, RegisterProposal
from moot.members.register import do_decide_proposal
from moot.rulebook.model import RegisterRules

TODAY = datetime.date.today


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post_status(user: Any, member: Any, status: str, start: datetime.date, reason: str) -> Any:
    return _client(user).post(
        reverse("members:change_status", args=[member.pk]),
        {"status": status, "start": str(start), "reason": reason},
    )


def _suspend(world: World, member: Any) -> None:
    do_change_member_status(
        member,
        "suspended",
        TODAY() - datetime.timedelta(days=3),
        reason="Complaint 17: pending investigation",
        acting_user=world.users["complaints_staff"],
    )


# --- Finding A: a unit secretary removes members from the party ------------------------------


@pytest.mark.parametrize(
    ("status", "days_ago", "reason"),
    [
        ("expelled", 0, "I do not like him"),
        ("suspended", 6, "Complaint: I do not like him"),
    ],
)
def test_a_secretary_cannot_suspend_or_expel_a_member(
    world: World, status: str, days_ago: int, reason: str
) -> None:
    member = world.members["member"]
    periods = MembershipPeriod.objects.filter(member=member).count()
    events = AuditEvent.objects.count()
    response = _post_status(
        world.users["secretary"],
        member,
        status,
        TODAY() - datetime.timedelta(days=days_ago),
        reason,
    )
    assert response.status_code == 400
    assert "ask them to record it" in response.content.decode()
    member.refresh_from_db()
    assert member.status == "active"
    assert MembershipPeriod.objects.filter(member=member).count() == periods
    assert AuditEvent.objects.count() == events


def test_a_secretary_only_proposes_a_lapse_and_the_office_decides(world: World) -> None:
    member = world.members["member"]
    periods = MembershipPeriod.objects.filter(member=member).count()
    start = TODAY() - datetime.timedelta(days=30)
    response = _post_status(world.users["secretary"], member, "lapsed", start, "did not pay")
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == "active"  # nothing changes until the office decides
    assert MembershipPeriod.objects.filter(member=member).count() == periods
    proposal = RegisterProposal.objects.get(member=member, state="pending")
    assert proposal.payload == {"status": "lapsed", "start": start.isoformat()}
    with pytest.raises(PermissionDenied):  # the secretary cannot decide it
        access_proposal(proposal.pk, world.users["secretary"], for_write=True)
    do_decide_proposal(proposal, approve=True, acting_user=world.users["national_staff"])
    member.refresh_from_db()
    assert member.status == "lapsed"
    assert member.periods.get(end__isnull=True).start == start


def test_a_secretary_cannot_lift_a_suspension(world: World) -> None:
    member = world.members["member"]
    _suspend(world, member)
    response = _post_status(world.users["secretary"], member, "active", TODAY(), "cleared")
    assert response.status_code == 400
    assert "complaints staff" in response.content.decode()
    member.refresh_from_db()
    assert member.status == "suspended"


def test_a_secretary_cannot_record_a_resignation_from_membership(world: World) -> None:
    member = world.members["member"]
    response = _client(world.users["secretary"]).post(
        reverse("members:resign", args=[member.pk]),
        {
            "kind": "membership",
            "letter": "I resign. (typed by the secretary)",
            "effective_on": str(TODAY()),
        },
    )
    assert response.status_code == 400
    assert "membership office" in response.content.decode()
    member.refresh_from_db()
    assert member.status == "active"
    assert not member.resignations.exists()


def test_the_office_records_a_lapse_and_a_resignation(world: World) -> None:
    member = world.members["member"]
    office = world.users["national_staff"]
    response = _post_status(office, member, "lapsed", TODAY(), "did not renew")
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == "lapsed"
    other = world.members["target"]
    response = _client(office).post(
        reverse("members:resign", args=[other.pk]),
        {"kind": "membership", "letter": "I resign.", "effective_on": str(TODAY())},
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.status == "resigned"


# --- Finding K: complaints staff record a suspension and read its reason ---------------------


def test_complaints_staff_suspend_read_the_reason_and_lift_it(world: World) -> None:
    member = world.members["member"]
    complaints = world.users["complaints_staff"]
    start = TODAY() - datetime.timedelta(days=2)
    response = _post_status(complaints, member, "suspended", start, "Complaint 17: abuse")
    assert response.status_code == 302
    page = _client(complaints).get(reverse("members:detail", args=[member.pk]))
    assert "Complaint 17: abuse" in page.content.decode()
    response = _post_status(complaints, member, "active", TODAY(), "no case to answer")
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == "active"


def test_national_staff_neither_suspend_nor_read_the_reason_unless_the_rulebook_says(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = world.members["member"]
    staff = world.users["national_staff"]
    response = _post_status(staff, member, "suspended", TODAY(), "Complaint 18: abuse")
    assert response.status_code == 400
    assert "complaints staff" in response.content.decode()
    member.refresh_from_db()
    assert member.status == "active"
    # An edition that gives suspensions to national staff too: they record it and read it.
    monkeypatch.setattr(
        "moot.accounts.permissions.register_rules",
        lambda: RegisterRules(suspensions="complaints_and_national_staff"),
    )
    response = _post_status(staff, member, "suspended", TODAY(), "Complaint 18: abuse")
    assert response.status_code == 302
    page = _client(staff).get(reverse("members:detail", args=[member.pk]))
    assert "Complaint 18: abuse" in page.content.decode()


def test_a_secretary_cannot_read_the_reason_of_a_suspension(world: World) -> None:
    member = world.members["member"]
    _suspend(world, member)
    page = _client(world.users["secretary"]).get(reverse("members:detail", args=[member.pk]))
    assert page.status_code == 200
    assert "Complaint 17" not in page.content.decode()


def test_only_complaints_staff_expel(world: World) -> None:
    member = world.members["member"]
    response = _post_status(world.users["national_staff"], member, "expelled", TODAY(), "NCC")
    assert response.status_code == 400
    response = _post_status(
        world.users["complaints_staff"], member, "expelled", TODAY(), "NCC panel decision 4"
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == "expelled"


# --- Finding J: a second status change on the same day ---------------------------------------


def test_a_suspension_then_an_expulsion_on_the_same_day(world: World) -> None:
    member = world.members["member"]
    complaints = world.users["complaints_staff"]
    assert _post_status(complaints, member, "suspended", TODAY(), "Complaint 19").status_code == 302
    response = _post_status(complaints, member, "expelled", TODAY(), "NCC panel decision 5")
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == "expelled"
    today = member.periods.get(start=TODAY())
    assert today.status == "expelled"
    assert today.end is None
    assert member.periods.filter(end__isnull=True).count() == 1
    # The replaced suspension is kept in the audit event of the correction.
    event = AuditEvent.objects.filter(verb="members.change_member_status").order_by("-seq")[0]
    assert event.before["replaced"]["status"] == "suspended"


def test_a_mistaken_status_is_corrected_the_same_day_but_not_before_it_began(
    world: World,
) -> None:
    member = world.members["member"]
    office = world.users["national_staff"]
    assert _post_status(office, member, "lapsed", TODAY(), "did not renew").status_code == 302
    response = _post_status(office, member, "in_arrears", TODAY(), "had paid: a mistake")
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == "in_arrears"
    before = TODAY() - datetime.timedelta(days=1)
    response = _post_status(office, member, "active", before, "back-dated")
    assert response.status_code == 400
    assert "cannot start before" in response.content.decode()


def test_a_secretary_cannot_import_straight_into_the_register_by_unticking_dry_run(
    world: World,
) -> None:
    """Second hostile review: the import page's "Dry run" box, unticked, imported a secretary's
    file straight into the register (a sock member with the attacker's address, then invited
    "to the address on record"). Only the register's authority imports; anyone else's upload is
    checked, and confirming it proposes it to the office."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from moot.members.models import Member

    client = Client()
    client.force_login(world.users["secretary"])
    text = "number,first_name,last_name,email,joined_on,status\n"
    text += "M0009001,Sock,Puppet,sock1@attacker.test,2026-12-07,active\n"
    response = client.post(
        reverse("members:import"),
        {
            "file": SimpleUploadedFile("m.csv", text.encode(), content_type="text/csv"),
            "unit": world.riverside.pk,
        },
    )
    assert response.status_code == 200
    assert "nothing was written" in response.content.decode()
    assert not Member.objects.filter(last_name="Puppet").exists()
    assert not RegisterProposal.objects.exists()
