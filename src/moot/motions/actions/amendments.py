"""Amendments: propose, accept, withdraw, put to the vote and close the vote, applying a carried
amendment to the motion's text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max

from moot.audit.actions import record
from moot.errors import RefusalCode
from moot.motions import extensions, queries
from moot.motions.actions._common import lock_motion
from moot.motions.actions._voting import close_poll, figures_of, put_to_vote
from moot.motions.actions.tabling import check_mover
from moot.motions.audit_verbs import AuditVerb
from moot.motions.errors import MotionError
from moot.motions.lines import LinesError, check_edit, conflict
from moot.motions.models import (
    Amendment,
    AmendmentAction,
    AmendmentState,
    Motion,
    MotionState,
)

if TYPE_CHECKING:
    from moot.accounts.models import User


def _check_amendable(motion: Motion) -> None:
    if motion.state not in {MotionState.TABLED, MotionState.ADMITTED}:
        raise MotionError(
            f"Motion {motion.number} is {motion.get_state_display()}; it can be amended only "
            "before it is put to the vote.",
            code=RefusalCode.STATE,
        )


def _check_applies(motion: Motion, amendment: Amendment) -> None:
    """Refuse an amendment whose lines an applied amendment already replaced or deleted."""
    applied = [queries.as_edit(a) for a in queries.applied_amendments(motion)]
    clash = conflict(queries.as_edit(amendment), applied)
    if clash is not None:
        raise MotionError(
            f"Amendment {amendment.number} changes {amendment.where}, which {clash.ref} already "
            "changed; it has fallen. Propose a new amendment to the text as amended."
        )


@transaction.atomic(durable=True)
def do_propose_amendment(
    motion: Motion,
    *,
    action: str,
    line_from: int,
    line_to: int | None = None,
    text: str = "",
    mover: Any,
    seconder: Any = None,
    acting_user: User | None,
) -> Amendment:
    """Propose an amendment to lines of the motion as tabled (replace, insert after, delete)."""
    motion = lock_motion(motion)
    _check_amendable(motion)
    extensions.check_amendment(motion)  # e.g. a motion proposing a policy change (policies)
    if action not in AmendmentAction.values:
        raise MotionError(
            f"Unknown change {action!r}: replace, insert or delete lines.", field="action"
        )
    if action == AmendmentAction.INSERT:
        line_to = None
    if action == AmendmentAction.DELETE:
        text = ""
    lines = queries.lines_of(motion)
    number = (motion.amendments.aggregate(m=Max("number"))["m"] or 0) + 1
    amendment = Amendment(
        motion=motion,
        number=number,
        action=action,
        line_from=line_from,
        line_to=line_to if line_to != line_from else None,
        text=text.strip(),
        mover=mover,
        seconder=seconder,
        created_by=acting_user,
    )
    try:
        check_edit(queries.as_edit(amendment), len(lines))
    except LinesError as exc:
        raise MotionError(str(exc), field="line_from") from exc
    _check_applies(motion, amendment)
    check_mover(motion.meeting, mover, "mover", acting_user=acting_user)
    if seconder is not None:
        check_mover(motion.meeting, seconder, "seconder", acting_user=acting_user)
        if seconder.pk == mover.pk:
            raise MotionError(
                "The seconder must be someone other than the mover.", field="seconder"
            )
    amendment.save()
    record(
        actor=acting_user,
        verb=AuditVerb.PROPOSE_AMENDMENT,
        obj=amendment,
        after={
            "motion": motion.pk,
            "number": number,
            "action": action,
            "line_from": line_from,
            "line_to": amendment.line_to,
            "text": amendment.text,
            "mover": mover.number,
        },
    )
    return amendment


def _apply(motion: Motion, amendment: Amendment, state: str) -> tuple[str, str]:
    """Make ``amendment`` part of the text; return the text before and after."""
    before = queries.text_as_amended(motion)
    last = motion.amendments.aggregate(m=Max("applied_order"))["m"] or 0
    amendment.state = state
    amendment.applied_order = last + 1
    amendment.save(update_fields=["state", "applied_order"])
    return before, queries.text_as_amended(motion)


@transaction.atomic(durable=True)
def do_accept_amendment(amendment: Amendment, *, acting_user: User | None) -> Amendment:
    """The mover accepts the amendment: it becomes part of the motion's text without a vote."""
    amendment = Amendment.objects.select_for_update(of=("self",)).get(pk=amendment.pk)
    motion = lock_motion(amendment.motion)
    _check_amendable(motion)
    if amendment.state != AmendmentState.PROPOSED:
        raise MotionError(
            f"Amendment {amendment.number} is {amendment.get_state_display()}; only a proposed "
            "amendment can be accepted.",
            code=RefusalCode.STATE,
        )
    _check_applies(motion, amendment)
    before, after = _apply(motion, amendment, AmendmentState.ACCEPTED)
    record(
        actor=acting_user,
        verb=AuditVerb.ACCEPT_AMENDMENT,
        obj=amendment,
        before={"state": AmendmentState.PROPOSED, "motion_text": before},
        after={"state": amendment.state, "motion_text": after},
        reason=f"accepted by the mover of motion {motion.number}",
    )
    return amendment


@transaction.atomic(durable=True)
def do_withdraw_amendment(amendment: Amendment, *, acting_user: User | None) -> Amendment:
    amendment = Amendment.objects.select_for_update(of=("self",)).get(pk=amendment.pk)
    if amendment.state != AmendmentState.PROPOSED:
        raise MotionError(
            f"Amendment {amendment.number} is {amendment.get_state_display()}; only a proposed "
            "amendment can be withdrawn.",
            code=RefusalCode.STATE,
        )
    amendment.state = AmendmentState.WITHDRAWN
    amendment.save(update_fields=["state"])
    record(
        actor=acting_user,
        verb=AuditVerb.WITHDRAW_AMENDMENT,
        obj=amendment,
        before={"state": AmendmentState.PROPOSED},
        after={"state": amendment.state},
    )
    return amendment


@transaction.atomic(durable=True)
def do_open_amendment_vote(
    amendment: Amendment,
    *,
    voting: str = "show_of_hands",
    secret: bool = False,
    acting_user: User | None,
) -> Amendment:
    """Put the amendment to the vote (the rulebook's ``amendment`` majority)."""
    amendment = Amendment.objects.select_for_update(of=("self",)).get(pk=amendment.pk)
    motion = lock_motion(amendment.motion)
    _check_amendable(motion)
    if amendment.state != AmendmentState.PROPOSED:
        raise MotionError(
            f"Amendment {amendment.number} is {amendment.get_state_display()}; only a proposed "
            "amendment can be put to the vote.",
            code=RefusalCode.STATE,
        )
    _check_applies(motion, amendment)
    if motion.amendments.filter(state=AmendmentState.VOTING).exists():
        raise MotionError(
            "Another amendment is being voted on; amendments are taken one at a time.",
            code=RefusalCode.STATE,
        )
    amendment.poll = put_to_vote(
        motion.meeting,
        title=f"Amendment {amendment.number} to motion {motion.number}",
        question=f"Motion {motion.number} ({motion.title}), amendment {amendment.number}: "
        + amendment.summary,
        decision="amendment",
        voting=voting,
        secret=secret,
        agenda_item=motion.agenda_item,
        kind="motion",
        acting_user=acting_user,
    )
    amendment.state = AmendmentState.VOTING
    amendment.save(update_fields=["poll", "state"])
    record(
        actor=acting_user,
        verb=AuditVerb.OPEN_AMENDMENT_VOTE,
        obj=amendment,
        before={"state": AmendmentState.PROPOSED},
        after={"state": amendment.state, "poll": amendment.poll_id},
    )
    return amendment


@transaction.atomic(durable=True)
def do_close_amendment_vote(amendment: Amendment, *, acting_user: User | None) -> Amendment:
    """Close the amendment's vote; carried, it becomes part of the motion's text. The poll's
    close settles the amendment (``record_amendment_outcome`` through ``polls.hooks``), as it
    does when the poll is closed from its own page or the API; the poll is locked first, then the
    amendment and the motion, in that order whichever page closes it."""
    amendment = Amendment.objects.get(pk=amendment.pk)
    if amendment.state != AmendmentState.VOTING or amendment.poll is None:
        raise MotionError(
            f"Amendment {amendment.number} is not being voted on.", code=RefusalCode.STATE
        )
    poll = close_poll(amendment.poll, acting_user)
    return record_amendment_outcome(amendment, poll, acting_user=acting_user)


def record_amendment_outcome(
    amendment: Amendment, poll: Any, *, acting_user: User | None
) -> Amendment:
    """Copy the closed ``poll``'s result onto the amendment it decides: carried, the amendment
    becomes part of the motion's text; lost, it is recorded as lost (audited as
    ``motions.close_amendment_vote``). An amendment already settled is left as it is. Called
    inside the poll's close (``moot.motions.poll_closed``), in its transaction."""
    amendment = Amendment.objects.select_for_update(of=("self",)).get(pk=amendment.pk)
    if amendment.state != AmendmentState.VOTING:
        return amendment
    motion = lock_motion(amendment.motion)
    figures = figures_of(poll, "amendment")
    amendment.votes_yes, amendment.votes_no = figures.yes, figures.no
    amendment.votes_abstain, amendment.outcome_text = figures.abstain, figures.text
    amendment.save(update_fields=["votes_yes", "votes_no", "votes_abstain", "outcome_text"])
    before_text = queries.text_as_amended(motion)
    if figures.carried:
        before_text, after_text = _apply(motion, amendment, AmendmentState.CARRIED)
    else:
        amendment.state = AmendmentState.LOST
        amendment.save(update_fields=["state"])
        after_text = before_text
    record(
        actor=acting_user,
        verb=AuditVerb.CLOSE_AMENDMENT_VOTE,
        obj=amendment,
        before={"state": AmendmentState.VOTING, "motion_text": before_text},
        after={
            "state": amendment.state,
            "motion_text": after_text,
            "yes": figures.yes,
            "no": figures.no,
            "abstain": figures.abstain,
        },
        reason=figures.text,
    )
    return amendment
