"""Competence rulings (clause and reasons required), by the chair or national office, and the
challenge to the chair's ruling: two-thirds of those present to overturn, at the boundary."""

from __future__ import annotations

from typing import Any

import pytest

from moot.audit.models import AuditEvent
from moot.motions import queries
from moot.motions.actions import (
    MotionError,
    do_challenge_ruling,
    do_close_challenge,
    do_open_motion_vote,
    do_rule_on_motion,
)
from moot.motions.models import ChallengeOutcome, MotionState, Ruling, RulingBy
from moot.polls.actions import do_enter_teller_counts


def test_a_ruling_without_reasons_is_refused_and_nothing_is_recorded(
    assembly: Any, table: Any
) -> None:
    motion = table()
    for reasons in ("", "   \n"):
        with pytest.raises(MotionError, match="A ruling needs written reasons") as caught:
            do_rule_on_motion(
                motion,
                decision="not_competent",
                category="individual_disciplinary_case",
                reasons=reasons,
                acting_user=assembly.chair.user,
            )
        assert caught.value.field == "reasons"
    assert not Ruling.objects.exists()
    motion.refresh_from_db()
    assert motion.state == MotionState.TABLED


def test_not_competent_with_a_category_cites_its_clause(assembly: Any, table: Any) -> None:
    motion = table()
    ruling = do_rule_on_motion(
        motion,
        decision="not_competent",
        category="individual_disciplinary_case",
        reasons="The motion asks the meeting to express a view on one member's case.",
        acting_user=assembly.chair.user,
    )
    assert (ruling.by, ruling.clause) == (RulingBy.CHAIR, "15.6.1")
    motion.refresh_from_db()
    assert motion.state == MotionState.NOT_COMPETENT
    event = AuditEvent.objects.get(verb="motions.rule_on_motion")
    assert (event.clause, event.reason) == ("15.6.1", ruling.reasons)
    with pytest.raises(MotionError, match="ruled not competent"):
        do_open_motion_vote(motion, acting_user=assembly.chair.user)


def test_competent_and_referred_need_a_clause(assembly: Any, table: Any) -> None:
    motion = table()
    with pytest.raises(MotionError, match="Cite the clause"):
        do_rule_on_motion(
            motion, decision="competent", reasons="Local policy.", acting_user=assembly.chair.user
        )
    with pytest.raises(MotionError, match="Unknown category"):
        do_rule_on_motion(
            motion,
            decision="not_competent",
            category="made-up",
            reasons="x",
            acting_user=assembly.chair.user,
        )
    with pytest.raises(MotionError, match="Say to whom the motion is referred"):
        do_rule_on_motion(
            motion, decision="referred", clause="15.6.2", reasons="x", acting_user=assembly.staff
        )
    ruling = do_rule_on_motion(
        motion,
        decision="referred",
        clause="15.6.2",
        referred_to="the national executive",
        reasons="Selections are reserved to national bodies.",
        acting_user=assembly.staff,
    )
    assert ruling.by == RulingBy.NATIONAL_OFFICE
    assert ruling.referred_to == "the national executive"
    motion.refresh_from_db()
    assert motion.state == MotionState.REFERRED


def test_only_the_chair_gives_the_chairs_ruling(assembly: Any, table: Any) -> None:
    motion = table()
    with pytest.raises(MotionError, match="Only the chair"):
        do_rule_on_motion(
            motion,
            decision="competent",
            clause="7.1",
            reasons="x",
            by="chair",
            acting_user=assembly.secretary.user,
        )
    with pytest.raises(MotionError, match="Only national staff"):
        do_rule_on_motion(
            motion,
            decision="competent",
            clause="7.1",
            reasons="x",
            by="national_office",
            acting_user=assembly.chair.user,
        )


def _challenge(assembly: Any, motion: Any, yes: int, no: int) -> Ruling:
    ruling = do_rule_on_motion(
        motion,
        decision="not_competent",
        category="reserved_to_national_bodies",
        reasons="The motion asks the party to change the membership rules.",
        acting_user=assembly.chair.user,
    )
    ruling = do_challenge_ruling(ruling, moved_by=assembly.mover, acting_user=assembly.chair.user)
    assert ruling.challenge == ChallengeOutcome.PENDING
    assert ruling.challenge_poll.majority == "two-thirds"
    assert ruling.challenge_poll.majority_basis == "present"
    do_enter_teller_counts(
        ruling.challenge_poll, {"yes": yes, "no": no}, acting_user=assembly.chair.user
    )
    return do_close_challenge(ruling, acting_user=assembly.chair.user)


def test_challenge_two_thirds_of_those_present_exactly_overturns(
    assembly: Any, table: Any, check_in: Any
) -> None:
    check_in(assembly.meeting, 12)
    motion = table()
    ruling = _challenge(assembly, motion, yes=8, no=3)  # 8 of 12 present: exactly two thirds
    assert ruling.challenge == ChallengeOutcome.OVERTURNED
    assert (ruling.challenge_yes, ruling.challenge_no) == (8, 3)
    assert "12 present" in ruling.challenge_text
    assert "clause 15.3.2" in ruling.challenge_text
    motion.refresh_from_db()
    assert motion.state == MotionState.ADMITTED
    event = AuditEvent.objects.get(verb="motions.close_challenge")
    assert event.before["motion_state"] == MotionState.NOT_COMPETENT
    assert event.after["challenge"] == ChallengeOutcome.OVERTURNED
    assert queries.current_ruling(motion).overturned


def test_challenge_one_short_of_two_thirds_upholds_the_ruling(
    assembly: Any, table: Any, check_in: Any
) -> None:
    check_in(assembly.meeting, 12)
    motion = table()
    ruling = _challenge(assembly, motion, yes=7, no=1)  # 7 of 12: short, abstentions count against
    assert ruling.challenge == ChallengeOutcome.UPHELD
    motion.refresh_from_db()
    assert motion.state == MotionState.NOT_COMPETENT
    with pytest.raises(MotionError, match="already been challenged"):
        do_challenge_ruling(ruling, acting_user=assembly.chair.user)


def test_a_national_office_ruling_cannot_be_challenged_by_the_meeting(
    assembly: Any, table: Any
) -> None:
    motion = table()
    ruling = do_rule_on_motion(
        motion,
        decision="not_competent",
        category="staff_employment",
        reasons="It concerns one employee's pay.",
        acting_user=assembly.staff,
    )
    with pytest.raises(MotionError, match="Only the chair's ruling can be challenged"):
        do_challenge_ruling(ruling, acting_user=assembly.chair.user)


def test_the_motion_is_not_put_while_a_challenge_is_pending(
    assembly: Any, table: Any, check_in: Any
) -> None:
    check_in(assembly.meeting, 5)
    motion = table()
    ruling = do_rule_on_motion(
        motion,
        decision="competent",
        clause="7.1",
        reasons="Local.",
        acting_user=assembly.chair.user,
    )
    do_challenge_ruling(ruling, acting_user=assembly.chair.user)
    with pytest.raises(MotionError, match="being voted on; close it first"):
        do_open_motion_vote(motion, acting_user=assembly.chair.user)
    with pytest.raises(MotionError, match="close it first"):
        do_rule_on_motion(
            motion, decision="competent", clause="7.1", reasons="x", acting_user=assembly.chair.user
        )
