"""What a closed poll moves on in motions, and what a poll's page links back to (registered with
``moot.polls.hooks`` in ``MotionsConfig.ready``).

``do_close_poll`` calls ``settle_closed_poll`` inside its transaction, so however the poll is
closed (the poll's page, ``POST /api/polls/{id}/close``, the motion's page, the chair's console)
its amendment is carried or lost, its motion's outcome recorded and its challenge applied, once.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from moot.motions.actions.amendments import record_amendment_outcome
from moot.motions.actions.rulings import record_challenge_outcome
from moot.motions.actions.vote import do_record_motion_outcome
from moot.motions.confidential import withhold
from moot.motions.models import (
    Amendment,
    AmendmentState,
    ChallengeOutcome,
    Motion,
    MotionState,
    Ruling,
)


def settle_closed_poll(poll: Any, acting_user: Any) -> None:
    """Move on the amendment, motion or challenge ``poll`` decides (nothing for other polls)."""
    for amendment in Amendment.objects.filter(poll=poll, state=AmendmentState.VOTING):
        record_amendment_outcome(amendment, poll, acting_user=acting_user)
    for motion in Motion.objects.filter(poll=poll, state=MotionState.DEBATED):
        do_record_motion_outcome(motion, acting_user=acting_user)
    for ruling in Ruling.objects.filter(challenge_poll=poll, challenge=ChallengeOutcome.PENDING):
        record_challenge_outcome(ruling, poll, acting_user=acting_user)


def poll_subjects(poll: Any, user: Any) -> list[tuple[str, str]]:
    """Links from a poll's page to the motion, amendment or ruling it decides, when ``user``
    may read that motion."""
    links: list[tuple[str, str]] = []
    for motion in Motion.objects.filter(poll=poll):
        if not user.has_perm("motions.view_motion", motion):
            continue
        links.append(
            (f"Motion {motion.number}: {motion.title}", reverse("motions:detail", args=[motion.pk]))
        )
    for amendment in Amendment.objects.filter(poll=poll).select_related("motion"):
        motion = amendment.motion
        if not user.has_perm("motions.view_motion", motion):
            continue
        links.append(
            (
                f"Amendment {amendment.number} to motion {motion.number}: {motion.title}",
                reverse("motions:detail", args=[motion.pk]) + "#amendments-heading",
            )
        )
    for ruling in Ruling.objects.filter(challenge_poll=poll).select_related("motion"):
        motion = withhold(ruling.motion)  # a confidential motion: its public sentence
        if not user.has_perm("motions.view_motion", motion):
            continue
        links.append(
            (
                f"Challenge to the ruling on motion {motion.number}: {motion.title}",
                reverse("motions:detail", args=[motion.pk]),
            )
        )
    return links
