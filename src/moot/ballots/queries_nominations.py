"""Reads of nominations, candidates, endorsements and events (issue 11 items 2 and 3).

``candidates_reaching_ballot(ballot)`` is what the freeze puts on the ballot: every candidate
not withdrawn who has consented and has at least the ballot's threshold of nominations.
``order_for(ballot, rotation)`` is the ballot order: alphabetical by surname, or that order
rotated by ``rotation`` places (a voter's rotation, for a rotated ballot).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from moot.ballots.models import (
    Ballot,
    BallotEvent,
    BallotState,
    Candidate,
    CandidateOrder,
    Endorsement,
    Nomination,
)


def surname_key(candidate: Candidate) -> tuple[str, str, int]:
    """Alphabetical by surname, then by the whole name, then by when they were nominated."""
    if candidate.member is not None and candidate.member.last_name:
        surname = candidate.member.last_name
    else:
        surname = candidate.name.rsplit(" ", 1)[-1]
    return (surname.casefold(), candidate.name.casefold(), candidate.pk)


def candidates_of(ballot: Ballot) -> QuerySet[Candidate]:
    """Every candidate of ``ballot`` with their nominations counted."""
    return (
        Candidate.objects.filter(ballot=ballot)
        .select_related("member")
        .annotate(nomination_count=Count("nominations"))
    )


@dataclass
class Standing:
    """Where a candidate stands against the threshold: reaches the ballot or why not."""

    candidate: Candidate
    nominations: int
    reaches: bool
    reasons: list[str] = field(default_factory=list)


def standings(ballot: Ballot) -> list[Standing]:
    """Each candidate (alphabetical) with their count of nominations and whether they reach the
    ballot as things stand, and why not."""
    rows = []
    for candidate in sorted(candidates_of(ballot), key=surname_key):
        count: int = getattr(candidate, "nomination_count", 0)  # annotated by candidates_of
        reasons = []
        if candidate.withdrawn_at is not None:
            reasons.append("withdrew")
        if candidate.consented_at is None and candidate.member_id is not None:
            reasons.append("has not consented")
        if count < ballot.nomination_threshold:
            reasons.append(f"{count} of the {ballot.nomination_threshold} nominations needed")
        rows.append(Standing(candidate, count, not reasons, reasons))
    return rows


def candidates_reaching_ballot(ballot: Ballot) -> list[Candidate]:
    """The candidates who reach the ballot at the freeze, in alphabetical order by surname:
    not withdrawn, consented, and nominated at least ``nomination_threshold`` times."""
    return [s.candidate for s in standings(ballot) if s.reaches]


def order_for(ballot: Ballot, rotation: int = 0) -> list[Candidate]:
    """The ballot order. After the freeze: the candidates on the ballot by their position
    (alphabetical by surname, set at the freeze); before it, those reaching the ballot as things
    stand. A rotated ballot starts ``rotation`` places further down, wrapping round; an
    alphabetical one ignores ``rotation``."""
    if ballot.state == BallotState.DRAFT:
        base = candidates_reaching_ballot(ballot)
    else:
        base = list(
            Candidate.objects.filter(ballot=ballot, on_ballot=True)
            .select_related("member")
            .order_by("position", "id")
        )
    if ballot.candidate_order != CandidateOrder.ROTATED or not base:
        return base
    shift = rotation % len(base)
    return base[shift:] + base[:shift]


def nominations_by_candidate(ballot: Ballot) -> list[tuple[Candidate, list[Nomination]]]:
    """The public list: each candidate (alphabetical) with who nominated them, in the order
    recorded."""
    nominations = Nomination.objects.select_related("unit", "organisation", "meeting").order_by(
        "recorded_at", "id"
    )
    candidates = (
        Candidate.objects.filter(ballot=ballot)
        .select_related("member")
        .prefetch_related(Prefetch("nominations", queryset=nominations))
    )
    return [(c, list(c.nominations.all())) for c in sorted(candidates, key=surname_key)]


def candidate_of_ballot(ballot: Ballot, candidate_id: Any) -> Candidate | None:
    try:
        pk = int(candidate_id)
    except (TypeError, ValueError):
        return None
    return Candidate.objects.filter(ballot=ballot, pk=pk).select_related("member").first()


def endorsements_of(ballot: Ballot) -> QuerySet[Endorsement]:
    return (
        Endorsement.objects.filter(ballot=ballot)
        .select_related("candidate", "organisation")
        .order_by("organisation__name", "candidate__name", "id")
    )


def endorsements_shown(candidate: Candidate) -> list[Endorsement]:
    """The endorsements voters see beside ``candidate``: none unless the definition shows them,
    and never one withdrawn."""
    if not candidate.ballot.show_endorsements:
        return []
    return list(
        Endorsement.objects.filter(candidate=candidate, withdrawn_at__isnull=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def events_of(ballot: Ballot) -> QuerySet[BallotEvent]:
    return (
        BallotEvent.objects.filter(ballot=ballot)
        .select_related("candidate", "endorsement__organisation")
        .order_by("occurred_at", "id")
    )


def unit_polls_for_nomination(ballot: Ballot, unit: Any) -> QuerySet[Any]:
    """The closed nomination votes held for ``ballot`` at ``unit``'s meetings in the
    nominations window (``do_hold_nomination_vote``): what its secretary may record as its
    nomination."""
    from moot.ballots.models import NominationPoll
    from moot.polls.models import Poll, PollState

    linked = NominationPoll.objects.filter(ballot=ballot, unit=unit).values("poll_id")
    qs = Poll.objects.filter(
        pk__in=linked, meeting__unit=unit, state=PollState.CLOSED
    ).select_related("meeting")
    if ballot.nominations_open and ballot.nominations_close:
        qs = qs.filter(
            meeting__starts_at__date__gte=ballot.nominations_open,
            meeting__starts_at__date__lte=ballot.nominations_close,
        )
    return qs.order_by("-closed_at", "-id")


def nominating_units_of(ballot: Ballot, user: Any) -> list[Any]:
    """The units ``user`` is secretary of that may nominate in ``ballot``."""
    from moot.accounts.roles import SECRETARY_POSTS, roles_of
    from moot.units.models import Unit

    ids = roles_of(user).office_units(SECRETARY_POSTS)
    kinds = [k for k in (ballot.nominating_kinds or []) if k != "affiliate"]
    return list(Unit.objects.filter(pk__in=ids, kind__in=kinds, path__startswith=ballot.unit.path))


def organisations_list() -> QuerySet[Any]:
    from moot.units.models import Organisation

    return Organisation.objects.order_by("name")


def meetings_for_nomination_vote(ballot: Ballot, units: list[Any]) -> QuerySet[Any]:
    """The meetings of ``units`` in the nominations window not yet closed: where a nomination
    vote may be held."""
    from moot.meetings.models import Meeting, MeetingState

    qs = Meeting.objects.filter(unit__in=units).exclude(state=MeetingState.CLOSED)
    if ballot.nominations_open and ballot.nominations_close:
        qs = qs.filter(
            starts_at__date__gte=ballot.nominations_open,
            starts_at__date__lte=ballot.nominations_close,
        )
    return qs.select_related("unit").order_by("starts_at", "id")


def polls_for_units(ballot: Ballot, units: list[Any]) -> QuerySet[Any]:
    """The closed polls at the meetings of ``units`` in the window (the record form's list)."""
    from moot.polls.models import Poll

    qs = Poll.objects.none()
    for unit in units:
        qs = qs | unit_polls_for_nomination(ballot, unit)
    return qs


def member_by_number(number: str) -> Any:
    from moot.members.models import Member

    return Member.objects.filter(number=number.strip().upper()).first()


def endorsement_of_ballot(ballot: Ballot, endorsement_id: Any) -> Endorsement | None:
    try:
        pk = int(endorsement_id)
    except (TypeError, ValueError):
        return None
    return Endorsement.objects.filter(ballot=ballot, pk=pk).first()


def unit_by_id(unit_id: int) -> Any:
    from moot.units.models import Unit

    return Unit.objects.filter(pk=unit_id).first()


def poll_by_id(poll_id: int) -> Any:
    from moot.polls.models import Poll

    return Poll.objects.select_related("meeting").filter(pk=poll_id).first()


def organisation_by_id(organisation_id: int) -> Any:
    from moot.units.models import Organisation

    return Organisation.objects.filter(pk=organisation_id).first()


def returns_shown(ballot: Any, user: Any) -> bool:
    """Whether ``user`` sees how many returns were received before each event: while the
    ballot is being voted on it is a live turnout figure, for its overseers only; after the
    declaration it is in the published record, for anyone."""
    from moot.ballots.models import BallotState

    if ballot.state == BallotState.DECLARED:
        return True
    return bool(user.has_perm("ballots.oversee_ballot", ballot))
