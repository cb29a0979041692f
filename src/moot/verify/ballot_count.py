"""The count of a ballot of all the members of a unit, from its record alone.

One pure function serves the server (``moot.ballots.count``) and anyone re-running a published
bundle (``moot ballot verify``): :func:`count_record` counts the anonymised preferences (BLT)
by the ballot's definition and its post-issue events, and :func:`render_record` renders the
report, its JSON and RCTab's summary, the same bytes wherever it runs.

What the definition decides (``definition.json``, ``moot.ballots.definition``):

* ``method`` (a :mod:`moot.counting.registry` name), ``seats``, ``tie_break`` and ``seed``;
* ``min_women``: at least that many of the seats go to the candidates marked ``woman``. It is
  a counting constraint (guard/doom, :mod:`moot.counting.constraints`): category "Gender",
  group "Women" (minimum ``min_women``, maximum ``seats``) and group "Other candidates"
  (minimum 0). The count is also run without it, and the first round at which the two
  counts part is the round where the minimum binds (``options["min_women_binds_at_round"]``,
  ``None`` when it never changed the count);
* ``candidates``: in ballot order, the BLT's candidates 1..n (the names must agree). A
  question (``kind`` "question") lists none: its answers Yes and No are the candidates
  (:func:`ballot_candidates`), as the returns' contents ``["yes"]``/``["no"]`` name them.

Events (``events.json``): a ``candidate_withdrawn`` or ``candidate_suspended`` event not
followed by a ``candidate_reinstated`` for the same candidate withdraws the candidate, as
COUNTING.md says: withdrawn before the first round, so their name is on the papers but every
paper marked for them counts for its next preference (the papers are never void). Events are
taken in order of ``occurred_at`` (ISO 8601 text; events at the same time in the given order).
Other kinds (``endorsement_withdrawn``) do not touch the count.

A countback (a casual vacancy after the declaration) passes each departed member as a
``seat_vacated`` event (withdrawn like the others; the report says they left after the
declaration) and the members who keep their seats as ``continuing``: they are deemed elected
by a constraint of their own (category "Countback": group "Continuing members", exactly their
number of seats, guarded from exclusion; "Other candidates" the seats left), together with the
women's minimum, so the re-run fills only the vacancy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from moot.counting import registry, reports
from moot.counting.formats.blt import parse_blt
from moot.counting.model import (
    Candidate,
    Constraints,
    CountError,
    CountOptions,
    Election,
    GroupConstraint,
    Result,
    TieBreakSpec,
)

FORMAT = "moot-ballot-count/1"
WITHDRAWING = ("candidate_withdrawn", "candidate_suspended", "seat_vacated")
REINSTATING = ("candidate_reinstated",)
EVENT_KINDS = (*WITHDRAWING, *REINSTATING, "endorsement_withdrawn")

__all__ = [
    "ANSWERS",
    "FORMAT",
    "ballot_candidates",
    "count_record",
    "render_record",
    "withdrawn_by_events",
]


def _field(definition: Mapping[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    if key not in definition:
        raise CountError(f"the definition has no {key!r}", source="definition.json")
    value = definition[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise CountError(
            f"the definition's {key!r} is {value!r}, not a {getattr(kind, '__name__', kind)}",
            source="definition.json",
        )
    return value


ANSWERS: tuple[Mapping[str, Any], ...] = (
    {"id": "yes", "name": "Yes", "code": "yes"},
    {"id": "no", "name": "No", "code": "no"},
)


def ballot_candidates(definition: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The count's candidates in ballot order: the definition's, or for a question put to the
    members (``kind`` "question", nobody nominated) its answers **Yes** and **No** (ids and
    codes ``"yes"``/``"no"``, what a return's content holds)."""
    return _candidates(definition)


def _candidates(definition: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    candidates: list[Mapping[str, Any]] = _field(definition, "candidates", list)
    if not candidates and definition.get("kind") == "question":
        return [dict(answer) for answer in ANSWERS]
    for n, candidate in enumerate(candidates, start=1):
        if not isinstance(candidate, Mapping) or not {"id", "name"} <= set(candidate):
            raise CountError(
                f"candidate {n} of the definition needs an 'id' and a 'name'",
                source="definition.json",
            )
    return candidates


def withdrawn_by_events(
    definition: Mapping[str, Any], events: Sequence[Mapping[str, Any]]
) -> dict[int, Mapping[str, Any]]:
    """The candidates (by position 0..n-1 in ballot order) withdrawn by the events, each with
    the event that withdrew them last."""
    ids = {c["id"]: i for i, c in enumerate(_candidates(definition))}
    ordered = sorted(enumerate(events), key=lambda pair: (str(pair[1].get("occurred_at")), pair[0]))
    withdrawn: dict[int, Mapping[str, Any]] = {}
    for n, event in ordered:
        kind = event.get("kind")
        if kind not in EVENT_KINDS:
            raise CountError(
                f"event {n + 1} has kind {kind!r}; expected one of {', '.join(EVENT_KINDS)}",
                source="events.json",
            )
        if kind == "endorsement_withdrawn":
            continue
        candidate = event.get("candidate")
        if candidate not in ids:
            raise CountError(
                f"event {n + 1} ({kind}) names candidate {candidate!r}, who is not on the "
                f"ballot; candidates are {sorted(ids)}",
                source="events.json",
            )
        if kind in WITHDRAWING:
            withdrawn[ids[candidate]] = event
        else:
            withdrawn.pop(ids[candidate], None)
    return withdrawn


def _election(
    definition: Mapping[str, Any], blt_text: str, withdrawn: Mapping[int, Mapping[str, Any]]
) -> Election:
    candidates = _candidates(definition)
    election = parse_blt(blt_text, source="ballots.blt")
    names = [str(c["name"]) for c in candidates]
    if list(election.names) != names:
        raise CountError(
            f"the BLT's candidates {list(election.names)} are not the definition's "
            f"{names} in ballot order",
            source="ballots.blt",
        )
    seats = _field(definition, "seats", int)
    out = [
        Candidate(
            c.name,
            nickname=c.nickname,
            withdrawn=c.withdrawn or i in withdrawn,
            affiliation=c.affiliation,
        )
        for i, c in enumerate(election.candidates)
    ]
    title = definition.get("title") or election.title
    return replace(election, candidates=out, seats=seats, title=str(title))


def _continuing_groups(
    definition: Mapping[str, Any], seats: int, continuing: Sequence[Any]
) -> tuple[GroupConstraint, ...]:
    """A countback's members who keep their seats, by candidate id: deemed elected."""
    if not continuing:
        return ()
    ids = {c["id"]: i for i, c in enumerate(_candidates(definition))}
    unknown = [c for c in continuing if c not in ids]
    if unknown:
        raise CountError(f"continuing members {unknown!r} are not candidates on the ballot")
    kept = frozenset(ids[c] for c in continuing)
    if len(kept) >= seats:
        raise CountError(f"{len(kept)} continuing members leave no seat of {seats} to fill")
    others = frozenset(range(len(ids))) - kept
    return (
        GroupConstraint("Countback", "Continuing members", len(kept), len(kept), kept),
        GroupConstraint("Countback", "Other candidates", 0, seats - len(kept), others),
    )


def _constraints(definition: Mapping[str, Any], seats: int) -> Constraints | None:
    minimum = definition.get("min_women") or 0
    if not isinstance(minimum, int) or isinstance(minimum, bool) or minimum < 0:
        raise CountError(
            f"the definition's 'min_women' is {minimum!r}; expected a whole number from 0",
            source="definition.json",
        )
    if minimum == 0:
        return None
    candidates = _candidates(definition)
    women = frozenset(i for i, c in enumerate(candidates) if c.get("woman"))
    others = frozenset(range(len(candidates))) - women
    return Constraints(
        (
            GroupConstraint("Gender", "Women", minimum, seats, women),
            GroupConstraint("Gender", "Other candidates", 0, seats, others),
        )
    )


def _binds_at(constrained: Result, free: Result) -> int | None:
    """The first round at which the constrained count did something else than the count
    without the constraint (elected or excluded another candidate, or stopped)."""
    for mine, theirs in zip(constrained.rounds, free.rounds, strict=False):
        if (mine.elected, mine.excluded) != (theirs.elected, theirs.excluded):
            return mine.number
    if len(constrained.rounds) != len(free.rounds) or constrained.elected != free.elected:
        shorter = min(len(constrained.rounds), len(free.rounds))
        return constrained.rounds[min(shorter, len(constrained.rounds) - 1)].number
    return None


def count_record(
    definition: Mapping[str, Any],
    blt_text: str,
    events: Sequence[Mapping[str, Any]],
    *,
    continuing: Sequence[Any] = (),
) -> Result:
    """Count the ballot: the definition's method, seats, tie-break (and seed) and women's
    minimum, with the candidates the events withdrew treated as withdrawn (and, for a
    countback, the ``continuing`` members' seats kept). Raises
    :class:`~moot.counting.model.CountError` saying which file and what is wrong."""
    method = _field(definition, "method", str)
    seats = _field(definition, "seats", int)
    tie_break = definition.get("tie_break") or "backwards"
    seed = definition.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise CountError(f"the definition's 'seed' is {seed!r}; expected a whole number or null")
    withdrawn = withdrawn_by_events(definition, events)
    election = _election(definition, blt_text, withdrawn)
    constraints = _constraints(definition, seats)
    kept = _continuing_groups(definition, seats, continuing)
    tie = TieBreakSpec(name=str(tie_break), seed=seed)
    everything = (
        Constraints((*(constraints.groups if constraints else ()), *kept)) if kept else constraints
    )
    result = registry.count(
        election, method, CountOptions(seats=seats, tie_break=tie, constraints=everything)
    )
    options: dict[str, object] = dict(result.options)
    notes = list(result.notes)
    for index in sorted(withdrawn):
        event = withdrawn[index]
        when = str(event.get("occurred_at") or "")[:10]
        kind = event.get("kind")
        verb = {
            "candidate_suspended": "was suspended after the issue",
            "seat_vacated": "left after the declaration",
        }.get(str(kind), "was withdrawn after the issue")
        notes.append(
            f"{election.candidates[index].name} {verb}"
            + (f" ({when})" if when else "")
            + ": their papers count for the next preference"
        )
    if kept:
        names = [election.candidates[i].name for i in sorted(kept[0].members)]
        options["continuing"] = names
        notes.append(
            "Countback: the members who keep their seats are deemed elected ("
            + ", ".join(names)
            + "); the count fills the vacant seat only"
        )
    if constraints is not None:
        free = registry.count(
            election,
            method,
            CountOptions(
                seats=seats, tie_break=tie, constraints=Constraints(kept) if kept else None
            ),
        )
        binds = _binds_at(result, free)
        minimum = constraints.groups[0].minimum
        women = sorted(constraints.groups[0].members)
        options["min_women"] = minimum
        options["women"] = [election.candidates[i].name for i in women]
        options["min_women_binds_at_round"] = binds
        options["elected_without_min_women"] = [election.candidates[i].name for i in free.elected]
        if binds is None:
            notes.append(
                f"At least {minimum} of {seats} seats to women: the minimum did not change the "
                "count (it was met without it)"
            )
        else:
            notes.append(
                f"At least {minimum} of {seats} seats to women: the minimum binds at round "
                f"{binds} (without it the count would have gone otherwise from that round)"
            )
    return replace(result, options=options, notes=tuple(notes))


def render_record(result: Result) -> tuple[str, dict[str, object], dict[str, object]]:
    """The count report as text, as JSON (``moot.counting.reports.render_json`` with the
    format name) and as RCTab's summary: the same bytes for the same result anywhere."""
    text = reports.render_text(result)
    data: dict[str, object] = {"format": FORMAT, **reports.render_json(result)}
    summary = reports.render_rctab_summary(result)
    return text, data, summary
