"""The fixed reasons a teller gives for a spoilt paper and for resolving a discrepancy (issue 11,
item 7; review 5, finding 1).

A returned paper's number leads to its roll entry while the ballot is open, so nothing said
about a paper may describe its marks: free text ("the 2 is beside Cy Crane") kept beside the
number, or in the audit trail, would tell whoever reads it how a member voted. A teller therefore
picks one of these categories, which say why the paper was decided as it was and never what
it shows; the marks themselves exist only sealed (``PaperKeying.sealed``, ``Return.sealed``) and
are deleted at the close. The spoilt categories are the ones the scrutineer's report counts.
"""

from __future__ import annotations

from moot.ballots.errors import BallotError

__all__ = [
    "RESOLUTION_REASONS",
    "SPOILT_REASONS",
    "resolution_reason",
    "spoilt_reason",
]

# code -> label (the label is what a decision stores and the report counts)
SPOILT_REASONS: dict[str, str] = {
    "unmarked": "unmarked",
    "no_first": "no single first preference",
    "too_many": "more marks than votes",
    "uncertain": "the voter's intention is uncertain",
    "identifies": "a mark or writing that identifies the voter",
    "not_official": "not an official paper of this ballot",
}

RESOLUTION_REASONS: dict[str, str] = {
    "typing_slip": "a typing slip in one keying",
    "misread": "a mark misread in one keying",
    "missed_mark": "a mark left out of one keying",
    "spoilt_or_not": "the keyings disagreed on whether the paper is spoilt",
}


def _pick(table: dict[str, str], value: str, field: str, what: str) -> str:
    text = " ".join((value or "").split())
    if text in table:
        return table[text]
    if text in table.values():
        return text
    listed = "; ".join(f"{code} ({label})" for code, label in table.items())
    if not text:
        raise BallotError(f"Choose {what}: one of {listed}.", field=field)
    raise BallotError(
        f"{what[0].upper()}{what[1:]} is chosen from a fixed list (a free description of a "
        f"paper's marks is never recorded): choose one of {listed}.",
        field=field,
    )


def spoilt_reason(value: str) -> str:
    """The label of a spoilt reason given by its code (or label); refused otherwise."""
    return _pick(SPOILT_REASONS, value, "spoilt_reason", "why the paper is spoilt")


def resolution_reason(value: str) -> str:
    """The label of a resolution reason given by its code (or label); refused otherwise."""
    return _pick(RESOLUTION_REASONS, value, "reason", "why the keyings differed")
