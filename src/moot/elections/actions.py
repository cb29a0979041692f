"""Every write to officer elections: create, nominate, second, consent or decline, withdraw,
open the vote, close it, declare the result. One transaction and one audit event each;
nothing is half-recorded.

The vote is a ``polls.Poll`` created and opened through ``moot.polls.actions``; declaring the
result appoints the winners through ``moot.units.actions.do_appoint_officer`` (which checks
the rulebook's officer constraints once more) after ending the outgoing holders' terms.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from moot.audit.actions import record
from moot.elections import balance
from moot.elections.errors import ElectionError
from moot.elections.models import (
    SINGLE_SEAT_METHODS,
    Election,
    ElectionMethod,
    ElectionState,
    Nomination,
    NominationState,
)
from moot.members.errors import ActionError

LIVE_NOMINATIONS = (
    NominationState.AWAITING_SECONDER,
    NominationState.AWAITING_CONSENT,
    NominationState.STANDING,
)


def today() -> datetime.date:
    return timezone.localdate()


def _may(user: Any, permission: str, obj: Any) -> bool:
    return bool(user is not None and user.has_perm(permission, obj))


def _is_nominee(user: Any, nomination: Nomination) -> bool:
    """Whether ``user`` is the nominee or the job-share partner: the predicate itself, not
    ``user.has_perm``, which a superuser passes. Consent is the person's own act; nobody gives
    it for them (and a superuser who is neither would consent for nobody)."""
    from moot.elections.permissions import is_nominee

    return user is not None and bool(is_nominee(user, nomination))


def _member_of(user: Any) -> Any:
    from moot.polls.permissions import member_of

    return member_of(user)


def _reasons(assessment: Any) -> tuple[str, str]:
    reasons = list(getattr(assessment, "reasons", ()) or ())
    return "; ".join(r.text for r in reasons), next((r.clause for r in reasons if r.clause), "")


def snapshot(election: Election) -> dict[str, Any]:
    return {
        "title": election.title,
        "unit": election.unit_id,
        "post": election.post.slug,
        "meeting": election.meeting_id,
        "agenda_item": election.agenda_item_id,
        "election_date": election.election_date,
        "method": election.method,
        "seats": election.seats,
        "nominations_open_on": election.nominations_open_on,
        "nominations_close_on": election.nominations_close_on,
        "statement_limit": election.statement_limit,
        "state": election.state,
    }


def _meeting_date(meeting: Any) -> datetime.date:
    return timezone.localdate(meeting.starts_at)


# ---------------------------------------------------------------------------------------------
# Creating an election


def check_nomination_window(
    *,
    meeting: Any,
    election_date: datetime.date,
    opens: datetime.date,
    closes: datetime.date,
) -> str:
    """Refuse a window that ends before it starts, after the vote, or later than the
    rulebook's nomination deadline for the meeting's kind; return the deadline's clause."""
    if closes < opens:
        raise ElectionError(
            f"Nominations cannot close ({closes}) before they open ({opens}); "
            "choose a closing date on or after the opening date.",
            field="nominations_close_on",
        )
    if closes > election_date:
        raise ElectionError(
            f"Nominations must close by the day of the vote ({election_date}), not {closes}.",
            field="nominations_close_on",
        )
    if meeting is None:
        return ""
    from moot import rulebook

    verdict = rulebook.check_nomination_deadline(
        balance.edition_on(election_date),
        meeting.kind,
        meeting_date=election_date,
        nominated_on=closes,
    )
    text, clause = _reasons(verdict)
    if not verdict.allowed:
        raise ElectionError(
            f"Nominations closing on {closes} would be too late for this meeting: {text}. "
            "Choose an earlier closing date.",
            clause=clause,
            field="nominations_close_on",
        )
    return clause


@transaction.atomic
def do_create_election(
    *,
    post: Any,
    method: str,
    nominations_open_on: datetime.date,
    nominations_close_on: datetime.date,
    meeting: Any = None,
    agenda_item: Any = None,
    election_date: datetime.date | None = None,
    seats: int | None = None,
    title: str = "",
    statement_limit: int = 1500,
    returning_officer: Any = None,
    acting_user: Any,
) -> Election:
    """Set up an election to ``post`` (of the post's unit), at ``meeting`` or standalone on
    ``election_date``, with a nomination window and a counting method: first past the post or
    the exhaustive ballot (IRV) for one seat, STV for one or several equal seats."""
    unit = post.unit
    if method not in ElectionMethod.values:
        names = ", ".join(f"{m.value} ({m.label})" for m in ElectionMethod)
        raise ElectionError(f"Unknown method {method!r}; use one of {names}.", field="method")
    seats = post.seats if seats is None else seats
    if not 1 <= seats <= post.seats:
        raise ElectionError(
            f"{post.title} has {post.seats} seat{'s' if post.seats != 1 else ''}; an election "
            f"fills between 1 and {post.seats}, not {seats}.",
            field="seats",
        )
    if method in SINGLE_SEAT_METHODS and seats != 1:
        raise ElectionError(
            f"{ElectionMethod(method).label} fills one seat; use STV (scottish-stv or meek) "
            f"for {seats} equal seats.",
            field="method",
        )
    if meeting is not None:
        if meeting.unit_id != unit.pk:
            raise ElectionError(
                f"{meeting} is a meeting of {meeting.unit}, but {post.title} is a post of "
                f"{unit}; elect it at a meeting of {unit}.",
                field="meeting",
            )
        from moot import rulebook

        edition = balance.edition_on(_meeting_date(meeting))
        try:
            kind = edition.meeting_kind(meeting.kind)
        except rulebook.RulebookError as exc:
            raise ElectionError(str(exc), field="meeting") from exc
        if not kind.elects_officers:
            raise ElectionError(
                f"A {kind.name} does not elect officers under the rulebook; hold the election "
                "at a meeting that does (e.g. the annual general meeting).",
                clause=kind.clause,
                field="meeting",
            )
        if election_date is not None and election_date != _meeting_date(meeting):
            raise ElectionError(
                "An election at a meeting is held on the meeting's date; leave the date empty.",
                field="election_date",
            )
        election_date = _meeting_date(meeting)
    elif election_date is None:
        raise ElectionError(
            "Give the date of the vote, or choose the meeting that holds the election.",
            field="election_date",
        )
    if agenda_item is not None:
        if meeting is None or agenda_item.meeting_id != meeting.pk:
            raise ElectionError(
                "The agenda item must belong to the election's meeting.", field="agenda_item"
            )
        if agenda_item.kind != "election":
            raise ElectionError(
                f"Agenda item {agenda_item.position} ({agenda_item.title}) is not an election "
                "item; choose an election item or add one to the agenda.",
                field="agenda_item",
            )
    if statement_limit < 100:
        raise ElectionError(
            "Allow candidates at least 100 characters for their statements.",
            field="statement_limit",
        )
    clause = check_nomination_window(
        meeting=meeting,
        election_date=election_date,
        opens=nominations_open_on,
        closes=nominations_close_on,
    )
    running = Election.objects.filter(post=post).exclude(state=ElectionState.DECLARED)
    if running.exists():
        raise ElectionError(
            f"An election to {post.title} is already under way ({running.first()}); declare "
            "its result before starting another.",
            field="post",
        )
    election = Election.objects.create(
        title=(title.strip() or f"Election of {post.title}")[:200],
        unit=unit,
        post=post,
        meeting=meeting,
        agenda_item=agenda_item,
        election_date=election_date,
        method=method,
        seats=seats,
        nominations_open_on=nominations_open_on,
        nominations_close_on=nominations_close_on,
        statement_limit=statement_limit,
        returning_officer=returning_officer,
        created_by=acting_user,
    )
    record(
        actor=acting_user,
        verb="elections.create",
        obj=election,
        after=snapshot(election),
        clause=clause,
    )
    return election


# ---------------------------------------------------------------------------------------------
# Nominations


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


def _check_taking_nominations(election: Election, on: datetime.date) -> str:
    """Refuse a nomination outside the window or after the rulebook's deadline."""
    if election.state != ElectionState.NOMINATIONS:
        raise ElectionError(
            "Nominations for this election are closed: the ballot has been drawn up.",
            code="state",
        )
    if on < election.nominations_open_on:
        raise ElectionError(
            f"Nominations open on {election.nominations_open_on:%d %B %Y}; come back then.",
            code="state",
        )
    if on > election.nominations_close_on:
        raise ElectionError(
            f"Nominations closed on {election.nominations_close_on:%d %B %Y}.", code="state"
        )
    if election.meeting_id is None:
        return ""
    from moot import rulebook

    verdict = rulebook.check_nomination_deadline(
        balance.edition_on(election.election_date),
        election.meeting.kind,
        meeting_date=election.election_date,
        nominated_on=on,
    )
    text, clause = _reasons(verdict)
    if not verdict.allowed:
        raise ElectionError(f"This nomination is too late: {text}.", clause=clause, code="state")
    return clause


def _check_may_stand(
    election: Election, person: Any, *, acting_user: Any, field: str
) -> tuple[str, str]:
    """Refuse a nominee the rulebook does not let stand on the day of the vote. The reasons
    are given to those who may see the member's record; others are told only that the
    rulebook does not allow it (the reason may be a suspension or a lapse)."""
    from moot.members.queries import eligibility

    verdict = eligibility(person, "stand", election.unit, at=election.election_date)
    text, clause = _reasons(verdict)
    if verdict.allowed:
        return text, clause
    if _may(acting_user, "members.view_member", person):
        raise ElectionError(
            f"{person.full_name} cannot stand for {election.post.title}: {text}.",
            clause=clause,
            field=field,
            code="ineligible",
        )
    raise ElectionError(
        f"{person.full_name} cannot stand for {election.post.title} under the rulebook on "
        f"{election.election_date:%d %B %Y}. {person.first_name} and the unit's secretary can "
        "see why.",
        field=field,
        code="ineligible",
    )


def _check_may_nominate(
    election: Election, person: Any, role: str, on: datetime.date, *, acting_user: Any
) -> str:
    """Refuse a nominator or seconder the rulebook does not let nominate. As for a nominee, the
    reasons go to those who may see the member's record; others learn only that the rulebook
    does not allow it (the reason may be a suspension pending investigation)."""
    from moot.members.queries import eligibility

    verdict = eligibility(person, "nominate", election.unit, at=on)
    text, clause = _reasons(verdict)
    if not verdict.allowed and not _may(acting_user, "members.view_member", person):
        raise ElectionError(
            f"{person.full_name} cannot be the {role} under the rulebook on {on:%d %B %Y}. "
            f"{person.first_name} and the unit's secretary can see why.",
            field=role,
            code="ineligible",
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


@transaction.atomic
def do_nominate(
    election: Election,
    *,
    nominee: Any,
    nominator: Any,
    seconder: Any,
    partner: Any = None,
    statement: str = "",
    on: datetime.date | None = None,
    acting_user: Any,
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
    is_manager = _may(acting_user, "elections.manage_election", election)
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
            and _may(acting_user, "members.view_member_sensitive", person)
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
        verb="elections.nominate",
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


@transaction.atomic
def do_second_nomination(nomination: Nomination, *, acting_user: Any) -> Nomination:
    """The seconder confirms the nomination made in their name."""
    nomination = _locked_nomination(nomination)
    if not _may(acting_user, "elections.second_nomination", nomination):
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
    nomination.seconded = True
    _settle(nomination)
    nomination.save(update_fields=["seconded", "state"])
    record(
        actor=acting_user,
        verb="elections.second",
        obj=nomination,
        after={"seconded": True, "state": nomination.state},
    )
    return nomination


@transaction.atomic
def do_answer_nomination(
    nomination: Nomination, *, accept: bool, statement: str | None = None, acting_user: Any
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
        verb="elections.accept" if accept else "elections.decline",
        obj=nomination,
        before=before,
        after={"person": person.number, "state": nomination.state},
    )
    return nomination


@transaction.atomic
def do_update_statement(nomination: Nomination, *, statement: str, acting_user: Any) -> Nomination:
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
        verb="elections.statement",
        obj=nomination,
        before={"length": len(before)},
        after={"length": len(nomination.statement)},
    )
    return nomination


@transaction.atomic
def do_withdraw_nomination(
    nomination: Nomination, *, reason: str = "", acting_user: Any
) -> Nomination:
    """Withdraw a nomination before the vote opens: by the nominee (or partner), or by a
    manager acting on a written withdrawal (``reason`` says so)."""
    nomination = _locked_nomination(nomination)
    is_manager = _may(acting_user, "elections.manage_election", nomination.election)
    if not (is_manager or _may(acting_user, "elections.answer_nomination", nomination)):
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
    on_their_behalf = not _may(acting_user, "elections.answer_nomination", nomination)
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
        verb="elections.withdraw",
        obj=nomination,
        before={"state": before},
        after={"state": nomination.state},
        reason=reason.strip(),
    )
    return nomination


# ---------------------------------------------------------------------------------------------
# The vote


def _unique_labels(nominations: list[Nomination]) -> list[str]:
    labels = [n.label for n in nominations]
    return [
        f"{label} ({n.nominee.number})" if labels.count(label) > 1 else label
        for label, n in zip(labels, nominations, strict=True)
    ]


def constraints_text(minimum: int, seats: int, women: list[int], others: list[int]) -> str:
    """OpenTally's CON format (``moot.counting.constraints``): 1-based candidate numbers."""
    lines = [
        '"Gender" "Women" {} {} {}'.format(minimum, seats, " ".join(str(i) for i in women)),
    ]
    if others:
        lines.append('"Gender" "Others" 0 {} {}'.format(seats, " ".join(str(i) for i in others)))
    return "\n".join(lines) + "\n"


def _check_quorate(election: Election) -> None:
    """An inquorate meeting may hold an election only if the rulebook lets it take election
    business without a quorum (``meetings.queries.inquorate_refusal``, which the poll's opening
    asks too; asked here first, before the candidates are checked once more)."""
    from moot.meetings.queries import inquorate_refusal

    refusal = inquorate_refusal(election.meeting, "election")
    if refusal is not None:
        raise ElectionError(
            f"{refusal.text} Wait for more members to check in.",
            clause=refusal.clause,
            code="state",
        )


def _still_standing(election: Election, *, acting_user: Any) -> list[Nomination]:
    """The standing candidates who may still stand on the day of the vote. Anyone who can no
    longer stand (lapsed, suspended since) leaves the ballot: marked refused with the
    rulebook's reason and clause, audited. Runs inside the caller's transaction."""
    from moot.members.queries import eligibility

    standing: list[Nomination] = []
    nominations = election.nominations.filter(state=NominationState.STANDING).select_related(
        "nominee", "partner"
    )
    for nomination in nominations:
        refused = [
            _reasons(verdict)
            for person in nomination.people()
            if not (
                verdict := eligibility(person, "stand", election.unit, at=election.election_date)
            ).allowed
        ]
        if not refused:
            standing.append(nomination)
            continue
        nomination.state = NominationState.REFUSED
        nomination.refusal, nomination.refusal_clause = refused[0]
        nomination.save(update_fields=["state", "refusal", "refusal_clause"])
        record(
            actor=acting_user,
            verb="elections.refuse",
            obj=nomination,
            after={"state": nomination.state},
            clause=nomination.refusal_clause,
            reason="may no longer stand on the day of the vote",
        )
    return standing


@transaction.atomic
def do_open_election(
    election: Election, *, on: datetime.date | None = None, acting_user: Any
) -> Election:
    """Close nominations and open the vote: the standing candidates (each checked once more)
    become the options of a secret poll (``polls.do_create_poll`` then ``do_open_poll``).
    For several seats, the rulebook's minimum of women becomes a counting constraint."""
    from moot.polls.actions import PollError, do_create_poll, do_open_poll

    election = (
        Election.objects.select_for_update(of=("self",))
        .select_related("post__unit")
        .get(pk=election.pk)
    )
    on = on or today()
    if election.state != ElectionState.NOMINATIONS:
        raise ElectionError("The vote for this election has already been opened.", code="state")
    if on <= election.nominations_close_on and on < election.election_date:
        raise ElectionError(
            f"Nominations are open until {election.nominations_close_on:%d %B %Y}; the vote "
            "can open once they have closed.",
            code="state",
        )
    if election.meeting_id is not None and election.meeting.state != "open":
        raise ElectionError(
            "The meeting is not in progress: start the meeting, then open the vote."
            if election.meeting.state == "scheduled"
            else "The meeting has closed; the vote can no longer be held at it.",
            code="state",
        )
    if election.meeting_id is not None:
        _check_quorate(election)
    standing = _still_standing(election, acting_user=acting_user)
    if len(standing) <= election.seats:
        raise ElectionError(
            f"{len(standing)} candidate{'s' if len(standing) != 1 else ''} stand"
            f"{'s' if len(standing) == 1 else ''} for {election.seats} "
            f"seat{'s' if election.seats != 1 else ''}: there is nothing to vote on. "
            + (
                "Declare the result: the candidates are elected unopposed."
                if standing
                else "Re-open nominations with a new election."
            ),
            code="state",
        )
    constraints = None
    if election.seats > 1:
        minimum = balance.minimum_women(election.post, election.election_date, election.seats)
        women = [i for i, n in enumerate(standing, start=1) if balance.counts_as_woman(n)]
        others = [i for i in range(1, len(standing) + 1) if i not in women]
        required = minimum.minimum
        note = minimum.note
        if required > len(women):
            note = (
                f"{note}; only {len(women)} woman candidate{'s' if len(women) != 1 else ''} "
                f"stand{'s' if len(women) == 1 else ''}, so the count guarantees "
                f"{len(women)} and the declaration checks the rest"
            )
            required = len(women)
        election.min_women = required
        election.min_women_clause = minimum.clause
        election.min_women_note = note
        if required:
            constraints = constraints_text(required, election.seats, women, others)
    labels = _unique_labels(standing)
    try:
        poll = do_create_poll(
            title=election.title,
            kind="election",
            method=election.method,
            options=[(label, n.nominee) for label, n in zip(labels, standing, strict=True)],
            seats=election.seats,
            secret=True,
            question=f"Elect {election.seats} to {election.post.title}"
            if election.seats > 1
            else f"Elect the {election.post.title}",
            unit=election.unit,
            meeting=election.meeting,
            agenda_item=election.agenda_item,
            returning_officer=election.returning_officer or acting_user,
            constraints=constraints,
            acting_user=acting_user,
        )
        for option, nomination in zip(poll.options.order_by("order"), standing, strict=True):
            nomination.poll_option = option
            nomination.save(update_fields=["poll_option"])
        poll = do_open_poll(poll, acting_user=acting_user)
    except PollError as exc:
        raise ElectionError(str(exc), field=exc.field) from exc
    election.poll = poll
    election.state = ElectionState.BALLOT
    election.save(
        update_fields=["poll", "state", "min_women", "min_women_clause", "min_women_note"]
    )
    record(
        actor=acting_user,
        verb="elections.open",
        obj=election,
        before={"state": ElectionState.NOMINATIONS},
        after={
            "state": election.state,
            "poll": poll.pk,
            "candidates": labels,
            "min_women": election.min_women,
        },
        clause=election.min_women_clause,
    )
    return election


def do_close_election(election: Election, *, acting_user: Any) -> Election:
    """Close the election's poll and count it (``polls.do_close_poll``)."""
    from moot.polls.actions import PollError, do_close_poll

    if election.poll_id is None:
        raise ElectionError("The vote has not been opened yet.", code="state")
    try:
        do_close_poll(election.poll, acting_user=acting_user)
    except PollError as exc:
        raise ElectionError(str(exc), code="state") from exc
    election.refresh_from_db()
    return election


# ---------------------------------------------------------------------------------------------
# Declaring the result


def _ranked_candidates(election: Election) -> tuple[list[Nomination], str]:
    """The candidates in the order the count placed them, and how they were chosen."""
    standing = list(
        election.nominations.filter(state=NominationState.STANDING).select_related(
            "nominee", "partner", "poll_option"
        )
    )
    poll = election.poll
    if poll is None:
        return standing, "unopposed"
    if not poll.is_closed:
        raise ElectionError(
            "The vote is still open; close it and count before declaring.", code="state"
        )
    result = poll.result or {}
    if not result.get("ballots"):
        raise ElectionError(
            "No votes were cast, so nobody can be declared elected; hold the election again.",
            code="state",
        )
    by_label = {n.poll_option.label: n for n in standing if n.poll_option_id}
    labels = [o.label for o in poll.options.order_by("order")]
    order = balance.placing(result.get("count"), labels)
    return [by_label[label] for label in order if label in by_label], "count"


@transaction.atomic
def do_declare_result(
    election: Election, *, on: datetime.date | None = None, acting_user: Any
) -> Election:
    """Declare who is elected and update the office holdings: the outgoing holders' terms end
    on ``on`` (today), the winners are appointed from ``on`` citing the election — after the
    balance rules (``moot.elections.balance``) have been applied to the count, with any
    adjustment explained in the declaration. Candidates standing unopposed (no more than the
    seats) are declared without a vote once nominations have closed."""
    from moot.units.actions import do_appoint_officer, do_end_holding
    from moot.units.models import OfficeHolding

    election = (
        Election.objects.select_for_update(of=("self",))
        .select_related("post__unit", "poll")
        .get(pk=election.pk)
    )
    on = on or today()
    if not _may(acting_user, "elections.manage_election", election):
        raise ElectionError(
            "Only the returning officer or the chair can declare the result.", code="forbidden"
        )
    if election.state == ElectionState.DECLARED:
        raise ElectionError("The result has already been declared.", code="state")
    if election.poll_id is None:
        if on <= election.nominations_close_on:
            raise ElectionError(
                f"Nominations are open until {election.nominations_close_on:%d %B %Y}; "
                "declare after they close.",
                code="state",
            )
        count = len(_still_standing(election, acting_user=acting_user))
        if count > election.seats:
            raise ElectionError(
                f"{count} candidates stand for {election.seats} seat(s): open the vote.",
                code="state",
            )
    ranked, basis = _ranked_candidates(election)
    post = election.post
    decision = balance.decide(post, on, election.seats, ranked, title=post.title)
    ref = f"election:{election.pk}"
    # The outgoing holders' terms end when someone is declared; while nobody is, they stay in
    # office until a successor is declared.
    outgoing = (
        list(
            OfficeHolding.objects.filter(post=post, start__lte=on)
            .filter(Q(end__isnull=True) | Q(end__gt=on))
            .select_related("member")
        )
        if decision.elected
        else []
    )
    if not decision.elected and not decision.account:
        decision.account.append(
            f"No candidate who may stand on the day of the vote stood for {post.title}: the "
            "post is not filled by this election, and any outgoing holder stays in office until "
            "a successor is declared."
        )
    try:
        for holding in outgoing:
            if holding.start >= on:
                raise ElectionError(
                    f"{holding.member.full_name}'s term as {post.title} began on "
                    f"{holding.start}; a successor can take office from the next day.",
                    code="state",
                )
            do_end_holding(
                holding,
                end=on,
                reason=f"term ended at {election.title} ({ref})",
                acting_user=acting_user,
            )
        # Women first, so that each intermediate slate the appointments check is as close as
        # possible to the final one.
        people = [
            (person, nomination.is_joint)
            for nomination in decision.elected
            for person in nomination.people()
        ]
        people.sort(key=lambda pair: not balance.is_woman(pair[0]))
        for person, job_share in people:
            do_appoint_officer(
                post,
                person,
                start=on,
                job_share=job_share,
                elected_ref=ref,
                acting_user=acting_user,
            )
    except ActionError as exc:
        raise ElectionError(
            f"The holdings could not be updated: {exc}", clause=exc.clause, code="state"
        ) from exc
    placed = {n.pk: i for i, n in enumerate(ranked, start=1)}
    election.declaration = {
        "basis": basis,
        "elected": [
            {
                "label": n.label,
                "nomination": n.pk,
                "members": [p.number for p in n.people()],
                "place": placed.get(n.pk),
            }
            for n in decision.elected
        ],
        "placing": [n.label for n in ranked],
        "vacant": decision.vacant,
        "adjusted": decision.adjusted,
        "account": decision.account,
        "clauses": [c for c in decision.clauses if c],
        "outgoing": [h.member.number for h in outgoing],
        "on": on.isoformat(),
    }
    state_before = election.state
    election.state = ElectionState.DECLARED
    election.declared_at = timezone.now()
    election.declared_by = acting_user
    election.save(update_fields=["declaration", "state", "declared_at", "declared_by"])
    record(
        actor=acting_user,
        verb="elections.declare",
        obj=election,
        before={"state": state_before},
        after={
            "state": election.state,
            "poll": election.poll_id,
            "elected": election.declaration["elected"],
            "vacant": decision.vacant,
            "adjusted": decision.adjusted,
        },
        clause=next((c for c in decision.clauses if c), ""),
        reason=" ".join(decision.account),
    )
    return election
