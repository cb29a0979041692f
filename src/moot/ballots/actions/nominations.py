"""Nominations, consent, statements and withdrawals before the freeze (issue 11 item 2).

A nominating unit (a kind the ballot's ``nominating_kinds`` allows, inside the ballot's unit)
nominates by a decision at one of its meetings: a closed poll of that meeting, held within the
nominations window, whose winners (FPTP or STV, as the unit chose) become its nominees. Its
secretary records it. An affiliated organisation (where ``nominating_kinds`` has "affiliate")
nominates by its own procedure; the ballot's manager records it with the organisation's
reference. Each refusal says what and why, with its clause, and writes nothing.

Whose act it is (the unit's secretary, the candidate alone) is decided here; whether the person
manages the ballot is decided by ``access_ballot(..., for_write=True)`` in the page or API.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from moot.accounts.roles import SECRETARY_POSTS, roles_of
from moot.audit.actions import record
from moot.ballots.audit_verbs import AuditVerb
from moot.ballots.errors import BallotError, RefusalCode
from moot.ballots.models import Ballot, BallotState, Candidate, Nomination, NominationPoll
from moot.errors import Refusal
from moot.text import check_text as _check_text

STATEMENT_LIMIT = 2000  # characters; what a ballot paper's insert can carry
AFFILIATE = "affiliate"


def check_text(value: str, *, field: str, **limits: Any) -> str:
    """``moot.text.check_text`` with this app's refusal (pages catch ``BallotError``)."""
    try:
        return _check_text(value, field=field, **limits)
    except Refusal as exc:
        raise BallotError(str(exc), field=field, code=RefusalCode.INVALID) from exc


def long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _lock(ballot: Ballot) -> Ballot:
    return Ballot.objects.select_for_update(of=("self",)).get(pk=ballot.pk)


def check_before_freeze(ballot: Ballot, what: str) -> None:
    """Nominations, consent, statements, photos and withdrawals are for a draft ballot: at the
    freeze the candidates on the ballot and what voters read of them are fixed."""
    if ballot.state != BallotState.DRAFT:
        when = (
            f" on {long_date(timezone.localtime(ballot.frozen_at).date())}"
            if ballot.frozen_at
            else ""
        )
        raise BallotError(
            f"{what} is refused: the ballot's candidates were fixed at the freeze{when}; "
            "after the issue a change is recorded as an event by the returning officer.",
            clause=ballot.clause,
            code=RefusalCode.STATE,
        )


def check_window(ballot: Ballot, day: datetime.date, *, what: str) -> None:
    """``day`` (the meeting's date, or the affiliate's decision's) must be in the window."""
    if ballot.nominations_open is None or ballot.nominations_close is None:
        raise BallotError(
            "Nominations are not open: the ballot's timetable has no nominations window yet.",
            clause=ballot.clause,
            field="nominations_open",
            code=RefusalCode.STATE,
        )
    if not ballot.nominations_open <= day <= ballot.nominations_close:
        raise BallotError(
            f"{what} on {long_date(day)} is outside the nominations window "
            f"({long_date(ballot.nominations_open)} to {long_date(ballot.nominations_close)}).",
            clause=ballot.clause,
            field="poll",
            code=RefusalCode.RULE,
        )


def check_may_stand(ballot: Ballot, member: Any, on: datetime.date) -> None:
    """The rulebook's "stand" eligibility in the ballot's unit on the day of the nomination."""
    from moot.members.queries import eligibility

    verdict = eligibility(member, "stand", ballot.unit, on)
    if not verdict.allowed:
        reasons = "; ".join(r.text for r in verdict.reasons if r.text) or "not eligible"
        clause = next((r.clause for r in verdict.reasons if r.clause), "")
        raise BallotError(
            f"{member.full_name} may not stand in this ballot on {long_date(on)}: {reasons}.",
            clause=clause,
            field="nominee",
            code=RefusalCode.INELIGIBLE,
        )


def poll_nominees(poll: Any) -> list[Any]:
    """The members a closed poll elected, in the order the count elected them: the options
    named in the stored result's ``elected`` that stand for a member."""
    elected = list((poll.result or {}).get("elected") or [])
    by_label = {o.label: o for o in poll.options.select_related("member")}
    members = []
    for label in elected:
        option = by_label.get(label)
        if option is None or option.member is None:
            raise BallotError(
                f"The poll's winner {label!r} is not a member of the register: a nomination "
                "names members; record the poll with members as its candidates.",
                field="poll",
                code=RefusalCode.INVALID,
            )
        members.append(option.member)
    return members


def _candidate_for(ballot: Ballot, member: Any) -> Candidate:
    candidate = Candidate.objects.filter(ballot=ballot, member=member).first()
    if candidate is None:
        candidate = Candidate.objects.create(
            ballot=ballot,
            member=member,
            name=member.full_name,
            woman=member.gender == "woman",
        )
    return candidate


def _check_unit(ballot: Ballot, unit: Any) -> None:
    if unit.kind not in (ballot.nominating_kinds or []):
        allowed = ", ".join(ballot.nominating_kinds or []) or "nobody"
        raise BallotError(
            f"{unit.name} is a {unit.get_kind_display()}: this ballot takes nominations from "
            f"{allowed} only.",
            clause=ballot.clause,
            field="unit",
            code=RefusalCode.RULE,
        )
    if not unit.path.startswith(ballot.unit.path):
        raise BallotError(
            f"{unit.name} is not part of {ballot.unit.name}, whose members this ballot is for.",
            clause=ballot.clause,
            field="unit",
            code=RefusalCode.RULE,
        )


def is_unit_secretary(user: Any, unit: Any) -> bool:
    """The secretary of ``unit`` itself (not of a unit above it: a unit's nomination is its
    own officers' record)."""
    return unit.pk in roles_of(user).office_units(SECRETARY_POSTS)


def check_unit_nomination(ballot: Ballot, unit: Any, poll: Any, acting_user: Any) -> list[Any]:
    """Everything that can refuse a unit's nomination; the nominees when it may be recorded."""
    check_before_freeze(ballot, "A nomination")
    _check_unit(ballot, unit)
    if not is_unit_secretary(acting_user, unit):
        raise BallotError(
            f"Only the secretary of {unit.name} records its nominations.",
            field="unit",
            code=RefusalCode.FORBIDDEN,
        )
    meeting = poll.meeting
    if meeting is None or meeting.unit_id != unit.pk:
        raise BallotError(
            f"A nomination by {unit.name} is decided at one of its meetings: choose a poll "
            f"held at a meeting of {unit.name}.",
            clause=ballot.clause,
            field="poll",
            code=RefusalCode.INVALID,
        )
    if not poll.is_closed:
        raise BallotError(
            "The poll is not closed yet: the nomination is its result, so close it first.",
            field="poll",
            code=RefusalCode.STATE,
        )
    day = timezone.localtime(meeting.starts_at).date()
    check_window(ballot, day, what=f"The meeting of {unit.name}")
    if not NominationPoll.objects.filter(ballot=ballot, poll=poll).exists():
        raise BallotError(
            f"The poll {poll.title!r} was not held for this ballot's nomination: only a "
            f"nomination vote held at a meeting of {unit.name} for {ballot.title!r} "
            "(Hold a nomination vote) decides its nominees.",
            clause=ballot.clause,
            field="poll",
            code=RefusalCode.INVALID,
        )
    if Nomination.objects.filter(ballot=ballot, unit=unit).exists():
        raise BallotError(
            f"{unit.name} has already recorded its nominations in this ballot; a unit "
            "nominates once.",
            clause=ballot.clause,
            field="unit",
            code=RefusalCode.CONFLICT,
        )
    nominees = poll_nominees(poll)
    if not nominees:
        raise BallotError(
            "The poll elected nobody, so there is nobody to nominate.",
            field="poll",
            code=RefusalCode.INVALID,
        )
    if len(nominees) > ballot.seats:
        raise BallotError(
            f"The poll elected {len(nominees)}; a unit may nominate at most as many as there "
            f"are seats ({ballot.seats}).",
            clause=ballot.clause,
            field="poll",
            code=RefusalCode.RULE,
        )
    for member in nominees:
        check_may_stand(ballot, member, day)
        check_not_an_officer(ballot, member)
    return nominees


def check_not_an_officer(ballot: Ballot, member: Any) -> None:
    """A ballot's returning officer, scrutineer or teller may not be nominated in it: they
    resign the role first (an officer who stood would run or check their own election)."""
    from moot.ballots.actions.officers import officer_roles

    if member.user_id is None:
        return
    roles = [r for r in officer_roles(ballot, member.user) if r != "a candidate"]
    if roles:
        raise BallotError(
            f"{member.full_name} is {roles[0]} of this ballot and may not be nominated in it: "
            "they resign the role first, then the nomination can be recorded.",
            clause=ballot.clause,
            field="nominee",
            code=RefusalCode.CONFLICT,
        )


def nomination_poll_title(ballot: Ballot, unit: Any) -> str:
    """The title of a unit's nomination vote: it names the ballot it nominates for."""
    return f"{unit.name}: nominations for {ballot.title}"


@transaction.atomic(durable=True)
def do_hold_nomination_vote(
    ballot: Ballot,
    *,
    meeting: Any,
    nominees: list[Any],
    seats: int | None = None,
    method: str = "plurality",
    voting: str = "show_of_hands",
    agenda_item: Any = None,
    acting_user: Any,
) -> Any:
    """Set up, at a meeting of a nominating unit, the poll that decides the unit's nominees in
    ``ballot`` (a draft poll of the polls app, its options the members proposed; ``seats``
    nominees at most, the ballot's seats by default) and link it to the ballot: only such a
    poll may later be recorded as the unit's nomination (``do_record_unit_nomination``)."""
    from moot.polls.actions import do_create_poll

    ballot = _lock(ballot)
    check_before_freeze(ballot, "A nomination vote")
    unit = meeting.unit
    _check_unit(ballot, unit)
    if not is_unit_secretary(acting_user, unit):
        raise BallotError(
            f"Only the secretary of {unit.name} holds its nomination vote.",
            field="meeting",
            code=RefusalCode.FORBIDDEN,
        )
    day = timezone.localtime(meeting.starts_at).date()
    check_window(ballot, day, what=f"The meeting of {unit.name}")
    if not nominees:
        raise BallotError(
            "Name at least one member proposed for nomination.",
            field="nominees",
            code=RefusalCode.INVALID,
        )
    if len({m.pk for m in nominees}) != len(nominees):
        raise BallotError(
            "A member is proposed twice: name each member once.",
            field="nominees",
            code=RefusalCode.INVALID,
        )
    seats = min(ballot.seats, len(nominees)) if seats is None else seats
    if not 1 <= seats <= ballot.seats:
        raise BallotError(
            f"A unit may nominate between 1 and {ballot.seats} (the ballot's seats); "
            f"{seats} asked.",
            clause=ballot.clause,
            field="seats",
            code=RefusalCode.RULE,
        )
    for member in nominees:
        check_may_stand(ballot, member, day)
        check_not_an_officer(ballot, member)
    poll = do_create_poll(
        title=nomination_poll_title(ballot, unit),
        kind="election",
        method=method,
        options=[(m.full_name, m) for m in nominees],
        seats=seats,
        voting=voting,
        meeting=meeting,
        agenda_item=agenda_item,
        acting_user=acting_user,
    )
    NominationPoll.objects.create(ballot=ballot, poll=poll, unit=unit, created_by=acting_user)
    record(
        actor=acting_user,
        verb=AuditVerb.HOLD_NOMINATION_VOTE,
        obj=ballot,
        after={
            "unit": unit.pk,
            "meeting": meeting.pk,
            "poll": poll.pk,
            "seats": seats,
            "proposed": [m.pk for m in nominees],
        },
        clause=ballot.clause,
    )
    return poll


@transaction.atomic(durable=True)
def do_record_unit_nomination(
    ballot: Ballot, *, unit: Any, poll: Any, acting_user: Any
) -> list[Nomination]:
    """Record ``unit``'s nominations: the winners of ``poll`` (closed, at a meeting of the unit
    within the window), each eligible to stand. One audit event for the unit's nominations."""
    ballot = _lock(ballot)
    nominees = check_unit_nomination(ballot, unit, poll, acting_user)
    nominations = [
        Nomination.objects.create(
            ballot=ballot,
            candidate=_candidate_for(ballot, member),
            unit=unit,
            meeting=poll.meeting,
            poll=poll,
            reference=f"poll:{poll.pk}",
            recorded_by=acting_user,
        )
        for member in nominees
    ]
    record(
        actor=acting_user,
        verb=AuditVerb.RECORD_UNIT_NOMINATION,
        obj=ballot,
        after={
            "unit": unit.pk,
            "poll": poll.pk,
            "meeting": poll.meeting_id,
            "candidates": [n.candidate_id for n in nominations],
        },
        clause=ballot.clause,
    )
    return nominations


@transaction.atomic(durable=True)
def do_record_affiliate_nomination(
    ballot: Ballot,
    *,
    organisation: Any,
    member: Any,
    reference: str,
    decided_on: datetime.date,
    acting_user: Any,
) -> Nomination:
    """Record an affiliated organisation's nomination of ``member`` (the manager records it,
    with the organisation's reference: its letter or decision)."""
    from moot.units.queries import current_affiliation

    ballot = _lock(ballot)
    check_before_freeze(ballot, "A nomination")
    if AFFILIATE not in (ballot.nominating_kinds or []):
        raise BallotError(
            "This ballot takes no nominations from affiliated organisations.",
            clause=ballot.clause,
            field="organisation",
            code=RefusalCode.RULE,
        )
    reference = check_text(reference.strip(), field="reference", max_length=200)
    if not reference:
        raise BallotError(
            "Give the organisation's reference (its letter or decision) for the record.",
            field="reference",
            code=RefusalCode.INVALID,
        )
    check_window(ballot, decided_on, what=f"{organisation.name}'s decision")
    if current_affiliation(ballot.unit, organisation, decided_on) is None:
        raise BallotError(
            f"{organisation.name} was not affiliated to {ballot.unit.name} on "
            f"{long_date(decided_on)}, so it may not nominate.",
            clause=ballot.clause,
            field="organisation",
            code=RefusalCode.RULE,
        )
    if Nomination.objects.filter(ballot=ballot, organisation=organisation).exists():
        raise BallotError(
            f"{organisation.name} has already nominated in this ballot; an organisation "
            "nominates once.",
            clause=ballot.clause,
            field="organisation",
            code=RefusalCode.CONFLICT,
        )
    check_may_stand(ballot, member, decided_on)
    check_not_an_officer(ballot, member)
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                ballot=ballot,
                candidate=_candidate_for(ballot, member),
                organisation=organisation,
                reference=reference,
                recorded_by=acting_user,
            )
    except IntegrityError as exc:  # pragma: no cover - the checks above come first
        raise BallotError(
            "That nomination is already recorded.", code=RefusalCode.CONFLICT
        ) from exc
    record(
        actor=acting_user,
        verb=AuditVerb.RECORD_AFFILIATE_NOMINATION,
        obj=ballot,
        after={
            "organisation": organisation.pk,
            "candidate": nomination.candidate_id,
            "reference": reference,
            "decided_on": decided_on,
        },
        clause=ballot.clause,
    )
    return nomination


def _lock_candidate(candidate: Candidate) -> tuple[Ballot, Candidate]:
    ballot = _lock(candidate.ballot)
    candidate = (
        Candidate.objects.select_for_update(of=("self",))
        .select_related("member")
        .get(pk=candidate.pk)
    )
    return ballot, candidate


def check_own_candidacy(candidate: Candidate, acting_user: Any) -> None:
    if candidate.member is None or candidate.member.user_id != getattr(acting_user, "pk", None):
        raise BallotError(
            "Only the candidate may do this, signed in to their own account.",
            code=RefusalCode.FORBIDDEN,
        )


def _check_not_withdrawn(candidate: Candidate) -> None:
    if candidate.withdrawn_at is not None:
        raise BallotError(
            f"{candidate.name} withdrew on "
            f"{long_date(timezone.localtime(candidate.withdrawn_at).date())}.",
            code=RefusalCode.STATE,
        )


@transaction.atomic(durable=True)
def do_consent_candidacy(candidate: Candidate, *, acting_user: Any) -> Candidate:
    """The candidate consents to stand (their own act, signed in)."""
    ballot, candidate = _lock_candidate(candidate)
    check_own_candidacy(candidate, acting_user)
    check_before_freeze(ballot, "Consent")
    _check_not_withdrawn(candidate)
    if candidate.consented_at is not None:
        raise BallotError(
            f"You consented on {long_date(timezone.localtime(candidate.consented_at).date())}.",
            code=RefusalCode.CONFLICT,
        )
    candidate.consented_at = timezone.now()
    candidate.save(update_fields=["consented_at"])
    record(
        actor=acting_user,
        verb=AuditVerb.CONSENT_CANDIDACY,
        obj=candidate,
        after={"ballot": ballot.pk, "consented_at": candidate.consented_at},
    )
    return candidate


@transaction.atomic(durable=True)
def do_update_candidate_statement(
    candidate: Candidate, statement: str, *, acting_user: Any
) -> Candidate:
    """The candidate's own statement, shown to every voter (plain text, line breaks kept)."""
    ballot, candidate = _lock_candidate(candidate)
    check_own_candidacy(candidate, acting_user)
    check_before_freeze(ballot, "A change to the statement")
    _check_not_withdrawn(candidate)
    statement = check_text(
        statement.strip().replace("\r\n", "\n"),
        field="statement",
        single_line=False,
        max_length=STATEMENT_LIMIT,
    )
    if statement == candidate.statement:
        raise BallotError("The statement is unchanged.", field="statement", code="conflict")
    before = {"length": len(candidate.statement)}
    candidate.statement = statement
    candidate.save(update_fields=["statement"])
    record(
        actor=acting_user,
        verb=AuditVerb.UPDATE_CANDIDATE_STATEMENT,
        obj=candidate,
        before=before,
        after={"ballot": ballot.pk, "length": len(statement)},
    )
    return candidate


@transaction.atomic(durable=True)
def do_set_candidate_woman(candidate: Candidate, *, woman: bool, acting_user: Any) -> Candidate:
    """The candidate's own description as a woman (self-described; it counts toward the
    ballot's women's minimum), which only they set or correct, before the freeze."""
    ballot, candidate = _lock_candidate(candidate)
    check_own_candidacy(candidate, acting_user)
    check_before_freeze(ballot, "A change to how you describe yourself")
    _check_not_withdrawn(candidate)
    if candidate.woman == woman:
        raise BallotError(
            "That is already what your candidacy says.", field="woman", code=RefusalCode.CONFLICT
        )
    candidate.woman = woman
    candidate.save(update_fields=["woman"])
    record(
        actor=acting_user,
        verb=AuditVerb.SET_CANDIDATE_WOMAN,
        obj=candidate,
        before={"woman": not woman},
        after={"ballot": ballot.pk, "woman": woman},
        clause=ballot.clause,
    )
    return candidate


def _tell_candidate(candidate: Candidate, what: str, authority: str) -> None:
    from moot.ballots.event_tasks import tell_candidate
    from moot.on_commit import enqueue_on_commit

    enqueue_on_commit(tell_candidate, candidate.pk, what, authority)


@transaction.atomic(durable=True)
def do_withdraw_candidacy(
    candidate: Candidate, *, reason: str, manager: bool = False, acting_user: Any
) -> Candidate:
    """Withdraw before the freeze. Withdrawal is the candidate's own act: the candidate
    themself, or the ballot's manager (``manager`` says the page checked that right) with the
    reference of the candidate's written request as ``reason``; then the candidate is
    e-mailed at once, and may be reinstated before the freeze (``do_reinstate_candidacy``)."""
    ballot, candidate = _lock_candidate(candidate)
    own = candidate.member is not None and candidate.member.user_id == getattr(
        acting_user, "pk", None
    )
    if not manager:
        check_own_candidacy(candidate, acting_user)
    check_before_freeze(ballot, "A withdrawal")
    _check_not_withdrawn(candidate)
    reason = check_text(reason.strip(), field="reason", max_length=500)
    if manager and not own and not reason:
        raise BallotError(
            f"A withdrawal is {candidate.name}'s own act: give the reference of their written "
            "request (their letter or e-mail); they are told at once.",
            field="reason",
            clause=ballot.clause,
            code=RefusalCode.INVALID,
        )
    candidate.withdrawn_at = timezone.now()
    candidate.save(update_fields=["withdrawn_at"])
    record(
        actor=acting_user,
        verb=AuditVerb.WITHDRAW_CANDIDACY,
        obj=candidate,
        after={"ballot": ballot.pk, "withdrawn_at": candidate.withdrawn_at, "own": own},
        reason=reason,
    )
    if not own:
        _tell_candidate(
            candidate, "withdrawn by the ballot's manager", f"your written request: {reason}"
        )
    return candidate


@transaction.atomic(durable=True)
def do_reinstate_candidacy(
    candidate: Candidate, *, reason: str = "", manager: bool = False, acting_user: Any
) -> Candidate:
    """Undo a withdrawal before the freeze: the candidate themself, or the ballot's manager
    (``manager``: the page checked that right) with a reason; the candidate is told."""
    ballot, candidate = _lock_candidate(candidate)
    own = candidate.member is not None and candidate.member.user_id == getattr(
        acting_user, "pk", None
    )
    if not manager:
        check_own_candidacy(candidate, acting_user)
    check_before_freeze(ballot, "A reinstatement")
    if candidate.withdrawn_at is None:
        raise BallotError(
            f"{candidate.name} has not withdrawn, so there is nothing to reinstate.",
            code=RefusalCode.STATE,
        )
    reason = check_text(reason.strip(), field="reason", max_length=500)
    if not own and not reason:
        raise BallotError(
            "Say why the candidacy is reinstated.", field="reason", code=RefusalCode.INVALID
        )
    before = candidate.withdrawn_at
    candidate.withdrawn_at = None
    candidate.save(update_fields=["withdrawn_at"])
    record(
        actor=acting_user,
        verb=AuditVerb.REINSTATE_CANDIDACY,
        obj=candidate,
        before={"withdrawn_at": before},
        after={"ballot": ballot.pk, "withdrawn_at": None, "reinstated": True, "own": own},
        reason=reason or "reinstated by the candidate",
    )
    if not own:
        _tell_candidate(candidate, "reinstated by the ballot's manager", reason)
    return candidate
