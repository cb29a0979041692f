"""An open ballot with a roll, for the casting, papers and turnout tests (B5).

Built straight on the models (the freeze and the issue are other workstreams' actions): a ballot
in state ``open`` with its credential key (``credentials``) and its sealing key (``secrecy``),
candidates on the ballot in ballot order, roll entries with hashed credentials and paper
numbers, and the credentials in the clear for the test to use.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from factories import MemberFactory, UnitFactory, UserFactory
from moot.ballots import credentials, secrecy
from moot.ballots.models import Ballot, Candidate, RollEntry, Teller


@dataclass
class OpenBallot:
    ballot: Ballot
    candidates: list[Candidate]
    entries: list[RollEntry]
    codes: dict[int, str] = field(default_factory=dict)  # entry id -> credential
    tellers: list[Any] = field(default_factory=list)

    def code(self, entry: RollEntry) -> str:
        return self.codes[entry.pk]

    def check(self, entry: RollEntry) -> str:
        assert entry.paper_number is not None
        return credentials.paper_check(self.ballot, entry.paper_number)


def open_ballot(
    *,
    voters: int = 3,
    kind: str = "election",
    method: str = "scottish-stv",
    seats: int = 2,
    precedence: str = "first_received",
    names: tuple[str, ...] = ("Ada Ashdown", "Bea Birch", "Cy Crane"),
    regions: list[Any] | None = None,
    unit: Any = None,
    tellers: int = 3,
    candidate_order: str = "alphabetical",
) -> OpenBallot:
    unit = unit or UnitFactory(kind="national", name="National")
    now = timezone.now()
    ballot = Ballot.objects.create(
        unit=unit,
        title="National executive" if kind == "election" else "Rule change",
        kind=kind,
        question="Should the rule change?" if kind == "question" else "",
        position="National executive" if kind == "election" else "",
        method=method if kind == "election" else "yes-no",
        seats=seats,
        precedence=precedence,
        channels=["online", "post"],
        candidate_order=candidate_order,
        state="frozen",
        frozen_at=now - datetime.timedelta(days=2),
        close_at=now + datetime.timedelta(days=14),
    )
    credentials.create_ballot_key(ballot)
    candidates: list[Candidate] = []
    if kind == "election":
        for position, name in enumerate(names, start=1):
            candidates.append(
                Candidate.objects.create(
                    ballot=ballot,
                    name=name,
                    woman=position % 2 == 1,
                    statement=f"{name} will listen.",
                    on_ballot=True,
                    position=position,
                )
            )
    # A question has no candidates (nobody is nominated, as in production): its answers Yes
    # and No are the count's candidates (moot.verify.ballot_count.ballot_candidates).
    entries: list[RollEntry] = []
    codes: dict[int, str] = {}
    for number in range(1, voters + 1):
        region = regions[(number - 1) % len(regions)] if regions else None
        member = MemberFactory(with_account=True)
        entry = RollEntry.objects.create(
            ballot=ballot,
            member=member,
            unit=member.constituency,
            region=region,
            channel="online" if number % 2 else "post",
            paper_number=number,
        )
        code = credentials.credential_for(ballot, entry)
        entry.credential_hash = credentials.hash_credential(code)
        entry.save(update_fields=["credential_hash"])
        codes[entry.pk] = code
        entries.append(entry)
    ballot.state = "open"
    secrecy.create_key(ballot)
    ballot.save(update_fields=["state", "opened_at"])
    teller_users = []
    for _ in range(tellers):
        user = UserFactory()
        Teller.objects.create(ballot=ballot, user=user)
        teller_users.append(user)
    return OpenBallot(ballot, candidates, entries, codes, teller_users)
