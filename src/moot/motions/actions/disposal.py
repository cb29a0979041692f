"""After the vote, and other ways a motion ends: forward, withdraw, remit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from moot.audit.actions import record
from moot.errors import RefusalCode
from moot.motions.actions._common import lock_motion
from moot.motions.audit_verbs import AuditVerb
from moot.motions.errors import MotionError
from moot.motions.models import (
    Motion,
    MotionState,
)

if TYPE_CHECKING:
    from moot.accounts.models import User


@transaction.atomic(durable=True)
def do_forward_motion(motion: Motion, *, acting_user: User | None) -> Motion:
    """Send a carried motion to the parent unit (constituency party → region, branch →
    constituency party); it then appears in the parent's list of received motions."""
    motion = lock_motion(motion)
    if motion.state != MotionState.CARRIED:
        raise MotionError(
            f"Motion {motion.number} is {motion.get_state_display()}; only a carried motion can "
            "be forwarded.",
            code=RefusalCode.STATE,
        )
    parent = motion.meeting.unit.parent
    if parent is None:
        raise MotionError(f"{motion.meeting.unit.name} has no parent unit to forward to.")
    motion.state = MotionState.FORWARDED
    motion.forwarded_to = parent
    motion.forwarded_at = timezone.now()
    motion.save(update_fields=["state", "forwarded_to", "forwarded_at", "updated_at"])
    record(
        actor=acting_user,
        verb=AuditVerb.FORWARD_MOTION,
        obj=motion,
        before={"state": MotionState.CARRIED},
        after={"state": motion.state, "forwarded_to": parent.pk, "unit": parent.name},
    )
    return motion


@transaction.atomic(durable=True)
def do_withdraw_motion(motion: Motion, *, reason: str = "", acting_user: User | None) -> Motion:
    """Withdraw a motion not yet put to the vote (by its mover, or recorded by the chair)."""
    motion = lock_motion(motion)
    if motion.state not in {MotionState.TABLED, MotionState.ADMITTED}:
        raise MotionError(
            f"Motion {motion.number} is {motion.get_state_display()}; it can be withdrawn only "
            "before it is put to the vote.",
            code=RefusalCode.STATE,
        )
    before = motion.state
    motion.state = MotionState.WITHDRAWN
    motion.save(update_fields=["state", "updated_at"])
    record(
        actor=acting_user,
        verb=AuditVerb.WITHDRAW_MOTION,
        obj=motion,
        before={"state": before},
        after={"state": motion.state},
        reason=reason,
    )
    return motion


@transaction.atomic(durable=True)
def do_remit_motion(motion: Motion, *, to: str, acting_user: User | None) -> Motion:
    """Remit a motion (with the mover's agreement) to a body, e.g. the executive committee,
    instead of voting on it."""
    motion = lock_motion(motion)
    if motion.state not in {MotionState.TABLED, MotionState.ADMITTED}:
        raise MotionError(
            f"Motion {motion.number} is {motion.get_state_display()}; only a motion not yet "
            "voted on can be remitted.",
            code=RefusalCode.STATE,
        )
    if not to.strip():
        raise MotionError("Say to whom the motion is remitted.", field="to")
    before = motion.state
    motion.state = MotionState.REMITTED
    motion.save(update_fields=["state", "updated_at"])
    record(
        actor=acting_user,
        verb=AuditVerb.REMIT_MOTION,
        obj=motion,
        before={"state": before},
        after={"state": motion.state, "remitted_to": to.strip()},
    )
    return motion
