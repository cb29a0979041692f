"""The notices of a ballot: what voters are told of the post-issue events (a candidate withdrawn,
suspended or reinstated, an endorsement withdrawn), shown on the voting page and at the top of
the next reminder to members who have not voted. The issued ballot is never edited: a notice is
read from the recorded ``BallotEvent`` rows, oldest first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from moot.ballots.models import Ballot, BallotEvent


@dataclass(frozen=True)
class Notice:
    """One notice to voters: the words recorded with the event, what kind of event it was, when
    it happened and the clause it was decided under."""

    text: str
    kind: str
    occurred_at: dt.datetime
    clause: str
    candidate: str  # the candidate's name as printed on the ballot
    kind_label: str

    def as_dict(self) -> dict[str, str]:
        return {
            "text": self.text,
            "kind": self.kind,
            "kind_label": self.kind_label,
            "occurred_at": self.occurred_at.isoformat(),
            "clause": self.clause,
            "candidate": self.candidate,
        }


def notices_for(ballot: Ballot) -> list[Notice]:
    """The notices of ``ballot`` in the order the events happened (then in the order recorded)."""
    events = (
        BallotEvent.objects.filter(ballot=ballot)
        .select_related("candidate")
        .order_by("occurred_at", "id")
    )
    return [
        Notice(
            text=event.notice,
            kind=event.kind,
            occurred_at=event.occurred_at,
            clause=event.clause,
            candidate=event.candidate.name,
            kind_label=event.get_kind_display(),
        )
        for event in events
    ]
