"""The count of a verifiable ballot's ranked question (docs/verifiable.md §12): the valid
rankings (decoded by :func:`moot.verify.vballot.unpack`) as BLT, counted by
:mod:`moot.verify.ballot_count` (the function issue 11's ballots are counted with), the report
rendered. Pure; the server, the simulator and the
verifier all run these very functions, so the verifier re-derives every byte.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from moot.counting.formats.blt import write_blt
from moot.counting.model import Ballots, Election, Ranking
from moot.counting.model import Candidate as CountCandidate
from moot.verify.ballot_count import FORMAT, count_record, render_record

# Counting rules a ranked question's count takes (the ``counting`` object of the setup entry
# for that question); the candidates and seats are the question's own.
COUNT_RULES = ("method", "tie_break", "seed", "min_women", "women")


def ranking_of(ranks: Sequence[int]) -> Ranking:
    """The count's ranking (one candidate per level, in order of preference) of valid ranks."""
    order = sorted((rank, i) for i, rank in enumerate(ranks) if rank)
    return tuple((i,) for _, i in order)


def blt_text(candidates: Sequence[str], seats: int, title: str, rankings: Sequence[Ranking]) -> str:
    """The valid rankings as BLT: identical rankings merged with their number, sorted (the
    order of the mix says nothing more), candidates 1..n in the question's order."""
    merged: dict[Ranking, int] = {}
    for ranking in rankings:
        merged[ranking] = merged.get(ranking, 0) + 1
    ordered = sorted(merged.items())
    election = Election(
        candidates=[CountCandidate(name) for name in candidates],
        seats=max(1, seats),
        ballots=Ballots([r for r, _ in ordered], [w for _, w in ordered]),
        title=title,
    )
    return write_blt(election)


def count_definition(
    question: Mapping[str, Any], rules: Mapping[str, Any], title: str
) -> dict[str, Any]:
    """The definition :func:`~moot.verify.ballot_count.count_record` counts with: the
    question's candidates (ids 1..n) and seats, and the rules of the setup entry."""
    women = set(rules.get("women") or [])
    candidates = [
        {"id": i + 1, "name": name, **({"woman": True} if name in women else {})}
        for i, name in enumerate(question["candidates"])
    ]
    return {
        "title": title,
        "method": rules["method"],
        "seats": question["seats"],
        "tie_break": rules.get("tie_break") or "backwards",
        "seed": rules.get("seed"),
        "min_women": rules.get("min_women") or 0,
        "candidates": candidates,
    }


def file_names(question: int) -> dict[str, str]:
    """The record's files of ranked question ``question`` (0-based): kind → file name."""
    prefix = f"q{question}-"
    return {
        "blt": prefix + "ballots.blt",
        "text": prefix + "count.txt",
        "json": prefix + "count.json",
        "rctab": prefix + "rctab-summary.json",
    }


def dump_json(data: object) -> bytes:
    """How a JSON report file of the record is written (as issue 11's record)."""
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


NO_VALID_RANKING = "no valid ranking: nothing was counted and nobody is elected"


def empty_count_files(
    names: Mapping[str, str], definition: Mapping[str, Any], blt: str
) -> dict[str, bytes]:
    """The files of a ranked question without a single valid ranking (no ballot cast on it,
    or every ranking invalid): ``moot.counting`` refuses an empty election, so there is no
    count; the files say so, each as the record always holds it. The BLT has no ballot line;
    the report is the title and :data:`NO_VALID_RANKING`; the JSON is the count's definition
    with ``"elected": []``, ``"valid": 0`` and ``"note"``; the RCTab summary has no round."""
    title = str(definition.get("title") or "")
    text = f"{title or 'Count'}\n\n{NO_VALID_RANKING[0].upper()}{NO_VALID_RANKING[1:]}.\n"
    as_json = {
        "format": FORMAT,
        "title": title,
        "method": definition["method"],
        "seats": definition["seats"],
        "candidates": [str(c["name"]) for c in definition["candidates"]],
        "elected": [],
        "valid": 0,
        "note": NO_VALID_RANKING,
    }
    rctab = {"config": {"contest": title or "Count"}, "results": []}
    return {
        names["blt"]: blt.encode(),
        names["text"]: text.encode(),
        names["json"]: dump_json(as_json),
        names["rctab"]: dump_json(rctab),
    }


def count_files(
    question_index: int,
    question: Mapping[str, Any],
    rules: Mapping[str, Any],
    title: str,
    rankings: Sequence[Ranking],
    *,
    events: Sequence[Mapping[str, Any]] = (),
) -> tuple[dict[str, bytes], list[str]]:
    """The ranked question's result files (BLT, report text, JSON, RCTab summary) by name,
    and the elected. ``events``: post-issue events as issue 11's count takes them (``kind``,
    ``candidate`` = the candidate's 1-based position in the question, ``occurred_at``): a
    withdrawn candidate's papers count for the next preference. Without a single valid
    ranking there is no count: :func:`empty_count_files`, nobody elected. Raises
    :class:`~moot.counting.model.CountError` on a rule or an event the count refuses."""
    names = file_names(question_index)
    blt = blt_text(list(question["candidates"]), int(question["seats"]), title, rankings)
    definition = count_definition(question, rules, title)
    if not rankings:
        return empty_count_files(names, definition, blt), []
    result = count_record(definition, blt, list(events))
    text, as_json, rctab = render_record(result)
    elected = as_json.get("elected")
    files = {
        names["blt"]: blt.encode(),
        names["text"]: text.encode(),
        names["json"]: dump_json(as_json),
        names["rctab"]: dump_json(rctab),
    }
    return files, [str(name) for name in elected] if isinstance(elected, list) else []


__all__ = [
    "COUNT_RULES",
    "NO_VALID_RANKING",
    "blt_text",
    "count_definition",
    "count_files",
    "dump_json",
    "empty_count_files",
    "file_names",
    "ranking_of",
]
