"""The count of a closed ballot (issue 11 item 9): the counted ballots as BLT, counted by the one
pure function the verifier runs too (``moot.verify.ballot_count``), and the report, JSON, RCTab
summary and chart rendered from its result.

The BLT is written from the ``CountedBallot`` rows: identical papers merged with their number,
in sorted order (so the file says nothing of the order the rows were stored in), candidates
1..n in ballot order as the definition lists them. The same BLT, definition and events are
what the published record holds (``record.py``), so ``moot ballot verify`` re-derives the
report byte for byte.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from moot.ballots.definition import definition_of
from moot.ballots.errors import BallotError, RefusalCode
from moot.ballots.models import Ballot, BallotEvent, Candidate, Countback, CountedBallot
from moot.counting import reports
from moot.counting.formats.blt import write_blt
from moot.counting.model import Ballots, CountError, Election, Ranking, Result
from moot.counting.model import Candidate as CountCandidate
from moot.verify.ballot_count import ballot_candidates, count_record, render_record

CHUNK = 20000


def events_of(ballot: Ballot) -> list[dict[str, Any]]:
    """The post-issue events as the count reads them (kind, candidate id, time), oldest first."""
    rows = BallotEvent.objects.filter(ballot=ballot).order_by("occurred_at", "id")
    return [
        {
            "kind": e.kind,
            "candidate": e.candidate_id,
            "occurred_at": e.occurred_at.isoformat(),
        }
        for e in rows
    ]


def _index(definition: dict[str, Any], ballot: Ballot) -> dict[Any, int]:
    """What a content item (a candidate id, or an answer's code) stands for: its 0-based place
    in the definition's ballot order (a question's answers Yes and No when nobody stands)."""
    index: dict[Any, int] = {}
    for i, candidate in enumerate(ballot_candidates(definition)):
        index[candidate["id"]] = i
        if candidate.get("code"):
            index[candidate["code"]] = i
    codes = Candidate.objects.filter(ballot=ballot, on_ballot=True).exclude(code="")
    for pk, code in codes.values_list("pk", "code"):
        if pk in index:
            index[code] = index[pk]
    return index


def ballots_blt(ballot: Ballot, definition: dict[str, Any] | None = None) -> str:
    """The counted ballots of ``ballot`` as BLT text (merged, sorted, ballot order)."""
    definition = definition if definition is not None else definition_of(ballot)
    index = _index(definition, ballot)
    tally: Counter[str] = Counter(
        CountedBallot.objects.filter(ballot=ballot)
        .values_list("content", flat=True)
        .iterator(chunk_size=CHUNK)
    )
    items: dict[Ranking, int] = {}
    for content, n in tally.items():
        try:
            ranking: Ranking = tuple((index[item],) for item in json.loads(content))
        except (KeyError, TypeError, ValueError):
            raise BallotError(
                f"A counted ballot of this ballot names something not on it ({content[:80]!r}); "
                "the count stops so that this can be investigated.",
                code=RefusalCode.STATE,
            ) from None
        items[ranking] = items.get(ranking, 0) + n
    ordered = sorted(items.items(), key=lambda pair: (pair[0], pair[1]))
    election = Election(
        candidates=[CountCandidate(str(c["name"])) for c in ballot_candidates(definition)],
        seats=max(1, int(definition.get("seats") or 1)),
        ballots=Ballots([r for r, _ in ordered], [n for _, n in ordered]),
        title=str(definition.get("title") or ballot.title),
    )
    return write_blt(election)


def departed_events(ballot: Ballot, *, upto: Countback | None = None) -> list[dict[str, Any]]:
    """The departed members of the ballot's countbacks (each recorded one, up to ``upto``), as
    withdrawals (after every post-issue event, being after the close): a later countback fills
    a vacancy with the earlier departed still gone."""
    rows = Countback.objects.filter(ballot=ballot).order_by("requested_at", "id")
    if upto is not None:
        rows = rows.filter(pk__lte=upto.pk)
    return [
        {
            "kind": "seat_vacated",
            "candidate": c.departed_id,
            "occurred_at": c.requested_at.isoformat(),
        }
        for c in rows
    ]


@dataclass(frozen=True)
class Counted:
    result: Result
    text: str
    json: dict[str, object]
    rctab: dict[str, object]
    chart_svg: str
    blt: str


def count_ballot(
    ballot: Ballot,
    *,
    extra_events: list[dict[str, Any]] | None = None,
    continuing: list[int] | None = None,
) -> Counted:
    """Count the ballot from its counted ballots, definition and events (and, for a countback,
    the departed as withdrawn and the ``continuing`` members, by candidate id, deemed elected).
    A count the definition cannot run is refused as a BallotError naming the file and the
    fault."""
    definition = definition_of(ballot)
    blt = ballots_blt(ballot, definition)
    events = events_of(ballot) + list(extra_events or [])
    try:
        result = count_record(definition, blt, events, continuing=continuing or ())
    except CountError as exc:
        raise BallotError(
            f"The count cannot be run: {exc}", clause=ballot.clause, code=RefusalCode.RULE
        ) from None
    text, data, rctab = render_record(result)
    return Counted(
        result=result,
        text=text,
        json=data,
        rctab=rctab,
        chart_svg=reports.render_chart_svg(result),
        blt=blt,
    )


def binding_round(result_json: dict[str, Any] | None) -> int | None:
    """The round where the women's minimum binds, from a stored result (None: it did not, or
    the ballot has none)."""
    if not result_json:
        return None
    value = (result_json.get("options") or {}).get("min_women_binds_at_round")
    return value if isinstance(value, int) else None
