"""An open ballot past its close with sealed returns, for the close, count, scrutineer and
countback tests (B6).

Built on the models (the freeze, the issue and the casting are other workstreams' actions): a
ballot in state ``open`` whose ``close_at`` has passed, its sealing key (``secrecy``), its
officers (a returning officer, a scrutineer, a teller), candidates on the ballot in ballot
order, a roll of members and returns sealed as casting seals them, one per slot (``"any"``
when the first return counts, else the channel).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from factories import MemberFactory, UnitFactory, UserFactory
from moot.ballots import content, secrecy
from moot.ballots.models import (
    Ballot,
    Candidate,
    PaperDecision,
    PaperKeying,
    Return,
    RollEntry,
    Teller,
)


@dataclass
class ClosingBallot:
    ballot: Ballot
    candidates: list[Candidate]
    entries: list[RollEntry] = field(default_factory=list)
    returning_officer: Any = None
    scrutineer: Any = None
    teller: Any = None

    def by_name(self, name: str) -> Candidate:
        return next(c for c in self.candidates if c.name == name)

    def cast(self, entry: RollEntry, channel: str, names: list[str]) -> Return:
        """A sealed return of ``entry`` by ``channel`` ranking ``names``."""
        slot = "any" if self.ballot.precedence == "first_received" else channel
        text = json.dumps([self.by_name(n).pk for n in names], separators=(",", ":"))
        sealed = secrecy.seal(self.ballot, text, content.padded_width(self.ballot))
        entry.voted = True
        entry.save(update_fields=["voted"])
        return Return.objects.create(
            ballot=self.ballot, entry=entry, slot=slot, channel=channel, sealed=sealed
        )

    def spoil(self, paper_number: int, reason: str) -> None:
        now = timezone.now()
        for _ in range(2):
            PaperKeying.objects.create(
                ballot=self.ballot,
                paper_number=paper_number,
                teller=UserFactory(),
                spoilt=True,
                spoilt_reason=reason,
                keyed_at=now,
            )
        PaperDecision.objects.create(
            ballot=self.ballot,
            paper_number=paper_number,
            outcome="spoilt",
            reason=reason,
            decided_at=now,
        )

    def refuse(self, paper_number: int, reason: str) -> None:
        PaperDecision.objects.create(
            ballot=self.ballot,
            paper_number=paper_number,
            outcome="refused",
            reason=reason,
            decided_at=timezone.now(),
        )

    def key_once(self, paper_number: int, names: list[str]) -> None:
        text = json.dumps([self.by_name(n).pk for n in names], separators=(",", ":"))
        PaperKeying.objects.create(
            ballot=self.ballot,
            paper_number=paper_number,
            teller=self.teller,
            sealed=secrecy.seal(self.ballot, text, content.padded_width(self.ballot)),
            keyed_at=timezone.now(),
        )


def closing_ballot(
    *,
    voters: int = 0,
    names: tuple[str, ...] = ("Ada Ashdown", "Bea Birch", "Cy Crane"),
    women: tuple[str, ...] = ("Ada Ashdown",),
    seats: int = 2,
    min_women: int = 0,
    precedence: str = "first_received",
    method: str = "scottish-stv",
    closed_ago: datetime.timedelta = datetime.timedelta(minutes=5),
) -> ClosingBallot:
    unit = UnitFactory(kind="national", name="National")
    now = timezone.now()
    ro, scrutineer, teller = UserFactory(), UserFactory(), UserFactory()
    ballot = Ballot.objects.create(
        unit=unit,
        title="National executive",
        kind="election",
        position="National executive",
        method=method,
        seats=seats,
        min_women=min_women,
        seed=424242,
        precedence=precedence,
        channels=["online", "post"],
        state="frozen",
        frozen_at=now - datetime.timedelta(days=20),
        close_at=now - closed_ago,
        returning_officer=ro,
        scrutineer=scrutineer,
        clause="9.1",
    )
    candidates = [
        Candidate.objects.create(
            ballot=ballot, name=name, woman=name in women, on_ballot=True, position=position
        )
        for position, name in enumerate(names, start=1)
    ]
    Teller.objects.create(ballot=ballot, user=teller)
    ballot.state = "open"
    secrecy.create_key(ballot)
    ballot.save(update_fields=["state", "opened_at"])
    world = ClosingBallot(ballot, candidates, [], ro, scrutineer, teller)
    for number in range(1, voters + 1):
        member = MemberFactory()
        world.entries.append(
            RollEntry.objects.create(
                ballot=ballot,
                member=member,
                unit=member.constituency,
                channel="online" if number % 2 else "post",
                credential_hash=f"{number:064x}",
                paper_number=number,
            )
        )
    return world


def counted_ballot(
    capture: Any, *, names: tuple[str, ...] = ("Ada Ashdown", "Bea Birch", "Cy Crane", "Di Dunmore")
) -> ClosingBallot:
    """A ballot closed and counted (2 seats of 4 candidates, 10 voters, a spoilt paper and one
    set aside); ``capture`` is pytest-django's ``django_capture_on_commit_callbacks``."""
    from moot.ballots.actions.closing import do_close_ballot, do_count_ballot

    world = closing_ballot(voters=12, names=names, precedence="online_wins")
    a, b, c, d = names
    rankings = [[a, b], [a, c], [a, b], [b, a], [b, c], [c, d], [c, b], [d, c], [a, d], [b, a]]
    for entry, ranking in zip(world.entries, rankings, strict=False):
        world.cast(entry, "online", ranking)
    world.cast(world.entries[0], "post", [d])  # set aside: online wins
    world.spoil(11, "no marks that could be read")
    with capture(execute=True):
        do_close_ballot(world.ballot, acting_user=world.returning_officer)
    world.ballot = do_count_ballot(world.ballot, acting_user=world.returning_officer)
    return world
