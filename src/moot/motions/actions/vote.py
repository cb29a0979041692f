"""The vote on the motion: open it, close it and record the outcome (with the affiliation a carried
motion decides)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from moot.audit.actions import record
from moot.errors import RefusalCode
from moot.members.errors import ActionError
from moot.motions import queries
from moot.motions.actions._common import lock_motion
from moot.motions.actions._voting import close_poll, figures_of, majority_for, put_to_vote
from moot.motions.audit_verbs import AuditVerb
from moot.motions.errors import MotionError
from moot.motions.extensions import on_carried
from moot.motions.models import (
    AmendmentState,
    ChallengeOutcome,
    Motion,
    MotionState,
)

if TYPE_CHECKING:
    from moot.accounts.models import User


@transaction.atomic(durable=True)
def do_open_motion_vote(
    motion: Motion, *, voting: str = "show_of_hands", secret: bool = False, acting_user: User | None
) -> Motion:
    """Put the motion as amended to the vote: a yes/no poll at the meeting with the rulebook's
    ``motion`` majority; counted show of hands (tellers), paper, or electronic (named/secret)."""
    motion = lock_motion(motion)
    if motion.state not in {MotionState.TABLED, MotionState.ADMITTED}:
        raise MotionError(
            f"Motion {motion.number} is {motion.get_state_display()}; it cannot be put to the "
            "vote.",
            code=RefusalCode.STATE,
        )
    current = queries.current_ruling(motion)
    if current is not None and current.challenge == ChallengeOutcome.PENDING:
        raise MotionError(
            "A challenge to the chair's ruling on this motion is being voted on; close it first.",
            code=RefusalCode.STATE,
        )
    pending = list(
        motion.amendments.filter(
            state__in=[AmendmentState.PROPOSED, AmendmentState.VOTING]
        ).values_list("number", flat=True)
    )
    if pending:
        numbers = ", ".join(str(n) for n in pending)
        raise MotionError(
            f"Deal with amendment {numbers} first: accept, vote on or withdraw each amendment "
            "before the motion is put.",
            code=RefusalCode.STATE,
        )
    text = queries.text_as_amended(motion)
    motion.poll = put_to_vote(
        motion.meeting,
        title=f"Motion {motion.number}: {motion.title}",
        question=text,
        decision="motion",
        voting=voting,
        secret=secret,
        agenda_item=motion.agenda_item,
        kind="motion",
        acting_user=acting_user,
    )
    before = motion.state
    motion.state = MotionState.DEBATED
    motion.save(update_fields=["poll", "state", "updated_at"])
    record(
        actor=acting_user,
        verb=AuditVerb.OPEN_MOTION_VOTE,
        obj=motion,
        before={"state": before},
        after={
            "state": motion.state,
            "poll": motion.poll_id,
            "voting": voting,
            "majority": motion.poll.majority,
            "text": text,
        },
    )
    return motion


@transaction.atomic(durable=True)
def do_close_motion_vote(motion: Motion, *, acting_user: User | None) -> Motion:
    """Close the motion's poll (counted by moot.polls) and record the outcome on the motion.
    The poll's close records it (``moot.motions.poll_closed``), as when the poll is closed from
    its own page or the API; the poll is locked before the motion, whichever page closes it."""
    motion = Motion.objects.get(pk=motion.pk)
    if motion.poll is None:
        raise MotionError(
            f"Motion {motion.number} has not been put to the vote.", code=RefusalCode.STATE
        )
    close_poll(motion.poll, acting_user)
    motion = lock_motion(motion)
    if motion.state != MotionState.DEBATED:
        return motion  # recorded by the poll's close
    return do_record_motion_outcome(motion, acting_user=acting_user)


@transaction.atomic
def do_record_motion_outcome(motion: Motion, *, acting_user: User | None) -> Motion:
    """Copy the result of the motion's closed poll onto it: carried or lost, with the figures.
    A carried motion to affiliate creates the affiliation (``units.actions.do_create_affiliation``,
    decision reference ``motion:<id>``); when the rulebook forbids it (a proscribed
    organisation) the refusal is recorded on the motion with its reason and clause."""
    from moot.units.actions import do_create_affiliation

    motion = lock_motion(motion)
    if motion.state != MotionState.DEBATED or motion.poll is None:
        raise MotionError(
            f"Motion {motion.number} has no vote awaiting its outcome.", code=RefusalCode.STATE
        )
    poll = motion.poll
    poll.refresh_from_db()
    if poll.state != "closed":
        raise MotionError("The vote is still open; close it first.", code=RefusalCode.STATE)
    figures = figures_of(poll, "motion")
    motion.outcome = "carried" if figures.carried else "lost"
    motion.state = MotionState.CARRIED if figures.carried else MotionState.LOST
    motion.votes_yes, motion.votes_no, motion.votes_abstain = (
        figures.yes,
        figures.no,
        figures.abstain,
    )
    motion.outcome_text = figures.text
    motion.decided_at = poll.closed_at or timezone.now()
    affiliation_note: dict[str, Any] = {}
    if figures.carried and motion.affiliate_to is not None:
        on = timezone.localdate(motion.decided_at)
        try:
            with transaction.atomic():
                motion.affiliation = do_create_affiliation(
                    motion.meeting.unit,
                    motion.affiliate_to,
                    start=on,
                    decision=f"Motion {motion.number} ({motion.title}) carried at "
                    f"{motion.meeting.title}: {figures.text}",
                    decision_ref=f"motion:{motion.pk}",
                    acting_user=acting_user,
                )
            affiliation_note = {"affiliation": motion.affiliation.pk}
        except ActionError as exc:
            motion.affiliation_refusal = f"The affiliation was not made: {exc}"
            motion.affiliation_refusal_clause = exc.clause
            affiliation_note = {"affiliation_refused": str(exc), "clause": exc.clause}
    motion.save()
    # What else a carried motion decides (a policy's new version), in this transaction.
    effects = on_carried(motion, acting_user) if figures.carried else {}
    record(
        actor=acting_user,
        verb=AuditVerb.RECORD_MOTION_OUTCOME,
        obj=motion,
        before={"state": MotionState.DEBATED},
        after={
            "state": motion.state,
            "yes": figures.yes,
            "no": figures.no,
            "abstain": figures.abstain,
            "poll": poll.pk,
            **affiliation_note,
            **effects,
        },
        clause=majority_for(motion.meeting, "motion").clause,
        reason=figures.text,
    )
    return motion
