"""Amendments to lines of the motion, accepted by the mover or voted, and the derived text;
composite motions."""

from __future__ import annotations

from typing import Any

import pytest

from moot.audit.models import AuditEvent
from moot.motions import queries
from moot.motions.actions import (
    MotionError,
    do_accept_amendment,
    do_close_amendment_vote,
    do_composite_motions,
    do_open_amendment_vote,
    do_open_motion_vote,
    do_propose_amendment,
    do_withdraw_amendment,
)
from moot.motions.models import AmendmentState, Motion, MotionState, ProposerKind
from moot.polls.actions import do_enter_teller_counts

TEXT = (
    "This meeting notes that the county bus service to Hollow village was cut in March.\n\n"
    "This meeting resolves to campaign for the service to be restored and to write to the "
    "county council."
)


@pytest.fixture
def motion(table: Any) -> Any:
    return table(title="Restore the Hollow bus", text=TEXT)


def test_lines_are_numbered_for_amendments(motion: Any) -> None:
    lines = queries.lines_of(motion)
    assert [line.number for line in lines] == list(range(1, len(lines) + 1))
    assert lines[0].text.startswith("This meeting notes")
    assert any(line.starts_paragraph and "resolves" in line.text for line in lines[1:])


def test_an_accepted_amendment_changes_the_derived_text_and_is_audited(
    assembly: Any, motion: Any
) -> None:
    last = len(queries.lines_of(motion))
    amendment = do_propose_amendment(
        motion,
        action="insert",
        line_from=last,
        text="This meeting also asks the region to raise the matter with the mayor.",
        mover=assembly.member,
        acting_user=assembly.member.user,
    )
    assert queries.text_as_amended(motion) == TEXT  # proposed: not yet part of the text
    do_accept_amendment(amendment, acting_user=assembly.mover.user)
    amended = queries.text_as_amended(motion)
    assert amended.endswith(
        "county council. This meeting also asks the region to raise the matter with the mayor."
    )
    motion.refresh_from_db()
    assert motion.text == TEXT  # the tabled text is never retyped
    event = AuditEvent.objects.get(verb="motions.accept_amendment")
    assert event.before["motion_text"] == TEXT
    assert event.after["motion_text"] == amended


def test_replace_and_delete(assembly: Any, motion: Any) -> None:
    first = do_propose_amendment(
        motion,
        action="replace",
        line_from=1,
        line_to=2,
        text="This meeting notes the bus cuts.",
        mover=assembly.member,
        acting_user=assembly.member.user,
    )
    do_accept_amendment(first, acting_user=assembly.mover.user)
    assert queries.text_as_amended(motion).startswith("This meeting notes the bus cuts.\n\n")
    lines = queries.lines_of(motion)
    resolve_line = next(line.number for line in lines if "resolves" in line.text)
    delete = do_propose_amendment(
        motion,
        action="delete",
        line_from=resolve_line,
        line_to=len(lines),
        mover=assembly.member,
        acting_user=assembly.member.user,
    )
    do_accept_amendment(delete, acting_user=assembly.mover.user)
    assert queries.text_as_amended(motion) == "This meeting notes the bus cuts."


def test_an_amendment_to_lines_already_changed_has_fallen(assembly: Any, motion: Any) -> None:
    first = do_propose_amendment(
        motion,
        action="replace",
        line_from=1,
        text="Shorter.",
        mover=assembly.member,
        acting_user=assembly.member.user,
    )
    second = do_propose_amendment(
        motion,
        action="delete",
        line_from=1,
        mover=assembly.seconder,
        acting_user=assembly.seconder.user,
    )
    do_accept_amendment(first, acting_user=assembly.mover.user)
    with pytest.raises(MotionError, match="amendment 1 already changed; it has fallen"):
        do_accept_amendment(second, acting_user=assembly.mover.user)
    with pytest.raises(MotionError, match="already changed"):
        do_propose_amendment(
            motion,
            action="replace",
            line_from=1,
            text="Again",
            mover=assembly.member,
            acting_user=assembly.member.user,
        )


def test_amendments_to_lines_that_do_not_exist_are_refused(assembly: Any, motion: Any) -> None:
    with pytest.raises(MotionError, match="are not in the motion") as caught:
        do_propose_amendment(
            motion,
            action="replace",
            line_from=40,
            line_to=41,
            text="x",
            mover=assembly.member,
            acting_user=assembly.member.user,
        )
    assert caught.value.field == "line_from"


def test_a_voted_amendment_carried_joins_the_text_lost_does_not(
    assembly: Any, motion: Any, check_in: Any
) -> None:
    check_in(assembly.meeting, 10)
    carried = do_propose_amendment(
        motion,
        action="insert",
        line_from=0,
        text="Preamble.",
        mover=assembly.member,
        acting_user=assembly.member.user,
    )
    lost = do_propose_amendment(
        motion,
        action="delete",
        line_from=1,
        mover=assembly.seconder,
        acting_user=assembly.seconder.user,
    )
    do_open_amendment_vote(carried, acting_user=assembly.chair.user)
    with pytest.raises(MotionError, match="one at a time"):
        do_open_amendment_vote(lost, acting_user=assembly.chair.user)
    carried.refresh_from_db()
    assert carried.poll.majority == "simple"
    do_enter_teller_counts(
        carried.poll, {"yes": 6, "no": 3, "abstain": 1}, acting_user=assembly.chair.user
    )
    carried = do_close_amendment_vote(carried, acting_user=assembly.chair.user)
    assert (carried.state, carried.votes_yes, carried.votes_no) == ("carried", 6, 3)
    assert queries.text_as_amended(motion).startswith("Preamble.\n\nThis meeting notes")

    do_open_amendment_vote(lost, acting_user=assembly.chair.user)
    lost.refresh_from_db()
    do_enter_teller_counts(lost.poll, {"yes": 4, "no": 4}, acting_user=assembly.chair.user)
    lost = do_close_amendment_vote(lost, acting_user=assembly.chair.user)
    assert lost.state == AmendmentState.LOST
    assert "4 for, 4 against" in lost.outcome_text
    assert "lost" in lost.outcome_text
    assert "This meeting notes" in queries.text_as_amended(motion)


def test_the_motion_is_not_put_while_amendments_are_pending(assembly: Any, motion: Any) -> None:
    pending = do_propose_amendment(
        motion,
        action="delete",
        line_from=1,
        mover=assembly.member,
        acting_user=assembly.member.user,
    )
    with pytest.raises(MotionError, match="Deal with amendment 1 first"):
        do_open_motion_vote(motion, acting_user=assembly.chair.user)
    do_withdraw_amendment(pending, acting_user=assembly.member.user)
    with pytest.raises(MotionError, match="only a proposed amendment"):
        do_accept_amendment(pending, acting_user=assembly.mover.user)


def test_composite_links_the_originals_and_marks_them(assembly: Any, table: Any) -> None:
    one = table(title="Buses", text="Restore the bus.")
    two = table(
        title="More buses",
        text="Restore the evening bus too.",
        proposer_kind="branch",
        proposer=assembly.branch,
    )
    composite = do_composite_motions(
        [one, two],
        title="Composite: buses",
        text="Restore the day and evening buses.",
        mover=assembly.mover,
        seconder=assembly.seconder,
        acting_user=assembly.secretary.user,
    )
    assert composite.proposer_kind == ProposerKind.COMPOSITE
    assert composite.number == 3
    assert composite.proposer_label == "Composite of motions 1, 2"
    for original in (one, two):
        original.refresh_from_db()
        assert original.state == MotionState.COMPOSITED
        assert original.composited_into == composite
    assert set(composite.composited_from.all()) == {one, two}
    with pytest.raises(MotionError, match="only motions not yet voted on"):
        do_composite_motions(
            [one, composite],
            title="Again",
            text="x",
            mover=assembly.mover,
            seconder=assembly.seconder,
            acting_user=assembly.secretary.user,
        )
    with pytest.raises(MotionError, match="at least two"):
        do_composite_motions(
            [composite],
            title="Alone",
            text="x",
            mover=assembly.mover,
            seconder=assembly.seconder,
            acting_user=assembly.secretary.user,
        )
    assert Motion.objects.count() == 3
