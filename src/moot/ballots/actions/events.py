"""Endorsements and post-issue events (issue 11 item 3).

Before the issue an endorsement is recorded or withdrawn by the ballot's manager. After the
issue nothing of the issued ballot is edited: an endorsement withdrawn, a candidate withdrawn,
suspended or reinstated is a ``BallotEvent`` with its authority, clause, the notice voters are
shown and, in aggregate only, how many returns had been received when it was recorded. Events
are refused before the issue (change the definition instead) and after the close.

A suspension recorded in the register (members status → suspended) reaches here through
``moot.members.signals.status_changed`` (members never imports ballots):
``record_suspension_events`` records a candidate_suspended event on every open ballot where the
member is a candidate and mails the returning officer once the change commits.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from moot.audit.actions import record
from moot.ballots.actions.nominations import check_before_freeze, check_text, long_date
from moot.ballots.audit_verbs import AuditVerb
from moot.ballots.errors import BallotError, RefusalCode
from moot.ballots.models import (
    Ballot,
    BallotEvent,
    BallotState,
    Candidate,
    Endorsement,
    EventKind,
    Return,
)
from moot.on_commit import enqueue_on_commit

# A candidate's standing after the events so far: the last event about them decides it.
OFF_BALLOT = frozenset({EventKind.CANDIDATE_WITHDRAWN, EventKind.CANDIDATE_SUSPENDED})
CANDIDATE_KINDS = frozenset(
    {
        EventKind.CANDIDATE_WITHDRAWN,
        EventKind.CANDIDATE_SUSPENDED,
        EventKind.CANDIDATE_REINSTATED,
    }
)


def _lock(ballot: Ballot) -> Ballot:
    return Ballot.objects.select_for_update(of=("self",)).get(pk=ballot.pk)


# --- endorsements before the issue ----------------------------------------------------------


def check_endorsement_time(ballot: Ballot) -> None:
    """Endorsements change only while the ballot is a draft: at the freeze what voters read
    is fixed (the definition hashed then); after the issue a withdrawal is an event."""
    if ballot.state == BallotState.FROZEN:
        raise BallotError(
            "The ballot is frozen: its endorsements were fixed with the definition; after the "
            "issue an endorsement withdrawn is recorded as an event.",
            clause=ballot.clause,
            code=RefusalCode.STATE,
        )
    if ballot.state != BallotState.DRAFT:
        raise BallotError(
            "The ballot has been issued: an endorsement withdrawn now is recorded as an event "
            "(with its authority and a notice to voters), and none can be added.",
            clause=ballot.clause,
            code=RefusalCode.STATE,
        )


@transaction.atomic(durable=True)
def do_record_endorsement(
    ballot: Ballot, *, candidate: Candidate, organisation: Any, reference: str, acting_user: Any
) -> Endorsement:
    """An outside organisation (a slate, a faction) endorses a candidate (the manager records
    it, with the reference of the organisation's decision, shown publicly); shown on the ballot
    when the definition's ``show_endorsements`` says so."""
    ballot = _lock(ballot)
    check_endorsement_time(ballot)
    reference = check_text(reference.strip(), field="reference", max_length=200)
    if not reference:
        raise BallotError(
            f"Give the reference of {organisation.name}'s decision to endorse (its letter, "
            "minute or resolution): it is shown with the endorsement.",
            field="reference",
            code=RefusalCode.INVALID,
        )
    if candidate.ballot_id != ballot.pk:
        raise BallotError(
            "That candidate is not in this ballot.", field="candidate", code="not_found"
        )
    if candidate.withdrawn_at is not None:
        raise BallotError(
            f"{candidate.name} has withdrawn.", field="candidate", code=RefusalCode.STATE
        )
    existing = Endorsement.objects.filter(candidate=candidate, organisation=organisation).first()
    if existing is not None:
        raise BallotError(
            f"{organisation.name}'s endorsement of {candidate.name} is already recorded"
            + (" (and was withdrawn)." if existing.withdrawn_at else "."),
            field="organisation",
            code=RefusalCode.CONFLICT,
        )
    endorsement = Endorsement.objects.create(
        ballot=ballot,
        candidate=candidate,
        organisation=organisation,
        reference=reference,
        recorded_by=acting_user,
    )
    record(
        actor=acting_user,
        verb=AuditVerb.RECORD_ENDORSEMENT,
        obj=ballot,
        after={
            "candidate": candidate.pk,
            "organisation": organisation.pk,
            "reference": reference,
        },
    )
    return endorsement


@transaction.atomic(durable=True)
def do_withdraw_endorsement(endorsement: Endorsement, *, acting_user: Any) -> Endorsement:
    """Before the issue an endorsement withdrawn simply ends (the manager records it)."""
    ballot = _lock(endorsement.ballot)
    check_endorsement_time(ballot)
    endorsement = Endorsement.objects.select_for_update(of=("self",)).get(pk=endorsement.pk)
    if endorsement.withdrawn_at is not None:
        raise BallotError("That endorsement is already withdrawn.", code=RefusalCode.CONFLICT)
    endorsement.withdrawn_at = timezone.now()
    endorsement.save(update_fields=["withdrawn_at"])
    record(
        actor=acting_user,
        verb=AuditVerb.WITHDRAW_ENDORSEMENT,
        obj=ballot,
        after={"endorsement": endorsement.pk, "candidate": endorsement.candidate_id},
    )
    return endorsement


# --- post-issue events ----------------------------------------------------------------------


def candidate_standing(candidate: Candidate) -> str:
    """The kind of the last candidate event about ``candidate`` ("" when none)."""
    last = (
        BallotEvent.objects.filter(candidate=candidate, kind__in=CANDIDATE_KINDS)
        .order_by("-occurred_at", "-id")
        .values_list("kind", flat=True)
        .first()
    )
    return last or ""


def _check_event(
    ballot: Ballot, kind: str, candidate: Candidate, endorsement: Endorsement | None
) -> None:
    if ballot.state != BallotState.OPEN:
        if ballot.state in {BallotState.DRAFT, BallotState.FROZEN}:
            message = (
                "The ballot has not been issued: before the issue a candidate withdraws and an "
                "endorsement ends on the nominations pages, not as an event."
            )
        else:
            message = "The ballot is closed: no event can be recorded after the close."
        raise BallotError(message, clause=ballot.clause, code=RefusalCode.STATE)
    if kind not in EventKind.values:
        raise BallotError(
            f"Choose one of: {', '.join(EventKind.labels)}.", field="kind", code="invalid"
        )
    if candidate.ballot_id != ballot.pk or not candidate.on_ballot:
        raise BallotError(
            "That candidate is not on this ballot.", field="candidate", code="not_found"
        )
    standing = candidate_standing(candidate)
    if kind == EventKind.ENDORSEMENT_WITHDRAWN:
        if endorsement is None or endorsement.candidate_id != candidate.pk:
            raise BallotError(
                f"Choose which of {candidate.name}'s endorsements is withdrawn.",
                field="endorsement",
                code=RefusalCode.INVALID,
            )
        if endorsement.withdrawn_at is not None:
            raise BallotError(
                f"{endorsement.organisation.name}'s endorsement was already withdrawn on "
                f"{long_date(timezone.localtime(endorsement.withdrawn_at).date())}.",
                field="endorsement",
                code=RefusalCode.CONFLICT,
            )
    elif kind == EventKind.CANDIDATE_REINSTATED:
        if standing not in OFF_BALLOT:
            raise BallotError(
                f"{candidate.name} is neither withdrawn nor suspended, so cannot be reinstated.",
                field="kind",
                code=RefusalCode.STATE,
            )
    elif standing == kind:
        raise BallotError(
            f"{candidate.name} is already recorded as {EventKind(kind).label.lower()}.",
            field="kind",
            code=RefusalCode.CONFLICT,
        )


def record_event(
    ballot: Ballot,
    *,
    kind: str,
    candidate: Candidate,
    authority: str,
    notice: str,
    clause: str = "",
    endorsement: Endorsement | None = None,
    occurred_at: datetime.datetime | None = None,
    acting_user: Any,
) -> BallotEvent:
    """The event itself, inside the caller's transaction with the ballot locked."""
    _check_event(ballot, kind, candidate, endorsement)
    authority = check_text(authority.strip(), field="authority", single_line=False, max_length=2000)
    notice = check_text(notice.strip(), field="notice", single_line=False, max_length=1000)
    clause = check_text(clause.strip(), field="clause", max_length=120)
    if not authority:
        raise BallotError(
            "Say who decided it and under what (a letter, a panel's decision).",
            field="authority",
            code=RefusalCode.INVALID,
        )
    if not notice:
        raise BallotError(
            "Write the notice voters will read.", field="notice", code=RefusalCode.INVALID
        )
    now = timezone.now()
    occurred_at = occurred_at or now
    if occurred_at > now:
        raise BallotError(
            "An event is recorded once it has happened: the time is in the future.",
            field="occurred_at",
            code=RefusalCode.INVALID,
        )
    returns_before = Return.objects.filter(ballot=ballot).count()
    event = BallotEvent.objects.create(
        ballot=ballot,
        kind=kind,
        candidate=candidate,
        endorsement=endorsement,
        authority=authority,
        clause=clause,
        notice=notice,
        occurred_at=occurred_at,
        returns_before=returns_before,
        recorded_by=acting_user,
    )
    if endorsement is not None:
        endorsement.withdrawn_at = occurred_at
        endorsement.save(update_fields=["withdrawn_at"])
    record(
        actor=acting_user,
        verb=AuditVerb.RECORD_BALLOT_EVENT,
        obj=ballot,
        after={
            "event": event.pk,
            "kind": kind,
            "candidate": candidate.pk,
            "endorsement": endorsement.pk if endorsement else None,
            "occurred_at": occurred_at,
            "returns_before": returns_before,
        },
        clause=clause,
        reason=authority,
    )
    # Postal voters get no e-mail reminder: a notice letter for the next print run (B4).
    from moot.ballots.postal_notices import queue_postal_notices

    queue_postal_notices(ballot)
    return event


@transaction.atomic(durable=True)
def do_record_ballot_event(
    ballot: Ballot,
    *,
    kind: str,
    candidate: Candidate,
    authority: str,
    notice: str,
    clause: str = "",
    endorsement: Endorsement | None = None,
    occurred_at: datetime.datetime | None = None,
    reference: str = "",
    acting_user: Any,
) -> BallotEvent:
    """Record a post-issue event (the manager): refused before the issue and after the close.

    A candidate is recorded as suspended only when the membership register says so (the
    register's own suspensions arrive through ``record_suspension_events``). A withdrawal is
    the candidate's own act: recorded by the candidate, or by the manager with ``reference``
    (the candidate's written request), and the candidate is e-mailed at once; the event is
    public with its authority."""
    from moot.members.models import MemberStatus

    ballot = _lock(ballot)
    _check_event(ballot, kind, candidate, endorsement)
    reference = check_text(reference.strip(), field="reference", max_length=200)
    own = candidate.member is not None and candidate.member.user_id == getattr(
        acting_user, "pk", None
    )
    if kind == EventKind.CANDIDATE_SUSPENDED and (
        candidate.member is None or candidate.member.status != MemberStatus.SUSPENDED
    ):
        raise BallotError(
            f"The membership register does not show {candidate.name} as suspended: a "
            "suspension reaches the ballot from the register, recorded there first.",
            field="kind",
            clause=ballot.clause,
            code=RefusalCode.RULE,
        )
    if kind == EventKind.CANDIDATE_WITHDRAWN and not own and authority.strip():
        if not reference:
            raise BallotError(
                f"A withdrawal is {candidate.name}'s own act: give the reference of their "
                "written request (their letter or e-mail), or let them withdraw themselves.",
                field="reference",
                clause=ballot.clause,
                code=RefusalCode.INVALID,
            )
        authority = f"{authority.strip()} (the candidate's written request: {reference})"
    event = record_event(
        ballot,
        kind=kind,
        candidate=candidate,
        authority=authority,
        notice=notice,
        clause=clause,
        endorsement=endorsement,
        occurred_at=occurred_at,
        acting_user=acting_user,
    )
    if kind in {EventKind.CANDIDATE_WITHDRAWN, EventKind.CANDIDATE_SUSPENDED} and not own:
        from moot.ballots.event_tasks import tell_candidate

        enqueue_on_commit(tell_candidate, candidate.pk, event.get_kind_display(), event.authority)
    return event


def record_suspension_events(
    member: Any, *, start: datetime.date, reference: str, acting_user: Any
) -> list[BallotEvent]:
    """Inside the register's status change: a candidate_suspended event on every open ballot
    where ``member`` is a candidate still on it, and a mail to each ballot's returning officer
    after the commit. The notice says what the register's public wording says, nothing of a
    case."""
    from moot.units.queries import edition_in_force

    clause = edition_in_force().status_clauses.get("suspended", "")
    events = []
    candidates = Candidate.objects.filter(
        member=member, on_ballot=True, ballot__state=BallotState.OPEN
    ).select_related("ballot")
    for candidate in candidates:
        ballot = _lock(candidate.ballot)
        if candidate_standing(candidate) in OFF_BALLOT:
            continue
        event = record_event(
            ballot,
            kind=EventKind.CANDIDATE_SUSPENDED,
            candidate=candidate,
            # The register's public wording: nothing of a case (its number or reference).
            authority=f"The membership register: suspended from {long_date(start)}"
            + (f" (clause {clause})" if clause else ""),
            clause=clause,
            notice=(
                f"{candidate.name} has been suspended from membership and may not take part "
                f"while suspended. Votes for {candidate.name} will pass to the voter's next "
                "preference unless the suspension ends and a reinstatement is recorded before "
                "the count."
            ),
            acting_user=acting_user,
        )
        events.append(event)
        if ballot.returning_officer_id:
            from moot.ballots.event_tasks import alert_returning_officer

            enqueue_on_commit(alert_returning_officer, event.pk)
    return events


__all__ = [
    "check_before_freeze",
    "do_record_ballot_event",
    "do_record_endorsement",
    "do_withdraw_endorsement",
    "record_suspension_events",
]
