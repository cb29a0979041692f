"""The close of a ballot (issue 11 item 9): one return per entitlement by each declared
precedence, the rest set aside and counted by reason, the chosen contents written as anonymous
counted ballots, nothing left that links the roll to them, the sealing key destroyed."""

from __future__ import annotations

import datetime
import json

import pytest

from ballots.closing_world import closing_ballot
from moot.audit.models import AuditEvent
from moot.ballots import closing, secrecy
from moot.ballots.actions.closing import do_close_ballot
from moot.ballots.errors import BallotError
from moot.ballots.models import Ballot, CountedBallot, PaperKeying, Return

pytestmark = pytest.mark.django_db

A, B, C = "Ada Ashdown", "Bea Birch", "Cy Crane"


def _counted(ballot: Ballot, world) -> list[list[str]]:
    names = {c.pk: c.name for c in world.candidates}
    rows = CountedBallot.objects.filter(ballot=ballot).values_list("content", flat=True)
    return sorted([names[i] for i in json.loads(text)] for text in rows)


def _both_channels(precedence: str):
    """Entry 0 returns online (A first) and by post (B first); entry 1 online only (C);
    entry 2 by post only (B)."""
    world = closing_ballot(voters=3, precedence=precedence)
    first, second, third = world.entries
    world.cast(first, "online", [A, C])
    world.cast(first, "post", [B, C])
    world.cast(second, "online", [C])
    world.cast(third, "post", [B])
    return world


@pytest.mark.parametrize(
    ("precedence", "kept", "aside_channel", "reason"),
    [
        ("online_wins", [A, C], "post", closing.ONLINE_OVER_PAPER),
        ("last_online", [A, C], "post", closing.LAST_ONLINE_OVER_PAPER),
        ("paper_wins", [B, C], "online", closing.PAPER_OVER_ONLINE),
    ],
)
def test_each_precedence_keeps_its_return_and_sets_the_other_aside(
    django_capture_on_commit_callbacks, precedence, kept, aside_channel, reason
) -> None:
    world = _both_channels(precedence)
    with django_capture_on_commit_callbacks(execute=True):
        ballot = do_close_ballot(world.ballot, acting_user=world.returning_officer)
    assert _counted(ballot, world) == sorted([kept, [C], [B]])
    returns = Ballot.objects.get(pk=ballot.pk).returns
    assert returns["counted"] == 3
    assert returns["precedence"] == precedence
    row = returns["by_channel"][aside_channel]
    assert row["set_aside"] == {reason: 1}
    other = "online" if aside_channel == "post" else "post"
    assert returns["by_channel"][other]["set_aside"] == {}
    for channel_row in returns["by_channel"].values():
        assert channel_row["received"] == 2
        assert (
            channel_row["received"] - sum(channel_row["set_aside"].values()) - channel_row["spoilt"]
            == channel_row["counted"]
        )


def test_first_received_counts_the_one_return_and_the_papers_spoilt_refused_or_undecided(
    django_capture_on_commit_callbacks,
) -> None:
    world = closing_ballot(voters=6, precedence="first_received")
    e = world.entries
    world.cast(e[0], "online", [A, B])
    world.cast(e[1], "post", [B])
    world.cast(e[2], "online", [C, A])
    world.spoil(4, "two first preferences")
    world.spoil(5, "two first preferences")
    world.refuse(2, "already voted online")
    world.key_once(6, [A])
    with django_capture_on_commit_callbacks(execute=True):
        ballot = do_close_ballot(world.ballot, acting_user=world.returning_officer)
    assert _counted(ballot, world) == sorted([[A, B], [B], [C, A]])
    returns = ballot.returns
    assert returns["spoilt"] == {"two first preferences": 2}
    post = returns["by_channel"]["post"]
    assert post == {
        "received": 1 + 2 + 1 + 1,
        "counted": 1,
        "spoilt": 2,
        "set_aside": {"already voted online": 1, closing.NOT_DECIDED: 1},
        "replaced": 0,
    }
    assert returns["by_channel"]["online"] == {
        "received": 2,
        "counted": 2,
        "spoilt": 0,
        "set_aside": {},
        "replaced": 0,
    }
    assert returns["counted"] == 3
    event = AuditEvent.objects.filter(verb="ballots.close_ballot").get()
    assert event.after["counted"] == 3


def test_after_the_close_nothing_links_the_roll_to_the_counted_ballots(
    django_capture_on_commit_callbacks,
) -> None:
    world = closing_ballot(voters=4)
    for entry in world.entries:
        world.cast(entry, "online", [A])
    world.key_once(3, [B])
    key = secrecy.key_path(world.ballot)
    assert key.exists()
    with django_capture_on_commit_callbacks(execute=True):
        ballot = do_close_ballot(world.ballot, acting_user=world.returning_officer)
    assert not Return.objects.filter(ballot=ballot).exists()
    assert not PaperKeying.objects.filter(ballot=ballot).exists()
    # A counted ballot names no voter, channel or time: its columns are its id, its ballot
    # and its content.
    assert {f.name for f in CountedBallot._meta.concrete_fields} == {"id", "ballot", "content"}
    assert CountedBallot.objects.filter(ballot=ballot).count() == 4
    assert not key.exists()  # the sealing key is gone once the close committed


def test_closing_before_close_at_is_refused_with_the_time_and_writes_nothing() -> None:
    world = closing_ballot(voters=1, closed_ago=-datetime.timedelta(hours=2))
    world.cast(world.entries[0], "online", [A])
    with pytest.raises(BallotError, match=r"closes on .* it can be closed from then") as caught:
        do_close_ballot(world.ballot, acting_user=world.returning_officer)
    assert caught.value.code == "state"
    ballot = Ballot.objects.get(pk=world.ballot.pk)
    assert ballot.state == "open"
    assert ballot.returns is None
    assert Return.objects.filter(ballot=ballot).count() == 1
    assert not CountedBallot.objects.filter(ballot=ballot).exists()


def test_a_closed_ballot_is_not_closed_twice(django_capture_on_commit_callbacks) -> None:
    world = closing_ballot(voters=1)
    with django_capture_on_commit_callbacks(execute=True):
        do_close_ballot(world.ballot, acting_user=world.returning_officer)
    with pytest.raises(BallotError, match="only an open ballot is closed"):
        do_close_ballot(world.ballot, acting_user=world.returning_officer)


def test_a_tampered_return_stops_the_close_and_leaves_the_ballot_open() -> None:
    world = closing_ballot(voters=2)
    world.cast(world.entries[0], "online", [A])
    other = closing_ballot(voters=1)
    moved = other.cast(other.entries[0], "online", [B])
    Return.objects.filter(ballot=world.ballot).update(sealed=moved.sealed)
    with pytest.raises(BallotError, match="fails its authentication"):
        do_close_ballot(world.ballot, acting_user=world.returning_officer)
    assert Ballot.objects.get(pk=world.ballot.pk).state == "open"
    assert secrecy.key_path(world.ballot).exists()
