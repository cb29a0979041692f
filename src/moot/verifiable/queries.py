"""What the verifiable pages and the API list: the board a page at a time, a tracker's entry,
the board's counts."""

from __future__ import annotations

from dataclasses import dataclass

from moot.ballots.models import Ballot
from moot.verifiable.models import BoardEntry, BoardKind, Election

__all__ = [
    "PAGE",
    "BoardPage",
    "board_page",
    "election_of",
    "entry_at",
    "entry_for_tracker",
    "normal_tracker",
]

PAGE = 100


@dataclass(frozen=True)
class BoardPage:
    rows: list[BoardEntry]
    after: int | None  # the height to continue after (None: the last page)
    before: int | None  # the height the previous page starts at (None: the first)


def board_page(election: Election, *, after: int = -1, size: int = PAGE) -> BoardPage:
    """Entries with height above ``after``, in height order (``size`` of them): the board's
    columns only, never the bodies."""
    rows = list(
        BoardEntry.objects.filter(election=election, height__gt=after)
        .order_by("height")
        .only("height", "kind", "tracker", "entry_hash")[: size + 1]
    )
    more = len(rows) > size
    rows = rows[:size]
    return BoardPage(
        rows=rows,
        after=rows[-1].height if more and rows else None,
        before=max(-1, after - size) if after >= 0 else None,
    )


def normal_tracker(text: str) -> str:
    """A tracker as typed (spaces, capitals) in its stored form: 64 lower-case hex digits, or
    "" when it is not one."""
    cleaned = "".join(str(text or "").split()).lower()
    if len(cleaned) != 64 or any(ch not in "0123456789abcdef" for ch in cleaned):
        return ""
    return cleaned


def entry_for_tracker(election: Election, tracker: str) -> BoardEntry | None:
    return (
        BoardEntry.objects.filter(election=election, kind=BoardKind.BALLOT, tracker=tracker)
        .only("height", "kind", "tracker", "entry_hash", "credential")
        .first()
    )


def superseded_by(election: Election, entry: BoardEntry) -> int | None:
    """The height of the next ballot of the same voting credential after ``entry`` (re-voting:
    the last ballot of a credential counts, so ``entry`` does not), or None."""
    return (
        BoardEntry.objects.filter(
            election=election,
            kind=BoardKind.BALLOT,
            credential=entry.credential,
            height__gt=entry.height,
        )
        .order_by("height")
        .values_list("height", flat=True)
        .first()
    )


def election_of(ballot: Ballot) -> Election | None:
    """The ballot's verifiable election, if it is run verifiable."""
    return Election.objects.filter(ballot_id=ballot.pk).first()


def entry_at(election: Election, height: int) -> BoardEntry | None:
    return BoardEntry.objects.filter(election=election, height=height).first()
