"""The ballot key of an open poll (moot.polls.sealing): made at the opening outside the
database, 0600; needed to cast and to count; destroyed once the close commits. A lost key and
an altered ballot are refused with messages that say what to do, and write nothing."""

from __future__ import annotations

import json
import stat
from typing import Any

import pytest

from moot.polls.actions import do_cast_ballot, do_close_poll
from moot.polls.errors import PollError
from moot.polls.models import Participation, PollState, SecretBallot
from moot.polls.sealing import forget_keys, is_sealed, key_dir, key_path, seal, unseal

pytestmark = pytest.mark.django_db


def test_the_opening_writes_the_key_outside_the_database(open_poll: Any) -> None:
    poll = open_poll()
    path = key_path(poll.pk, poll.opened_at)
    assert path.parent == key_dir()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_dir().stat().st_mode) == 0o700
    key = path.read_text().splitlines()[-1]
    assert len(bytes.fromhex(key)) == 32


def test_every_ballot_of_a_poll_is_sealed_to_one_length(open_poll: Any, voters: list[Any]) -> None:
    poll = open_poll()
    ada, ben, cal = poll.options.order_by("order").values_list("pk", flat=True)
    do_cast_ballot(poll, voters[0], [ada], acting_user=voters[0].user)
    do_cast_ballot(poll, voters[1], [cal, ben, ada], acting_user=voters[1].user)
    stored = list(SecretBallot.objects.filter(poll=poll).values_list("content", flat=True))
    assert all(is_sealed(content) for content in stored)
    assert len({len(content) for content in stored}) == 1
    assert sorted(json.loads(unseal(poll.pk, poll.opened_at, c)) for c in stored) == sorted(
        [[ada], [cal, ben, ada]]
    )


def test_without_its_key_an_open_poll_takes_no_vote_and_does_not_close(
    open_poll: Any, voters: list[Any], manager: Any
) -> None:
    poll = open_poll()
    do_cast_ballot(poll, voters[0], [poll.options.first().pk], acting_user=voters[0].user)
    key_path(poll.pk, poll.opened_at).unlink()
    forget_keys()  # as a process that has not read it yet
    with pytest.raises(PollError, match="Restore the file from the key backup") as refused:
        do_cast_ballot(poll, voters[1], [poll.options.first().pk], acting_user=voters[1].user)
    assert refused.value.code == "state"
    assert Participation.objects.filter(poll=poll).count() == 1
    with pytest.raises(PollError, match="is not in"):
        do_close_poll(poll, acting_user=manager)
    poll.refresh_from_db()
    assert poll.state == PollState.OPEN
    assert is_sealed(SecretBallot.objects.get(poll=poll).content)


def test_an_altered_or_moved_ballot_stops_the_count(
    open_poll: Any, voters: list[Any], manager: Any
) -> None:
    poll = open_poll()
    other = open_poll(title="Another poll")
    option = poll.options.first().pk
    do_cast_ballot(poll, voters[0], [option], acting_user=voters[0].user)
    # Sealed for the other poll (the same length), then put in this one's table.
    moved = seal(other.pk, other.opened_at, json.dumps([option]), len(json.dumps([option])))
    SecretBallot.objects.filter(poll=poll).update(content=moved)
    with pytest.raises(PollError, match="fails its authentication"):
        do_close_poll(poll, acting_user=manager)
    poll.refresh_from_db()
    assert poll.state == PollState.OPEN


@pytest.mark.django_db(transaction=True)
def test_the_key_is_destroyed_when_the_close_commits(
    open_poll: Any, voters: list[Any], manager: Any
) -> None:
    poll = open_poll()
    do_cast_ballot(poll, voters[0], [poll.options.first().pk], acting_user=voters[0].user)
    path = key_path(poll.pk, poll.opened_at)
    sealed = SecretBallot.objects.get(poll=poll).content
    do_close_poll(poll, acting_user=manager)
    assert not path.exists()
    assert not is_sealed(SecretBallot.objects.get(poll=poll).content)
    with pytest.raises(PollError, match="ballot key of this poll"):
        unseal(poll.pk, poll.opened_at, sealed)
