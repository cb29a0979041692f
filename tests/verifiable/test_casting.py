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
from moot.verifiable.actions.casting import return_mark
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
    credential = ballot["credential"]
    assert (held.entry_id, held.channel) == (entry.pk, "online")
    assert held.sealed == return_mark(world.ballot, credential)
    assert held.sealed.startswith(RETURN_MARK + ":")
    assert credential not in held.sealed
    assert RollEntry.objects.get(pk=entry.pk).voted
    event = AuditEvent.objects.get(verb="verifiable.cast_verifiable")
    assert event.actor_id is None
    assert "tracker" not in json.dumps(event.after)
    # The board's head after the ballot reaches the site's audit chain with every cast.
    assert cast.head == world.election.board_head == vboard.entry_hash(entries[2])
    assert (event.after["board_height"], event.after["board_head"]) == (2, cast.head)


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


def test_a_revote_must_use_the_credential_the_entitlement_first_used() -> None:
    """With re-voting, one entitlement cannot put ballots of several credentials on the board
    (each would count, and the close would then refuse the count for good)."""
    world = open_verifiable(voters=4, precedence="last_online")
    entry = world.base.entries[0]
    do_cast_verifiable(world.ballot, entry, world.encrypt(0, RANKING))
    for other in (1, 2):  # other members' credentials, over the same entitlement
        refusal = _refused(world, world.encrypt(other, RANKING), "another voting credential")
        assert (refusal.field, refusal.code) == ("credential", "conflict")
    assert BoardEntry.objects.filter(election=world.election, kind="ballot").count() == 1
    held = Return.objects.get(ballot=world.ballot)
    assert held.sealed == return_mark(world.ballot, world.encrypt(0, RANKING)["credential"])
    cast = do_cast_verifiable(world.ballot, entry, world.encrypt(0, [1, 2, 3]))
    assert cast.replaced
    assert Return.objects.get(ballot=world.ballot).sealed == held.sealed


def test_a_credential_used_by_another_entitlement_is_refused_even_with_revotes() -> None:
    """A thief with one credential cannot vote over two entitlements."""
    world = open_verifiable(voters=4, precedence="last_online")
    do_cast_verifiable(world.ballot, world.base.entries[0], world.encrypt(0, RANKING))
    refusal = _refused(world, world.encrypt(0, [1, 2, 3]), "another entitlement", voter=1)
    assert refusal.field == "credential"
    assert BoardEntry.objects.filter(election=world.election, kind="ballot").count() == 1
    assert Return.objects.filter(ballot=world.ballot).count() == 1
    assert not RollEntry.objects.get(pk=world.base.entries[1].pk).voted


def test_revotes_leave_a_board_the_count_accepts(django_capture_on_commit_callbacks: Any) -> None:
    """Re-votes and refused attempts: the board's close counts one ballot per entitlement
    that voted, as issue 11's close counts their returns (no "board counted … close counted"
    stop)."""
    from django.db import transaction

    from moot.verifiable import declaration

    world = open_verifiable(voters=4, precedence="last_online")
    first, second = world.base.entries[:2]
    do_cast_verifiable(world.ballot, first, world.encrypt(0, RANKING))
    do_cast_verifiable(world.ballot, first, world.encrypt(0, [1, 2, 3]))
    do_cast_verifiable(world.ballot, second, world.encrypt(1, RANKING))
    for voter, entry in ((2, first), (0, second)):
        with pytest.raises(VerifiableError):
            do_cast_verifiable(world.ballot, entry, world.encrypt(voter, RANKING))
    with transaction.atomic():
        declaration.close_board(world.ballot)
    close = json.loads(BoardEntry.objects.get(election=world.election, kind="close").body)
    assert (close["payload"]["ballots"], close["payload"]["counted"]) == (3, 2)
    assert Return.objects.filter(ballot=world.ballot).count() == 2


def test_the_cast_answer_carries_the_board_head(world: VerifiableWorld) -> None:
    """The booth gets the board's head after its ballot with the tracker (to show it later)."""
    from django.test import Client

    client = Client()
    client.get(f"/ballots/{world.ballot.pk}/vote/c/{world.base.code(world.base.entries[0])}/")
    response = client.post(
        f"/api/verifiable/ballots/{world.ballot.pk}/cast",
        json.dumps({"ballot": world.encrypt(0, RANKING)}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    world.election.refresh_from_db()
    body = response.json()
    assert body["board_head"] == world.election.board_head
    event = AuditEvent.objects.get(verb="verifiable.cast_verifiable")
    assert event.after["board_head"] == body["board_head"]
