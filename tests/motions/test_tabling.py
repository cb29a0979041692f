"""Tabling: the deadline, who may propose, mover and seconder, the audit event."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from factories import MemberFactory, OrganisationFactory, UnitFactory
from moot.audit.models import AuditEvent
from moot.motions.actions import MotionError, do_table_motion
from moot.motions.models import Motion, MotionState, ProposerKind
from motions.conftest import make_meeting, make_person, three_weeks_ago


def test_a_motion_tabled_in_time_is_numbered_and_audited(assembly: Any, table: Any) -> None:
    first = table()
    second = table(title="Second motion", text="This meeting resolves to meet monthly.")
    assert (first.number, second.number) == (1, 2)
    assert first.state == MotionState.TABLED
    assert first.proposer_kind == ProposerKind.MEMBER
    assert first.proposer_member == assembly.mover
    event = AuditEvent.objects.get(verb="motions.table_motion", object_id=str(first.pk))
    assert event.after["text"] == first.text
    assert event.clause  # the deadline clause it was checked against


def test_a_late_motion_is_refused_with_the_rule(assembly: Any) -> None:
    meeting = make_meeting(assembly.clp, days_ahead=3, chair=assembly.chair)
    with pytest.raises(MotionError) as caught:
        do_table_motion(
            meeting,
            title="Late",
            text="This meeting resolves something.",
            mover=assembly.mover,
            seconder=assembly.seconder,
            acting_user=assembly.mover.user,
        )
    assert "Too late to table this motion" in str(caught.value)
    assert caught.value.clause == "7.5.4"
    assert not Motion.objects.exists()


def test_tabled_on_the_deadline_day_is_in_time(assembly: Any) -> None:
    meeting = make_meeting(assembly.clp, days_ahead=20, chair=assembly.chair)
    day = timezone.localtime(meeting.starts_at).date() - datetime.timedelta(days=14)
    motion = do_table_motion(
        meeting,
        title="Just in time",
        text="This meeting resolves something.",
        mover=assembly.mover,
        seconder=assembly.seconder,
        tabled_on=day,
        acting_user=assembly.mover.user,
    )
    assert motion.tabled_on == day
    with pytest.raises(MotionError, match="Too late"):
        do_table_motion(
            meeting,
            title="A day late",
            text="This meeting resolves something.",
            mover=assembly.mover,
            seconder=assembly.seconder,
            tabled_on=day + datetime.timedelta(days=1),
            acting_user=assembly.mover.user,
        )


def test_a_branch_and_an_affiliate_may_propose(assembly: Any, table: Any) -> None:
    by_branch = table(proposer_kind="branch", proposer=assembly.branch)
    by_union = table(proposer_kind="affiliate", proposer=assembly.union)
    assert by_branch.proposer_label == assembly.branch.name
    assert by_union.proposer_label == "Allied Riverworkers Union"


def test_a_member_tables_in_their_own_name_the_secretary_enters_the_others(
    assembly: Any, table: Any
) -> None:
    """A member is the mover of the motions they table; a branch's or an affiliate's motion,
    or one in other members' names, is entered by the meeting's officers."""
    before = Motion.objects.count()
    with pytest.raises(MotionError) as caught:
        table(mover=assembly.member, seconder=assembly.seconder)  # tabled by the mover's account
    assert caught.value.field == "mover"
    assert "in your own name" in str(caught.value)
    with pytest.raises(MotionError) as caught:
        table(proposer_kind="branch", proposer=assembly.branch, acting_user=assembly.mover.user)
    assert caught.value.field == "proposer_kind"
    assert "entered by the meeting's secretary" in str(caught.value)
    assert Motion.objects.count() == before
    # The secretary enters a motion received in writing from two other members.
    motion = table(
        mover=assembly.member, seconder=assembly.seconder, acting_user=assembly.secretary.user
    )
    assert (motion.mover, motion.proposer_label) == (assembly.member, assembly.member.full_name)


def test_a_branch_of_another_party_or_an_unaffiliated_organisation_may_not(
    assembly: Any, table: Any
) -> None:
    elsewhere = UnitFactory(kind="branch")
    with pytest.raises(MotionError, match="must come from a branch of Riverside"):
        table(proposer_kind="branch", proposer=elsewhere)
    stranger = OrganisationFactory(name="Unaffiliated Anglers")
    with pytest.raises(MotionError, match="Unaffiliated Anglers is not affiliated"):
        table(proposer_kind="affiliate", proposer=stranger)


def test_mover_and_seconder_must_be_eligible_members_of_the_unit(assembly: Any, table: Any) -> None:
    newcomer = make_person(assembly.clp, joined_weeks_ago=1)
    with pytest.raises(MotionError) as caught:
        table(seconder=newcomer)
    assert caught.value.field == "seconder"
    # The member tabling may not see the newcomer's record: not why, nor the clause, nor even
    # that the number is a member's (the answer for a number nobody has).
    assert not caught.value.clause
    assert "No member who may be the seconder of this motion has the number" in str(caught.value)
    with pytest.raises(MotionError) as caught:
        do_table_motion(
            assembly.meeting,
            title="Safe cycling",
            text="This meeting resolves to ask for safe routes.",
            mover=newcomer,
            seconder=assembly.seconder,
            tabled_on=three_weeks_ago(),
            acting_user=assembly.staff,
        )
    assert caught.value.field == "mover"
    assert caught.value.clause  # national staff may see the record: the rule and its clause
    outsider = MemberFactory()
    with pytest.raises(MotionError, match="No member who may be the seconder of this motion"):
        table(seconder=outsider)  # another unit's member: answered as a number nobody has
    with pytest.raises(MotionError, match="someone other than the mover"):
        table(seconder=assembly.mover)
    with pytest.raises(MotionError, match="Name the seconder"):
        table(seconder=None)


def test_title_and_text_are_required(table: Any) -> None:
    with pytest.raises(MotionError, match="title"):
        table(title="  ")
    with pytest.raises(MotionError, match="Write the text"):
        table(text="\n")


def test_a_motion_goes_on_the_meetings_motions_item_by_default(assembly: Any, table: Any) -> None:
    from moot.meetings.models import AgendaItem

    AgendaItem.objects.create(meeting=assembly.meeting, position=1, kind="apologies", title="A")
    item = AgendaItem.objects.create(meeting=assembly.meeting, position=2, kind="motion", title="M")
    assert table().agenda_item == item
