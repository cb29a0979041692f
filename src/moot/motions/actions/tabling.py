"""Tabling: who may move, second and table, the deadline, the proposer; table a motion, composite
motions into one."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from moot.audit.actions import record
from moot.dates import long_date
from moot.errors import RefusalCode
from moot.motions import queries
from moot.motions.actions._common import lock_meeting, lock_motion, rule_reasons, snapshot
from moot.motions.audit_verbs import AuditVerb
from moot.motions.errors import MotionError
from moot.motions.models import (
    Motion,
    MotionState,
    ProposerKind,
)

if TYPE_CHECKING:
    from moot.accounts.models import User


def no_member_who_may(role: str, number: str) -> str:
    """The one answer for a typed number that names nobody who may take ``role``: no such
    number, a member of another unit, or a member the rulebook does not let take part (which
    might be a suspension) — told apart only to whoever may see the member's record."""
    return (
        f"No member who may be the {role} of this motion has the number {number.strip().upper()}; "
        "check the membership card."
    )


def check_mover(meeting: Any, member: Any, role: str, *, acting_user: User | None = None) -> None:
    """A mover or seconder must be a member of the meeting's unit, eligible to take part on the
    meeting's date. The rulebook's reasons and clause go to whoever may see the member's record
    (``members.view_member``); anyone else is told only that the rulebook does not allow it —
    the reason may be a suspension pending investigation, and typing a membership number into
    a form must not reveal that."""
    from moot.members.queries import eligibility, member_belongs_to

    if member is None:
        raise MotionError(f"Name the {role}: a motion must be moved and seconded.", field=role)
    may_see = acting_user is not None and acting_user.has_perm("members.view_member", member)
    if not member_belongs_to(member, meeting.unit):
        # Named by number: a member of another unit is not the officer's to see (finding 5).
        if not may_see:
            raise MotionError(no_member_who_may(role, member.number), field=role)
        raise MotionError(
            f"The member numbered {member.number} is not a member of {meeting.unit.name} and "
            f"cannot be the {role}.",
            field=role,
            code=RefusalCode.INELIGIBLE,
        )
    verdict = eligibility(member, "meeting", meeting.unit, at=queries.meeting_date(meeting))
    if verdict.allowed:
        return
    if not may_see:
        # The same words as for a number nobody has (the form's and the API's): typing numbers
        # must not tell a member who is suspended or in arrears (issue 9 fix round, 7).
        raise MotionError(no_member_who_may(role, member.number), field=role)
    text, clause = rule_reasons(verdict)
    raise MotionError(
        f"{member.full_name} cannot be the {role}: {text}",
        clause=clause,
        field=role,
        code=RefusalCode.INELIGIBLE,
    )


@dataclass(frozen=True)
class TablingWindow:
    """Whether a meeting takes motions on a day: the one answer the tabling form, the meeting's
    motions page and ``do_table_motion`` all read (a form is never offered for a motion the
    action would refuse). Closed, it says why (``why`` with its ``clause``) and what the
    member can do instead (``instead``)."""

    open: bool
    why: str
    clause: str
    instead: str
    code: RefusalCode = RefusalCode.RULE

    def refusal(self) -> MotionError:
        return MotionError(self.why, clause=self.clause, code=self.code)


def _instead(meeting: Any, on: datetime.date, member: Any = None) -> str:
    """What a member can do with a motion this meeting no longer takes: the next meeting
    still taking motions — of the unit, or of the member's own branch under it — else ask
    the officers."""
    from django.db.models import Q

    from moot.meetings.models import Meeting

    where = Q(unit_id=meeting.unit_id)
    branch_id = getattr(member, "branch_id", None)
    if branch_id is not None and member.branch.parent_id == meeting.unit_id:
        where |= Q(unit_id=branch_id)
    later = (
        Meeting.objects.filter(where, starts_at__gt=timezone.now())
        .exclude(state="closed")
        .exclude(pk=meeting.pk)
        .order_by("starts_at", "pk")
    )
    for other in later[:5]:
        if tabling_window(other, on, follow=False).open:
            return (
                f"Table it for {other.title} on "
                f"{long_date(timezone.localtime(other.starts_at))}, which still takes motions."
            )
    return (
        f"Raise it at the next meeting of {meeting.unit.name} once it is called, or ask "
        "the chair whether it can be taken as urgent business under the standing orders."
    )


def tabling_window(
    meeting: Any, on: datetime.date, *, follow: bool = True, member: Any = None
) -> TablingWindow:
    """Does ``meeting`` take motions tabled on ``on``: not once it has closed, nor after the
    rulebook's deadline (the clause the deadline rests on either way). Closed, ``instead``
    names the next meeting that takes motions (``follow``), counting ``member``'s branch."""
    from moot import rulebook

    if meeting.state == "closed":
        return TablingWindow(
            False,
            "The meeting has closed; motions can no longer be tabled for it.",
            "",
            _instead(meeting, on, member) if follow else "",
            code=RefusalCode.STATE,
        )
    verdict = rulebook.check_motion_deadline(
        queries.edition_for(meeting),
        meeting.kind,
        meeting_date=queries.meeting_date(meeting),
        tabled_on=on,
    )
    text, clause = rule_reasons(verdict)
    if verdict.allowed:
        return TablingWindow(True, text, clause, "")
    return TablingWindow(
        False,
        f"Too late to table this motion: {text}",
        clause,
        _instead(meeting, on, member) if follow else "",
    )


def check_deadline(meeting: Any, tabled_on: datetime.date) -> str:
    """Refuse a motion tabled after the rulebook's deadline; return the clause that allows it."""
    window = tabling_window(meeting, tabled_on, follow=False)
    if not window.open:
        raise window.refusal()
    return window.clause


def check_tabled_by(meeting: Any, acting_user: User | None, proposer_kind: str, mover: Any) -> None:
    """A member tables a motion in their own name: they are its mover. A branch's or an
    affiliate's motion, or one in other members' names, reaches the meeting's secretary by the
    rulebook's routes (a branch's minutes, an affiliate's letter) and is entered by the meeting's
    officers (``motions.manage_meeting_motions``), who may name any mover. Otherwise anyone
    could put words in another member's mouth, with the mover's rights over the motion."""
    if acting_user is None or acting_user.has_perm("motions.manage_meeting_motions", meeting):
        return
    if proposer_kind != ProposerKind.MEMBER:
        raise MotionError(
            "A motion from a branch or an affiliated organisation is entered by the meeting's "
            "secretary, who receives it from them: send it to the secretary, or table it in your "
            "own name.",
            field="proposer_kind",
        )
    own = getattr(acting_user, "member", None) if acting_user.is_authenticated else None
    if own is None or mover is None or mover.pk != own.pk:
        raise MotionError(
            "You table a motion in your own name: you are its mover. A motion in another "
            "member's name is tabled by them, or entered by the meeting's secretary.",
            field="mover",
        )


def _check_proposer(meeting: Any, kind: str, proposer: Any, on: datetime.date) -> None:
    from moot.members.queries import member_belongs_to
    from moot.units.queries import current_affiliation

    unit = meeting.unit
    if kind == ProposerKind.MEMBER:
        if proposer is None or not member_belongs_to(proposer, unit):
            raise MotionError(
                f"A member's motion must come from a member of {unit.name}.", field="proposer"
            )
    elif kind == ProposerKind.BRANCH:
        if proposer is None or proposer.kind != "branch" or proposer.parent_id != unit.pk:
            raise MotionError(
                f"A branch's motion must come from a branch of {unit.name}; choose one of its "
                "branches.",
                field="proposer",
            )
    elif kind == ProposerKind.AFFILIATE:
        if proposer is None or current_affiliation(unit, proposer, on) is None:
            name = proposer.name if proposer is not None else "The organisation"
            raise MotionError(
                f"{name} is not affiliated to {unit.name} on {long_date(on)}; only affiliated "
                "organisations may table motions.",
                field="proposer",
            )
    else:
        raise MotionError(
            f"Unknown proposer {kind!r}: a motion comes from a member, a branch or an "
            "affiliated organisation.",
            field="proposer_kind",
        )


@transaction.atomic(durable=True)
def do_table_motion(
    meeting: Any,
    *,
    title: str,
    text: str,
    mover: Any,
    seconder: Any,
    proposer_kind: str = ProposerKind.MEMBER,
    proposer: Any = None,
    affiliate_to: Any = None,
    agenda_item: Any = None,
    tabled_on: datetime.date | None = None,
    attach: Callable[[Motion], dict[str, Any]] | None = None,
    acting_user: User | None,
) -> Motion:
    """Table a motion for ``meeting`` before the rulebook's deadline.

    ``attach(motion)`` (an app above motions: a policy proposal) runs in the same transaction
    once the motion exists; a refusal it raises tables nothing, and what it returns joins the
    audit event.

    ``proposer`` is the member (default: the mover), the branch (a Unit under the meeting's unit)
    or the affiliated organisation. ``affiliate_to`` makes it a motion to affiliate to that
    outside organisation; one the rulebook proscribes on the meeting's date is refused (no unit
    may affiliate to it). An organisation proscribed after tabling is refused when the motion is
    carried (``do_record_motion_outcome``)."""
    from moot.members.models import Member

    title = " ".join(title.split())
    if not title:
        raise MotionError("Give the motion a title.", field="title")
    if not text.strip():
        raise MotionError("Write the text of the motion.", field="text")
    tabled_on = tabled_on or timezone.localdate()
    clause = check_deadline(meeting, tabled_on)
    if proposer_kind == ProposerKind.MEMBER and proposer is None:
        proposer = mover
    check_tabled_by(meeting, acting_user, proposer_kind, mover)
    _check_proposer(meeting, proposer_kind, proposer, tabled_on)
    check_mover(meeting, mover, "mover", acting_user=acting_user)
    check_mover(meeting, seconder, "seconder", acting_user=acting_user)
    if mover.pk == seconder.pk:
        raise MotionError("The seconder must be someone other than the mover.", field="seconder")
    if affiliate_to is not None:
        _check_not_proscribed(meeting, affiliate_to)
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise MotionError("That agenda item belongs to another meeting.", field="agenda_item")
    if agenda_item is None:
        agenda_item = meeting.items.filter(kind="motion").order_by("position").first()
    lock_meeting(meeting)  # numbers are given out one at a time
    motion = Motion.objects.create(
        meeting=meeting,
        agenda_item=agenda_item,
        number=queries.next_number(meeting),
        title=title,
        text=text.strip(),
        proposer_kind=proposer_kind,
        proposer_member=proposer if isinstance(proposer, Member) else None,
        proposer_unit=proposer if proposer_kind == ProposerKind.BRANCH else None,
        proposer_organisation=proposer if proposer_kind == ProposerKind.AFFILIATE else None,
        mover=mover,
        seconder=seconder,
        affiliate_to=affiliate_to,
        tabled_on=tabled_on,
        tabled_by=acting_user,
    )
    attached = attach(motion) if attach is not None else {}
    record(
        actor=acting_user,
        verb=AuditVerb.TABLE_MOTION,
        obj=motion,
        after={**snapshot(motion), "text": motion.text, "tabled_on": tabled_on, **attached},
        clause=clause,
    )
    return motion


def _check_not_proscribed(meeting: Any, organisation: Any) -> None:
    from moot.units.queries import proscription_of

    entry = proscription_of(organisation, queries.meeting_date(meeting))
    if entry is not None:
        raise MotionError(
            f"{organisation.name} is proscribed by the rulebook: no unit may affiliate to it, so "
            "a motion to affiliate to it cannot be tabled.",
            clause=entry.clause,
            field="affiliate_to",
        )


@transaction.atomic(durable=True)
def do_composite_motions(
    motions: Sequence[Motion],
    *,
    title: str,
    text: str,
    mover: Any,
    seconder: Any,
    acting_user: User | None,
) -> Motion:
    """Merge several motions of one meeting into one composite motion; the originals are linked
    to it and marked composited. No deadline check: the originals were tabled in time."""
    if len({m.pk for m in motions}) < 2:
        raise MotionError("Choose at least two motions to composite.", field="motions")
    locked = [lock_motion(m) for m in sorted(motions, key=lambda m: m.pk)]
    meeting = locked[0].meeting
    for motion in locked:
        if motion.meeting_id != meeting.pk:
            raise MotionError("Only motions to the same meeting can be composited.")
        if motion.state not in {MotionState.TABLED, MotionState.ADMITTED}:
            raise MotionError(
                f"Motion {motion.number} is {motion.get_state_display()}; only motions not yet "
                "voted on can be composited.",
                code=RefusalCode.STATE,
            )
    title = " ".join(title.split())
    if not title:
        raise MotionError("Give the composite motion a title.", field="title")
    if not text.strip():
        raise MotionError("Write the text of the composite motion.", field="text")
    check_mover(meeting, mover, "mover", acting_user=acting_user)
    check_mover(meeting, seconder, "seconder", acting_user=acting_user)
    if mover.pk == seconder.pk:
        raise MotionError("The seconder must be someone other than the mover.", field="seconder")
    lock_meeting(meeting)
    composite = Motion.objects.create(
        meeting=meeting,
        agenda_item=locked[0].agenda_item,
        number=queries.next_number(meeting),
        title=title,
        text=text.strip(),
        proposer_kind=ProposerKind.COMPOSITE,
        mover=mover,
        seconder=seconder,
        tabled_on=timezone.localdate(),
        tabled_by=acting_user,
    )
    for motion in locked:
        before = motion.state
        motion.state = MotionState.COMPOSITED
        motion.composited_into = composite
        motion.save(update_fields=["state", "composited_into", "updated_at"])
        record(
            actor=acting_user,
            verb=AuditVerb.COMPOSITED,
            obj=motion,
            before={"state": before},
            after={"state": motion.state, "composited_into": composite.pk},
        )
    record(
        actor=acting_user,
        verb=AuditVerb.COMPOSITE_MOTIONS,
        obj=composite,
        after={
            **snapshot(composite),
            "text": composite.text,
            "originals": [m.number for m in locked],
        },
    )
    return composite
