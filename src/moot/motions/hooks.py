"""What motions add to meetings through ``moot.meetings.hooks``: links shown with an agenda item
and the "Motions" section of the drafted minutes (registered in ``MotionsConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from moot.dates import long_date
from moot.motions.confidential import is_withheld, public_sentence, withheld
from moot.motions.extensions import minutes_sentences
from moot.motions.models import AmendmentState, Motion, MotionState


def item_links(item: Any, user: Any) -> list[tuple[str, str]]:
    """For an agenda item: its motions' texts, and "Vote now" while a motion's vote is open."""
    motions = withheld(
        Motion.objects.filter(agenda_item=item).select_related("poll", "meeting__unit")
    )
    links: list[tuple[str, str]] = []
    for motion in motions:
        if not user.has_perm("motions.view_motion", motion):
            continue
        links.append(
            (f"Motion {motion.number}: {motion.title}", reverse("motions:detail", args=[motion.pk]))
        )
        links.extend(
            (f"Vote now: {label}", reverse("polls:vote", args=[poll.pk]))
            for label, poll in _open_votes(motion)
            if poll.voting == "electronic"
        )
    if not motions and getattr(item, "kind", "") == "motion":
        meeting = item.meeting
        if user.has_perm("motions.view_meeting_motions", meeting):
            links.append(("Motions", reverse("motions:meeting", args=[meeting.pk])))
    return links


def _open_votes(motion: Motion) -> list[tuple[str, Any]]:
    """The motion's polls open now: its own, an amendment's, a challenge to a ruling."""
    votes = [(f"motion {motion.number}", motion.poll)] if motion.poll else []
    for amendment in motion.amendments.filter(state=AmendmentState.VOTING).select_related("poll"):
        votes.append((f"amendment {amendment.number} to motion {motion.number}", amendment.poll))
    for ruling in motion.rulings.filter(challenge="pending").select_related("challenge_poll"):
        votes.append((f"challenge to the ruling on motion {motion.number}", ruling.challenge_poll))
    return [(label, poll) for label, poll in votes if poll is not None and poll.is_open]


def _amendment_sentence(amendment: Any) -> str:
    what = f"Amendment {amendment.number} ({amendment.summary.rstrip('.')})"
    if amendment.mover:
        what += f", moved by {amendment.mover.full_name}"
    if amendment.state == AmendmentState.ACCEPTED:
        return f"{what}, was accepted by the mover."
    if amendment.state in {AmendmentState.CARRIED, AmendmentState.LOST}:
        return f"{what}, was {amendment.state}: {amendment.outcome_text}"
    if amendment.state in {AmendmentState.PROPOSED, AmendmentState.VOTING}:
        return f"{what}, was not decided."
    return f"{what}, was {amendment.get_state_display()}."


# How the minutes say what the meeting did with a challenge to a ruling (before its figures).
CHALLENGED = {
    "pending": "The ruling was challenged; the meeting's vote on the challenge was not decided",
    "upheld": "The ruling was challenged and the meeting upheld it",
    "overturned": "The ruling was challenged and the meeting overturned it",
}


def motion_paragraph(motion: Motion) -> str:
    """One paragraph of the minutes for a motion, from its records (a motion withheld as
    confidential business: its public sentence only, without the ruling's reasons)."""
    if is_withheld(motion):
        return f"Motion {motion.number}: {public_sentence(motion)}"
    parts = [
        f"Motion {motion.number}, “{motion.title}”, proposed by {motion.proposer_label}"
        + (f", moved by {motion.mover.full_name}" if motion.mover else "")
        + "."
    ]
    for ruling in motion.rulings.all():
        sentence = (
            f"{ruling.get_by_display().capitalize()} ruled it {ruling.get_decision_display()} "
            f"(clause {ruling.clause})"
            + (f" and referred it to {ruling.referred_to}" if ruling.referred_to else "")
            + f": {ruling.reasons.rstrip('.')}."
        )
        if ruling.challenge and ruling.challenge_text:
            sentence += f" {CHALLENGED[ruling.challenge]}: {ruling.challenge_text}"
        parts.append(sentence)
    parts.extend(_amendment_sentence(a) for a in motion.amendments.select_related("mover"))
    if motion.state == MotionState.COMPOSITED and motion.composited_into:
        parts.append(f"It was composited into motion {motion.composited_into.number}.")
    elif motion.outcome:
        parts.append(f"Vote: {motion.outcome_text}")
    elif motion.state in {MotionState.WITHDRAWN, MotionState.REMITTED}:
        parts.append(f"The motion was {motion.get_state_display()}.")
    if motion.affiliation_id:
        parts.append(
            f"{motion.meeting.unit.name} is affiliated to {motion.affiliate_to.name} from "
            f"{long_date(motion.affiliation.start)}."
        )
    elif motion.affiliation_refusal:
        parts.append(motion.affiliation_refusal)
    parts.extend(minutes_sentences(motion))  # e.g. the policy version a carried motion made
    if motion.forwarded_to_id:
        parts.append(f"It was forwarded to {motion.forwarded_to.name}.")
    return " ".join(parts)


def minutes_section(meeting: Any) -> Any:
    """The "Motions" section of the minutes: each motion with its rulings (clause and reasons),
    amendments, votes with their figures, and what followed."""
    from moot.meetings.hooks import MinutesSection

    motions = list(
        Motion.objects.filter(meeting=meeting)
        .select_related(
            "proposer_member",
            "proposer_unit",
            "proposer_organisation",
            "mover",
            "affiliate_to",
            "affiliation",
            "forwarded_to",
            "composited_into",
            "meeting__unit",
        )
        .prefetch_related("rulings")
        .order_by("number")
    )
    if not motions:
        return None
    return MinutesSection(
        title="Motions",
        paragraphs=[motion_paragraph(m) for m in motions],
        source_note="Drafted from the motions, competence rulings, amendments and polls "
        "recorded for this meeting.",
        refs=[(f"Motion {m.number}", reverse("motions:detail", args=[m.pk])) for m in motions],
    )
