"""Sealing a ballot's returns (its own key namespace beside polls') and the canonical content of
a return, with refusals naming the box at fault (issue 11, item 8)."""

from __future__ import annotations

import stat
from typing import Any

import pytest

from ballots.casting_world import open_ballot
from moot.ballots import content, secrecy
from moot.ballots.errors import BallotError
from moot.polls import sealing

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _seal_keys(settings: Any, tmp_path: Any) -> None:
    settings.MOOT_BALLOT_SEAL_KEY_DIR = str(tmp_path / "ballot-seal-keys")
    settings.MOOT_POLL_KEY_DIR = str(tmp_path / "poll-keys")


def test_ballot_key_has_its_own_namespace_and_opens_only_its_own_returns() -> None:
    world = open_ballot()
    ballot = world.ballot
    path = secrecy.key_path(ballot)
    assert path.parent == sealing.key_dir("ballot") != sealing.key_dir("poll")
    assert path.name.startswith(f"ballot-{ballot.pk}-")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    width = content.padded_width(ballot)
    sealed = secrecy.seal(ballot, "[1]", width)
    assert secrecy.is_sealed(sealed)
    assert "[1]" not in sealed
    assert secrecy.unseal(ballot, sealed) == "[1]"
    # A poll with the same id and opening time has another key: it cannot open the return.
    sealing.create_poll_key(ballot.pk, ballot.opened_at)
    with pytest.raises(Exception, match="fails its authentication"):
        sealing.unseal(ballot.pk, ballot.opened_at, sealed)
    # Nor can another ballot's key.
    other = open_ballot(voters=1)
    with pytest.raises(BallotError, match="fails its authentication"):
        secrecy.unseal(other.ballot, sealed)


def test_sealed_returns_are_one_length_whatever_was_marked() -> None:
    world = open_ballot(names=("Ada Ashdown", "Bea Birch", "Cy Crane", "Di Dunn"))
    ballot = world.ballot
    width = content.padded_width(ballot)
    ids = [c.pk for c in world.candidates]
    one = secrecy.seal(ballot, content.canonical(ballot, ids[:1]), width)
    every = secrecy.seal(ballot, content.canonical(ballot, ids), width)
    assert len(one) == len(every)


def test_destroyed_key_leaves_noise_and_says_where_it_was() -> None:
    world = open_ballot(voters=1)
    ballot = world.ballot
    sealed = secrecy.seal(ballot, "[]", content.padded_width(ballot))
    path = secrecy.key_path(ballot)
    secrecy.destroy_key(ballot)
    assert not path.exists()
    with pytest.raises(BallotError, match="is not in") as refused:
        secrecy.unseal(ballot, sealed)
    assert refused.value.code == "state"


def test_canonical_ranked_keeps_preference_order_and_refuses_each_fault() -> None:
    world = open_ballot()
    ballot = world.ballot
    a, b, c = (x.pk for x in world.candidates)
    assert content.canonical(ballot, [c, a]) == f"[{c},{a}]"
    assert content.parse(content.canonical(ballot, [str(b)]).ljust(20)) == [b]
    with pytest.raises(BallotError, match="Bea Birch is marked twice") as twice:
        content.canonical(ballot, [b, a, b])
    assert twice.value.field == f"c{b}"
    with pytest.raises(BallotError, match="not on this ballot"):
        content.canonical(ballot, [a, 999999])
    with pytest.raises(BallotError, match="Nothing is marked"):
        content.canonical(ballot, [])


def test_rank_boxes_name_the_box_at_fault() -> None:
    world = open_ballot()
    ballot = world.ballot
    a, b, c = (str(x.pk) for x in world.candidates)
    assert content.choice_from_boxes(ballot, {a: "2", b: "1", c: ""}) == [int(b), int(a)]
    with pytest.raises(BallotError, match="beside Cy Crane holds 'x'") as word:
        content.choice_from_boxes(ballot, {a: "1", c: "x"})
    assert word.value.field == f"c{c}"
    with pytest.raises(BallotError, match="beside Ada Ashdown and Bea Birch both hold 1"):
        content.choice_from_boxes(ballot, {a: "1", b: "1"})
    with pytest.raises(BallotError, match="No box holds 2, but the box beside Cy Crane holds 3"):
        content.choice_from_boxes(ballot, {a: "1", c: "3"})


def test_crosses_at_most_seats_in_ballot_order() -> None:
    world = open_ballot(method="block", seats=2)
    ballot = world.ballot
    a, b, c = (x.pk for x in world.candidates)
    assert content.mark_style(ballot) == content.MarkStyle.CROSS
    assert content.canonical(ballot, [c, a]) == f"[{a},{c}]"
    with pytest.raises(BallotError, match="3 candidates are marked but you have 2 votes"):
        content.canonical(ballot, [a, b, c])


def test_question_answers_and_blank() -> None:
    world = open_ballot(kind="question")
    ballot = world.ballot
    assert content.canonical(ballot, "yes") == '["yes"]'
    assert content.canonical(ballot, None) == "[]"
    assert content.padded_width(ballot) == len('["yes"]')
    with pytest.raises(BallotError, match="Both Yes and No are marked"):
        content.canonical(ballot, ["yes", "no"])
    with pytest.raises(BallotError, match="not an answer"):
        content.canonical(ballot, "maybe")
    assert content.choice_from_boxes(ballot, {"no": "X"}) == "no"


def test_rotated_order_turns_from_voter_to_voter() -> None:
    world = open_ballot(voters=3, candidate_order="rotated")
    orders = {
        tuple(box.label for box in content.ballot_boxes(world.ballot, entry))
        for entry in world.entries
    }
    assert len(orders) == 3
    assert all(sorted(order) == sorted(c.name for c in world.candidates) for order in orders)
