"""The demo's motions, seeded into a small organisation shaped like the demo's."""

from __future__ import annotations

from typing import Any

import pytest

from factories import OrganisationFactory
from moot.demo.seed import DemoOrg
from moot.meetings.actions import do_check_in
from moot.meetings.models import AgendaItem
from moot.motions import queries
from moot.motions.actions import (
    MotionError,
    do_close_motion_vote,
    do_open_motion_vote,
    do_table_motion,
)
from moot.motions.demo import seed_demo
from moot.polls.actions import do_enter_teller_counts
from moot.polls.models import Poll
from moot.units.models import Affiliation
from motions.conftest import make_person


def test_seed_demo(assembly: Any, check_in: Any) -> None:
    AgendaItem.objects.create(meeting=assembly.meeting, position=1, kind="motion", title="Motions")
    check_in(assembly.meeting, 20)
    check_in(assembly.meeting, members=[assembly.chair, assembly.secretary])
    # Refused at the door (suspended): never the member the disciplinary motion names, so the
    # demo does not tie a name to an investigation (the first suspended member by number).
    door = make_person(assembly.clp, first_name="Tamsin", last_name="Orrell", suspended=True)
    do_check_in(assembly.meeting, door, acting_user=None)
    make_person(assembly.clp, first_name="Morwenna", last_name="Quayle", suspended=True)
    rivers = OrganisationFactory(
        name="Clean Rivers Now", slug="clean-rivers-now", kind="campaign_group"
    )
    org = DemoOrg(
        national=assembly.region.parent,
        regions={"east": assembly.region},
        constituencies={assembly.clp.slug: assembly.clp},
        riverside=assembly.clp,
        branches={assembly.clp.slug: [assembly.branch]},
        organisations={"clean-rivers-now": rivers, "utdw": assembly.union},
        accounts={"chair": assembly.chair.user, "secretary": assembly.secretary.user},
        members={"chair": assembly.chair, "secretary": assembly.secretary},
    )
    affiliate, disciplinary, policy = seed_demo(assembly.meeting, org)

    # Motion 1 is ruled competent and left for the live meeting: no vote before it opens.
    affiliate.refresh_from_db()
    assert affiliate.state == "admitted"
    assert not Poll.objects.filter(meeting=assembly.meeting).exists()
    assert not Affiliation.objects.filter(organisation=rivers).exists()
    # No vote before the chair has opened the meeting (next month's, only scheduled) ...
    ahead = do_table_motion(
        assembly.next_meeting,
        title="Affiliate to Clean Rivers Now",
        text="This meeting resolves to affiliate to Clean Rivers Now.",
        mover=assembly.mover,
        seconder=assembly.seconder,
        acting_user=assembly.mover.user,
    )
    with pytest.raises(MotionError, match="chair opens it first"):
        do_open_motion_vote(ahead, voting="show_of_hands", acting_user=assembly.chair.user)
    # ... but live, at tonight's opened meeting, a counted show of hands carries it.
    affiliate = do_open_motion_vote(
        affiliate, voting="show_of_hands", acting_user=assembly.chair.user
    )
    do_enter_teller_counts(
        affiliate.poll, {"yes": 14, "no": 5, "abstain": 2}, acting_user=assembly.secretary.user
    )
    affiliate = do_close_motion_vote(affiliate, acting_user=assembly.chair.user)
    assert affiliate.state == "carried"
    assert Affiliation.objects.get(organisation=rivers).decision_ref == f"motion:{affiliate.pk}"

    disciplinary.refresh_from_db()
    assert disciplinary.state == "not_competent"
    ruling = queries.current_ruling(disciplinary)
    assert (ruling.clause, ruling.category) == ("15.6.1", "individual_disciplinary_case")
    assert "Morwenna Quayle" in disciplinary.text
    assert "Orrell" not in disciplinary.text + disciplinary.title

    assert policy.state == "tabled"
    assert [a.state for a in policy.amendments.all()] == ["accepted", "proposed"]
    assert "Hollow Road parents' group" in queries.text_as_amended(policy)
    assert policy.proposer_label == assembly.union.name
