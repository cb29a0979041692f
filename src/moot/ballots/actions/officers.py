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


def check_scrutineer_appointer(ballot: Ballot, acting_user: Any) -> None:
    """Who appoints the scrutineer is the rulebook's (``scrutineer_appointed_by`` of the
    preset the ballot was called under): its callers, or national staff only (a constituency
    ballot: not the constituency's own officers, whose conduct the scrutineer reports on)."""
    from moot.accounts.roles import NATIONAL_STAFF, roles_of

    rules = edition().ballots
    preset = rules.preset_of(ballot.unit.kind, ballot.clause)
    if preset is not None and preset.scrutineer_appointed_by == "national_staff":
        roles = roles_of(acting_user)
        if not (roles.is_superuser or roles.has_staff_role(NATIONAL_STAFF, ballot.unit)):
            raise BallotError(
                f"The scrutineer of a ballot of {ballot.unit.name} is appointed by national "
                "staff, not by the unit's officers or the returning officer.",
                field="scrutineer",
                clause=preset.scrutineer_clause,
                code=RefusalCode.FORBIDDEN,
            )
        return
    check_may_call(ballot.unit, acting_user)


def check_appoints_tellers(ballot: Ballot, acting_user: Any) -> None:
    """Tellers are appointed by the returning officer, or by a caller of the ballot."""
    if ballot.returning_officer_id is not None and ballot.returning_officer_id == acting_user.pk:
        return
    check_may_call(ballot.unit, acting_user)


def _unit_office(ballot: Ballot, user: Any) -> str:
    """A post ``user`` holds in the ballot's unit itself ("" when none)."""
    from moot.accounts.roles import roles_of

    return next((o.post_slug for o in roles_of(user).offices if o.unit_id == ballot.unit_id), "")


@transaction.atomic(durable=True)
def do_appoint_scrutineer(
    ballot: Ballot, user: User, *, reason: str = "", acting_user: User
) -> Ballot:
    """Appoint (or replace, with a reason) the independent scrutineer, before the issue
    (TULRCA s.49(1)): appointed by whom the rulebook says; not a candidate, the returning
    officer, a teller, anyone who may call a ballot of the unit, nor an officer of the unit."""
    from moot.ballots.actions.nominations import check_text
    from moot.ballots.permissions import may_call

    ballot = _lock(ballot)
    check_scrutineer_appointer(ballot, acting_user)
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
    post = _unit_office(ballot, user)
    if post:
        raise BallotError(
            f"{_name(user)} cannot be the scrutineer: they hold the post of "
            f"{post.replace('_', ' ')} in {ballot.unit.name}, whose ballot the scrutineer "
            "reports on.",
            field="scrutineer",
            clause=edition().ballots.clause,
            code=RefusalCode.CONFLICT,
        )
    before = ballot.scrutineer_id
    reason = check_text(reason.strip(), field="reason", max_length=500)
    if before is not None and not reason:
        raise BallotError(
            "Say why the scrutineer is replaced: a replacement is recorded with its reason.",
            field="reason",
            clause=edition().ballots.clause,
            code=RefusalCode.INVALID,
        )
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
        reason=reason,
    )
    return ballot


@transaction.atomic(durable=True)
def do_appoint_teller(ballot: Ballot, user: User, *, acting_user: User) -> Teller:
    """Appoint a teller, before the count: not a candidate, the scrutineer or the returning
    officer."""
    ballot = _lock(ballot)
    check_appoints_tellers(ballot, acting_user)
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
    check_appoints_tellers(ballot, acting_user)
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
