"""Votes on motions (counted show of hands, electronic secret and named), the outcome recorded
with its figures, affiliation motions (created, or refused when proscribed) and forwarding."""

from __future__ import annotations

from typing import Any

import pytest

from factories import OrganisationFactory
from moot.audit.models import AuditEvent
from moot.motions import queries
from moot.motions.actions import (
    MotionError,
    do_close_motion_vote,
    do_forward_motion,
    do_open_motion_vote,
    do_record_motion_outcome,
    do_withdraw_motion,
)
from moot.motions.models import Motion, MotionState
from moot.polls.actions import do_cast_ballot, do_close_poll, do_enter_teller_counts
from moot.units.models import Affiliation


def test_show_of_hands_carried_with_figures(assembly: Any, table: Any, check_in: Any) -> None:
    check_in(assembly.meeting, 9)
    motion = do_open_motion_vote(table(), acting_user=assembly.chair.user)
    assert motion.state == MotionState.DEBATED
    poll = motion.poll
    assert (poll.method, poll.voting, poll.majority, poll.meeting_id) == (
        "yes-no",
        "show_of_hands",
        "simple",
        assembly.meeting.pk,
    )
    assert poll.is_open
    assert poll.question == motion.text
    do_enter_teller_counts(poll, {"yes": 5, "no": 3, "abstain": 1}, acting_user=assembly.chair.user)
    motion = do_close_motion_vote(motion, acting_user=assembly.chair.user)
    assert (motion.state, motion.outcome) == (MotionState.CARRIED, "carried")
    assert (motion.votes_yes, motion.votes_no, motion.votes_abstain) == (5, 3, 1)
    assert motion.outcome_text.startswith("5 for, 3 against, 1 abstaining (show of hands)")
    assert "clause 15.2.1" in motion.outcome_text
    event = AuditEvent.objects.get(verb="motions.record_motion_outcome")
    assert (event.after["yes"], event.after["no"]) == (5, 3)


def test_a_tie_is_lost(assembly: Any, table: Any, check_in: Any) -> None:
    check_in(assembly.meeting, 8)
    motion = do_open_motion_vote(table(), acting_user=assembly.chair.user)
    do_enter_teller_counts(motion.poll, {"yes": 4, "no": 4}, acting_user=assembly.chair.user)
    motion = do_close_motion_vote(motion, acting_user=assembly.chair.user)
    assert motion.state == MotionState.LOST


def test_electronic_secret_vote_and_outcome_read_from_a_poll_closed_elsewhere(
    assembly: Any, table: Any, check_in: Any
) -> None:
    voters = check_in(assembly.meeting, 5)
    motion = do_open_motion_vote(
        table(), voting="electronic", secret=True, acting_user=assembly.chair.user
    )
    assert motion.poll.secret
    for voter, choice in zip(voters, ["yes", "yes", "no", "yes", "abstain"], strict=True):
        do_cast_ballot(motion.poll, voter, choice, acting_user=voter.user)
    # Closed from the poll's own page: the close records the motion's outcome (polls.hooks).
    do_close_poll(motion.poll, acting_user=assembly.chair.user)
    motion.refresh_from_db()
    assert (motion.votes_yes, motion.votes_no, motion.votes_abstain) == (3, 1, 1)
    assert "electronic secret ballot" in motion.outcome_text
    assert motion.state == MotionState.CARRIED
    with pytest.raises(MotionError, match="no vote awaiting its outcome"):
        do_record_motion_outcome(motion, acting_user=assembly.chair.user)


def test_named_electronic_vote(assembly: Any, table: Any, check_in: Any) -> None:
    voters = check_in(assembly.meeting, 5)  # a quorum (5)
    motion = do_open_motion_vote(
        table(), voting="electronic", secret=False, acting_user=assembly.chair.user
    )
    for voter in voters:
        do_cast_ballot(motion.poll, voter, "no", acting_user=voter.user)
    motion = do_close_motion_vote(motion, acting_user=assembly.chair.user)
    assert (motion.state, motion.votes_no) == (MotionState.LOST, 5)
    assert "electronic roll-call vote" in motion.outcome_text


def test_a_carried_affiliation_motion_creates_the_affiliation(
    assembly: Any, table: Any, check_in: Any
) -> None:
    group = OrganisationFactory(
        name="Hollow Valley Clean Rivers", slug="clean-rivers", kind="campaign_group"
    )
    check_in(assembly.meeting, 6)
    motion = table(
        title="Affiliate to Clean Rivers", text="This party affiliates.", affiliate_to=group
    )
    assert queries.public_warnings(motion) == []
    motion = do_open_motion_vote(motion, acting_user=assembly.chair.user)
    do_enter_teller_counts(motion.poll, {"yes": 5, "no": 1}, acting_user=assembly.chair.user)
    motion = do_close_motion_vote(motion, acting_user=assembly.chair.user)
    affiliation = Affiliation.objects.get(unit=assembly.clp, organisation=group)
    assert motion.affiliation == affiliation
    assert affiliation.decision_ref == f"motion:{motion.pk}"
    assert "5 for, 1 against" in affiliation.decision


def test_a_motion_to_affiliate_to_a_proscribed_organisation_is_refused_when_tabled(
    assembly: Any, table: Any
) -> None:
    lantern = OrganisationFactory(
        name="The Iron Lantern Network", slug="iron-lantern", kind="campaign_group"
    )
    before = AuditEvent.objects.count()
    with pytest.raises(MotionError, match="proscribed") as refused:
        table(
            title="Affiliate to the Iron Lantern",
            text="This party affiliates.",
            affiliate_to=lantern,
        )
    assert refused.value.clause == "1.5.2"
    assert refused.value.field == "affiliate_to"
    assert not Motion.objects.filter(affiliate_to=lantern).exists()
    assert AuditEvent.objects.count() == before


def test_an_organisation_proscribed_after_tabling_is_flagged_and_refused_when_carried(
    assembly: Any, table: Any, check_in: Any, monkeypatch: Any
) -> None:
    lantern = OrganisationFactory(
        name="The Iron Lantern Network", slug="iron-lantern", kind="campaign_group"
    )
    check_in(assembly.meeting, 6)
    # Tabled while the edition in force did not proscribe it ...
    import moot.units.queries as unit_queries

    proscription_of = unit_queries.proscription_of
    monkeypatch.setattr(unit_queries, "proscription_of", lambda org, on=None: None)
    motion = table(
        title="Affiliate to the Iron Lantern", text="This party affiliates.", affiliate_to=lantern
    )
    # ... and proscribed by the time it is carried.
    monkeypatch.setattr(unit_queries, "proscription_of", proscription_of)
    warnings = queries.public_warnings(motion)
    assert len(warnings) == 1
    assert "proscribed" in warnings[0].text
    assert warnings[0].clause == "1.5.2"
    motion = do_open_motion_vote(motion, acting_user=assembly.chair.user)
    do_enter_teller_counts(motion.poll, {"yes": 6, "no": 0}, acting_user=assembly.chair.user)
    motion = do_close_motion_vote(motion, acting_user=assembly.chair.user)
    assert motion.state == MotionState.CARRIED
    assert motion.affiliation is None
    assert "proscribed" in motion.affiliation_refusal
    assert motion.affiliation_refusal_clause == "1.5.2"
    assert not Affiliation.objects.filter(organisation=lantern).exists()
    event = AuditEvent.objects.get(verb="motions.record_motion_outcome")
    assert event.after["clause"] == "1.5.2"


def test_forwarding_a_carried_motion_to_the_parent(
    assembly: Any, table: Any, check_in: Any
) -> None:
    check_in(assembly.meeting, 5)
    motion = table()
    with pytest.raises(MotionError, match="only a carried motion can be forwarded"):
        do_forward_motion(motion, acting_user=assembly.secretary.user)
    motion = do_open_motion_vote(motion, acting_user=assembly.chair.user)
    do_enter_teller_counts(motion.poll, {"yes": 3}, acting_user=assembly.chair.user)
    do_close_motion_vote(motion, acting_user=assembly.chair.user)
    motion = do_forward_motion(motion, acting_user=assembly.secretary.user)
    assert (motion.state, motion.forwarded_to) == (MotionState.FORWARDED, assembly.region)
    assert list(queries.received_motions(assembly.region)) == [motion]
    assert list(queries.received_motions(assembly.clp)) == []


def test_withdrawn_motions_cannot_be_voted(assembly: Any, table: Any) -> None:
    motion = do_withdraw_motion(
        table(), reason="the mover withdrew", acting_user=assembly.mover.user
    )
    with pytest.raises(MotionError, match="withdrawn; it cannot be put to the vote"):
        do_open_motion_vote(motion, acting_user=assembly.chair.user)


def test_nothing_is_put_to_the_vote_of_a_closed_meeting(assembly: Any, table: Any) -> None:
    motion = table()
    assembly.meeting.state = "closed"
    assembly.meeting.save(update_fields=["state"])
    motion.refresh_from_db()
    with pytest.raises(MotionError, match="The meeting has closed"):
        do_open_motion_vote(motion, acting_user=assembly.chair.user)
    motion.refresh_from_db()
    assert (motion.state, motion.poll) == (MotionState.TABLED, None)
