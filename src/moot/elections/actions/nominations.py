"""Nominations: the checks (window, who may stand and nominate, reserved seats, job shares) and the
five actions: nominate, second, answer (consent or decline), update the statement, withdraw."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction

from moot.audit.actions import record
from moot.clock import today
from moot.dates import long_date
from moot.elections import balance
from moot.elections.actions._common import LIVE_NOMINATIONS, rule_reasons, user_may
from moot.elections.audit_verbs import AuditVerb
from moot.elections.errors import ElectionError
from moot.elections.models import (
    Election,
    ElectionState,
    Nomination,
    NominationState,
)

if TYPE_CHECKING:
    from moot.accounts.models import User


def _is_nominee(user: Any, nomination: Nomination) -> bool:
    """Whether ``user`` is the nominee or the job-share partner: the predicate itself, not
    ``user.has_perm``, which a superuser passes. Consent is the person's own act; nobody gives
    it for them (and a superuser who is neither would consent for nobody)."""
    from moot.elections.permissions import is_nominee

    return user is not None and bool(is_nominee(user, nomination))


def _member_of(user: Any) -> Any:
    from moot.polls.permissions import member_of

    return member_of(user)


def check_statement(election: Election, statement: str) -> str:
    statement = (statement or "").strip()
    if len(statement) > election.statement_limit:
        raise ElectionError(
            f"The statement is {len(statement):,} characters long; this election allows "
            f"{election.statement_limit:,}. Shorten it by "
            f"{len(statement) - election.statement_limit:,}.",
            field="statement",
        )
    return statement


@dataclass(frozen=True)
class NominationWindow:
    """Whether an election takes nominations on a day: the one answer the election's page
    (its status and the "Nominate" button), the nomination form and ``do_nominate`` all read.
    ``status`` is the short state for the page ("Taking nominations until 14 December 2026",
    "Nominations closed on 30 November 2026"); closed, ``why`` says why with its ``clause``
    and ``instead`` what a member can do."""

    open: bool
    status: str
    why: str
    clause: str
    instead: str


def nomination_window(election: Election, on: datetime.date) -> NominationWindow:
    """The window and the rulebook's deadline (for an election at a meeting) on ``on``."""
    opens, closes = election.nominations_open_on, election.nominations_close_on
    if election.state != ElectionState.NOMINATIONS:
        return NominationWindow(
            False,
            "Nominations closed",
            "Nominations for this election are closed: the ballot has been drawn up.",
            "",
            "",
        )
    if on < opens:
        return NominationWindow(
            False,
            f"Nominations open on {long_date(opens)}",
            f"Nominations open on {long_date(opens)}; come back then.",
            "",
            f"Ask a member you would nominate now whether they would stand, and nominate "
            f"them from {long_date(opens)} until {long_date(closes)}.",
        )
    if on > closes:
        return NominationWindow(
            False,
            f"Nominations closed on {long_date(closes)}",
            f"Nominations closed on {long_date(closes)}.",
            "",
            "Nominations can no longer be made; the returning officer can tell you whether "
            "nominations may be taken from the floor when a seat is left vacant.",
        )
    clause = ""
    until = closes
    meeting = election.meeting if election.meeting_id is not None else None
    if meeting is not None:
        from moot import rulebook

        edition = balance.edition_on(election.election_date)
        verdict = rulebook.check_nomination_deadline(
            edition,
            meeting.kind,
            meeting_date=election.election_date,
            nominated_on=on,
        )
        text, clause = rule_reasons(verdict)
        needed = edition.meeting_kind(meeting.kind).nomination_deadline_days
        until = min(closes, election.election_date - datetime.timedelta(days=needed))
        if not verdict.allowed:
            return NominationWindow(
                False,
                f"Nominations closed (clause {clause})" if clause else "Nominations closed",
                f"This nomination is too late: {text}.",
                clause,
                "Nominations can no longer be made; the returning officer can tell you "
                "whether nominations may be taken from the floor when a seat is left vacant.",
            )
    return NominationWindow(True, f"Taking nominations until {long_date(until)}", "", clause, "")


def _check_taking_nominations(election: Election, on: datetime.date) -> str:
    """Refuse a nomination outside the window or after the rulebook's deadline."""
    window = nomination_window(election, on)
    if not window.open:
        raise ElectionError(window.why, clause=window.clause, code="state")
    return window.clause


def _check_may_stand(
    election: Election, person: Any, *, acting_user: User | None, field: str
) -> tuple[str, str]:
    """Refuse a nominee the rulebook does not let stand on the day of the vote. The reasons
    are given to those who may see the member's record; others are told only that the
    rulebook does not allow it (the reason may be a suspension or a lapse)."""
    from moot.members.queries import eligibility

    verdict = eligibility(person, "stand", election.unit, at=election.election_date)
    text, clause = rule_reasons(verdict)
    if verdict.allowed:
        return text, clause
    if user_may(acting_user, "members.view_member", person):
        raise ElectionError(
            f"{person.full_name} cannot stand for {election.post.title}: {text}.",
            clause=clause,
            field=field,
            code="ineligible",
        )
    # The same words as for a number nobody has: typing numbers must not tell a member who is
    # suspended or in arrears (issue 9 fix round, 7; motions.actions.tabling.no_member_who_may).
    raise ElectionError(
        f"No member who may stand for {election.post.title} has the number {person.number}; "
        "check the membership card.",
        field=field,
    )


def _check_may_nominate(
    election: Election, person: Any, role: str, on: datetime.date, *, acting_user: User | None
) -> str:
    """Refuse a nominator or seconder the rulebook does not let nominate. As for a nominee, the
    reasons go to those who may see the member's record; others learn only that the rulebook
    does not allow it (the reason may be a suspension pending investigation)."""
    from moot.members.queries import eligibility

    verdict = eligibility(person, "nominate", election.unit, at=on)
    text, clause = rule_reasons(verdict)
    if not verdict.allowed and not user_may(acting_user, "members.view_member", person):
        raise ElectionError(
            f"No member who may be the {role} has the number {person.number}; check the "
            "membership card.",
            field=role,
        )
    if not verdict.allowed:
        raise ElectionError(
            f"{person.full_name} cannot be the {role}: {text}.",
            clause=clause,
            field=role,
            code="ineligible",
        )
    return clause


def _reserved_refusal(election: Election, person: Any) -> tuple[str, str]:
    edition = balance.edition_on(election.election_date)
    clause = balance.post_clause(election.post, edition)
    text = (
        f"{election.post.title} is reserved for women, and {person.full_name}'s membership "
        "record does not say that they self-describe as a woman. If it should, ask the "
        "secretary to correct the record."
    )
    return text, clause


def _check_job_share(election: Election, nominee: Any, partner: Any) -> str:
    post = election.post
    rules = balance.edition_on(election.election_date).officers_for(post.unit.kind)
    clause = getattr(rules, "job_share_clause", "") or ""
    if not post.job_share_allowed:
        raise ElectionError(
            f"{post.title} cannot be held as a job share under the rulebook; nominate one person.",
            clause=clause,
            field="partner",
        )
    if partner.pk == nominee.pk:
        raise ElectionError(
            "A job share is two different people; choose another partner.", field="partner"
        )
    return clause


def _people_in_nominations(election: Election) -> dict[int, Nomination]:
    taken: dict[int, Nomination] = {}
    for nomination in election.nominations.filter(state__in=LIVE_NOMINATIONS):
        taken[nomination.nominee_id] = nomination
        if nomination.partner_id:
            taken[nomination.partner_id] = nomination
    return taken


@transaction.atomic(durable=True)
def do_nominate(
    election: Election,
    *,
    nominee: Any,
    nominator: Any,
    seconder: Any,
    partner: Any = None,
    statement: str = "",
    on: datetime.date | None = None,
    acting_user: User | None,
) -> Nomination:
    """Nominate ``nominee`` (with ``partner`` for a job share) for the election.

    A member nominates in their own name (they are the ``nominator``, and the seconder then
    confirms); a manager may enter a signed paper nomination (already seconded). Checked, in
    order: the window and the rulebook's deadline; the nominator and seconder are two other
    members eligible to nominate; the nominee (and partner) may stand on the day of the vote;
    a job share only on a post that allows one. A post reserved for women is checked here when
    the person entering the nomination may see the nominee's self-described gender, and
    otherwise when the nominee consents (so a nominator never learns it)."""
    election = (
        Election.objects.select_for_update(of=("self",))
        .select_related("post__unit")
        .get(pk=election.pk)
    )
    on = on or today()
    clause = _check_taking_nominations(election, on)
    is_manager = user_may(acting_user, "elections.manage_election", election)
    own = _member_of(acting_user)
    if not is_manager and (own is None or own.pk not in {nominator.pk, seconder.pk}):
        raise ElectionError(
            "You can nominate only in your own name, as the nominator or the seconder; the "
            "secretary enters signed paper nominations.",
            code="forbidden",
        )
    if nominator.pk == seconder.pk:
        raise ElectionError(
            "The nominator and the seconder must be two different members.", field="seconder"
        )
    people = [nominee] + ([partner] if partner is not None else [])
    if any(p.pk in {nominator.pk, seconder.pk} for p in people):
        raise ElectionError(
            "Members cannot nominate or second themselves; ask two other members.",
            field="nominator",
        )
    for person, role in ((nominator, "nominator"), (seconder, "seconder")):
        _check_may_nominate(election, person, role, on, acting_user=acting_user)
    if partner is not None:
        clause = _check_job_share(election, nominee, partner) or clause
    taken = _people_in_nominations(election)
    for person, field in ((nominee, "nominee"), (partner, "partner")):
        if person is None:
            continue
        if person.pk in taken:
            raise ElectionError(
                f"{person.full_name} is already nominated in this election; a second "
                "nomination is not needed.",
                field=field,
            )
        _check_may_stand(election, person, acting_user=acting_user, field=field)
        if (
            election.post.reserved_for_women
            and user_may(acting_user, "members.view_member_sensitive", person)
            and not balance.is_woman(person)
        ):
            text, reserved_clause = _reserved_refusal(election, person)
            raise ElectionError(text, clause=reserved_clause, field=field, code="ineligible")
    statement = check_statement(election, statement)
    seconded = is_manager or (own is not None and own.pk == seconder.pk)
    nomination = Nomination.objects.create(
        election=election,
        nominee=nominee,
        partner=partner,
        nominator=nominator,
        seconder=seconder,
        nominated_on=on,
        seconded=seconded,
        state=NominationState.AWAITING_CONSENT if seconded else NominationState.AWAITING_SECONDER,
        statement=statement,
        created_by=acting_user,
    )
    record(
        actor=acting_user,
        verb=AuditVerb.NOMINATE,
        obj=nomination,
        after={
            "election": election.pk,
            "nominee": nominee.number,
            "partner": partner.number if partner is not None else None,
            "nominator": nominator.number,
            "seconder": seconder.number,
            "nominated_on": on,
            "seconded": seconded,
        },
        clause=clause,
    )
    return nomination


def _locked_nomination(nomination: Nomination) -> Nomination:
    return (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("election__post__unit", "nominee", "partner", "seconder")
        .get(pk=nomination.pk)
    )


def _check_nominations_stage(nomination: Nomination) -> None:
    if nomination.election.state != ElectionState.NOMINATIONS:
        raise ElectionError(
            "The ballot for this election has been drawn up; nominations can no longer change.",
            code="state",
        )


def _settle(nomination: Nomination) -> None:
    """Standing once seconded and every person standing has consented."""
    consents = [nomination.nominee_consent] + (
        [nomination.partner_consent] if nomination.partner_id else []
    )
    if nomination.seconded and all(c is True for c in consents):
        nomination.state = NominationState.STANDING
    elif nomination.seconded:
        nomination.state = NominationState.AWAITING_CONSENT
    else:
        nomination.state = NominationState.AWAITING_SECONDER


@transaction.atomic(durable=True)
def do_second_nomination(nomination: Nomination, *, acting_user: User | None) -> Nomination:
    """The seconder confirms the nomination made in their name."""
    nomination = _locked_nomination(nomination)
    if not user_may(acting_user, "elections.second_nomination", nomination):
        raise ElectionError(
            "Only the seconder named on the nomination can second it.", code="forbidden"
        )
    _check_nominations_stage(nomination)
    if nomination.state not in LIVE_NOMINATIONS:
        raise ElectionError(
            f"This nomination is {nomination.get_state_display().lower()}.", code="state"
        )
    if nomination.seconded:
        raise ElectionError("You have already seconded this nomination.", code="state")
    # Standing at the moment of the act: named when the nomination was made, the seconder may
    # since have been suspended, expelled or have resigned.
    _check_may_nominate(
        nomination.election, nomination.seconder, "seconder", today(), acting_user=acting_user
    )
    nomination.seconded = True
    _settle(nomination)
    nomination.save(update_fields=["seconded", "state"])
    record(
        actor=acting_user,
        verb=AuditVerb.SECOND_NOMINATION,
        obj=nomination,
        after={"seconded": True, "state": nomination.state},
    )
    return nomination


@transaction.atomic(durable=True)
def do_answer_nomination(
    nomination: Nomination, *, accept: bool, statement: str | None = None, acting_user: User | None
) -> Nomination:
    """The nominee (or the job-share partner) accepts or declines the nomination, and may
    write the candidate statement shown on the ballot page. Accepting checks once more that
    they may stand, and — for a post reserved for women — that their record says they
    self-describe as a woman (seen here by nobody but them)."""
    nomination = _locked_nomination(nomination)
    if not _is_nominee(acting_user, nomination):
        raise ElectionError(
            "Only the nominee can accept or decline a nomination.", code="forbidden"
        )
    _check_nominations_stage(nomination)
    if nomination.state not in LIVE_NOMINATIONS:
        raise ElectionError(
            f"This nomination is {nomination.get_state_display().lower()}.", code="state"
        )
    election = nomination.election
    person = (
        nomination.nominee if nomination.nominee.user_id == acting_user.pk else nomination.partner
    )
    before = {"state": nomination.state}
    if accept:
        _check_may_stand(election, person, acting_user=acting_user, field="nominee")
        if election.post.reserved_for_women and not balance.is_woman(person):
            text, clause = _reserved_refusal(election, person)
            raise ElectionError(text, clause=clause, code="ineligible")
    if statement is not None:
        nomination.statement = check_statement(election, statement)
    if person.pk == nomination.nominee_id:
        nomination.nominee_consent = accept
    else:
        nomination.partner_consent = accept
    if accept:
        _settle(nomination)
    else:
        nomination.state = NominationState.DECLINED
    nomination.save(update_fields=["nominee_consent", "partner_consent", "state", "statement"])
    record(
        actor=acting_user,
        verb=AuditVerb.ANSWER_NOMINATION,
        obj=nomination,
        before=before,
        after={"person": person.number, "state": nomination.state},
    )
    return nomination


@transaction.atomic(durable=True)
def do_update_statement(
    nomination: Nomination, *, statement: str, acting_user: User | None
) -> Nomination:
    """The candidate rewrites their statement (plain text, within the election's limit)."""
    nomination = _locked_nomination(nomination)
    if not _is_nominee(acting_user, nomination):
        raise ElectionError("Only the candidate can change their statement.", code="forbidden")
    _check_nominations_stage(nomination)
    before = nomination.statement
    nomination.statement = check_statement(nomination.election, statement)
    nomination.save(update_fields=["statement"])
    record(
        actor=acting_user,
        verb=AuditVerb.UPDATE_STATEMENT,
        obj=nomination,
        before={"length": len(before)},
        after={"length": len(nomination.statement)},
    )
    return nomination


@transaction.atomic(durable=True)
def do_withdraw_nomination(
    nomination: Nomination, *, reason: str = "", acting_user: User | None
) -> Nomination:
    """Withdraw a nomination before the vote opens: by the nominee (or partner), or by a
    manager acting on a written withdrawal (``reason`` says so)."""
    nomination = _locked_nomination(nomination)
    is_manager = user_may(acting_user, "elections.manage_election", nomination.election)
    if not (is_manager or user_may(acting_user, "elections.answer_nomination", nomination)):
        raise ElectionError(
            "Only the nominee or the returning officer can withdraw a nomination.", code="forbidden"
        )
    if nomination.election.state != ElectionState.NOMINATIONS:
        raise ElectionError(
            "The vote has opened; a candidate can no longer withdraw from the ballot.",
            code="state",
        )
    if nomination.state not in LIVE_NOMINATIONS:
        raise ElectionError(
            f"This nomination is already {nomination.get_state_display().lower()}.", code="state"
        )
    on_their_behalf = not user_may(acting_user, "elections.answer_nomination", nomination)
    if is_manager and on_their_behalf and not reason.strip():
        raise ElectionError(
            "Say on what authority you withdraw the nomination (e.g. the nominee's "
            "letter of withdrawal).",
            field="reason",
        )
    before = nomination.state
    nomination.state = NominationState.WITHDRAWN
    nomination.save(update_fields=["state"])
    record(
        actor=acting_user,
        verb=AuditVerb.WITHDRAW_NOMINATION,
        obj=nomination,
        before={"state": before},
        after={"state": nomination.state},
        reason=reason.strip(),
    )
    return nomination
