"""Appointing a ballot's returning officer, scrutineer and tellers, with the independence the
rules require (TULRCA s.49 for the scrutineer; BALLOTS.md §2.1; RULES.md §7):

* the returning officer is appointed by a caller of the ballot (``[ballots.callers]``), and is
  not a candidate, the scrutineer or a teller;
* the scrutineer is appointed before the issue and is not a candidate, the returning officer,
  a teller, nor anyone who may call a ballot of the unit (the people whose conduct they report
  on);
* a teller keys returned papers, and is not a candidate, the scrutineer or the returning
  officer (who resolves a discrepancy between two tellers).

Each refusal says who and why, with the clause, and writes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from moot.audit.actions import record
from moot.ballots.actions.definition import check_may_call, edition
from moot.ballots.audit_verbs import AuditVerb
from moot.ballots.errors import BallotError, RefusalCode
from moot.ballots.models import Ballot, BallotState, Candidate, Teller
from moot.ballots.permissions import forget_people

if TYPE_CHECKING:
    from moot.accounts.models import User

BEFORE_ISSUE = (BallotState.DRAFT, BallotState.FROZEN)
BEFORE_COUNT = (BallotState.DRAFT, BallotState.FROZEN, BallotState.OPEN, BallotState.CLOSED)


def _lock(ballot: Ballot) -> Ballot:
    return (
        Ballot.objects.select_for_update(of=("self",))
        .select_related("unit", "returning_officer", "scrutineer")
        .get(pk=ballot.pk)
    )


def _name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def officer_roles(ballot: Ballot, user: Any) -> list[str]:
    """What ``user`` already is in ``ballot``: "a candidate", "the returning officer", "the
    scrutineer", "a teller" (in that order; empty when nothing)."""
    roles: list[str] = []
    if Candidate.objects.filter(
        ballot=ballot, member__user=user, withdrawn_at__isnull=True
    ).exists():
        roles.append("a candidate")
    if ballot.returning_officer_id == user.pk:
        roles.append("the returning officer")
    if ballot.scrutineer_id == user.pk:
        roles.append("the scrutineer")
    if Teller.objects.filter(ballot=ballot, user=user).exists():
        roles.append("a teller")
    return roles


def _check_person(user: Any, field: str) -> None:
    if user is None or not user.is_active:
        raise BallotError(
            "Choose a person with an active account.", field=field, code=RefusalCode.INVALID
        )


def _check_not(ballot: Ballot, user: Any, excluded: set[str], *, as_what: str, field: str) -> None:
    clash = [r for r in officer_roles(ballot, user) if r in excluded]
    if clash:
        raise BallotError(
            f"{_name(user)} cannot be {as_what}: they are {clash[0]} in this ballot, and "
            f"{as_what} must be independent of it.",
            field=field,
            clause=edition().ballots.clause,
            code=RefusalCode.CONFLICT,
        )


@transaction.atomic(durable=True)
def do_appoint_returning_officer(ballot: Ballot, user: User, *, acting_user: User) -> Ballot:
    """Appoint (or replace) the returning officer, before the count. Only a caller of the
    ballot's unit appoints one; the returning officer may not be a candidate, the scrutineer
    or a teller."""
    ballot = _lock(ballot)
    check_may_call(ballot.unit, acting_user)
    _check_person(user, "returning_officer")
    if ballot.state not in BEFORE_COUNT:
        raise BallotError(
            "The ballot has been counted: its returning officer is the one who ran it.",
            code=RefusalCode.STATE,
        )
    if ballot.returning_officer_id == user.pk:
        return ballot
    _check_not(
        ballot,
        user,
        {"a candidate", "the scrutineer", "a teller"},
        as_what="the returning officer",
        field="returning_officer",
    )
    before = ballot.returning_officer_id
    ballot.returning_officer = user
    ballot.save(update_fields=["returning_officer"])
    forget_people(ballot)
    record(
        actor=acting_user,
        verb=AuditVerb.APPOINT_RETURNING_OFFICER,
        obj=ballot,
        before={"returning_officer": before},
        after={"returning_officer": user.pk},
        clause=ballot.clause,
    )
    return ballot


@transaction.atomic(durable=True)
def do_appoint_scrutineer(ballot: Ballot, user: User, *, acting_user: User) -> Ballot:
    """Appoint (or replace) the independent scrutineer, before the issue (TULRCA s.49(1)):
    not a candidate, the returning officer, a teller, nor anyone who may call a ballot of the
    unit."""
    from moot.ballots.permissions import may_call

    ballot = _lock(ballot)
    _check_person(user, "scrutineer")
    if ballot.state not in BEFORE_ISSUE:
        raise BallotError(
            "The scrutineer is appointed before the ballot is issued; it has been issued.",
            field="scrutineer",
            clause=edition().ballots.clause,
            code=RefusalCode.STATE,
        )
    if ballot.scrutineer_id == user.pk:
        return ballot
    _check_not(
        ballot,
        user,
        {"a candidate", "the returning officer", "a teller"},
        as_what="the scrutineer",
        field="scrutineer",
    )
    if may_call(user, ballot.unit).allowed:
        raise BallotError(
            f"{_name(user)} cannot be the scrutineer: they may call ballots of {ballot.unit.name}"
            " and the scrutineer reports on how they ran this one.",
            field="scrutineer",
            clause=edition().ballots.clause,
            code=RefusalCode.CONFLICT,
        )
    before = ballot.scrutineer_id
    ballot.scrutineer = user
    ballot.save(update_fields=["scrutineer"])
    forget_people(ballot)
    record(
        actor=acting_user,
        verb=AuditVerb.APPOINT_SCRUTINEER,
        obj=ballot,
        before={"scrutineer": before},
        after={"scrutineer": user.pk},
        clause=ballot.clause,
    )
    return ballot


@transaction.atomic(durable=True)
def do_appoint_teller(ballot: Ballot, user: User, *, acting_user: User) -> Teller:
    """Appoint a teller, before the count: not a candidate, the scrutineer or the returning
    officer."""
    ballot = _lock(ballot)
    _check_person(user, "teller")
    if ballot.state not in BEFORE_COUNT:
        raise BallotError(
            "The ballot has been counted: no more papers are keyed.", code=RefusalCode.STATE
        )
    if Teller.objects.filter(ballot=ballot, user=user).exists():
        raise BallotError(
            f"{_name(user)} is already a teller of this ballot.",
            field="teller",
            code=RefusalCode.CONFLICT,
        )
    _check_not(
        ballot,
        user,
        {"a candidate", "the scrutineer", "the returning officer"},
        as_what="a teller",
        field="teller",
    )
    teller = Teller.objects.create(ballot=ballot, user=user, appointed_by=acting_user)
    forget_people(ballot)
    record(
        actor=acting_user,
        verb=AuditVerb.APPOINT_TELLER,
        obj=ballot,
        after={"teller": user.pk},
        clause=ballot.clause,
    )
    return teller


@transaction.atomic(durable=True)
def do_remove_teller(ballot: Ballot, user: User, *, acting_user: User) -> Ballot:
    """Remove a teller (their keyings stay: each is checked against another teller's)."""
    ballot = _lock(ballot)
    deleted, _ = Teller.objects.filter(ballot=ballot, user=user).delete()
    if not deleted:
        raise BallotError(
            f"{_name(user)} is not a teller of this ballot.",
            field="teller",
            code=RefusalCode.NOT_FOUND,
        )
    forget_people(ballot)
    record(
        actor=acting_user,
        verb=AuditVerb.REMOVE_TELLER,
        obj=ballot,
        before={"teller": user.pk},
        clause=ballot.clause,
    )
    return ballot
