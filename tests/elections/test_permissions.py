"""Who may manage, see, nominate, answer and second — by role."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from factories import OfficeHoldingFactory, UnitFactory, UserFactory
from moot.elections.actions import do_nominate
from moot.meetings.models import Meeting

from .conftest import make_member, post_of, today


def test_managers_and_members_by_role(election_factory: Any, unit: Any, officer: Any) -> None:
    election = election_factory("policy-officer")
    secretary = make_member(unit)
    OfficeHoldingFactory(post=post_of(unit, "secretary"), member=secretary)
    treasurer = make_member(unit)
    OfficeHoldingFactory(post=post_of(unit, "treasurer"), member=treasurer)
    member = make_member(unit)
    stranger = make_member(UnitFactory(kind="constituency"))
    outsider = UserFactory()
    manage = "elections.manage_election"
    assert officer.has_perm(manage, election)
    assert secretary.user.has_perm(manage, election)
    assert secretary.user.has_perm(manage, unit)
    assert not treasurer.user.has_perm(manage, election)  # an officer, not one who runs votes
    assert not member.user.has_perm(manage, election)
    for user in (officer, secretary.user, treasurer.user, member.user):
        assert user.has_perm("elections.view_election", election)
        assert user.has_perm("elections.nominate", election)
    for user in (stranger.user, outsider):
        assert not user.has_perm("elections.view_election", election)
        assert not user.has_perm("elections.nominate", election)


def test_the_chair_of_the_meeting_manages_its_elections(unit: Any, officer: Any) -> None:
    from moot.elections.actions import do_create_election

    chair = make_member(unit)
    meeting = Meeting.objects.create(
        unit=unit,
        kind="agm",
        title="Annual general meeting",
        starts_at=timezone.now() + datetime.timedelta(days=30),
        edition_name="preset",
        chair=chair,
    )
    election = do_create_election(
        post=post_of(unit, "chair"),
        meeting=meeting,
        method="plurality",
        nominations_open_on=today(),
        nominations_close_on=today() + datetime.timedelta(days=10),
        acting_user=officer,
    )
    assert chair.user.has_perm("elections.manage_election", election)
    assert not make_member(unit).user.has_perm("elections.manage_election", election)


def test_answering_and_seconding_are_personal(
    election_factory: Any, unit: Any, officer: Any
) -> None:
    election = election_factory("secretary")
    nominee, partner, nominator, seconder = (make_member(unit) for _ in range(4))
    nomination = do_nominate(
        election,
        nominee=nominee,
        partner=partner,
        nominator=nominator,
        seconder=seconder,
        on=election.nominations_open_on,
        acting_user=nominator.user,
    )
    for user, answer, second in (
        (nominee.user, True, False),
        (partner.user, True, False),
        (seconder.user, False, True),
        (nominator.user, False, False),
        (officer, False, False),
    ):
        assert user.has_perm("elections.answer_nomination", nomination) is answer
        assert user.has_perm("elections.second_nomination", nomination) is second
    # Refusal reasons: the nominees and those who may see their sensitive details.
    assert nominee.user.has_perm("elections.view_refusal", nomination)
    assert officer.has_perm("elections.view_refusal", nomination)
    assert not nominator.user.has_perm("elections.view_refusal", nomination)
