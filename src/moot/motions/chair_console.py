"""What motions tells the chair's console (``moot.meetings.hooks``, registered in
``MotionsConfig.ready``): the motions and amendments the meeting has not dealt with, listed
before it is adjourned or closed and recorded in the minutes as not taken or carried over."""

from __future__ import annotations

from typing import Any

from moot.motions.confidential import withheld
from moot.motions.models import Amendment, AmendmentState, Motion, MotionState

NOT_TAKEN = (MotionState.TABLED, MotionState.ADMITTED)


def unfinished_motions(meeting: Any) -> list[str]:
    """Motions tabled or admitted but never put, motions whose vote is still open, and
    amendments proposed or being voted on (a motion ruled out, withdrawn, referred or remitted
    has been dealt with)."""
    lines: list[str] = []
    # A withheld or held motion by its public sentence (these lines go into the minutes).
    for motion in withheld(Motion.objects.filter(meeting=meeting).order_by("number")):
        if motion.state in NOT_TAKEN:
            lines.append(
                f"Motion {motion.number} ({motion.title}): {motion.get_state_display()}, "
                "not put to the meeting"
            )
        elif motion.state == MotionState.DEBATED:
            lines.append(
                f"Motion {motion.number} ({motion.title}): put to the vote, no outcome recorded"
            )
    pending = Amendment.objects.filter(
        motion__meeting=meeting, state__in=[AmendmentState.PROPOSED, AmendmentState.VOTING]
    ).select_related("motion")
    for amendment in pending.order_by("motion__number", "number"):
        lines.append(
            f"Amendment {amendment.number} to motion {amendment.motion.number}: "
            f"{amendment.get_state_display()}"
        )
    return lines
