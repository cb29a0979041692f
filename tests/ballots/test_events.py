"""Notices, endorsements and post-issue events (issue 11 item 3): recorded with authority,
clause, notice and the returns received before, never by editing the issued ballot; refused
before the issue and after the close; a suspension in the register reaches open ballots."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from ballots.nominations_world import candidate_member, national_ballot
from factories import MemberFactory, OrganisationFactory
from moot.audit.models import AuditEvent
from moot.ballots.actions.events import (
    do_record_ballot_event,
    do_record_endorsement,
    do_withdraw_endorsement,
)
from moot.ballots.errors import BallotError
from moot.ballots.models import (
    BallotEvent,
    BallotState,
    Candidate,
    Endorsement,
    Return,
    RollEntry,
)
from moot.ballots.notices import notices_for
from moot.members.actions import do_change_member_status

pytestmark = pytest.mark.django_db


def open_ballot_with(world: Any, *people: Any, **kwargs: Any) -> tuple[Any, list[Candidate]]:
    kwargs.setdefault("state", BallotState.OPEN)
    kwargs.setdefault("returning_officer", world.users["national_staff"])
    ballot = national_ballot(world, **kwargs)
    candidates = [
        Candidate.objects.create(
            ballot=ballot,
            member=m,
            name=m.full_name,
            on_ballot=True,
            position=i + 1,
            consented_at=timezone.now(),
        )
        for i, m in enumerate(people)
    ]
    return ballot, candidates


def event(ballot: Any, candidate: Any, kind: str, **kw: Any) -> BallotEvent:
    kw.setdefault("authority", "Letter from the candidate, 3 March")
    kw.setdefault("notice", f"{candidate.name}: {kind}")
    if kind == "candidate_withdrawn":
        kw.setdefault("reference", "the candidate's letter of 3 March")
    if kind == "candidate_suspended":
        # A suspension is recorded from the register: the register says so first.
        type(candidate.member).objects.filter(pk=candidate.member_id).update(status="suspended")
        candidate.member.refresh_from_db()
    return do_record_ballot_event(
        ballot, kind=kind, candidate=candidate, acting_user=kw.pop("user", None), **kw
    )


def test_an_event_keeps_authority_clause_notice_and_returns_before(world: Any) -> None:
    ada = candidate_member(world.riverside)
    ballot, [cand] = open_ballot_with(world, ada)
    member = MemberFactory(constituency=world.riverside)
    voter = RollEntry.objects.create(ballot=ballot, member=member, unit=world.riverside)
    Return.objects.create(ballot=ballot, entry=voter, slot="any", channel="online", sealed="x")
    recorded = event(
        ballot, cand, "candidate_withdrawn", clause="5.7", user=world.users["national_staff"]
    )
    assert recorded.returns_before == 1
    assert recorded.clause == "5.7"
    [notice] = notices_for(ballot)
    assert notice.text == f"{cand.name}: candidate_withdrawn"
    audit = AuditEvent.objects.get(verb="ballots.record_ballot_event")
    assert audit.after["returns_before"] == 1
    assert audit.reason.startswith("Letter from the candidate, 3 March")


def test_events_follow_the_candidates_standing(world: Any) -> None:
    ada = candidate_member(world.riverside)
    ballot, [cand] = open_ballot_with(world, ada)
    with pytest.raises(BallotError, match="neither withdrawn nor suspended"):
        event(ballot, cand, "candidate_reinstated")
    event(ballot, cand, "candidate_suspended")
    with pytest.raises(BallotError, match="already recorded as candidate suspended"):
        event(ballot, cand, "candidate_suspended")
    event(ballot, cand, "candidate_reinstated")
    assert [n.kind for n in notices_for(ballot)] == ["candidate_suspended", "candidate_reinstated"]


@pytest.mark.parametrize("state", ["draft", "frozen", "closed", "counted", "declared"])
def test_events_are_refused_before_the_issue_and_after_the_close(world: Any, state: str) -> None:
    ada = candidate_member(world.riverside)
    ballot, [cand] = open_ballot_with(world, ada, state=state)
    with pytest.raises(BallotError, match=r"not been issued|closed") as caught:
        event(ballot, cand, "candidate_withdrawn")
    assert caught.value.code == "state"
    assert not BallotEvent.objects.exists()


def test_empty_authority_or_notice_is_refused(world: Any) -> None:
    ada = candidate_member(world.riverside)
    ballot, [cand] = open_ballot_with(world, ada)
    with pytest.raises(BallotError, match="who decided") as caught:
        event(ballot, cand, "candidate_withdrawn", authority="  ")
    assert caught.value.field == "authority"
    with pytest.raises(BallotError, match="notice voters") as caught:
        event(ballot, cand, "candidate_withdrawn", notice="")
    assert caught.value.field == "notice"
    assert not BallotEvent.objects.exists()


def test_endorsement_withdrawn_after_the_issue_is_an_event(world: Any) -> None:
    ada = candidate_member(world.riverside)
    slate = OrganisationFactory(name="Grassroots Slate", kind="campaign_group")
    ballot, [cand] = open_ballot_with(world, ada, state=BallotState.DRAFT)
    staff = world.users["national_staff"]
    with pytest.raises(BallotError, match="Give the reference") as caught:
        do_record_endorsement(
            ballot, candidate=cand, organisation=slate, reference="  ", acting_user=staff
        )
    assert caught.value.field == "reference"
    assert not Endorsement.objects.filter(candidate=cand).exists()
    endorsement = do_record_endorsement(
        ballot,
        candidate=cand,
        organisation=slate,
        reference="Slate AGM, motion 3",
        acting_user=staff,
    )
    assert endorsement.reference == "Slate AGM, motion 3"
    with pytest.raises(BallotError, match="already recorded"):
        do_record_endorsement(
            ballot, candidate=cand, organisation=slate, reference="again", acting_user=staff
        )
    ballot.state = BallotState.OPEN
    ballot.save(update_fields=["state"])
    with pytest.raises(BallotError, match="has been issued"):
        do_withdraw_endorsement(endorsement, acting_user=staff)
    with pytest.raises(BallotError, match="Choose which"):
        event(ballot, cand, "endorsement_withdrawn")
    event(ballot, cand, "endorsement_withdrawn", endorsement=endorsement, user=staff)
    endorsement.refresh_from_db()
    assert endorsement.withdrawn_at is not None
    with pytest.raises(BallotError, match="already withdrawn"):
        event(ballot, cand, "endorsement_withdrawn", endorsement=endorsement)


def test_a_suspension_in_the_register_records_an_event_and_tells_the_officer(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ada = candidate_member(world.riverside)
    ballot, [cand] = open_ballot_with(world, ada)
    open_ballot_with(world, ada, state=BallotState.DRAFT)  # a draft ballot: no event
    with django_capture_on_commit_callbacks(execute=True):
        do_change_member_status(
            ada,
            "suspended",
            timezone.localdate(),
            reason="pending investigation",
            reference="case:7",
            acting_user=world.users["complaints_staff"],
        )
    [recorded] = BallotEvent.objects.all()
    assert recorded.ballot == ballot
    assert recorded.kind == "candidate_suspended"
    assert "pending investigation" not in recorded.notice
    assert recorded.clause
    [message] = mail.outbox
    assert message.to == [world.users["national_staff"].email]
    assert cand.name in message.subject
    assert f"/ballots/{ballot.pk}/events/" in message.body
    # A lapse or a second change records nothing more.
    do_change_member_status(
        ada,
        "active",
        timezone.localdate() + datetime.timedelta(days=0),
        reason="case closed",
        acting_user=world.users["complaints_staff"],
    )
    assert BallotEvent.objects.count() == 1
