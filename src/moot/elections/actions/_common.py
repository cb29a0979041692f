"""What the elections actions share: live nominations, the permission check, the rulebook's
reasons, the audit snapshot, the nominations still standing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from moot.audit.actions import record
from moot.elections.audit_verbs import AuditVerb
from moot.elections.models import (
    Election,
    Nomination,
    NominationState,
)

if TYPE_CHECKING:
    from moot.accounts.models import User

LIVE_NOMINATIONS = (
    NominationState.AWAITING_SECONDER,
    NominationState.AWAITING_CONSENT,
    NominationState.STANDING,
)


def check_not_a_candidate(election: Election, acting_user: Any, what: str) -> None:
    """A candidate (or a job-share partner) in ``election`` does not open, close or declare
    it: the chair hands over for the item, and another officer or the returning officer acts."""
    from django.db.models import Q

    from moot.elections.errors import ElectionError

    member_id = getattr(getattr(acting_user, "member", None), "pk", None)
    if member_id is None:
        return
    standing = election.nominations.filter(
        Q(nominee_id=member_id) | Q(partner_id=member_id), state__in=LIVE_NOMINATIONS
    ).exists()
    if standing:
        raise ElectionError(
            f"You are a candidate in this election, so you cannot {what}: hand the chair over "
            "for this item (the chair's console) and let the new chair or the returning "
            "officer do it.",
            code="forbidden",
        )


def user_may(user: Any, permission: str, obj: Any) -> bool:
    return bool(user is not None and user.has_perm(permission, obj))


def rule_reasons(assessment: Any) -> tuple[str, str]:
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


def still_standing(election: Election, *, acting_user: User | None) -> list[Nomination]:
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
            rule_reasons(verdict)
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
            verb=AuditVerb.REFUSE,
            obj=nomination,
            after={"state": nomination.state},
            clause=nomination.refusal_clause,
            reason="may no longer stand on the day of the vote",
        )
    return standing
