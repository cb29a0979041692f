"""A declared ballot with everything its published record holds (B7's tests).

Built on the models: a frozen definition (a saved version whose hash is the ballot's), a roll
of members with names, e-mails and member numbers (which the record must never carry), issued
credentials and paper numbers, a reissue that revoked one, deliveries, a post-issue event,
returns by channel, anonymous counted ballots, the count by ``moot.verify.ballot_count`` as the
server stores it, a scrutineer's report, and the declaration's audit event.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import random
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from factories import MemberFactory, OrganisationFactory, UnitFactory, UserFactory
from moot.audit.actions import record as audit_record
from moot.ballots import credentials, scrutineer
from moot.ballots.models import (
    Ballot,
    BallotEvent,
    BallotVersion,
    Candidate,
    CountedBallot,
    Delivery,
    Endorsement,
    RevokedCredential,
    RollEntry,
)
from moot.counting.formats.blt import write_blt
from moot.counting.model import Ballots, Election
from moot.counting.model import Candidate as CountCandidate
from moot.verify.ballot_count import count_record, render_record

NAMES = ("Ada Ashdown", "Bea Birch", "Cy Crane", "Di Dunmore", "Ed Elwood")


@dataclass
class DeclaredBallot:
    ballot: Ballot
    candidates: list[Candidate]
    entries: list[RollEntry]
    codes: dict[int, str]
    members: list[Any]


def _canonical_sha(definition: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()


def declared_ballot(*, voters: int = 24, seats: int = 2, seed: int = 7) -> DeclaredBallot:
    rng = random.Random(seed)
    unit = UnitFactory(kind="national", name="National")
    now = timezone.now().replace(microsecond=0)
    ballot = Ballot.objects.create(
        unit=unit,
        title="National executive",
        kind="election",
        position="National executive",
        method="scottish-stv",
        seats=seats,
        min_women=1,
        seed=20261207,
        channels=["online", "post"],
        state="frozen",
        frozen_at=timezone.now() - datetime.timedelta(days=30),
        opened_at=now - datetime.timedelta(days=25),
        closed_at=now - datetime.timedelta(days=2),
        counted_at=now - datetime.timedelta(days=1),
        signed_at=now - datetime.timedelta(hours=5),
        declared_at=now - datetime.timedelta(hours=4),
        close_at=now - datetime.timedelta(days=2),
    )
    candidates = [
        Candidate.objects.create(
            ballot=ballot, name=name, woman=i % 2 == 1, on_ballot=True, position=i
        )
        for i, name in enumerate(NAMES, start=1)
    ]
    definition = {
        "format": "moot-ballot-definition/1",
        "ballot": ballot.pk,
        "version": 1,
        "title": ballot.title,
        "unit": {"id": unit.pk, "name": unit.name},
        "kind": "election",
        "position": ballot.position,
        "question": "",
        "seats": seats,
        "min_women": 1,
        "method": "scottish-stv",
        "tie_break": "backwards",
        "seed": 20261207,
        "precedence": "first_received",
        "channels": ["online", "post"],
        "candidate_order": "alphabetical",
        "candidates": [
            {"id": c.pk, "position": c.position, "name": c.name, "woman": c.woman}
            for c in candidates
        ],
        "edition": "",
        "clause": "",
    }
    digest = _canonical_sha(definition)
    BallotVersion.objects.create(ballot=ballot, version=1, definition=definition, sha256=digest)
    ballot.definition_hash = digest
    credentials.create_ballot_key(ballot)
    members, entries, codes = [], [], {}
    for number in range(1, voters + 1):
        member = MemberFactory(email=f"voter{number}@example.org")
        entry = RollEntry.objects.create(
            ballot=ballot,
            member=member,
            unit=member.constituency,
            channel="online" if number % 3 else "post",
            paper_number=number,
            email=member.email,
            leaf=hashlib.sha256(f"leaf{number}".encode()).hexdigest(),
            voted=number <= voters - 4,
        )
        code = credentials.credential_for(ballot, entry)
        entry.credential_hash = credentials.hash_credential(code)
        entry.save(update_fields=["credential_hash"])
        codes[entry.pk] = code
        members.append(member)
        entries.append(entry)
        Delivery.objects.create(
            ballot=ballot,
            entry=entry,
            kind="invitation",
            channel=entry.channel,
            state="sent" if entry.channel == "online" else "printed",
            queued_at=ballot.opened_at,
        )
    # One reissue: the old credential revoked, a reissue delivery sent.
    reissued = entries[0]
    RevokedCredential.objects.create(
        ballot=ballot,
        entry=reissued,
        credential_hash=reissued.credential_hash,
        reason="lost",
        revoked_at=ballot.opened_at + datetime.timedelta(days=1),
    )
    Delivery.objects.create(
        ballot=ballot,
        entry=reissued,
        kind="reissue",
        channel=reissued.channel,
        state="sent",
        queued_at=ballot.opened_at + datetime.timedelta(days=1),
    )
    per_unit: dict[int, int] = {}
    for entry in entries:
        per_unit[entry.unit_id] = per_unit.get(entry.unit_id, 0) + 1
    channels = {"online": 0, "post": 0}
    for entry in entries:
        channels[entry.channel] += 1
    ballot.roll_commitment = {
        "format": "moot-ballot-roll/1",
        "ballot": ballot.pk,
        "freeze_date": None,
        "root": hashlib.sha256(b"root").hexdigest(),
        "size": voters,
        "assessed": voters + 2,
        "refused": 2,
        "constituencies": [
            {"unit": pk, "name": f"Unit {pk}", "eligible": n} for pk, n in sorted(per_unit.items())
        ],
        "regions": [{"unit": None, "name": "(no region)", "eligible": voters}],
        "refusals": [{"reason": "in arrears", "clause": "4.2", "members": 2}],
        "channels": channels,
    }
    # Counted ballots: random strict rankings of the candidate ids.
    cast = voters - 4
    contents = []
    for _ in range(cast - 1):
        order = [c.pk for c in candidates]
        rng.shuffle(order)
        contents.append(json.dumps(order[: rng.randint(1, len(order))], separators=(",", ":")))
    CountedBallot.objects.bulk_create(
        [CountedBallot(ballot=ballot, content=content) for content in contents]
    )
    counted = len(contents)
    online = sum(1 for e in entries[: voters - 4] if e.channel == "online")
    post = (voters - 4) - online
    ballot.returns = {
        "by_channel": {
            "online": {"received": online, "counted": online, "spoilt": 0, "set_aside": {}},
            "post": {
                "received": post + 1,
                "counted": post - 1,
                "spoilt": 1,
                "set_aside": {"already voted online": 1},
            },
        },
        "spoilt": {"unmarked": 1},
        "counted": counted,
        "precedence": "first_received",
    }
    organisation = OrganisationFactory(name="Forward Slate")
    endorsement = Endorsement.objects.create(
        ballot=ballot, candidate=candidates[2], organisation=organisation
    )
    BallotEvent.objects.create(
        ballot=ballot,
        kind="endorsement_withdrawn",
        candidate=candidates[2],
        endorsement=endorsement,
        authority="Letter from the slate's secretary",
        clause="7.4",
        notice="Forward Slate no longer endorses Cy Crane.",
        occurred_at=ballot.opened_at + datetime.timedelta(days=5),
        returns_before=5,
    )
    # The count as the server stores it.
    index = {c.pk: i for i, c in enumerate(candidates)}
    tally: dict[tuple[tuple[int, ...], ...], int] = {}
    for content in contents:
        ranking = tuple((index[mark],) for mark in json.loads(content))
        tally[ranking] = tally.get(ranking, 0) + 1
    election = Election(
        candidates=[CountCandidate(c.name) for c in candidates],
        seats=seats,
        ballots=Ballots(list(tally), list(tally.values())),
        title=ballot.title,
    )
    events = [{"kind": "endorsement_withdrawn", "candidate": candidates[2].pk, "occurred_at": "x"}]
    text, data, _ = render_record(count_record(definition, write_blt(election), events))
    ballot.result, ballot.result_text = data, text
    ballot.scrutineer_report = scrutineer.build_report(
        ballot,
        {key: {"satisfied": True, "reasons": ""} for key in scrutineer.STATEMENTS},
        signed_by="Sam Scrutineer",
        signed_at=ballot.signed_at.isoformat(),
    )
    ballot.state = "declared"
    ballot.save()
    with transaction.atomic():
        audit_record(
            actor=UserFactory(),
            verb="ballots.declare_ballot",
            obj=ballot,
            after={"elected": data["elected"]},
        )
    return DeclaredBallot(ballot, candidates, entries, codes, members)
