"""What the motions actions share: the audit snapshot, the motion's and the meeting's row locks,
the rulebook's reasons."""

from __future__ import annotations

from typing import Any

from moot.motions.models import (
    Motion,
)


def snapshot(motion: Motion) -> dict[str, Any]:
    return {
        "number": motion.number,
        "title": motion.title,
        "state": motion.state,
        "proposer_kind": motion.proposer_kind,
        "proposer": motion.proposer_label,
        "mover": motion.mover.number if motion.mover else None,
        "seconder": motion.seconder.number if motion.seconder else None,
        "affiliate_to": motion.affiliate_to.slug if motion.affiliate_to else None,
        "meeting": motion.meeting_id,
    }


def lock_motion(motion: Motion) -> Motion:
    """Re-read the motion under a row lock (its own row only: the meeting and unit it joins are
    read, not locked, so that other motions of the meeting go on)."""
    return (
        Motion.objects.select_for_update(of=("self",))
        .select_related("meeting__unit")
        .get(pk=motion.pk)
    )


def lock_meeting(meeting: Any) -> None:
    """Lock the meeting's row, so that two motions tabled at once get different numbers."""
    from moot.meetings.models import Meeting

    Meeting.objects.select_for_update(of=("self",)).filter(pk=meeting.pk).values_list("pk").first()


def rule_reasons(verdict: Any) -> tuple[str, str]:
    texts = [r.text for r in verdict.reasons]
    clauses = [r.clause for r in verdict.reasons if getattr(r, "clause", "")]
    return "; ".join(texts), (clauses[0] if clauses else "")
