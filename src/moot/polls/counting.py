"""From a poll's stored ballots (or the tellers' counts) to a ``moot.counting`` Election, and
the count itself. The engine is pure; this module is the only bridge to it from polls."""

from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from moot.counting.model import (
    Ballots,
    Candidate,
    CountOptions,
    Election,
    Ranking,
    Result,
    TieBreakSpec,
)
from moot.polls.models import Poll, TellerCount, Voting
from moot.polls.queries import ballot_contents, ballot_kind, options_of

ELECTION_KIND = {"yes_no": "single", "single": "single", "multi": "approval", "ranked": "ranked"}


def _ranking(kind: str, content: list[int], index_of: dict[int, int]) -> Ranking:
    indices = [index_of[option_id] for option_id in content]
    if kind == "multi":
        return (tuple(sorted(indices)),) if indices else ()
    return tuple((i,) for i in indices)


def election_for(poll: Poll) -> Election:
    """The poll as a counting Election: candidates are the options in order; each stored ballot
    (or each teller-counted vote) becomes a weighted ranking."""
    options = options_of(poll)
    index_of = {option.pk: i for i, option in enumerate(options)}
    kind = ballot_kind(poll.method)
    if poll.voting == Voting.ELECTRONIC:
        items = [(_ranking(kind, content, index_of), 1) for content in ballot_contents(poll)]
    else:
        counts = TellerCount.objects.filter(poll=poll).values_list("option_id", "count")
        items = [(((index_of[option_id],),), count) for option_id, count in counts if count]
    return Election(
        candidates=[Candidate(option.label) for option in options],
        seats=poll.seats,
        ballots=Ballots.aggregate(items),
        title=poll.title,
        kind=ELECTION_KIND[kind],  # type: ignore[arg-type]
        source=f"poll {poll.pk}",
    )


def count_options(poll: Poll, *, present: int, election: Election | None = None) -> CountOptions:
    extra: dict[str, Any] = {}
    if poll.method == "yes-no":
        extra = {"majority": poll.majority, "basis": poll.majority_basis, "present": present}
    constraints = None
    if poll.constraints and election is not None:
        # Stored as CON text (or a JSON group mapping); numbered like the poll's options.
        from moot.counting.constraints import read_constraints

        text = (
            poll.constraints if isinstance(poll.constraints, str) else json.dumps(poll.constraints)
        )
        constraints = read_constraints(text, election)
    return CountOptions(
        seats=poll.seats,
        tie_break=TieBreakSpec(name=poll.tie_break, seed=poll.seed),
        constraints=constraints,
        extra=extra,
    )


def _format(value: Fraction, precision: int | None) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    places = precision if precision is not None else 2
    scaled = (
        value.numerator * 10**places // value.denominator
    )  # truncated, as fixed-point rules show
    sign = "-" if scaled < 0 else ""
    whole, part = divmod(abs(scaled), 10**places)
    return f"{sign}{whole}.{part:0{places}d}"


def round_table(result: Result) -> dict[str, Any]:
    """The votes of each candidate in each round, as display strings, for the result page."""
    rows = []
    for index, name in enumerate(result.candidates):
        values = [
            _format(r.tallies[index], result.precision) if index in r.tallies else "–"
            for r in result.rounds
        ]
        rows.append({"name": name, "values": values})
    exhausted = [_format(r.exhausted, result.precision) for r in result.rounds]
    if any(value != "0" for value in exhausted):
        rows.append({"name": "Exhausted", "values": exhausted})
    return {"actions": [r.action for r in result.rounds], "rows": rows}


@dataclass(frozen=True)
class Counted:
    result: Result
    json: dict[str, Any]
    text: str
    chart_svg: str


def count_poll(poll: Poll, *, present: int) -> Counted:
    """Count the poll by its method from the registry and render the report, JSON and chart."""
    from moot.counting import registry, reports

    election = election_for(poll)
    result = registry.count(
        election, poll.method, count_options(poll, present=present, election=election)
    )
    return Counted(
        result=result,
        json=reports.render_json(result),
        text=reports.render_text(result),
        chart_svg=reports.render_chart_svg(result),
    )
