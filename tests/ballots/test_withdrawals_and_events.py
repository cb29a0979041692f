"""Review fixes: a withdrawal is the candidate's own act (a manager records one only with the
reference of the candidate's written request, the candidate is e-mailed at once, and it can be
taken back before the freeze); a suspension is recorded only when the register says so, in the
register's words (nothing of a case); a ballot's officer may not be nominated in it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from ballots.nominations_world import candidate_member, national_ballot, nominating_poll
from ballots.test_events import event, open_ballot_with
from ballots.test_nominations_api import api
from factories import UserFactory
from moot.audit.models import AuditEvent
from moot.ballots.actions.events import do_record_ballot_event
from moot.ballots.actions.nominations import (
    do_consent_candidacy,
    do_record_unit_nomination,
    do_reinstate_candidacy,
    do_withdraw_candidacy,
)
from moot.ballots.actions.officers import do_appoint_scrutineer
from moot.ballots.errors import BallotError
from moot.ballots.models import BallotEvent, Candidate, Nomination
from moot.members.actions import do_change_member_status

pytestmark = pytest.mark.django_db


def _nominated(world: Any) -> tuple[Any, Candidate]:
    ballot = national_ballot(world)
    rival = candidate_member(world.riverside, first_name="Rival")
    poll = nominating_poll(
        world.riverside, [rival], secretary=world.users["secretary"], ballot=ballot
    )
    do_record_unit_nomination(
        ballot, unit=world.riverside, poll=poll, acting_user=world.users["secretary"]
    )
    return ballot, Candidate.objects.get(ballot=ballot, member=rival)


def test_a_manager_withdraws_only_with_the_request_and_the_candidate_is_told(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _ballot, cand = _nominated(world)
    staff = world.users["national_staff"]
    with pytest.raises(BallotError) as refusal:
        do_withdraw_candidacy(cand, reason="", manager=True, acting_user=staff)
    assert refusal.value.field == "reason"
    assert Candidate.objects.get(pk=cand.pk).withdrawn_at is None
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        do_withdraw_candidacy(cand, reason="e-mail of 3 March", manager=True, acting_user=staff)
    told = mail.outbox[sent:]
    assert [m.to for m in told] == [[cand.member.user.email]]
    assert "e-mail of 3 March" in told[0].body
    # The candidate takes it back before the freeze, and consents.
    cand = do_reinstate_candidacy(Candidate.objects.get(pk=cand.pk), acting_user=cand.member.user)
    assert cand.withdrawn_at is None
    do_consent_candidacy(cand, acting_user=cand.member.user)
    assert AuditEvent.objects.filter(verb="ballots.reinstate_candidacy").count() == 1


def test_a_suspension_is_recorded_only_from_the_register(world: Any) -> None:
    rival = candidate_member(world.riverside, first_name="Rival")
    ballot, [cand] = open_ballot_with(world, rival, returning_officer=UserFactory())
    ro = ballot.returning_officer
    with pytest.raises(BallotError) as refusal:
        do_record_ballot_event(
            ballot,
            kind="candidate_suspended",
            candidate=cand,
            authority="me",
            notice="x",
            acting_user=ro,
        )
    assert "does not show" in str(refusal.value)
    assert not BallotEvent.objects.filter(ballot=ballot).exists()


def test_the_registers_suspension_names_no_case(world: Any) -> None:
    import datetime

    from django.utils import timezone

    rival = candidate_member(world.riverside, first_name="Rival")
    ballot, _ = open_ballot_with(world, rival)
    do_change_member_status(
        rival,
        "suspended",
        timezone.localdate() - datetime.timedelta(days=0),
        reason="suspended pending a case",
        reference="case:7",
        acting_user=world.users["national_staff"],
    )
    [recorded] = BallotEvent.objects.filter(ballot=ballot)
    assert recorded.authority.startswith("The membership register: suspended from")
    assert "case" not in recorded.authority


def test_a_withdrawal_after_the_issue_needs_the_candidates_request(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    rival = candidate_member(world.riverside, first_name="Rival")
    ballot, [cand] = open_ballot_with(world, rival, returning_officer=UserFactory())
    ro = ballot.returning_officer
    with pytest.raises(BallotError) as refusal:
        do_record_ballot_event(
            ballot,
            kind="candidate_withdrawn",
            candidate=cand,
            authority="me",
            notice="x",
            acting_user=ro,
        )
    assert refusal.value.field == "reference"
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        recorded = event(
            ballot, cand, "candidate_withdrawn", authority="Letter", reference="L-12", user=ro
        )
    assert "L-12" in recorded.authority
    assert [m.to for m in mail.outbox[sent:]] == [[rival.user.email]]
    # The candidate's own withdrawal needs no reference.
    other = candidate_member(world.riverside, first_name="Own")
    ballot2, [own] = open_ballot_with(world, other)
    event(ballot2, own, "candidate_withdrawn", authority="My own decision", user=other.user)


def test_a_ballot_officer_cannot_be_nominated(world: Any) -> None:
    ballot = national_ballot(world)
    scrutineer = candidate_member(world.riverside, first_name="Scrut")
    do_appoint_scrutineer(ballot, scrutineer.user, acting_user=world.users["national_staff"])
    poll = nominating_poll(
        world.riverside, [scrutineer], secretary=world.users["secretary"], ballot=ballot
    )
    with pytest.raises(BallotError) as refusal:
        do_record_unit_nomination(
            ballot, unit=world.riverside, poll=poll, acting_user=world.users["secretary"]
        )
    assert "resign the role first" in str(refusal.value)
    assert not Nomination.objects.filter(ballot=ballot).exists()


def test_returns_before_an_event_are_for_overseers_until_the_declaration(world: Any) -> None:
    from django.test import Client

    from moot.ballots.models import Ballot

    rival = candidate_member(world.riverside, first_name="Rival")
    ballot, [cand] = open_ballot_with(world, rival)
    event(ballot, cand, "candidate_withdrawn", user=world.users["national_staff"])
    public = Client()
    page = public.get(f"/ballots/{ballot.pk}/events/").content.decode()
    assert "Returns received before it" not in page
    member_api = api(world.users["member"])
    [shown] = member_api.get(f"/api/ballots/{ballot.pk}/events").json()
    assert shown["returns_before"] is None
    overseer = Client()
    overseer.force_login(world.users["national_staff"])
    assert (
        "Returns received before it"
        in overseer.get(f"/ballots/{ballot.pk}/events/").content.decode()
    )
    Ballot.objects.filter(pk=ballot.pk).update(state="declared")
    [declared] = member_api.get(f"/api/ballots/{ballot.pk}/events").json()
    assert declared["returns_before"] == 0


def test_endorsements_are_fixed_at_the_freeze(world: Any) -> None:
    from factories import OrganisationFactory
    from moot.ballots.actions.events import do_record_endorsement

    rival = candidate_member(world.riverside, first_name="Rival")
    ballot, [cand] = open_ballot_with(world, rival, state="frozen")
    with pytest.raises(BallotError) as refusal:
        do_record_endorsement(
            ballot,
            candidate=cand,
            organisation=OrganisationFactory(),
            reference="Minute 4 of its committee",
            acting_user=world.users["national_staff"],
        )
    assert "frozen" in str(refusal.value)
    assert not cand.endorsements.exists()


def test_a_photo_is_turned_upright_before_its_metadata_is_stripped() -> None:
    import io

    from PIL import Image

    from moot.ballots.photos import clean_photo

    wide = Image.new("RGB", (40, 20), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to show
    raw = io.BytesIO()
    wide.save(raw, "JPEG", exif=exif)
    raw.seek(0)
    data, _type = clean_photo(raw)
    with Image.open(io.BytesIO(data)) as cleaned:
        assert cleaned.size == (20, 40)
        assert not cleaned.getexif()
