"""A ballot's definition as one canonical, JSON-serialisable document: saved as a
``BallotVersion`` at every edit while the ballot is a draft, hashed into the audit chain at the
freeze (``sha256_of``), and written as ``definition.json`` in the published record, where the
verifier (``moot.verify``) reads the method, seats, constraint, tie-break, seed and candidates
from it.

The format (``FORMAT``) is documented in docs/ballots.md. Dates are ``YYYY-MM-DD``; times are
UTC, ``YYYY-MM-DDTHH:MM:SSZ``. Candidates are those on the ballot in ballot order once the
ballot is frozen; before the freeze, the candidates not withdrawn, by name (the public page
marks that list provisional).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from moot.ballots import hooks
from moot.ballots.models import Ballot, BallotState, Candidate, Endorsement

FORMAT = "moot-ballot-definition/1"


def utc_text(moment: datetime.datetime | None) -> str | None:
    """A time as UTC ``YYYY-MM-DDTHH:MM:SSZ`` (seconds; None stays None)."""
    if moment is None:
        return None
    return moment.astimezone(datetime.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> datetime.datetime:
    """The inverse of :func:`utc_text` (any ISO 8601 time with an offset)."""
    moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone")
    return moment.astimezone(datetime.UTC)


def _date(day: datetime.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def candidates_of(ballot: Ballot) -> list[Candidate]:
    """The candidates the definition lists: on the ballot in ballot order once frozen; before,
    those not withdrawn, by name."""
    rows = Candidate.objects.filter(ballot=ballot)
    if ballot.state != BallotState.DRAFT:
        return list(rows.filter(on_ballot=True).order_by("position", "id"))
    return list(rows.filter(withdrawn_at__isnull=True).order_by("name", "id"))


def _sha256_text(text: str) -> str | None:
    return hashlib.sha256(text.encode()).hexdigest() if text else None


def endorsements_of(ballot: Ballot, candidates: list[Candidate]) -> list[dict[str, Any]]:
    """The endorsements of the listed candidates as at the freeze (recorded by then and not
    withdrawn by then; before the freeze, those standing now), by candidate and organisation:
    a later withdrawal (an event after the issue) does not change the frozen definition."""
    rows = Endorsement.objects.filter(candidate__in=candidates).select_related("organisation")
    if ballot.frozen_at is not None:
        rows = rows.filter(recorded_at__lte=ballot.frozen_at).exclude(
            withdrawn_at__lte=ballot.frozen_at
        )
    else:
        rows = rows.filter(withdrawn_at__isnull=True)
    return [
        {
            "candidate": e.candidate_id,
            "reference": e.reference,
            "organisation": {"id": e.organisation_id, "name": e.organisation.name},
        }
        for e in rows.order_by("candidate_id", "organisation__name", "organisation_id", "id")
    ]


def definition_of(ballot: Ballot) -> dict[str, Any]:
    """The canonical definition of ``ballot`` as it stands (its ``version``)."""
    candidates = candidates_of(ballot)
    return {
        "format": FORMAT,
        "ballot": ballot.pk,
        "version": ballot.version,
        "title": ballot.title,
        "unit": {"id": ballot.unit_id, "name": ballot.unit.name},
        "kind": ballot.kind,
        "position": ballot.position,
        "question": ballot.question,
        "seats": ballot.seats,
        "min_women": ballot.min_women,
        "method": ballot.method,
        "tie_break": ballot.tie_break,
        "seed": ballot.seed,
        "precedence": ballot.precedence,
        "channels": list(ballot.channels),
        "candidate_order": ballot.candidate_order,
        "nomination_threshold": ballot.nomination_threshold,
        "nominating_kinds": list(ballot.nominating_kinds),
        "show_endorsements": ballot.show_endorsements,
        "timetable": {
            "nominations_open": _date(ballot.nominations_open),
            "nominations_close": _date(ballot.nominations_close),
            "freeze_date": _date(ballot.freeze_date),
            "issue_at": utc_text(ballot.issue_at),
            "reminders": [utc_text(parse_utc(r)) for r in ballot.reminders],
            "close_at": utc_text(ballot.close_at),
        },
        "candidates": [
            {
                "id": c.pk,
                "position": c.position,
                "name": c.name,
                "woman": c.woman,
                "statement_sha256": _sha256_text(c.statement),
                "photo_sha256": c.photo_sha256 or None,
                **({"code": c.code} if c.code else {}),
            }
            for c in candidates
        ],
        "endorsements": endorsements_of(ballot, candidates),
        "edition": ballot.edition,
        "clause": ballot.clause,
        # What an app above adds (a verifiable ballot's trustees and threshold: ``hooks``).
        **hooks.definition_parts(ballot),
    }


def canonical_json(definition: dict[str, Any]) -> bytes:
    """The bytes hashed and published: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


def sha256_of(definition: dict[str, Any]) -> str:
    """The SHA-256 (hex) of the canonical JSON of ``definition``."""
    return hashlib.sha256(canonical_json(definition)).hexdigest()


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The top-level (and timetable) keys whose value differs between two definitions, in
    the definition's order: what a version changed."""
    changed: list[str] = []
    for key, value in after.items():
        if key == "version":
            continue
        if key == "timetable":
            earlier = before.get("timetable", {})
            changed += [f"timetable.{k}" for k, v in value.items() if earlier.get(k) != v]
        elif before.get(key) != value:
            changed.append(key)
    return changed
