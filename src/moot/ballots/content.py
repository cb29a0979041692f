"""The canonical content of a return, and the checks a voter's marks must pass (issue 11, item 8).

A return's content is a JSON list with no spaces:

* an **election**: the ids of the candidates marked, most preferred first for a ranked method
  (STV and the other ``ranked`` methods of ``moot.counting``), in ballot order for an X-vote
  (plurality, block, approval), e.g. ``[12,7,31]``;
* a **question**: ``["yes"]``, ``["no"]`` or ``[]`` (left blank).

:func:`canonical` validates a choice against the ballot (known candidates on this ballot, none
twice, at most ``seats`` crosses where each voter has that many votes, at least one mark in an
election) and refuses with a message that names the box at fault. :func:`padded_width` is the
one length every content of the ballot is padded to before it is sealed (``secrecy.py``): that
of a content naming every candidate, which no return exceeds. :func:`parse` reads it back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from moot.ballots.errors import BallotError, RefusalCode
from moot.ballots.models import Candidate
from moot.counting.registry import methods

if TYPE_CHECKING:
    from moot.ballots.models import Ballot, RollEntry

__all__ = [
    "ANSWERS",
    "Box",
    "MarkStyle",
    "ballot_boxes",
    "canonical",
    "choice_from_boxes",
    "mark_style",
    "padded_width",
    "parse",
]

ANSWERS = ("yes", "no")
ANSWER_LABELS = {"yes": "Yes", "no": "No"}


class MarkStyle:
    RANK = "rank"  # number the boxes 1, 2, 3 …
    CROSS = "cross"  # a cross in up to ``seats`` boxes (``approval``: in any number)
    ANSWER = "answer"  # yes or no


def mark_style(ballot: Ballot) -> str:
    """How the voter marks this ballot: by the kind, then by the method's ballot kind."""
    if ballot.kind == "question":
        return MarkStyle.ANSWER
    spec = methods().get(ballot.method)
    if spec is not None and spec.kinds[0] == "ranked":
        return MarkStyle.RANK
    return MarkStyle.CROSS


def _max_crosses(ballot: Ballot) -> int | None:
    """At most ``seats`` crosses where each voter has that many votes; any number in approval."""
    return None if ballot.method == "approval" else max(1, ballot.seats)


@dataclass(frozen=True)
class Box:
    """One box on the ballot: a candidate (``key`` its id as text) or an answer (``"yes"``)."""

    key: str
    label: str


def _candidates(ballot: Ballot) -> list[Any]:
    return list(Candidate.objects.filter(ballot=ballot, on_ballot=True).order_by("position", "id"))


def ballot_boxes(ballot: Ballot, entry: RollEntry | None = None) -> list[Box]:
    """The boxes in the order this voter's ballot shows them: the definition's ballot order, or
    where the order is rotated, that order turned by the voter's place (the roll entry's id,
    so the same voter always sees the same order and the start moves from voter to voter)."""
    if ballot.kind == "question":
        return [Box(code, ANSWER_LABELS[code]) for code in ANSWERS]
    boxes = [Box(str(c.pk), c.name) for c in _candidates(ballot)]
    if ballot.candidate_order == "rotated" and entry is not None and boxes:
        turn = entry.pk % len(boxes)
        boxes = boxes[turn:] + boxes[:turn]
    return boxes


def padded_width(ballot: Ballot) -> int:
    """The length every content of ``ballot`` is padded to: that of a content naming every
    candidate (or the longest answer). Candidate ids are fixed at the freeze."""
    if ballot.kind == "question":
        return max(len(_dump([code])) for code in ANSWERS)
    return len(_dump(sorted(c.pk for c in _candidates(ballot))))


def _dump(items: list[Any]) -> str:
    return json.dumps(items, separators=(",", ":"))


def canonical(ballot: Ballot, choice: Iterable[Any] | str | None) -> str:
    """Validate ``choice`` and return its canonical content.

    ``choice`` is, for a question, ``"yes"``, ``"no"`` or ``None``/``[]`` (blank); for an
    election, candidate ids (int or text), most preferred first where the method ranks."""
    style = mark_style(ballot)
    if style == MarkStyle.ANSWER:
        if choice is None or choice == "":
            items: list[Any] = []
        elif isinstance(choice, str):
            items = [choice]
        else:
            items = list(choice)
        if len(items) > 1:
            raise BallotError(
                "Both Yes and No are marked: mark one answer, or leave both blank.",
                field="answer",
            )
        if items and items[0] not in ANSWERS:
            raise BallotError(
                f"{items[0]!r} is not an answer to this question: mark Yes or No.", field="answer"
            )
        return _dump(items)
    if isinstance(choice, str):
        raise BallotError("A choice of candidates is a list of their ids.", field="choice")
    candidates = {c.pk: c for c in _candidates(ballot)}
    ids: list[int] = []
    for raw in list(choice or []):
        try:
            number = int(raw)
        except (TypeError, ValueError):
            raise BallotError(
                f"{raw!r} is not a candidate on this ballot: choose from its list.",
                field="choice",
            ) from None
        if number not in candidates:
            raise BallotError(
                f"Candidate {number} is not on this ballot: choose from its list.",
                field="choice",
            )
        if number in ids:
            raise BallotError(
                f"{candidates[number].name} is marked twice: mark each candidate once.",
                field=f"c{number}",
            )
        ids.append(number)
    if not ids:
        raise BallotError(
            "Nothing is marked: mark at least one candidate before sending your vote.",
            field="choice",
        )
    if style == MarkStyle.CROSS:
        limit = _max_crosses(ballot)
        if limit is not None and len(ids) > limit:
            raise BallotError(
                f"{len(ids)} candidates are marked but you have {limit} "
                f"vote{'s' if limit != 1 else ''}: remove "
                f"{len(ids) - limit} cross{'es' if len(ids) - limit != 1 else ''}.",
                field="choice",
                code=RefusalCode.INVALID,
            )
        order = {c: i for i, c in enumerate(candidates)}
        ids.sort(key=order.__getitem__)
    return _dump(ids)


def choice_from_boxes(
    ballot: Ballot, boxes: Mapping[str, str], entry: RollEntry | None = None
) -> list[Any] | str | None:
    """Read the marks of a submitted ballot form (``boxes``: box key → what was written in it)
    into a choice for :func:`canonical`, refusing with the box at fault named.

    Ranked: each box holds nothing or a whole number; the numbers used must be 1, 2, 3 …
    without a repeat or a gap. Crosses and answers: a box is marked when it holds anything."""
    style = mark_style(ballot)
    shown = ballot_boxes(ballot, entry)
    labels = {box.key: box.label for box in shown}
    marked = {key: (boxes.get(key) or "").strip() for key in labels}
    marked = {key: value for key, value in marked.items() if value}
    if style == MarkStyle.ANSWER:
        answers = [key for key in labels if key in marked]
        return answers[0] if len(answers) == 1 else (answers or None)
    if style == MarkStyle.CROSS:
        return [int(key) for key in labels if key in marked]
    ranks: dict[int, str] = {}
    boxes_of: dict[int, list[str]] = {}
    for key, value in marked.items():
        if not value.isdigit() or int(value) < 1:
            raise BallotError(
                f"The box beside {labels[key]} holds {value!r}: write a whole number (1 for your "
                "first choice, 2 for your second …) or leave it empty.",
                field=f"c{key}",
            )
        boxes_of.setdefault(int(value), []).append(key)
        ranks.setdefault(int(value), key)
    for rank in sorted(boxes_of):
        keys = boxes_of[rank]
        if len(keys) > 1:
            names = [labels[key] for key in keys]
            listed = ", ".join(names[:-1]) + f" and {names[-1]}"
            every = "both" if len(keys) == 2 else "all"
            error = BallotError(
                f"The boxes beside {listed} {every} hold {rank}: use each number once.",
                field=f"c{keys[0]}",
            )
            error.fields = [f"c{key}" for key in keys]  # type: ignore[attr-defined]
            raise error
    for expected, rank in enumerate(sorted(ranks), start=1):
        if rank != expected:
            raise BallotError(
                f"No box holds {expected}, but the box beside {labels[ranks[rank]]} holds "
                f"{rank}: number your choices 1, 2, 3 … without a gap.",
                field=f"c{ranks[rank]}",
            )
    return [int(ranks[rank]) for rank in sorted(ranks)]


def parse(content: str) -> list[Any]:
    """The list a canonical content holds (padding removed)."""
    value = json.loads(content.strip())
    if not isinstance(value, list):
        raise ValueError("a ballot's content is a JSON list")
    return value
