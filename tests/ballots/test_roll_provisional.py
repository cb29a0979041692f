"""Before the freeze, /ballots/<id>/my/ shows the member a provisional verdict (issue 11
review): the rulebook's assessment as at the freeze date (or today if later), with its reasons
and clause — the same verdict the roll then records at the freeze."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ballots.roll_world import roll_world
from factories import UserFactory
from moot.ballots.actions.roll import do_freeze_ballot
from moot.ballots.models import RollEntry

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_provisional_verdict_is_the_one_the_freeze_records() -> None:
    world = roll_world()
    alice = _client(world.members["alice"].user)
    url = f"/ballots/{world.ballot.pk}/my/"
    text = alice.get(url).content.decode()
    assert "you would be able to vote" in text
    member = world.members["arrears"]
    member.user = UserFactory(email="arrears@example.org")
    member.save()
    arrears = _client(member.user)
    text = arrears.get(url).content.decode()
    assert "you would not be able to vote" in text
    do_freeze_ballot(world.ballot.pk, acting_user=world.officer)
    entry = RollEntry.objects.get(ballot=world.ballot, member=member)
    assert not entry.eligible
    assert f"(rulebook clause {entry.clause})" in text
    assert RollEntry.objects.get(ballot=world.ballot, member=world.members["alice"]).eligible
    # After the freeze the roll's verdict replaces the provisional one.
    after = arrears.get(url).content.decode()
    assert "Provisional" not in after
    assert "You may not vote in this ballot" in after


def test_a_user_outside_the_unit_is_told_so() -> None:
    world = roll_world()
    text = _client(UserFactory()).get(f"/ballots/{world.ballot.pk}/my/").content.decode()
    assert "You are not a member of" in text
