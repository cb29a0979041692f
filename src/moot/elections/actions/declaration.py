"""Declaring the result: rank the candidates, end the outgoing holders' terms and appoint the
winners through moot.units.actions."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from moot.audit.actions import record
from moot.clock import today
from moot.dates import long_date
from moot.elections import balance
from moot.elections.actions._common import check_not_a_candidate, still_standing, user_may
from moot.elections.audit_verbs import AuditVerb
from moot.elections.errors import ElectionError
from moot.elections.models import (
    Election,
    ElectionState,
    Nomination,
    NominationState,
)
from moot.members.errors import ActionError

if TYPE_CHECKING:
    from moot.accounts.models import User


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


def decide_declaration(
    election: Election, on: datetime.date
) -> tuple[balance.Decision, list[Nomination], str]:
    """Who would be declared on ``on``: the count's placing with the balance rules applied
    (``balance.decide``), the placing, and the basis ("count" or "unopposed"). The one
    function the declaration and its confirmation page both use, so the page names exactly
    who the declaration will name."""
    ranked, basis = _ranked_candidates(election)
    post = election.post
    return balance.decide(post, on, election.seats, ranked, title=post.title), ranked, basis


def preview_declaration(election: Election, *, on: datetime.date | None = None) -> list[str]:
    """The confirmation page's sentences: who will be declared and any substitution with its
    clause, or why nothing can be declared yet. Writes nothing."""
    try:
        decision, _ranked, basis = decide_declaration(election, on or today())
    except ElectionError as exc:
        return [exc.message]
    names = ", ".join(n.label for n in decision.elected)
    lines = [
        f"Declared elected{' unopposed' if basis == 'unopposed' else ''}: {names}."
        if names
        else "Nobody can be declared elected."
    ]
    if decision.vacant and names:
        lines.append(f"{decision.vacant} seat{'s' if decision.vacant != 1 else ''} left vacant.")
    return lines + list(decision.account)


@transaction.atomic(durable=True)
def do_declare_result(
    election: Election, *, on: datetime.date | None = None, acting_user: User | None
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
    if not user_may(acting_user, "elections.manage_election", election):
        raise ElectionError(
            "Only the returning officer or the chair can declare the result.", code="forbidden"
        )
    if election.state == ElectionState.DECLARED:
        raise ElectionError("The result has already been declared.", code="state")
    check_not_a_candidate(election, acting_user, "declare its result")
    if election.poll_id is None:
        if on <= election.nominations_close_on:
            raise ElectionError(
                f"Nominations are open until {long_date(election.nominations_close_on)}; "
                "declare after they close.",
                code="state",
            )
        count = len(still_standing(election, acting_user=acting_user))
        if count > election.seats:
            raise ElectionError(
                f"{count} candidates stand for {election.seats} seat(s): open the vote.",
                code="state",
            )
    decision, ranked, basis = decide_declaration(election, on)
    post = election.post
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
        verb=AuditVerb.DECLARE_RESULT,
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
