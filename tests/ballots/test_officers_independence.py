"""Review fixes: once a returning officer is appointed they run the ballot (its callers only
appoint officers); the rulebook's preset values are fixed; the scrutineer is independent of
the unit's officers, appointed by whom the rulebook says, replaced only with a reason; a
candidate never scrutinises."""

from __future__ import annotations

import pytest

from factories import CandidateFactory, MemberFactory, UserFactory
from moot.audit.models import AuditEvent
from moot.ballots.actions.definition import do_edit_ballot
from moot.ballots.actions.officers import (
    do_appoint_returning_officer,
    do_appoint_scrutineer,
    do_appoint_teller,
)
from moot.ballots.errors import BallotError
from moot.ballots.models import Ballot

pytestmark = pytest.mark.django_db


def test_once_a_returning_officer_is_appointed_the_caller_only_appoints(world, riverside_question):
    secretary = world.users["secretary"]
    assert secretary.has_perm("ballots.manage_ballot", riverside_question)
    ro = UserFactory()
    ballot = do_appoint_returning_officer(riverside_question, ro, acting_user=secretary)
    ballot = Ballot.objects.get(pk=ballot.pk)
    assert not secretary.has_perm("ballots.manage_ballot", ballot)
    assert secretary.has_perm("ballots.appoint_ballot_officers", ballot)
    assert secretary.has_perm("ballots.oversee_ballot", ballot)
    assert ro.has_perm("ballots.manage_ballot", ballot)
    # The returning officer appoints tellers, not the scrutineer nor another returning officer.
    do_appoint_teller(ballot, UserFactory(), acting_user=ro)
    with pytest.raises(BallotError):
        do_appoint_returning_officer(ballot, UserFactory(), acting_user=ro)
    # A member who is neither appoints nothing.
    with pytest.raises(BallotError):
        do_appoint_teller(ballot, UserFactory(), acting_user=world.users["member"])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"seats": 12}, "seats"),
        ({"min_women": 0}, "min_women"),
        ({"nomination_threshold": 1}, "nomination_threshold"),
        ({"nominating_kinds": ("affiliate",)}, "nominating_kinds"),
        ({"show_endorsements": False}, "show_endorsements"),
        ({"method": "schulze"}, "method"),
        ({"clause": "5.1"}, "clause"),
    ],
)
def test_the_presets_constraints_are_fixed(world, national_ballot, change, field):
    events = AuditEvent.objects.count()
    with pytest.raises(BallotError) as refusal:
        do_edit_ballot(national_ballot, change, acting_user=world.users["national_staff"])
    assert refusal.value.field == field
    assert refusal.value.clause in {"5.7", national_ballot.clause}
    assert AuditEvent.objects.count() == events
    assert Ballot.objects.get(pk=national_ballot.pk).version == 1


def test_another_stv_rule_set_and_the_same_values_are_allowed(world, national_ballot):
    ballot = do_edit_ballot(
        national_ballot,
        {"method": "meek", "seats": 9, "nominating_kinds": ("affiliate", "constituency")},
        acting_user=world.users["national_staff"],
    )
    assert (ballot.method, ballot.version) == ("meek", 2)


def test_a_constituency_ballots_scrutineer_is_appointed_by_national_staff(
    world, riverside_question
):
    outsider = UserFactory()
    events = AuditEvent.objects.count()
    with pytest.raises(BallotError) as refusal:
        do_appoint_scrutineer(riverside_question, outsider, acting_user=world.users["secretary"])
    assert refusal.value.clause == "5.1.2"
    assert "national staff" in str(refusal.value)
    assert AuditEvent.objects.count() == events
    ballot = do_appoint_scrutineer(
        riverside_question, outsider, acting_user=world.users["national_staff"]
    )
    assert ballot.scrutineer == outsider


def test_an_officer_of_the_unit_cannot_scrutinise(world, riverside_question):
    chair = world.users["chair"]
    with pytest.raises(BallotError) as refusal:
        do_appoint_scrutineer(riverside_question, chair, acting_user=world.users["national_staff"])
    assert "hold the post of" in str(refusal.value)
    assert Ballot.objects.get(pk=riverside_question.pk).scrutineer is None


def test_a_replaced_scrutineer_needs_a_reason(world, national_ballot):
    staff = world.users["national_staff"]
    first, second = UserFactory(), UserFactory()
    do_appoint_scrutineer(national_ballot, first, acting_user=staff)
    with pytest.raises(BallotError) as refusal:
        do_appoint_scrutineer(national_ballot, second, acting_user=staff)
    assert refusal.value.field == "reason"
    assert Ballot.objects.get(pk=national_ballot.pk).scrutineer == first
    do_appoint_scrutineer(national_ballot, second, reason="Resigned: ill", acting_user=staff)
    event = AuditEvent.objects.filter(verb="ballots.appoint_scrutineer").order_by("-seq").first()
    assert event.reason == "Resigned: ill"


def test_a_candidate_never_scrutinises(world, national_ballot):
    member = MemberFactory(with_account=True)
    ballot = do_appoint_scrutineer(
        national_ballot, member.user, acting_user=world.users["national_staff"]
    )
    assert member.user.has_perm("ballots.scrutinise_ballot", ballot)
    CandidateFactory(ballot=ballot, member=member)
    assert not member.user.has_perm("ballots.scrutinise_ballot", Ballot.objects.get(pk=ballot.pk))
