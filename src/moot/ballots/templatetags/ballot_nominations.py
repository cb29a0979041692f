"""What the public ballot page and the console show of nominations, endorsements and notices
(``ballots/public_*.html``, ``ballots/console_nominations.html``): the queries, not the models."""

from __future__ import annotations

from typing import Any

from django import template

from moot.ballots import queries_nominations as q
from moot.ballots.notices import notices_for

register = template.Library()


@register.simple_tag
def ballot_standings(ballot: Any) -> list[Any]:
    """Each candidate with their nominations and whether they reach the ballot."""
    return q.standings(ballot)


@register.simple_tag
def ballot_order(ballot: Any) -> list[Any]:
    """The candidates in ballot order (the first rotation of a rotated ballot)."""
    return q.order_for(ballot, 0)


@register.simple_tag
def ballot_endorsements(ballot: Any) -> list[Any]:
    """The endorsements in force, when the definition shows them."""
    if not ballot.show_endorsements:
        return []
    return list(q.endorsements_of(ballot).filter(withdrawn_at__isnull=True))


@register.simple_tag
def ballot_notices(ballot: Any) -> list[Any]:
    return notices_for(ballot)
