"""Competence rulings and challenges: rule on a motion (with written reasons), challenge the
ruling, close the challenge's vote."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from moot.audit.actions import record
from moot.errors import RefusalCode
from moot.motions import queries
from moot.motions.actions._common import lock_motion
from moot.motions.actions._voting import close_poll, figures_of, majority_for, put_to_vote
from moot.motions.actions.tabling import check_mover
from moot.motions.audit_verbs import AuditVerb
from moot.motions.confidential import withheld_sentence
from moot.motions.errors import MotionError
from moot.motions.models import (
    ChallengeOutcome,
    Motion,
    MotionState,
    Ruling,
    RulingBy,
    RulingDecision,
)
from moot.motions.permissions import chairs_meeting, national_office
from moot.rulebook.clauses import check_clause
from moot.rulebook.errors import RulebookError

if TYPE_CHECKING:
    from moot.accounts.models import User

NEEDS_REASONS = (
    "A ruling needs written reasons: say why the motion is {decision}, so that the meeting, a "
    "challenge and the minutes can see what the ruling rests on."
)


@transaction.atomic(durable=True)
def do_rule_on_motion(
    motion: Motion,
    *,
    decision: str,
    reasons: str,
    clause: str = "",
    category: str = "",
    referred_to: str = "",
    by: str | None = None,
    acting_user: User | None,
) -> Ruling:
    """Rule the motion competent, not competent or referred, citing a clause (or a category of
    ``edition.not_competent``, whose clause is then cited) with written reasons — refused
    without them. ``by`` is "chair" or "national_office" (by default from the ruler's role)."""
    motion = lock_motion(motion)
    meeting = motion.meeting
    if decision not in RulingDecision.values:
        raise MotionError(
            f"Unknown ruling {decision!r}: rule the motion competent, not competent or referred.",
            field="decision",
        )
    label = RulingDecision(decision).label
    if not reasons.strip():
        raise MotionError(NEEDS_REASONS.format(decision=label), field="reasons")
    if not motion.is_open or motion.state == MotionState.DEBATED:
        raise MotionError(
            f"Motion {motion.number} is {motion.get_state_display()}; it can be ruled on only "
            "before it is put to the vote.",
            code=RefusalCode.STATE,
        )
    current = queries.current_ruling(motion)
    if current is not None and current.challenge == ChallengeOutcome.PENDING:
        raise MotionError(
            "A challenge to the current ruling is being voted on; close it first.",
            code=RefusalCode.STATE,
        )
    found = None
    if category:
        found = queries.category_for(meeting, category)
        if found is None:
            known = ", ".join(c.slug for c in queries.competence_categories(meeting))
            raise MotionError(
                f"Unknown category {category!r}; the rulebook lists: {known}.", field="category"
            )
        if decision != RulingDecision.NOT_COMPETENT:
            raise MotionError(
                "A category of business that is not competent goes with a ruling of "
                "'not competent'; clear the category or change the ruling.",
                field="category",
            )
        clause = clause.strip() or found.clause
    clause = clause.strip()
    if not clause:
        raise MotionError(
            "Cite the clause the ruling rests on (or choose a category from the rulebook).",
            field="clause",
        )
    try:
        # A clause the edition in force does not have ("99.9") is refused, naming those near it.
        clause = check_clause(queries.edition_for(meeting), clause)
    except RulebookError as exc:
        raise MotionError(exc.message, field="clause") from None
    if decision == RulingDecision.REFERRED and not referred_to.strip():
        raise MotionError(
            "Say to whom the motion is referred (e.g. the national executive).",
            field="referred_to",
        )
    if by is None:
        by = RulingBy.CHAIR if chairs_meeting(acting_user, meeting) else RulingBy.NATIONAL_OFFICE
    if by not in RulingBy.values:
        raise MotionError(f"Unknown ruler {by!r}: the chair or national office.", field="by")
    if by == RulingBy.CHAIR and not chairs_meeting(acting_user, meeting):
        raise MotionError("Only the chair of the meeting can give the chair's ruling.")
    if by == RulingBy.NATIONAL_OFFICE and not national_office(acting_user, meeting):
        raise MotionError("Only national staff can rule for national office.")
    ruling = Ruling.objects.create(
        motion=motion,
        by=by,
        decision=decision,
        category=category,
        clause=clause,
        reasons=reasons.strip(),
        referred_to=referred_to.strip() if decision == RulingDecision.REFERRED else "",
        ruled_by=acting_user,
    )
    before = motion.state
    motion.state = {
        RulingDecision.COMPETENT: MotionState.ADMITTED,
        RulingDecision.NOT_COMPETENT: MotionState.NOT_COMPETENT,
        RulingDecision.REFERRED: MotionState.REFERRED,
    }[RulingDecision(decision)]
    # Ruled out under a category the rulebook keeps confidential, the motion is withheld from
    # then on (moot.motions.confidential); the audit event names it by that sentence only.
    # Once withheld, always withheld: a later ruling never clears it (Motion.save refuses too).
    motion.withheld_as = motion.withheld_as or (
        withheld_sentence(found, clause) if found is not None and found.confidential else ""
    )
    motion.save(update_fields=["state", "withheld_as", "updated_at"])
    record(
        actor=acting_user,
        verb=AuditVerb.RULE_ON_MOTION,
        obj=ruling,
        object_repr=f"Ruling on motion {motion.number}: {motion.withheld_as or motion.title}"[:300],
        before={"motion_state": before},
        after={
            "motion": motion.pk,
            "by": by,
            "decision": decision,
            "category": category,
            "referred_to": ruling.referred_to,
            "motion_state": motion.state,
        },
        clause=clause,
        reason=ruling.reasons,
    )
    return ruling


def challenge_refusal(ruling: Ruling) -> str:
    """Why the meeting may not challenge ``ruling`` ("" when it may): a ruling that a motion
    is not competent under a category the rulebook keeps confidential (an individual
    disciplinary case) is not the meeting's to overturn — overturning it would put the case
    before every member. Such a matter goes to the complaints process. The motion page shows
    this sentence instead of the challenge form; the action and the API refuse with it."""
    motion = ruling.motion
    if ruling.decision != RulingDecision.NOT_COMPETENT or not ruling.category:
        return ""
    found = queries.category_for(motion.meeting, ruling.category)
    if found is None or not found.confidential:
        return ""
    return (
        f"This ruling cannot be challenged by the meeting: under clause {ruling.clause} the "
        f"motion concerns {found.described_as}, which is confidential and is not business for "
        "a meeting; it goes to the complaints process, not to a vote."
    )


@transaction.atomic(durable=True)
def do_challenge_ruling(
    ruling: Ruling,
    *,
    moved_by: Any = None,
    voting: str = "show_of_hands",
    secret: bool = False,
    acting_user: User | None,
) -> Ruling:
    """Put a challenge to the chair's ruling to the meeting: a yes/no vote "that the chair's
    ruling be overturned", which needs the rulebook's ``overturn_chair`` majority (two-thirds)."""
    ruling = (
        Ruling.objects.select_for_update(of=("self",))
        .select_related("motion__meeting")
        .get(pk=ruling.pk)
    )
    motion = ruling.motion
    if ruling.by != RulingBy.CHAIR:
        raise MotionError(
            "Only the chair's ruling can be challenged by the meeting; a ruling by national "
            "office stands unless national office reviews it."
        )
    current = queries.current_ruling(motion)
    if current is None or current.pk != ruling.pk:
        raise MotionError(
            "A later ruling replaced this one; challenge that ruling instead.",
            code=RefusalCode.STATE,
        )
    if ruling.challenge:
        raise MotionError(
            f"This ruling has already been challenged ({ruling.get_challenge_display()}).",
            code=RefusalCode.CONFLICT,
        )
    refusal = challenge_refusal(ruling)
    if refusal:
        raise MotionError(refusal, code=RefusalCode.STATE)
    if moved_by is not None:
        check_mover(motion.meeting, moved_by, "challenger", acting_user=acting_user)
    poll = put_to_vote(
        motion.meeting,
        title=f"Challenge to the chair's ruling on motion {motion.number}",
        question=(
            f"That the chair's ruling that motion {motion.number}"
            + ("" if motion.withheld_as else f" ({motion.title})")
            + " is "
            f"{ruling.get_decision_display()} be overturned."
        ),
        decision="overturn_chair",
        voting=voting,
        secret=secret,
        agenda_item=motion.agenda_item,
        kind="procedural",
        acting_user=acting_user,
    )
    ruling.challenge = ChallengeOutcome.PENDING
    ruling.challenge_poll = poll
    ruling.challenged_by = moved_by
    ruling.save(update_fields=["challenge", "challenge_poll", "challenged_by"])
    record(
        actor=acting_user,
        verb=AuditVerb.CHALLENGE_RULING,
        obj=ruling,
        object_repr=f"Ruling on motion {motion.number}: {motion.withheld_as or motion.title}"[:300],
        after={
            "poll": poll.pk,
            "majority": poll.majority,
            "moved_by": moved_by.number if moved_by else None,
        },
    )
    return ruling


@transaction.atomic(durable=True)
def do_close_challenge(ruling: Ruling, *, acting_user: User | None) -> Ruling:
    """Close the challenge vote and apply it: carried by the required majority, the ruling is
    overturned (a motion ruled out is admitted; a motion ruled competent is ruled out). The
    poll's close applies it (``record_challenge_outcome``, from ``moot.motions.poll_closed``),
    as when the poll is closed from its own page or the API; the poll is locked first."""
    ruling = Ruling.objects.get(pk=ruling.pk)
    if ruling.challenge != ChallengeOutcome.PENDING or ruling.challenge_poll is None:
        raise MotionError(
            "There is no challenge to this ruling being voted on.", code=RefusalCode.STATE
        )
    poll = close_poll(ruling.challenge_poll, acting_user)
    return record_challenge_outcome(ruling, poll, acting_user=acting_user)


def record_challenge_outcome(ruling: Ruling, poll: Any, *, acting_user: User | None) -> Ruling:
    """Copy the closed challenge ``poll``'s result onto the ruling and the motion (audited as
    ``motions.close_challenge``). A challenge already settled is left as it is. Called inside
    the poll's close, in its transaction."""
    ruling = (
        Ruling.objects.select_for_update(of=("self",))
        .select_related("motion__meeting")
        .get(pk=ruling.pk)
    )
    if ruling.challenge != ChallengeOutcome.PENDING:
        return ruling
    figures = figures_of(poll, "overturn_chair")
    motion = lock_motion(ruling.motion)
    before = {"challenge": ruling.challenge, "motion_state": motion.state}
    ruling.challenge = ChallengeOutcome.OVERTURNED if figures.carried else ChallengeOutcome.UPHELD
    ruling.challenge_yes, ruling.challenge_no = figures.yes, figures.no
    ruling.challenge_abstain = figures.abstain
    ruling.challenge_text = figures.text
    ruling.save(
        update_fields=[
            "challenge",
            "challenge_yes",
            "challenge_no",
            "challenge_abstain",
            "challenge_text",
        ]
    )
    if figures.carried:
        motion.state = (
            MotionState.NOT_COMPETENT
            if ruling.decision == RulingDecision.COMPETENT
            else MotionState.ADMITTED
        )
        # A withheld motion stays withheld whatever happens (its ruling cannot be challenged:
        # challenge_refusal); nothing clears ``withheld_as``.
        motion.save(update_fields=["state", "updated_at"])
    record(
        actor=acting_user,
        verb=AuditVerb.CLOSE_CHALLENGE,
        obj=ruling,
        object_repr=f"Ruling on motion {motion.number}: {motion.withheld_as or motion.title}"[:300],
        before=before,
        after={
            "challenge": ruling.challenge,
            "motion_state": motion.state,
            "yes": figures.yes,
            "no": figures.no,
            "abstain": figures.abstain,
        },
        clause=majority_for(motion.meeting, "overturn_chair").clause,
        reason=figures.text,
    )
    return ruling
