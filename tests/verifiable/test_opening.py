"""Opening a verifiable election: election.json built from the frozen ballot and hashed, the
board's setup and credentials entries chained, the head in the audit chain; refused with what
is missing, writing nothing."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.db import transaction

from moot.audit.models import AuditEvent
from moot.verifiable.actions import do_open_verifiable, ready_to_open
from moot.verifiable.errors import VerifiableError
from moot.verifiable.models import BoardEntry, ElectionState
from moot.verify import vballot, vboard
from moot.verify.vrecord_checks_setup import check_credentials, check_setup
from verifiable.world import VerifiableWorld, verifiable_world

pytestmark = pytest.mark.django_db


def _refused(world: VerifiableWorld, match: str) -> VerifiableError:
    """do_open_verifiable is called inside its caller's transaction (savepoint=False): the test
    plays that caller."""
    with pytest.raises(VerifiableError, match=match) as caught, transaction.atomic():
        do_open_verifiable(world.election)
    return caught.value


def test_the_opening_builds_election_json_and_starts_the_board() -> None:
    world = verifiable_world()
    assert ready_to_open(world.election)
    do_open_verifiable(world.election)
    election = world.election
    assert election.state == ElectionState.OPEN
    document = json.loads(election.election_json)
    assert election.election_hash == hashlib.sha256(election.election_json.encode()).hexdigest()
    assert vballot.parse_election(document).election_hash == election.election_hash
    question = document["questions"][0]
    assert question["type"] == "ranked"
    assert question["candidates"] == [c.name for c in world.base.candidates]
    assert (question["seats"], question["pack"]) == (world.ballot.seats, 4)
    assert [t["index"] for t in document["trustees"]] == [1, 2, 3]
    entries = [json.loads(e.body) for e in BoardEntry.objects.filter(election=election)]
    assert [e["type"] for e in entries] == ["setup", "credentials"]
    assert vboard.check_chain(entries) == election.board_head
    check_setup(document, entries[0])
    assert len(check_credentials(document, entries[1])) == 3
    event = AuditEvent.objects.filter(verb="verifiable.open_verifiable").get()
    assert event.after["board_head"] == election.board_head
    assert event.after["election_hash"] == election.election_hash


def test_a_question_is_a_homomorphic_yes_no() -> None:
    world = verifiable_world(kind="question")
    do_open_verifiable(world.election)
    question = json.loads(world.election.election_json)["questions"][0]
    assert question == {
        "type": "homomorphic",
        "text": world.ballot.question,
        "answers": ["Yes", "No"],
        "min": 1,
        "max": 1,
    }


def test_the_opening_names_what_is_missing_and_writes_nothing() -> None:
    world = verifiable_world(prepared=False)
    assert not ready_to_open(world.election)
    message = str(_refused(world, "cannot open yet"))
    assert "all 3 trustees appointed (0 so far)" in message
    assert "a credential authority appointed" in message
    assert "the public credential list uploaded" in message
    assert not BoardEntry.objects.exists()
    assert not AuditEvent.objects.filter(verb="verifiable.open_verifiable").exists()


def test_a_credential_list_not_matching_its_hash_is_refused() -> None:
    world = verifiable_world()
    world.election.credentials_sha256 = "0" * 64
    world.election.save(update_fields=["credentials_sha256"])
    _refused(world, "SHA-256")
    assert not BoardEntry.objects.exists()


def test_a_bad_share_proof_is_refused_before_the_board_takes_it() -> None:
    world = verifiable_world()
    trustee = world.election.trustees.get(index=2)
    proof = dict(trustee.share_proof)
    proof["response"] = proof["challenge"]
    trustee.share_proof = proof
    trustee.save(update_fields=["share_proof"])
    _refused(world, "share")
    assert not BoardEntry.objects.exists()


def test_an_open_election_does_not_open_twice() -> None:
    world = verifiable_world()
    do_open_verifiable(world.election)
    _refused(world, "already open")
    assert BoardEntry.objects.count() == 2
