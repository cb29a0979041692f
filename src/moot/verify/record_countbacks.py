"""The countbacks of a published ballot record (``countback-<n>.json``): each is re-run from
the bundle alone and compared byte for byte (part of ``moot ballot verify``, see
:mod:`moot.verify.record`).

A countback fills a casual vacancy after the declaration: the declared count is re-run with
the departed member withdrawn (as every earlier countback's departed) and the members who keep
their seats deemed elected (:func:`moot.verify.ballot_count.count_record`'s ``continuing``).
Its file holds the departed, the reason, the time, the continuing members (candidate ids), who
fills the seat, the count's result as JSON and its report text. The verifier checks that the
continuing members are the seat holders before it less the departed, re-runs the count, and
compares the result JSON and the report's count with the file's, byte for byte.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from moot.verify.record import (
    COUNTBACK_FORMAT,
    Report,
    _first_difference,
    _json,
    countback_name,
    countback_names,
    dump_json,
)


def _candidate(value: Any) -> tuple[Any, str] | None:
    if not isinstance(value, dict) or not isinstance(value.get("name"), str):
        return None
    return value.get("candidate"), value["name"]


def check_countbacks(
    data: Mapping[str, Any],
    files: Mapping[str, bytes],
    blt_text: str,
    manifest: Mapping[str, Any],
    report: Report,
) -> None:
    """Re-run each countback in order, from the declared elected onwards."""
    from moot.counting.model import CountError
    from moot.verify.ballot_count import count_record, render_record

    names = countback_names(files)
    if not names:
        return
    expected = [countback_name(n) for n in range(1, len(names) + 1)]
    if names != expected:
        report.fail(
            names[-1],
            f"the countbacks are numbered {', '.join(names)}; expected {', '.join(expected)} "
            "(one file per countback, from 1, none missing)",
        )
        return
    definition = data["definition.json"]
    events = data["events.json"] if isinstance(data["events.json"], list) else []
    candidates = definition.get("candidates", []) if isinstance(definition, dict) else []
    ids = {str(c.get("name")): c.get("id") for c in candidates if isinstance(c, dict)}
    holders = [str(name) for name in manifest.get("elected", [])]
    departures: list[dict[str, Any]] = []
    for name in names:
        countback = _json(files, name, report)
        if not isinstance(countback, dict) or countback.get("format") != COUNTBACK_FORMAT:
            report.fail(name, f'is not a countback (no "format": "{COUNTBACK_FORMAT}")')
            return
        departed = _candidate(countback.get("departed"))
        filled = _candidate(countback.get("filled_by"))
        occurred = countback.get("occurred_at")
        if departed is None or filled is None or not isinstance(occurred, str):
            report.fail(
                name,
                '"departed", "filled_by" (each with "candidate" and "name") and "occurred_at" '
                "are required",
            )
            return
        if departed[1] not in holders:
            report.fail(
                name,
                f"{departed[1]} held no seat before this countback (the seats were held by "
                f"{', '.join(holders) or 'nobody'})",
            )
            return
        remaining = [holder for holder in holders if holder != departed[1]]
        continuing = [ids[holder] for holder in remaining if holder in ids]
        if countback.get("continuing") != continuing:
            report.fail(
                name,
                f'"continuing" is {countback.get("continuing")!r}; the members who keep their '
                f"seats are {', '.join(remaining) or 'nobody'}, candidates {continuing!r}",
            )
            return
        departures.append(
            {"kind": "seat_vacated", "candidate": departed[0], "occurred_at": occurred}
        )
        try:
            result = count_record(definition, blt_text, events + departures, continuing=continuing)
            text, as_json, _ = render_record(result)
        except (CountError, ValueError, KeyError, TypeError) as exc:
            report.fail(name, f"the countback's recount from the bundle fails: {exc}")
            return
        same = True
        found = dump_json(countback.get("result"))
        derived = dump_json(as_json)
        if found != derived:
            same = False
            report.fail(
                name,
                '"result" differs from the recount: '
                + _first_difference(derived.decode(), found.decode()),
            )
        stated = countback.get("report")
        if not isinstance(stated, str) or not stated.endswith("\n\n" + text):
            same = False
            shown = stated.rsplit("\n\n", 1)[-1] if isinstance(stated, str) else ""
            report.fail(
                name,
                '"report": its count is not the recount\'s: ' + _first_difference(text, shown),
            )
        named = as_json.get("elected")
        elected = [str(n) for n in named] if isinstance(named, list) else []
        newcomers = [n for n in elected if n not in remaining]
        if newcomers != [filled[1]] or any(n not in elected for n in remaining):
            report.fail(
                name,
                f'"filled_by" is {filled[1]}; the recount elects {", ".join(elected)} '
                f"(newcomers: {', '.join(newcomers) or 'none'})",
            )
            return
        if same:
            report.passed.append(
                f"{name}: the seat of {departed[1]} ({occurred[:10]}) is filled by {filled[1]}; "
                "the recount gives its result and report byte for byte"
            )
        holders = elected


__all__ = ["check_countbacks"]
