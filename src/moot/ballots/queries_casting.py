"""Reads of the casting and papers pages (views never build a queryset)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from moot.ballots.casting import slot_for
from moot.ballots.content import Box, ballot_boxes
from moot.ballots.models import (
    Ballot,
    Candidate,
    Channel,
    Endorsement,
    PaperDecision,
    PaperKeying,
    Precedence,
    Return,
    RollEntry,
)


@dataclass
class BallotLine:
    """One box of the voter's ballot with what the voter may read beside it."""

    box: Box
    candidate: Candidate | None = None
    endorsements: list[str] = field(default_factory=list)


def ballot_lines(ballot: Ballot, entry: RollEntry | None) -> list[BallotLine]:
    """The boxes in this voter's order, each with its candidate (statement, photo) and the
    organisations endorsing them as at the issue (an endorsement withdrawn after the issue is
    a notice, not an edit; shown only where the definition shows endorsements)."""
    boxes = ballot_boxes(ballot, entry)
    if ballot.kind == "question":
        return [BallotLine(box) for box in boxes]
    candidates = {str(c.pk): c for c in Candidate.objects.filter(ballot=ballot, on_ballot=True)}
    endorsed: dict[int, list[str]] = {}
    if ballot.show_endorsements:
        rows = Endorsement.objects.filter(ballot=ballot).select_related("organisation")
        if ballot.opened_at is not None:
            rows = rows.filter(recorded_at__lte=ballot.opened_at).filter(
                Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=ballot.opened_at)
            )
        else:
            rows = rows.filter(withdrawn_at__isnull=True)
        for row in rows.order_by("organisation__name"):
            endorsed.setdefault(row.candidate_id, []).append(row.organisation.name)
    return [
        BallotLine(box, candidates.get(box.key), endorsed.get(int(box.key), [])) for box in boxes
    ]


def entry_by_id(ballot: Ballot, entry_id: Any) -> RollEntry | None:
    try:
        number = int(entry_id)
    except (TypeError, ValueError):
        return None
    return RollEntry.objects.filter(ballot=ballot, pk=number).select_related("member").first()


def online_vote_held(ballot: Ballot, entry: RollEntry) -> bool:
    """Whether a further online vote by ``entry`` would be refused: its online (or only) slot
    is taken and the precedence does not let a later online vote replace it."""
    if ballot.precedence == Precedence.LAST_ONLINE:
        return False
    return Return.objects.filter(
        entry=entry, slot=slot_for(ballot.precedence, Channel.ONLINE)
    ).exists()


@dataclass(frozen=True)
class PaperCounts:
    keyed_once: int
    discrepancies: int
    decided: dict[str, int]


def paper_counts(ballot: Ballot) -> PaperCounts:
    """How far the keying has got: papers keyed once, discrepancies waiting, decisions by
    outcome (counts only: no teller sees another's keying)."""
    decided_numbers = PaperDecision.objects.filter(ballot=ballot).values("paper_number")
    per_paper = (
        PaperKeying.objects.filter(ballot=ballot)
        .exclude(paper_number__in=decided_numbers)
        .values("paper_number")
        .annotate(n=Count("id"))
    )
    once = sum(1 for row in per_paper if row["n"] == 1)
    twice = sum(1 for row in per_paper if row["n"] >= 2)
    decided = dict(
        PaperDecision.objects.filter(ballot=ballot)
        .values_list("outcome")
        .annotate(n=Count("id"))
        .order_by()
    )
    return PaperCounts(once, twice, decided)


def discrepancies(ballot: Ballot) -> list[int]:
    """The paper numbers keyed twice, differently, and not yet resolved."""
    decided_numbers = PaperDecision.objects.filter(ballot=ballot).values("paper_number")
    return list(
        PaperKeying.objects.filter(ballot=ballot)
        .exclude(paper_number__in=decided_numbers)
        .values("paper_number")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .order_by("paper_number")
        .values_list("paper_number", flat=True)
    )
