"""The chain's head printed where copies leave moot: a declared election's result, a closed
poll's result and approved minutes (page and PDF) each show the seq and hash of the event that
sealed them, and `moot audit verify --anchor` checks such a printed copy against the chain."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.db import transaction
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from audit.tamper import moot_audit, reseal_after_editing
from elections.conftest import make_member, post_of, stand
from factories import UnitFactory, UserFactory
from moot.accounts.models import StaffAssignment
from moot.audit.actions import record
from moot.audit.models import AuditEvent
from moot.elections.actions import (
    do_close_election,
    do_create_election,
    do_declare_result,
    do_open_election,
)
from moot.meetings.models import Meeting, Minutes
from moot.polls.actions import do_cast_ballot

pytestmark = pytest.mark.django_db

PRINTED = re.compile(r"recorded as event #(\d+), SHA-256 (?:<code>)?([0-9a-f]{64})")


def printed_head(html: str) -> tuple[int, str]:
    match = PRINTED.search(html.replace("<wbr>", ""))
    assert match, "no audit head printed"
    return int(match[1]), match[2]


def sealed(*verbs: str) -> tuple[int, str]:
    """The latest event under one of ``verbs`` (a verb's name today and before its rename)."""
    event = AuditEvent.objects.filter(verb__in=verbs).order_by("-seq").first()
    assert event is not None
    return event.seq, event.hash


@pytest.fixture
def declared(settings: Any, tmp_path: Any) -> Any:
    """A policy officer elected by three members' votes, counted and declared."""
    from moot.units.actions import create_posts_for_unit
    from moot.units.queries import edition_in_force

    settings.MOOT_AUDIT_CHECKPOINTS = str(tmp_path / "none")
    # No signing key either: another test of the session (a demo seed) may have made one in
    # the shared keys directory, and a key without checkpoints is a failure of its own.
    settings.MOOT_AUDIT_KEY = str(tmp_path / "no-audit-key.pem")
    unit = UnitFactory(kind="constituency", name="Riverside & Hollow CLP")
    create_posts_for_unit(unit, edition_in_force())
    officer = UserFactory(email="returning.officer@example.org")
    StaffAssignment.objects.create(user=officer, role="national_staff")
    election = do_create_election(
        post=post_of(unit, "policy-officer"),
        method="plurality",
        nominations_open_on=timezone.localdate() - datetime.timedelta(days=10),
        nominations_close_on=timezone.localdate() - datetime.timedelta(days=1),
        election_date=timezone.localdate(),
        acting_user=officer,
    )
    ash = stand(election, make_member(unit, first_name="Ash"), officer=officer)
    bea = stand(election, make_member(unit, first_name="Bea", woman=True), officer=officer)
    election = do_open_election(election, acting_user=officer)
    option = dict(election.nominations.values_list("pk", "poll_option_id"))
    for voter, choice in ((ash.nominee, ash), (ash.nominator, ash), (bea.nominee, bea)):
        do_cast_ballot(election.poll, voter, option[choice.pk], acting_user=voter.user)
    election = do_close_election(election, acting_user=officer)
    election = do_declare_result(election, acting_user=officer)
    client = Client()
    client.force_login(officer)
    return election, client


def test_a_declared_result_prints_the_declaration_event(declared: Any) -> None:
    election, client = declared
    page = client.get(f"/elections/{election.pk}/").content.decode()
    assert printed_head(page) == sealed("elections.declare_result", "elections.declare")


def test_a_closed_polls_result_prints_the_closing_event(declared: Any) -> None:
    election, client = declared
    page = client.get(f"/polls/{election.poll_id}/").content.decode()
    assert printed_head(page) == sealed("polls.close_poll")


def test_a_printed_head_verifies_until_the_chain_is_rewritten(declared: Any) -> None:
    election, client = declared
    seq, digest = printed_head(client.get(f"/elections/{election.pk}/").content.decode())
    run = moot_audit("verify", "--anchor", f"{seq}:{digest}")
    assert run.code == 0, run.err
    assert f"printed head #{seq} matches" in run.out
    reseal_after_editing(2, "rewritten")
    run = moot_audit("verify", "--anchor", f"{seq}:{digest}")
    assert run.code == 1
    assert run.fail_lines[0].startswith(f"FAIL anchor: event #{seq} has hash")


def test_approved_minutes_print_their_approval_event_on_the_page_and_the_pdf(rf: Any) -> None:
    unit = UnitFactory(kind="constituency", name="Riverside & Hollow CLP")
    meeting = Meeting(pk=41, unit=unit, title="AGM", starts_at=timezone.now())
    minutes = Minutes(
        pk=42,
        meeting=meeting,
        state="approved",
        approved_at=timezone.now(),
        approved_at_meeting=meeting,
        content_hash="ab" * 32,
        sections=[],
    )
    with transaction.atomic():
        record(actor=None, verb="meeting.approve_minutes", obj=minutes, after={"version": 1})
    context = {"meeting": meeting, "minutes": minutes, "generated_at": timezone.now()}
    request = rf.get(f"/meetings/{meeting.pk}/minutes/")
    request.user = UserFactory()
    approval = sealed("meetings.approve_minutes", "meeting.approve_minutes")
    for template in ("meetings/minutes.html", "meetings/minutes_pdf.html"):
        html = render_to_string(template, context, request=request)
        assert printed_head(html) == approval, template
    minutes.state = "draft"
    for template in ("meetings/minutes.html", "meetings/minutes_pdf.html"):
        assert "recorded as event" not in render_to_string(template, context, request=request)
