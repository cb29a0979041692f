"""Every write to motions: table, rule on competence, challenge a ruling, amend, composite, put
to the vote and record the outcome, create the affiliation a carried motion decides, forward,
withdraw, remit. One transaction and one audit event each; nothing is half-recorded.

Votes are polls: these actions create and open them through ``moot.polls.actions`` (majority from
the rulebook), and close them through it, copying the outcome with its figures onto the motion,
amendment or ruling in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from moot.audit.actions import record
from moot.members.errors import ActionError
from moot.motions import queries
from moot.motions.errors import MotionError
from moot.motions.lines import LinesError, check_edit, conflict
from moot.motions.models import (
    Amendment,
    AmendmentAction,
    AmendmentState,
    ChallengeOutcome,
    Motion,
    MotionState,
    ProposerKind,
    Ruling,
    RulingBy,
    RulingDecision,
)
from moot.motions.permissions import chairs_meeting, national_office

# The poll's ``majority`` field takes these names (the counting method understands them).
POLL_MAJORITIES = ("simple", "absolute", "two-thirds")
NEEDS_REASONS = (
    "A ruling needs written reasons: say why the motion is {decision}, so that the meeting, a "
    "challenge and the minutes can see what the ruling rests on."
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


def _lock(motion: Motion) -> Motion:
    return Motion.objects.select_for_update().select_related("meeting__unit").get(pk=motion.pk)


def _lock_meeting(meeting: Any) -> None:
    """Lock the meeting's row, so that two motions tabled at once get different numbers."""
    from moot.meetings.models import Meeting

    Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("pk").first()


def _reasons(verdict: Any) -> tuple[str, str]:
    texts = [r.text for r in verdict.reasons]
    clauses = [r.clause for r in verdict.reasons if getattr(r, "clause", "")]
    return "; ".join(texts), (clauses[0] if clauses else "")


# ---------------------------------------------------------------------------------------------
# Majorities and figures


def majority_for(meeting: Any, decision: str) -> Any:
    """The rulebook's majority for ``decision`` ("motion", "amendment", "overturn_chair")."""
    from moot import rulebook

    return rulebook.majority(queries.edition_for(meeting), decision)


def poll_majority_name(majority: Any) -> str:
    """The name a poll stores for a rulebook majority ("simple", "absolute", "two-thirds")."""
    if majority.name in POLL_MAJORITIES:
        return str(majority.name)
    if (majority.numerator, majority.denominator) == (2, 3):
        return "two-thirds"
    if majority.basis == "present":
        return "absolute"
    return "simple"


@dataclass(frozen=True)
class Figures:
    yes: int
    no: int
    abstain: int
    carried: bool
    text: str


def figures_of(poll: Any, decision: str) -> Figures:
    """For, against and abstaining in a closed yes/no poll, whether it carried (as counted by
    moot.counting with the rulebook's majority), and a sentence for the record."""
    from moot import rulebook
    from moot.polls.models import TellerCount, Voting
    from moot.polls.queries import ballot_contents

    code_of = dict(poll.options.values_list("pk", "code"))
    tally = {"yes": 0, "no": 0, "abstain": 0}
    if poll.voting == Voting.ELECTRONIC:
        for content in ballot_contents(poll):
            if content:
                tally[code_of[content[0]]] += 1
    else:
        for option_id, count in TellerCount.objects.filter(poll=poll).values_list(
            "option_id", "count"
        ):
            tally[code_of[option_id]] += count
    result = poll.result or {}
    carried = bool(result.get("carried"))
    majority = rulebook.majority(queries.edition_for(poll.meeting), decision)
    how = poll.get_voting_display().lower()
    if poll.voting == "electronic":
        how = "electronic secret ballot" if poll.secret else "electronic named vote"
    basis = "of those present" if majority.basis == "present" else "of the votes cast"
    present = f", {poll.present_at_close} present" if majority.basis == "present" else ""
    text = (
        f"{tally['yes']} for, {tally['no']} against, {tally['abstain']} abstaining{present} "
        f"({how}); a {majority.title} {basis} was required (clause {majority.clause}): "
        + ("carried." if carried else "lost.")
    )
    return Figures(tally["yes"], tally["no"], tally["abstain"], carried, text)


def _put_to_vote(
    meeting: Any,
    *,
    title: str,
    question: str,
    decision: str,
    voting: str,
    secret: bool,
    agenda_item: Any,
    kind: str,
    acting_user: Any,
) -> Any:
    from moot.polls.actions import PollError, do_create_poll, do_open_poll

    if meeting.state == "closed":
        raise MotionError("The meeting has closed; nothing more can be put to its vote.")
    majority = majority_for(meeting, decision)
    try:
        poll = do_create_poll(
            title=title[:300],
            question=question,
            kind=kind,
            method="yes-no",
            voting=voting,
            secret=secret and voting == "electronic",
            meeting=meeting,
            agenda_item=agenda_item,
            majority=poll_majority_name(majority),
            majority_basis=majority.basis,
            acting_user=acting_user,
        )
        return do_open_poll(poll, acting_user=acting_user)
    except PollError as exc:
        raise MotionError(exc.message, clause=exc.clause, field=exc.field) from exc


def _close(poll: Any, acting_user: Any) -> Any:
    from moot.polls.actions import PollError, do_close_poll

    if poll.state == "closed":
        return poll
    try:
        return do_close_poll(poll, acting_user=acting_user)
    except PollError as exc:
        raise MotionError(exc.message, clause=exc.clause) from exc


# ---------------------------------------------------------------------------------------------
# Tabling


def check_mover(meeting: Any, member: Any, role: str, *, acting_user: Any = None) -> None:
    """A mover or seconder must be a member of the meeting's unit, eligible to take part on the
    meeting's date. The rulebook's reasons and clause go to whoever may see the member's record
    (``members.view_member``); anyone else is told only that the rulebook does not allow it —
    the reason may be a suspension pending investigation, and typing a membership number into
    a form must not reveal that."""
    from moot.members.queries import eligibility, member_belongs_to

    if member is None:
        raise MotionError(f"Name the {role}: a motion must be moved and seconded.", field=role)
    if not member_belongs_to(member, meeting.unit):
        raise MotionError(
            f"{member.full_name} is not a member of {meeting.unit.name} and cannot be the {role}.",
            field=role,
        )
    verdict = eligibility(member, "meeting", meeting.unit, at=queries.meeting_date(meeting))
    if verdict.allowed:
        return
    if acting_user is None or not acting_user.has_perm("members.view_member", member):
        raise MotionError(
            f"{member.full_name} cannot be the {role} under the rulebook on "
            f"{queries.meeting_date(meeting):%d %B %Y}. {member.first_name} and the unit's "
            "secretary can see why.",
            field=role,
        )
    text, clause = _reasons(verdict)
    raise MotionError(f"{member.full_name} cannot be the {role}: {text}", clause=clause, field=role)


def check_deadline(meeting: Any, tabled_on: datetime.date) -> str:
    """Refuse a motion tabled after the rulebook's deadline; return the clause that allows it."""
    from moot import rulebook

    verdict = rulebook.check_motion_deadline(
        queries.edition_for(meeting),
        meeting.kind,
        meeting_date=queries.meeting_date(meeting),
        tabled_on=tabled_on,
    )
    text, clause = _reasons(verdict)
    if not verdict.allowed:
        raise MotionError(f"Too late to table this motion: {text}", clause=clause)
    return clause


def check_tabled_by(meeting: Any, acting_user: Any, proposer_kind: str, mover: Any) -> None:
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
                f"{name} is not affiliated to {unit.name} on {on:%d %B %Y}; only affiliated "
                "organisations may table motions.",
                field="proposer",
            )
    else:
        raise MotionError(
            f"Unknown proposer {kind!r}: a motion comes from a member, a branch or an "
            "affiliated organisation.",
            field="proposer_kind",
        )


@transaction.atomic
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
    acting_user: Any,
) -> Motion:
    """Table a motion for ``meeting`` before the rulebook's deadline.

    ``proposer`` is the member (default: the mover), the branch (a Unit under the meeting's unit)
    or the affiliated organisation. ``affiliate_to`` makes it a motion to affiliate to that
    outside organisation: it may be tabled even when the organisation is proscribed, and is then
    flagged at once (it could not take effect)."""
    from moot.members.models import Member

    title = " ".join(title.split())
    if not title:
        raise MotionError("Give the motion a title.", field="title")
    if not text.strip():
        raise MotionError("Write the text of the motion.", field="text")
    if meeting.state == "closed":
        raise MotionError("The meeting has closed; motions can no longer be tabled for it.")
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
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise MotionError("That agenda item belongs to another meeting.", field="agenda_item")
    if agenda_item is None:
        agenda_item = meeting.items.filter(kind="motion").order_by("position").first()
    _lock_meeting(meeting)  # numbers are given out one at a time
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
    record(
        actor=acting_user,
        verb="motions.table",
        obj=motion,
        after={**snapshot(motion), "text": motion.text, "tabled_on": tabled_on},
        clause=clause,
    )
    return motion


# ---------------------------------------------------------------------------------------------
# Competence rulings and challenges


@transaction.atomic
def do_rule_on_motion(
    motion: Motion,
    *,
    decision: str,
    reasons: str,
    clause: str = "",
    category: str = "",
    referred_to: str = "",
    by: str | None = None,
    acting_user: Any,
) -> Ruling:
    """Rule the motion competent, not competent or referred, citing a clause (or a category of
    ``edition.not_competent``, whose clause is then cited) with written reasons — refused
    without them. ``by`` is "chair" or "national_office" (by default from the ruler's role)."""
    motion = _lock(motion)
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
            "before it is put to the vote."
        )
    current = queries.current_ruling(motion)
    if current is not None and current.challenge == ChallengeOutcome.PENDING:
        raise MotionError("A challenge to the current ruling is being voted on; close it first.")
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
    motion.save(update_fields=["state", "updated_at"])
    record(
        actor=acting_user,
        verb="motions.rule",
        obj=ruling,
        object_repr=f"Ruling on motion {motion.number}: {motion.title}"[:300],
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


@transaction.atomic
def do_challenge_ruling(
    ruling: Ruling,
    *,
    moved_by: Any = None,
    voting: str = "show_of_hands",
    secret: bool = False,
    acting_user: Any,
) -> Ruling:
    """Put a challenge to the chair's ruling to the meeting: a yes/no vote "that the chair's
    ruling be overturned", which needs the rulebook's ``overturn_chair`` majority (two-thirds)."""
    ruling = Ruling.objects.select_for_update().select_related("motion__meeting").get(pk=ruling.pk)
    motion = ruling.motion
    if ruling.by != RulingBy.CHAIR:
        raise MotionError(
            "Only the chair's ruling can be challenged by the meeting; a ruling by national "
            "office stands unless national office reviews it."
        )
    current = queries.current_ruling(motion)
    if current is None or current.pk != ruling.pk:
        raise MotionError("A later ruling replaced this one; challenge that ruling instead.")
    if ruling.challenge:
        raise MotionError(
            f"This ruling has already been challenged ({ruling.get_challenge_display()})."
        )
    if moved_by is not None:
        check_mover(motion.meeting, moved_by, "challenger", acting_user=acting_user)
    poll = _put_to_vote(
        motion.meeting,
        title=f"Challenge to the chair's ruling on motion {motion.number}",
        question=(
            f"That the chair's ruling that motion {motion.number} ({motion.title}) is "
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
        verb="motions.challenge_ruling",
        obj=ruling,
        object_repr=f"Ruling on motion {motion.number}: {motion.title}"[:300],
        after={
            "poll": poll.pk,
            "majority": poll.majority,
            "moved_by": moved_by.number if moved_by else None,
        },
    )
    return ruling


@transaction.atomic
def do_close_challenge(ruling: Ruling, *, acting_user: Any) -> Ruling:
    """Close the challenge vote and apply it: carried by the required majority, the ruling is
    overturned (a motion ruled out is admitted; a motion ruled competent is ruled out)."""
    ruling = Ruling.objects.select_for_update().select_related("motion__meeting").get(pk=ruling.pk)
    if ruling.challenge != ChallengeOutcome.PENDING or ruling.challenge_poll is None:
        raise MotionError("There is no challenge to this ruling being voted on.")
    poll = _close(ruling.challenge_poll, acting_user)
    figures = figures_of(poll, "overturn_chair")
    motion = _lock(ruling.motion)
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
        motion.save(update_fields=["state", "updated_at"])
    record(
        actor=acting_user,
        verb="motions.challenge_result",
        obj=ruling,
        object_repr=f"Ruling on motion {motion.number}: {motion.title}"[:300],
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


# ---------------------------------------------------------------------------------------------
# Amendments


def _check_amendable(motion: Motion) -> None:
    if motion.state not in {MotionState.TABLED, MotionState.ADMITTED}:
        raise MotionError(
            f"Motion {motion.number} is {motion.get_state_display()}; it can be amended only "
            "before it is put to the vote."
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


@transaction.atomic
def do_propose_amendment(
    motion: Motion,
    *,
    action: str,
    line_from: int,
    line_to: int | None = None,
    text: str = "",
    mover: Any,
    seconder: Any = None,
    acting_user: Any,
) -> Amendment:
    """Propose an amendment to lines of the motion as tabled (replace, insert after, delete)."""
    motion = _lock(motion)
    _check_amendable(motion)
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
        verb="motions.propose_amendment",
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


@transaction.atomic
def do_accept_amendment(amendment: Amendment, *, acting_user: Any) -> Amendment:
    """The mover accepts the amendment: it becomes part of the motion's text without a vote."""
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    motion = _lock(amendment.motion)
    _check_amendable(motion)
    if amendment.state != AmendmentState.PROPOSED:
        raise MotionError(
            f"Amendment {amendment.number} is {amendment.get_state_display()}; only a proposed "
            "amendment can be accepted."
        )
    _check_applies(motion, amendment)
    before, after = _apply(motion, amendment, AmendmentState.ACCEPTED)
    record(
        actor=acting_user,
        verb="motions.accept_amendment",
        obj=amendment,
        before={"state": AmendmentState.PROPOSED, "motion_text": before},
        after={"state": amendment.state, "motion_text": after},
        reason=f"accepted by the mover of motion {motion.number}",
    )
    return amendment


@transaction.atomic
def do_withdraw_amendment(amendment: Amendment, *, acting_user: Any) -> Amendment:
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    if amendment.state != AmendmentState.PROPOSED:
        raise MotionError(
            f"Amendment {amendment.number} is {amendment.get_state_display()}; only a proposed "
            "amendment can be withdrawn."
        )
    amendment.state = AmendmentState.WITHDRAWN
    amendment.save(update_fields=["state"])
    record(
        actor=acting_user,
        verb="motions.withdraw_amendment",
        obj=amendment,
        before={"state": AmendmentState.PROPOSED},
        after={"state": amendment.state},
    )
    return amendment


@transaction.atomic
def do_open_amendment_vote(
    amendment: Amendment, *, voting: str = "show_of_hands", secret: bool = False, acting_user: Any
) -> Amendment:
    """Put the amendment to the vote (the rulebook's ``amendment`` majority)."""
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    motion = _lock(amendment.motion)
    _check_amendable(motion)
    if amendment.state != AmendmentState.PROPOSED:
        raise MotionError(
            f"Amendment {amendment.number} is {amendment.get_state_display()}; only a proposed "
            "amendment can be put to the vote."
        )
    _check_applies(motion, amendment)
    if motion.amendments.filter(state=AmendmentState.VOTING).exists():
        raise MotionError(
            "Another amendment is being voted on; amendments are taken one at a time."
        )
    amendment.poll = _put_to_vote(
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
        verb="motions.amendment_vote",
        obj=amendment,
        before={"state": AmendmentState.PROPOSED},
        after={"state": amendment.state, "poll": amendment.poll_id},
    )
    return amendment


@transaction.atomic
def do_close_amendment_vote(amendment: Amendment, *, acting_user: Any) -> Amendment:
    """Close the amendment's vote; carried, it becomes part of the motion's text."""
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    if amendment.state != AmendmentState.VOTING or amendment.poll is None:
        raise MotionError(f"Amendment {amendment.number} is not being voted on.")
    motion = _lock(amendment.motion)
    poll = _close(amendment.poll, acting_user)
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
        verb="motions.amendment_result",
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


# ---------------------------------------------------------------------------------------------
# Composites


@transaction.atomic
def do_composite_motions(
    motions: Sequence[Motion],
    *,
    title: str,
    text: str,
    mover: Any,
    seconder: Any,
    acting_user: Any,
) -> Motion:
    """Merge several motions of one meeting into one composite motion; the originals are linked
    to it and marked composited. No deadline check: the originals were tabled in time."""
    if len({m.pk for m in motions}) < 2:
        raise MotionError("Choose at least two motions to composite.", field="motions")
    locked = [_lock(m) for m in sorted(motions, key=lambda m: m.pk)]
    meeting = locked[0].meeting
    for motion in locked:
        if motion.meeting_id != meeting.pk:
            raise MotionError("Only motions to the same meeting can be composited.")
        if motion.state not in {MotionState.TABLED, MotionState.ADMITTED}:
            raise MotionError(
                f"Motion {motion.number} is {motion.get_state_display()}; only motions not yet "
                "voted on can be composited."
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
    _lock_meeting(meeting)
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
            verb="motions.composited",
            obj=motion,
            before={"state": before},
            after={"state": motion.state, "composited_into": composite.pk},
        )
    record(
        actor=acting_user,
        verb="motions.composite",
        obj=composite,
        after={
            **snapshot(composite),
            "text": composite.text,
            "originals": [m.number for m in locked],
        },
    )
    return composite


# ---------------------------------------------------------------------------------------------
# The vote on the motion and its outcome


@transaction.atomic
def do_open_motion_vote(
    motion: Motion, *, voting: str = "show_of_hands", secret: bool = False, acting_user: Any
) -> Motion:
    """Put the motion as amended to the vote: a yes/no poll at the meeting with the rulebook's
    ``motion`` majority; counted show of hands (tellers), paper, or electronic (named/secret)."""
    motion = _lock(motion)
    if motion.state not in {MotionState.TABLED, MotionState.ADMITTED}:
        raise MotionError(
            f"Motion {motion.number} is {motion.get_state_display()}; it cannot be put to the vote."
        )
    current = queries.current_ruling(motion)
    if current is not None and current.challenge == ChallengeOutcome.PENDING:
        raise MotionError(
            "A challenge to the chair's ruling on this motion is being voted on; close it first."
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
            "before the motion is put."
        )
    text = queries.text_as_amended(motion)
    motion.poll = _put_to_vote(
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
        verb="motions.open_vote",
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


@transaction.atomic
def do_close_motion_vote(motion: Motion, *, acting_user: Any) -> Motion:
    """Close the motion's poll (counted by moot.polls) and record the outcome on the motion."""
    motion = _lock(motion)
    if motion.poll is None:
        raise MotionError(f"Motion {motion.number} has not been put to the vote.")
    _close(motion.poll, acting_user)
    return do_record_motion_outcome(motion, acting_user=acting_user)


@transaction.atomic
def do_record_motion_outcome(motion: Motion, *, acting_user: Any) -> Motion:
    """Copy the result of the motion's closed poll onto it: carried or lost, with the figures.
    A carried motion to affiliate creates the affiliation (``units.actions.do_create_affiliation``,
    decision reference ``motion:<id>``); when the rulebook forbids it (a proscribed
    organisation) the refusal is recorded on the motion with its reason and clause."""
    from moot.units.actions import do_create_affiliation

    motion = _lock(motion)
    if motion.state != MotionState.DEBATED or motion.poll is None:
        raise MotionError(f"Motion {motion.number} has no vote awaiting its outcome.")
    poll = motion.poll
    poll.refresh_from_db()
    if poll.state != "closed":
        raise MotionError("The vote is still open; close it first.")
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
    record(
        actor=acting_user,
        verb="motions.outcome",
        obj=motion,
        before={"state": MotionState.DEBATED},
        after={
            "state": motion.state,
            "yes": figures.yes,
            "no": figures.no,
            "abstain": figures.abstain,
            "poll": poll.pk,
            **affiliation_note,
        },
        clause=majority_for(motion.meeting, "motion").clause,
        reason=figures.text,
    )
    return motion


# ---------------------------------------------------------------------------------------------
# After the vote, and other ways a motion ends


@transaction.atomic
def do_forward_motion(motion: Motion, *, acting_user: Any) -> Motion:
    """Send a carried motion to the parent unit (constituency party → region, branch →
    constituency party); it then appears in the parent's list of received motions."""
    motion = _lock(motion)
    if motion.state != MotionState.CARRIED:
        raise MotionError(
            f"Motion {motion.number} is {motion.get_state_display()}; only a carried motion can "
            "be forwarded."
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
        verb="motions.forward",
        obj=motion,
        before={"state": MotionState.CARRIED},
        after={"state": motion.state, "forwarded_to": parent.pk, "unit": parent.name},
    )
    return motion


@transaction.atomic
def do_withdraw_motion(motion: Motion, *, reason: str = "", acting_user: Any) -> Motion:
    """Withdraw a motion not yet put to the vote (by its mover, or recorded by the chair)."""
    motion = _lock(motion)
    if motion.state not in {MotionState.TABLED, MotionState.ADMITTED}:
        raise MotionError(
            f"Motion {motion.number} is {motion.get_state_display()}; it can be withdrawn only "
            "before it is put to the vote."
        )
    before = motion.state
    motion.state = MotionState.WITHDRAWN
    motion.save(update_fields=["state", "updated_at"])
    record(
        actor=acting_user,
        verb="motions.withdraw",
        obj=motion,
        before={"state": before},
        after={"state": motion.state},
        reason=reason,
    )
    return motion


@transaction.atomic
def do_remit_motion(motion: Motion, *, to: str, acting_user: Any) -> Motion:
    """Remit a motion (with the mover's agreement) to a body, e.g. the executive committee,
    instead of voting on it."""
    motion = _lock(motion)
    if motion.state not in {MotionState.TABLED, MotionState.ADMITTED}:
        raise MotionError(
            f"Motion {motion.number} is {motion.get_state_display()}; only a motion not yet "
            "voted on can be remitted."
        )
    if not to.strip():
        raise MotionError("Say to whom the motion is remitted.", field="to")
    before = motion.state
    motion.state = MotionState.REMITTED
    motion.save(update_fields=["state", "updated_at"])
    record(
        actor=acting_user,
        verb="motions.remit",
        obj=motion,
        before={"state": before},
        after={"state": motion.state, "remitted_to": to.strip()},
    )
    return motion
