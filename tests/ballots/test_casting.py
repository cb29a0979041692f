"""Casting online (issue 11, item 8): with a credential or signed in; one return per entitlement
held by the database, by the declared precedence; each refusal says why and writes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from ballots.casting_world import open_ballot
from factories import MemberFactory, UserFactory
from moot.ballots import casting, credentials, secrecy
from moot.ballots.actions.casting import do_cast_online
from moot.ballots.errors import BallotError
from moot.ballots.models import Return, RevokedCredential, RollEntry

pytestmark = pytest.mark.django_db


def _returns(entry: RollEntry) -> list[Return]:
    return list(Return.objects.filter(entry=entry))


def test_a_credential_casts_one_sealed_return_and_marks_the_entry_voted() -> None:
    world = open_ballot()
    ballot, entry = world.ballot, world.entries[0]
    a, b, _c = world.candidates
    found = credentials.entry_for_credential(ballot, world.code(entry).lower())
    placed = do_cast_online(ballot, found, [b.pk, a.pk])
    assert placed.placed
    assert not placed.replaced
    (held,) = _returns(entry)
    assert held.slot == "any"
    assert held.channel == "online"
    assert secrecy.is_sealed(held.sealed)
    assert f"[{b.pk},{a.pk}]" not in held.sealed
    assert secrecy.unseal(ballot, held.sealed) == f"[{b.pk},{a.pk}]"
    entry.refresh_from_db()
    assert entry.voted


def test_a_signed_in_member_casts_for_their_own_entry_only() -> None:
    world = open_ballot()
    ballot, entry, other = world.ballot, world.entries[0], world.entries[1]
    user = entry.member.user
    own = casting.entry_for_member(ballot, user)
    assert own.pk == entry.pk
    do_cast_online(ballot, own, [world.candidates[0].pk], acting_user=user)
    assert len(_returns(entry)) == 1
    with pytest.raises(BallotError, match="only your own vote") as refused:
        do_cast_online(ballot, other, [world.candidates[0].pk], acting_user=user)
    assert refused.value.code == "forbidden"
    assert _returns(other) == []


def test_a_member_not_on_the_roll_or_not_eligible_is_told_why() -> None:
    world = open_ballot(voters=1)
    stranger = MemberFactory(with_account=True)
    with pytest.raises(BallotError, match="not on the roll") as refused:
        casting.entry_for_member(world.ballot, stranger.user)
    assert refused.value.code == "ineligible"
    entry = world.entries[0]
    RollEntry.objects.filter(pk=entry.pk).update(
        eligible=False, reason="arrears of more than six months", clause="7.2"
    )
    with pytest.raises(BallotError, match="arrears") as ineligible:
        casting.entry_for_member(world.ballot, entry.member.user)
    assert ineligible.value.clause == "7.2"
    with pytest.raises(BallotError, match="Sign in"):
        casting.entry_for_member(world.ballot, None)


def test_first_received_refuses_a_second_return_and_writes_nothing() -> None:
    world = open_ballot()
    ballot, entry = world.ballot, world.entries[0]
    do_cast_online(ballot, entry, [world.candidates[0].pk])
    before = _returns(entry)[0].sealed
    with pytest.raises(BallotError, match="already received for you") as again:
        do_cast_online(ballot, entry, [world.candidates[1].pk])
    assert again.value.code == "conflict"
    (held,) = _returns(entry)
    assert held.sealed == before


def test_the_database_refuses_a_second_return_in_a_slot() -> None:
    from django.db import IntegrityError, transaction

    world = open_ballot(voters=1)
    entry = world.entries[0]
    do_cast_online(world.ballot, entry, [world.candidates[0].pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        Return.objects.create(
            ballot=world.ballot, entry=entry, slot="any", channel="post", sealed="x"
        )


@pytest.mark.parametrize("precedence", ["online_wins", "paper_wins"])
def test_channel_slots_take_one_online_vote(precedence: str) -> None:
    world = open_ballot(precedence=precedence)
    ballot, entry = world.ballot, world.entries[0]
    do_cast_online(ballot, entry, [world.candidates[0].pk])
    assert [r.slot for r in _returns(entry)] == ["online"]
    with pytest.raises(BallotError, match="already voted online"):
        do_cast_online(ballot, entry, [world.candidates[1].pk])


def test_last_online_replaces_the_earlier_online_vote_in_place() -> None:
    world = open_ballot(precedence="last_online")
    ballot, entry = world.ballot, world.entries[0]
    a, b, _c = world.candidates
    do_cast_online(ballot, entry, [a.pk])
    (first,) = _returns(entry)
    placed = do_cast_online(ballot, entry, [b.pk, a.pk])
    assert placed.replaced
    (again,) = _returns(entry)
    assert again.pk == first.pk
    assert secrecy.unseal(ballot, again.sealed) == f"[{b.pk},{a.pk}]"


def test_refused_before_the_issue_and_after_the_close_even_if_nobody_closed_it() -> None:
    world = open_ballot(voters=2)
    ballot, entry = world.ballot, world.entries[0]
    choice = [world.candidates[0].pk]
    ballot.state = "frozen"
    ballot.save(update_fields=["state"])
    with pytest.raises(BallotError, match="not open yet") as early:
        do_cast_online(ballot, entry, choice)
    assert early.value.code == "state"
    ballot.state = "open"
    ballot.close_at = timezone.now() - datetime.timedelta(seconds=1)
    ballot.save(update_fields=["state", "close_at"])
    with pytest.raises(BallotError, match="closed at") as late:
        do_cast_online(ballot, entry, choice)
    assert late.value.code == "state"
    ballot.state = "closed"
    ballot.closed_at = timezone.now()
    ballot.close_at = timezone.now() + datetime.timedelta(days=1)
    ballot.save(update_fields=["state", "closed_at", "close_at"])
    with pytest.raises(BallotError, match="closed at"):
        do_cast_online(ballot, entry, choice)
    assert not Return.objects.filter(ballot=ballot).exists()


def test_the_lock_rechecks_the_state_a_stale_ballot_object_shows() -> None:
    world = open_ballot(voters=1)
    stale = world.ballot
    type(stale).objects.filter(pk=stale.pk).update(state="closed", closed_at=timezone.now())
    with pytest.raises(BallotError, match="closed at"):
        do_cast_online(stale, world.entries[0], [world.candidates[0].pk])
    assert not Return.objects.filter(ballot=stale).exists()


def test_a_credential_replaced_while_voting_is_refused() -> None:
    world = open_ballot(voters=1)
    ballot, entry = world.ballot, world.entries[0]
    found = credentials.entry_for_credential(ballot, world.code(entry))
    RollEntry.objects.filter(pk=entry.pk).update(serial=1, credential_hash="f" * 64)
    with pytest.raises(BallotError, match="replaced while you were voting"):
        do_cast_online(ballot, found, [world.candidates[0].pk])
    assert _returns(entry) == []


def test_revoked_and_other_ballots_credentials_are_refused_by_their_own_words() -> None:
    world = open_ballot(voters=1)
    other = open_ballot(voters=1)
    entry = world.entries[0]
    RevokedCredential.objects.create(
        ballot=world.ballot,
        entry=entry,
        credential_hash=entry.credential_hash,
        reason="lost",
        revoked_at=timezone.now(),
    )
    RollEntry.objects.filter(pk=entry.pk).update(credential_hash="e" * 64, serial=1)
    with pytest.raises(BallotError, match="replaced on"):
        credentials.entry_for_credential(world.ballot, world.code(entry))
    with pytest.raises(BallotError, match="another ballot"):
        credentials.entry_for_credential(world.ballot, other.code(other.entries[0]))


def test_a_bad_choice_names_the_fault_and_writes_nothing() -> None:
    world = open_ballot(voters=1)
    entry = world.entries[0]
    b = world.candidates[1]
    with pytest.raises(BallotError, match="Bea Birch is marked twice"):
        do_cast_online(world.ballot, entry, [b.pk, b.pk])
    assert _returns(entry) == []
    entry.refresh_from_db()
    assert not entry.voted


def test_a_post_only_ballot_takes_no_online_vote() -> None:
    world = open_ballot(voters=1)
    world.ballot.channels = ["post"]
    world.ballot.save(update_fields=["channels"])
    with pytest.raises(BallotError, match="by post only"):
        do_cast_online(world.ballot, world.entries[0], [world.candidates[0].pk])


def test_acting_user_who_is_nobody_on_the_roll_cannot_use_anothers_entry() -> None:
    world = open_ballot(voters=1)
    with pytest.raises(BallotError, match="only your own vote"):
        do_cast_online(
            world.ballot, world.entries[0], [world.candidates[0].pk], acting_user=UserFactory()
        )
