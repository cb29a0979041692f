"""The definition's choice: a draft ballot is run verifiable by its manager (threshold and
trustees in definition.json, hashed at the freeze), the choice is refused after the freeze, the
ballot is not issued before its election is open (the refusal names what is missing), and its
online votes are never cast on the plain ballot page."""

from __future__ import annotations

import pytest
from django.db import transaction

from ballots.roll_world import roll_world
from factories import UserFactory
from moot.audit.models import AuditEvent
from moot.ballots.actions.casting import do_cast_online
from moot.ballots.actions.roll import do_freeze_ballot, do_issue_ballot
from moot.ballots.definition import definition_of
from moot.ballots.errors import BallotError
from moot.ballots.models import Ballot, BallotVersion, RollEntry
from moot.verifiable.actions import do_drop_verifiable, do_make_verifiable, do_open_verifiable
from moot.verifiable.errors import VerifiableError
from moot.verifiable.models import Election
from verifiable.world import run_key_generation, upload_credentials

pytestmark = pytest.mark.django_db


def test_the_manager_runs_a_draft_verifiable_and_the_definition_says_so() -> None:
    world = roll_world()
    election = do_make_verifiable(world.ballot, threshold=2, trustees=3, acting_user=world.officer)
    world.ballot.refresh_from_db()
    assert world.ballot.version == 2
    part = definition_of(world.ballot)["verifiable"]
    assert part == {
        "format": "moot-verifiable/1",
        "uuid": str(election.uuid),
        "threshold": 2,
        "trustees": 3,
        "revote": False,
    }
    version = BallotVersion.objects.get(ballot=world.ballot, version=2)
    assert version.definition["verifiable"] == part
    event = AuditEvent.objects.get(verb="verifiable.make_verifiable")
    assert event.after["sha256"] == version.sha256
    same = do_make_verifiable(world.ballot, threshold=2, trustees=3, acting_user=world.officer)
    assert same.pk == election.pk
    assert AuditEvent.objects.filter(verb="verifiable.make_verifiable").count() == 1


@pytest.mark.parametrize(
    ("threshold", "trustees", "field"),
    [
        (1, 3, "threshold"),
        (4, 3, "threshold"),
        (2, 1, "trustees"),
        (2, 10, "trustees"),
        ("two", 3, "threshold"),
    ],
)
def test_a_threshold_outside_the_trustees_is_refused(
    threshold: object, trustees: object, field: str
) -> None:
    world = roll_world()
    with pytest.raises(VerifiableError) as caught:
        do_make_verifiable(
            world.ballot, threshold=threshold, trustees=trustees, acting_user=world.officer
        )
    assert caught.value.field == field
    assert not Election.objects.exists()


def test_only_the_manager_chooses() -> None:
    world = roll_world()
    with pytest.raises(VerifiableError, match="returning officer") as caught:
        do_make_verifiable(world.ballot, threshold=2, trustees=3, acting_user=world.scrutineer)
    assert caught.value.code == "forbidden"
    assert not Election.objects.exists()


def test_a_post_only_ballot_cannot_be_verifiable() -> None:
    world = roll_world(channels=("post",))
    with pytest.raises(VerifiableError, match="add online voting") as caught:
        do_make_verifiable(world.ballot, threshold=2, trustees=3, acting_user=world.officer)
    assert caught.value.field == "channels"


def test_the_choice_is_taken_back_only_in_a_draft() -> None:
    world = roll_world()
    do_make_verifiable(world.ballot, threshold=2, trustees=3, acting_user=world.officer)
    do_drop_verifiable(world.ballot, acting_user=world.officer)
    world.ballot.refresh_from_db()
    assert "verifiable" not in definition_of(world.ballot)
    assert not Election.objects.exists()
    do_make_verifiable(world.ballot, threshold=2, trustees=2, acting_user=world.officer)
    do_freeze_ballot(world.ballot.pk, acting_user=world.officer)
    world.ballot.refresh_from_db()
    assert world.ballot.definition_hash
    for attempt in (
        lambda: do_make_verifiable(
            world.ballot, threshold=2, trustees=3, acting_user=world.officer
        ),
        lambda: do_drop_verifiable(world.ballot, acting_user=world.officer),
    ):
        with pytest.raises(BallotError, match="frozen"):
            attempt()
    assert Election.objects.get().trustee_count == 2


def _frozen_verifiable() -> object:
    world = roll_world()
    do_make_verifiable(world.ballot, threshold=2, trustees=3, acting_user=world.officer)
    do_freeze_ballot(world.ballot.pk, acting_user=world.officer)
    world.ballot.refresh_from_db()
    return world


def test_the_issue_waits_for_the_election_and_names_what_is_missing() -> None:
    world = _frozen_verifiable()
    with pytest.raises(BallotError) as caught:
        do_issue_ballot(world.ballot.pk, acting_user=world.officer)
    message = str(caught.value)
    assert "issued only once its election is open" in message
    assert "all 3 trustees appointed (0 so far)" in message
    assert "the public credential list uploaded by the credential authority" in message
    assert Ballot.objects.get(pk=world.ballot.pk).state == "frozen"
    assert not RollEntry.objects.filter(ballot=world.ballot).exclude(credential_hash="").exists()
    election = Election.objects.get()
    run_key_generation(election, [UserFactory() for _ in range(3)])
    upload_credentials(
        election, RollEntry.objects.filter(ballot=world.ballot, eligible=True).count()
    )
    with transaction.atomic():
        do_open_verifiable(election)
    do_issue_ballot(world.ballot.pk, acting_user=world.officer)
    assert Ballot.objects.get(pk=world.ballot.pk).state == "open"


def test_a_verifiable_ballot_takes_no_plain_online_vote() -> None:
    from verifiable.world import open_verifiable

    world = open_verifiable()
    with pytest.raises(BallotError, match="encrypted in its own booth"):
        do_cast_online(world.ballot, world.base.entries[0], [world.base.candidates[0].pk])
    assert not RollEntry.objects.filter(ballot=world.ballot, voted=True).exists()
