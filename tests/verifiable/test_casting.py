"""Casting an encrypted ballot: a good ballot is taken onto the board and the entitlement's
return is held; every refusal says where and what, and writes nothing (no board entry, no
return, no audit event)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from moot.audit.models import AuditEvent
from moot.ballots.models import Return, RollEntry
from moot.verifiable.actions import do_cast_verifiable
from moot.verifiable.errors import VerifiableError
from moot.verifiable.models import RETURN_MARK, BoardEntry
from moot.verify import vballot, vboard
from moot.verify.vproofs import sign_answers
from verifiable.world import VerifiableWorld, open_verifiable

pytestmark = pytest.mark.django_db

RANKING = [2, 1, 0]


@pytest.fixture
def world() -> VerifiableWorld:
    return open_verifiable()


def _entries(world: VerifiableWorld) -> list[dict[str, Any]]:
    return [json.loads(e.body) for e in BoardEntry.objects.filter(election=world.election)]


def _nothing_written(world: VerifiableWorld, board_size: int = 2) -> None:
    assert BoardEntry.objects.filter(election=world.election).count() == board_size
    assert not Return.objects.filter(ballot=world.ballot).exists()
    assert not RollEntry.objects.filter(ballot=world.ballot, voted=True).exists()
    assert not AuditEvent.objects.filter(verb="verifiable.cast_verifiable").exists()


def test_a_good_ballot_is_on_the_board_and_the_return_held(world: VerifiableWorld) -> None:
    entry = world.base.entries[0]
    ballot = world.encrypt(0, RANKING)
    cast = do_cast_verifiable(world.ballot, entry, ballot)
    assert cast.tracker == vballot.tracker(ballot)
    assert (cast.height, cast.replaced) == (2, False)
    entries = _entries(world)
    assert entries[2] == {
        "height": 2,
        "parent": vboard.entry_hash(entries[1]),
        "type": "ballot",
        "payload": ballot,
    }
    world.election.refresh_from_db()
    assert vboard.check_chain(entries) == world.election.board_head
    held = Return.objects.get(ballot=world.ballot)
    assert (held.entry_id, held.sealed, held.channel) == (entry.pk, RETURN_MARK, "online")
    assert RollEntry.objects.get(pk=entry.pk).voted
    event = AuditEvent.objects.get(verb="verifiable.cast_verifiable")
    assert event.actor_id is None
    assert "tracker" not in json.dumps(event.after)


def _refused(world: VerifiableWorld, ballot: object, match: str, *, voter: int = 0) -> Any:
    with pytest.raises(VerifiableError, match=match) as caught:
        do_cast_verifiable(world.ballot, world.base.entries[voter], ballot)
    return caught.value


def _resigned(world: VerifiableWorld, voter: int, ballot: dict[str, Any]) -> dict[str, Any]:
    """``ballot`` signed again by the voter's credential: a changed proof then fails its own
    check, not the signature's."""
    parsed = world.parsed()
    secret = vballot.credential_secret(parsed.uuid, world.credentials[voter])
    signature = sign_answers(secret, ballot["answers"], ctx=parsed.ctx)
    return {**ballot, "signature": signature.to_json()}


def test_a_bad_proof_is_refused_naming_the_field(world: VerifiableWorld) -> None:
    ballot = world.encrypt(0, RANKING)
    proof = ballot["answers"][0]["proof"]
    proof["responses"][0] = proof["challenge"]
    refusal = _refused(world, _resigned(world, 0, ballot), "does not verify")
    assert refusal.field == "answers[0].proof"
    _nothing_written(world)


def test_a_ballot_changed_after_signing_fails_the_signature(world: VerifiableWorld) -> None:
    good = world.encrypt(0, RANKING)
    other = world.encrypt(0, [1, 2, 3])
    spliced = copy.deepcopy(good)
    spliced["answers"] = other["answers"]
    refusal = _refused(world, spliced, "does not verify")
    assert refusal.field == "signature"
    _nothing_written(world)


def test_a_homomorphic_choice_out_of_range_is_refused() -> None:
    world = open_verifiable(kind="question")
    ballot = world.encrypt(0, [1, 0])
    yes = ballot["answers"][0]["individual_proofs"][0]
    ballot["answers"][0]["individual_proofs"][0] = ballot["answers"][0]["individual_proofs"][1]
    assert yes != ballot["answers"][0]["individual_proofs"][0]
    refusal = _refused(world, _resigned(world, 0, ballot), "does not verify")
    assert refusal.field == "answers[0].individual_proofs[0]"


def test_a_credential_not_in_the_list_is_refused(world: VerifiableWorld) -> None:
    stranger = vballot.new_credential()
    ballot, _r = vballot.encrypt_ballot(world.parsed(), stranger, [RANKING])
    refusal = _refused(world, ballot, "not in the published list")
    assert refusal.field == "credential"
    _nothing_written(world)


def test_a_malformed_encoding_is_refused(world: VerifiableWorld) -> None:
    ballot = world.encrypt(0, RANKING)
    ballot["answers"][0]["choices"][0]["alpha"] = "zz" * 32
    refusal = _refused(world, ballot, "hexadecimal")
    assert refusal.field == "answers[0].choices[0].alpha"
    _nothing_written(world)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda b: b.pop("signature"), "signature"),
        (lambda b: b.update(extra=1), "extra"),
        (lambda b: b.update(version="moot-verifiable/0"), "version"),
    ],
)
def test_a_ballot_of_the_wrong_shape_is_refused(
    world: VerifiableWorld, change: Any, where: str
) -> None:
    ballot = world.encrypt(0, RANKING)
    change(ballot)
    refusal = _refused(world, ballot, where)
    assert refusal.field == where
    _nothing_written(world)


def test_a_ballot_for_another_election_is_refused(world: VerifiableWorld) -> None:
    ballot = world.encrypt(0, RANKING)
    ballot["election_hash"] = "ab" * 32
    refusal = _refused(world, ballot, "not this election")
    assert refusal.field == "election_hash"
    _nothing_written(world)


def test_a_credential_casts_once(world: VerifiableWorld) -> None:
    do_cast_verifiable(world.ballot, world.base.entries[0], world.encrypt(0, RANKING))
    again = world.encrypt(0, [1, 2, 3])  # voter 0's voting credential, by another entitlement
    refusal = _refused(world, again, "already cast a ballot", voter=1)
    assert refusal.field == "credential"
    assert BoardEntry.objects.filter(election=world.election).count() == 3
    assert Return.objects.filter(ballot=world.ballot).count() == 1
    assert not RollEntry.objects.get(pk=world.base.entries[1].pk).voted


def test_an_entitlement_returns_once(world: VerifiableWorld) -> None:
    entry = world.base.entries[0]
    do_cast_verifiable(world.ballot, entry, world.encrypt(0, RANKING))
    refusal = _refused(world, world.encrypt(1, RANKING), "already received for you")
    assert refusal.code == "conflict"
    assert BoardEntry.objects.filter(election=world.election).count() == 3


def test_the_same_ballot_is_never_taken_twice() -> None:
    world = open_verifiable(precedence="last_online")
    ballot = world.encrypt(0, RANKING)
    do_cast_verifiable(world.ballot, world.base.entries[0], ballot)
    _refused(world, ballot, "already on the board")
    assert BoardEntry.objects.filter(election=world.election).count() == 3


def test_a_revote_replaces_and_the_last_counts() -> None:
    world = open_verifiable(precedence="last_online")
    assert world.election.revote
    entry = world.base.entries[0]
    do_cast_verifiable(world.ballot, entry, world.encrypt(0, RANKING))
    cast = do_cast_verifiable(world.ballot, entry, world.encrypt(0, [1, 2, 3]))
    assert cast.replaced
    assert BoardEntry.objects.filter(election=world.election, kind="ballot").count() == 2
    assert Return.objects.filter(ballot=world.ballot).count() == 1


def test_no_ballot_before_the_election_opens() -> None:
    from verifiable.world import verifiable_world

    world = verifiable_world()
    world.ballot.state = "open"
    world.ballot.save(update_fields=["state"])
    with pytest.raises(VerifiableError, match="not taking ballots"):
        do_cast_verifiable(world.ballot, world.base.entries[0], {"version": "x"})
    assert not Return.objects.exists()
