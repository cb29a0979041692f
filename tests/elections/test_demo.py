"""The demo AGM's elections, seeded on the real demo organisation: three elections with
consented candidates and statements, the chair's ready to open, and the walk the demo
promises — the chair, a candidate, hands the chair to the vice-chair, who opens the vote; a
member checks in and votes; the vice-chair closes and declares, and the office holdings
follow."""

from __future__ import annotations

import pytest

from moot.elections.models import Election, ElectionState, NominationState

pytestmark = pytest.mark.django_db


def test_the_demo_agm_elections_and_the_live_walk() -> None:
    from moot.demo import agm, seed
    from moot.elections.actions import (
        ElectionError,
        do_close_election,
        do_declare_result,
        do_open_election,
    )
    from moot.meetings.actions import (
        do_check_in_with_code,
        do_set_current_item,
        do_start_meeting,
    )
    from moot.meetings.actions.console import do_hand_over_chair
    from moot.polls.actions import do_cast_ballot
    from moot.units.models import OfficeHolding

    org = seed.seed_foundation()
    meeting = agm.seed_agm(org)
    chair, secretary, policy = (
        Election.objects.get(meeting=meeting, post__slug=slug)
        for slug in ("chair", "secretary", "policy-officer")
    )
    assert chair.method == "plurality"
    assert policy.method == "irv"
    for election, count in ((chair, 3), (secretary, 1), (policy, 3)):
        standing = election.nominations.filter(state=NominationState.STANDING)
        assert standing.count() == count
        assert all(n.statement for n in standing)
        assert election.agenda_item.kind == "election"
    assert secretary.nominations.get().is_joint

    # Nothing is voted before the chair opens the meeting (the motions' votes are live too),
    # and the member the disciplinary motion names is not the one refused at the door.
    from moot.meetings.models import Attendance
    from moot.motions.models import Motion
    from moot.polls.models import Poll, TellerCount

    assert meeting.is_scheduled
    assert not Poll.objects.filter(meeting=meeting).exclude(state="draft").exists()
    assert not TellerCount.objects.filter(poll__meeting=meeting).exists()
    refused = Attendance.objects.filter(meeting=meeting, capacity="voter", eligible=False)
    disciplinary = Motion.objects.get(meeting=meeting, title__startswith="Support for ")
    for attendance in refused.select_related("member"):
        assert attendance.member.full_name not in disciplinary.title + disciplinary.text

    # The walk: the chair starts the meeting and takes the elections' item; she stands for
    # chair, so she cannot open the vote and hands the chair to the vice-chair, who opens it;
    # the demo member checks in with the code and votes; the chair votes; the vice-chair
    # closes and declares.
    chair_user, member = org.accounts["chair"], org.members["member"]
    vice_user = org.accounts["vice-chair"]
    assert not chair.nominations.filter(nominee=org.members["vice-chair"]).exists()
    meeting = do_start_meeting(meeting, acting_user=chair_user)
    meeting = do_set_current_item(meeting, chair.agenda_item, acting_user=chair_user)
    with pytest.raises(ElectionError, match="You are a candidate"):
        do_open_election(chair, acting_user=chair_user)
    do_hand_over_chair(meeting, org.members["vice-chair"], acting_user=chair_user)
    chair = do_open_election(chair, acting_user=vice_user)
    do_check_in_with_code(meeting, member, code=meeting.check_in_code, acting_user=member.user)
    options = {n.nominee_id: n.poll_option_id for n in chair.nominations.all()}
    outgoing = org.members["chair"]
    do_cast_ballot(chair.poll, member, options[outgoing.pk], acting_user=member.user)
    do_cast_ballot(chair.poll, outgoing, options[outgoing.pk], acting_user=chair_user)
    with pytest.raises(ElectionError, match="You are a candidate"):
        do_close_election(chair, acting_user=chair_user)
    chair = do_close_election(chair, acting_user=vice_user)
    with pytest.raises(ElectionError, match="You are a candidate"):
        do_declare_result(chair, acting_user=chair_user)
    chair = do_declare_result(chair, acting_user=vice_user)
    assert chair.state == ElectionState.DECLARED
    holder = OfficeHolding.objects.get(
        post__unit=org.riverside, post__slug="chair", end__isnull=True
    )
    assert holder.member_id == outgoing.pk
    assert holder.elected_ref == f"election:{chair.pk}"
    secretary = do_declare_result(secretary, acting_user=vice_user)
    assert secretary.declaration["basis"] == "unopposed"
    assert (
        OfficeHolding.objects.filter(
            post__unit=org.riverside, post__slug="secretary", end__isnull=True, job_share=True
        ).count()
        == 2
    )
