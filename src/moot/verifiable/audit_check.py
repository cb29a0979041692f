"""The Benaloh audit check (docs/verifiable.md §8) as the audit page shows it: the audit JSON a
booth revealed, checked with ``moot.verify.vballot.check_audit`` against the election, and the
plaintexts read back as a voter reads their ballot (ranks beside candidates, the answers
chosen). The same check runs offline: ``moot verify --audit FILE``."""

from __future__ import annotations

import json
from dataclasses import dataclass

from moot.verifiable.errors import VerifiableError
from moot.verify import vballot
from moot.verify.vcommon import ProofError

__all__ = ["AuditResult", "AuditedQuestion", "check_audit_text"]

# Said wherever an audit's recomputed tracker is shown (the page, the API, moot verify --audit).
COMPARE_TRACKER = "compare it with the tracker your booth showed before you chose to check"

MAX_AUDIT_CHARS = 500_000


@dataclass(frozen=True)
class AuditedQuestion:
    text: str
    lines: list[tuple[str, str]]  # (candidate or answer, rank or "chosen"/"not chosen")
    note: str = ""


def _readable(election: vballot.Election, plaintexts: list[list[int]]) -> list[AuditedQuestion]:
    shown: list[AuditedQuestion] = []
    for question, values in zip(election.questions, plaintexts, strict=True):
        if isinstance(question, vballot.Ranked):
            ranks = vballot.unpack(values, len(question.candidates), question.pack)
            if isinstance(ranks, vballot.InvalidRanking):  # check_audit refuses these already
                raise VerifiableError(f"The audited ranking is not valid: {ranks.reason}.")
            order = sorted(
                (rank, name) for name, rank in zip(question.candidates, ranks, strict=True) if rank
            )
            shown.append(
                AuditedQuestion(
                    question.text,
                    [(name, str(rank)) for rank, name in order],
                    "" if order else "No candidate was ranked.",
                )
            )
        else:
            shown.append(
                AuditedQuestion(
                    question.text,
                    [
                        (answer, "chosen" if value else "not chosen")
                        for answer, value in zip(question.answers, values, strict=True)
                    ],
                )
            )
    return shown


@dataclass(frozen=True)
class AuditResult:
    """An audit that checks out: the tracker recomputed from the revealed ballot (hex and as
    the voter reads it) and the choices read back."""

    tracker: str
    tracker_shown: str
    questions: list[AuditedQuestion]


def check_audit_text(election_json: str, text: str) -> AuditResult:
    """Check a pasted audit JSON against the election; the recomputed tracker and the
    plaintexts, or a refusal naming the field that fails."""
    if len(text) > MAX_AUDIT_CHARS:
        raise VerifiableError(
            f"The audit is {len(text):,} characters; an audit of this ballot is far shorter "
            f"(at most {MAX_AUDIT_CHARS:,}).",
            field="audit",
        )
    try:
        audit = json.loads(text)
    except ValueError as exc:
        raise VerifiableError(
            f"This is not JSON ({exc}): paste the whole audit the booth showed, from {{ to }}.",
            field="audit",
        ) from None
    election = vballot.parse_election(json.loads(election_json))
    try:
        audited = vballot.check_audit(election, audit)
    except ProofError as exc:
        raise VerifiableError(
            f"The audit does not check out: {exc.where or 'audit'}: {exc.what}.",
            field="audit",
        ) from None
    return AuditResult(
        audited.tracker,
        vballot.format_tracker(audited.tracker),
        _readable(election, audited.plaintexts),
    )
