"""An issued ballot with a roll for the delivery tests (B4): state ``open``, a credential key,
entries on e-mail and on post, built straight on the models (the freeze and the issue are B3's
actions) — the invitations are queued by ``delivery.queue_invitations`` as the issue does."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from factories import MemberFactory, UnitFactory
from moot.ballots import credentials
from moot.ballots.models import Ballot, RollEntry


def issued_ballot(
    *,
    email: int = 3,
    post: int = 1,
    unit: Any = None,
    regions: Any = None,
    officer: Any = None,
    scrutineer: Any = None,
) -> Ballot:
    unit = unit or UnitFactory(kind="national", name="National")
    now = timezone.now()
    ballot = Ballot.objects.create(
        unit=unit,
        title="National executive",
        kind="election",
        position="National executive",
        method="scottish-stv",
        seats=2,
        channels=["online", "post"],
        state="open",
        frozen_at=now - datetime.timedelta(days=2),
        opened_at=now,
        close_at=now + datetime.timedelta(days=14),
        returning_officer=officer,
        scrutineer=scrutineer,
    )
    credentials.create_ballot_key(ballot)
    number = 0
    for channel, count in (("online", email), ("post", post)):
        for _ in range(count):
            number += 1
            member = MemberFactory()
            region = regions[number % len(regions)] if regions else None
            entry = RollEntry.objects.create(
                ballot=ballot,
                member=member,
                unit=member.constituency,
                region=region,
                channel=channel,
                channel_reason="" if channel == "online" else "no usable e-mail address",
                email=f"voter{number}.{ballot.pk}@example.org" if channel == "online" else "",
                paper_number=number,
            )
            entry.credential_hash = credentials.hash_credential(
                credentials.credential_for(ballot, entry)
            )
            entry.save(update_fields=["credential_hash"])
    return ballot
