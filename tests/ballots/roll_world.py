"""A draft ballot ready to freeze, for the roll and credential tests (B3): a national unit with
a region and two constituencies, members in every state the rulebook refuses, a shared and a
missing e-mail address, two consenting candidates, a returning officer and a scrutineer."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from factories import MemberFactory, UnitFactory, UserFactory
from moot.ballots.models import Ballot, Candidate


@dataclass
class RollWorld:
    ballot: Ballot
    national: Any
    region: Any
    north: Any
    south: Any
    officer: Any
    scrutineer: Any
    members: dict[str, Any] = field(default_factory=dict)


def roll_world(*, channels: tuple[str, ...] = ("online", "post")) -> RollWorld:
    national = UnitFactory(kind="national", name="Demo Party", parent=None)
    region = UnitFactory(kind="region", name="Riverlands", parent=national)
    north = UnitFactory(kind="constituency", name="North Vale", parent=region)
    south = UnitFactory(kind="constituency", name="South Vale", parent=region)
    officer = UserFactory(email="ro@example.org")
    scrutineer = UserFactory(email="scrutineer@example.org")
    today = timezone.localdate()
    now = timezone.now()
    ballot = Ballot.objects.create(
        unit=national,
        title="National executive 2026",
        kind="election",
        position="National executive",
        seats=1,
        method="scottish-stv",
        channels=list(channels),
        nominations_open=today - datetime.timedelta(days=30),
        nominations_close=today - datetime.timedelta(days=1),
        freeze_date=today,
        issue_at=now - datetime.timedelta(minutes=1),
        close_at=now + datetime.timedelta(days=21),
        clause="5.1",
        returning_officer=officer,
        scrutineer=scrutineer,
    )
    members = {
        "alice": MemberFactory(constituency=north, email="alice@example.org", with_account=True),
        "bob": MemberFactory(constituency=south, email="bob@example.org"),
        "shared1": MemberFactory(constituency=north, email="family@example.org"),
        "shared2": MemberFactory(constituency=south, email="family@example.org"),
        "no_email": MemberFactory(constituency=south, email=""),
        "bad_email": MemberFactory(constituency=north, email="not-an-address"),
        "arrears": MemberFactory(constituency=north, in_arrears=True, status_weeks_ago=10),
        "suspended": MemberFactory(constituency=south, suspended=True, status_weeks_ago=5),
        "new": MemberFactory(constituency=north, joined_weeks_ago=2),
        "lapsed_shared": MemberFactory(
            constituency=south, lapsed=True, status_weeks_ago=20, email="alice@example.org"
        ),
    }
    for name, woman in (("Casey Candidate", True), ("Drew Candidate", False)):
        Candidate.objects.create(
            ballot=ballot,
            member=MemberFactory(constituency=north),
            name=name,
            woman=woman,
            consented_at=now - datetime.timedelta(days=3),
        )
    return RollWorld(ballot, national, region, north, south, officer, scrutineer, members)
