"""Reads of the close, count and countback pages (views never build a queryset)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import Http404

from moot.ballots.models import Ballot, Candidate, Countback, Return


def returns_received(ballot: Ballot) -> dict[str, int]:
    """Returns received so far by channel (aggregates only), for the close's confirm page."""
    rows = (
        Return.objects.filter(ballot=ballot)
        .values_list("channel")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {"online": 0, "post": 0}
    counts.update(dict(rows))
    return counts


def countbacks(ballot: Ballot) -> list[Countback]:
    return list(
        Countback.objects.filter(ballot=ballot)
        .select_related("departed", "filled_by")
        .order_by("requested_at", "id")
    )


def seat_choices(ballot: Ballot) -> list[tuple[int, str]]:
    """The candidates holding a seat from the ballot now (the declared, as changed by each
    countback), for the countback form."""
    from moot.ballots.actions.closing import seat_holders

    holders = seat_holders(ballot)
    rows = Candidate.objects.filter(ballot=ballot, on_ballot=True, name__in=holders)
    return [(c.pk, c.name) for c in rows.order_by("position", "id")]


def candidate(ballot: Ballot, candidate_id: Any) -> Candidate:
    found = Candidate.objects.filter(ballot=ballot, pk=candidate_id).first()
    if found is None:
        raise Http404("No such candidate in this ballot.")
    return found
