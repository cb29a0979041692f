"""The freeze, the roll and its commitment, the issue and the reissue (issue 11, items 1, 4, 5)."""

from __future__ import annotations

import datetime
import hashlib
import hmac
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ballots.roll_world import roll_world
from factories import UserFactory
from moot.audit.models import AuditEvent
from moot.ballots import credentials, secrecy
from moot.ballots.actions.roll import (
    SELF_REISSUE_LIMIT,
    do_freeze_ballot,
    do_issue_ballot,
    do_reissue_credential,
    do_request_my_reissue,
)
from moot.ballots.definition import definition_of, sha256_of
from moot.ballots.errors import BallotError
from moot.ballots.models import (
    Ballot,
    BallotVersion,
    Candidate,
    Delivery,
    RevokedCredential,
    RollEntry,
)
from moot.ballots.roll import member_proof

pytestmark = pytest.mark.django_db


def _entry(world: object, name: str) -> RollEntry:
    return RollEntry.objects.get(ballot=world.ballot, member=world.members[name])


def _frozen() -> object:
    world = roll_world()
    do_freeze_ballot(world.ballot.pk, acting_user=world.officer)
    world.ballot.refresh_from_db()
    return world


def _issued() -> object:
    world = _frozen()
    do_issue_ballot(world.ballot.pk, acting_user=world.officer)
    world.ballot.refresh_from_db()
    return world


# -- the freeze ------------------------------------------------------------------------------


def test_freeze_assesses_every_member_with_reason_and_clause() -> None:
    world = _frozen()
    assert world.ballot.state == "frozen"
    roll = {e.member_id: e for e in RollEntry.objects.filter(ballot=world.ballot)}
    assert len(roll) == 12  # ten members and the two candidates
    for name in ("alice", "bob", "shared1", "shared2", "no_email", "bad_email"):
        assert roll[world.members[name].pk].eligible, name
    for name in ("arrears", "suspended", "new", "lapsed_shared"):
        entry = roll[world.members[name].pk]
        assert not entry.eligible, name
        assert entry.reason, name
        assert entry.clause, name
    assert roll[world.members["new"].pk].clause.startswith("7.3")
    alice = roll[world.members["alice"].pk]
    assert alice.unit_id == world.north.pk
    assert alice.region_id == world.region.pk


def test_freeze_puts_shared_and_missing_addresses_on_post() -> None:
    world = _frozen()
    assert _entry(world, "alice").channel == "online"  # shared only with an ineligible member
    assert _entry(world, "bob").channel == "online"
    for name in ("shared1", "shared2"):
        entry = _entry(world, name)
        assert entry.channel == "post"
        assert "shared" in entry.channel_reason
    for name in ("no_email", "bad_email"):
        entry = _entry(world, name)
        assert entry.channel == "post"
        assert "no usable e-mail" in entry.channel_reason


def test_post_only_ballot_puts_everyone_on_post() -> None:
    world = roll_world(channels=("post",))
    do_freeze_ballot(world.ballot.pk, acting_user=world.officer)
    channels = set(
        RollEntry.objects.filter(ballot=world.ballot, eligible=True).values_list(
            "channel", "channel_reason"
        )
    )
    assert channels == {("post", "this ballot is by post only")}


def test_freeze_fixes_candidates_seed_and_hashes_the_definition_into_the_audit_chain() -> None:
    world = _frozen()
    ballot = world.ballot
    placed = list(Candidate.objects.filter(ballot=ballot, on_ballot=True).order_by("position"))
    assert [c.position for c in placed] == [1, 2]
    assert ballot.seed is not None
    assert ballot.definition_hash == sha256_of(definition_of(ballot))
    version = BallotVersion.objects.get(ballot=ballot, version=ballot.version)
    assert version.sha256 == ballot.definition_hash
    event = AuditEvent.objects.get(verb="ballots.freeze_ballot", object_id=str(ballot.pk))
    assert event.after["definition_sha256"] == ballot.definition_hash
    assert event.after["roll_root"] == ballot.roll_commitment["root"]
    assert credentials.key_path(ballot).exists()


def test_commitment_counts_per_constituency_and_refusals() -> None:
    world = _frozen()
    commitment = world.ballot.roll_commitment
    assert commitment["size"] == 8
    assert commitment["assessed"] == 12
    assert commitment["refused"] == 4
    per_unit = {row["unit"]: row["eligible"] for row in commitment["constituencies"]}
    assert per_unit[world.south.pk] == 3  # bob, shared2, no_email
    assert sum(per_unit.values()) == 8
    assert sum(r["members"] for r in commitment["refusals"]) == 4
    assert all(r["clause"] for r in commitment["refusals"])


def _independent_leaf(
    key: bytes, ballot_id: int, number: str, unit_id: int, member_id: int
) -> bytes:
    salt = hmac.new(key, f"leaf:{member_id}".encode(), hashlib.sha256).digest()[:16]
    text = f"moot-roll-leaf/1:{ballot_id}:{number}:{unit_id}".encode()
    return hashlib.sha256(b"\x00" + salt + text).digest()


def _independent_root(leaves: list[bytes]) -> bytes:
    level = sorted(leaves)
    while len(level) > 1:
        nxt = []
        for i in range(0, len(level), 2):
            pair = level[i : i + 2]
            nxt.append(
                hashlib.sha256(b"\x01" + pair[0] + pair[1]).digest() if len(pair) == 2 else pair[0]
            )
        level = nxt
    return level[0]


def test_commitment_root_recomputed_independently_from_the_key_file() -> None:
    world = _frozen()
    ballot = world.ballot
    lines = Path(credentials.key_path(ballot)).read_text().splitlines()
    key = bytes.fromhex([line for line in lines if not line.startswith("#")][-1])
    leaves = [
        _independent_leaf(key, ballot.pk, number, unit_id, member_id)
        for member_id, number, unit_id in RollEntry.objects.filter(
            ballot=ballot, eligible=True
        ).values_list("member_id", "member__number", "unit_id")
    ]
    assert _independent_root(leaves).hex() == ballot.roll_commitment["root"]
    # Leaving one voter out, or adding one, changes the root.
    assert _independent_root(leaves[1:]).hex() != ballot.roll_commitment["root"]


def test_a_member_checks_their_merkle_path_with_plain_sha256() -> None:
    world = _frozen()
    for name in ("alice", "no_email"):
        proof = member_proof(world.ballot, _entry(world, name))
        node = hashlib.sha256(
            b"\x00" + bytes.fromhex(proof["salt"]) + proof["text"].encode()
        ).digest()
        assert node.hex() == proof["leaf"]
        for side, sibling in proof["path"]:
            other = bytes.fromhex(sibling)
            pair = other + node if side == "left" else node + other
            node = hashlib.sha256(b"\x01" + pair).digest()
        assert node.hex() == world.ballot.roll_commitment["root"]
    assert member_proof(world.ballot, _entry(world, "arrears")) is None


def test_freeze_refusals_write_nothing() -> None:
    world = roll_world()
    ballot = world.ballot
    keys_before = set(credentials.key_dir().glob("*.key"))
    today = timezone.localdate()
    cases = [
        (
            {
                "freeze_date": today + datetime.timedelta(days=1),
                "issue_at": timezone.now() + datetime.timedelta(days=15),
            },
            "on or after the freeze date",
        ),
        ({"nominations_close": today}, "Nominations are open until"),
        ({"close_at": None}, "the close time"),
        ({"returning_officer": None}, "a returning officer"),
    ]
    for change, message in cases:
        Ballot.objects.filter(pk=ballot.pk).update(**change)
        actor = (
            world.officer if "returning_officer" not in change else UserFactory(is_superuser=True)
        )
        with pytest.raises(BallotError, match=message):
            do_freeze_ballot(ballot.pk, acting_user=actor)
        Ballot.objects.filter(pk=ballot.pk).update(
            freeze_date=today,
            issue_at=timezone.now(),
            nominations_close=today - datetime.timedelta(days=1),
            close_at=timezone.now() + datetime.timedelta(days=21),
            returning_officer=world.officer,
        )
    ballot.refresh_from_db()
    assert ballot.state == "draft"
    assert ballot.definition_hash == ""
    assert not RollEntry.objects.filter(ballot=ballot).exists()
    assert set(credentials.key_dir().glob("*.key")) == keys_before
    assert not AuditEvent.objects.filter(verb="ballots.freeze_ballot").exists()


def test_freeze_by_someone_else_is_403_and_twice_is_refused() -> None:
    world = roll_world()
    with pytest.raises(PermissionDenied):
        do_freeze_ballot(world.ballot.pk, acting_user=world.members["alice"].user)
    do_freeze_ballot(world.ballot.pk, acting_user=world.officer)
    with pytest.raises(BallotError, match="already frozen"):
        do_freeze_ballot(world.ballot.pk, acting_user=world.officer)


def test_freeze_without_candidates_is_refused() -> None:
    world = roll_world()
    Candidate.objects.filter(ballot=world.ballot).update(consented_at=None)
    with pytest.raises(BallotError, match="No candidate has reached the ballot"):
        do_freeze_ballot(world.ballot.pk, acting_user=world.officer)
    assert not RollEntry.objects.filter(ballot=world.ballot).exists()


# -- the issue -------------------------------------------------------------------------------


def test_issue_hashes_a_credential_per_voter_and_numbers_papers_in_random_order() -> None:
    world = _issued()
    ballot = world.ballot
    assert ballot.state == "open"
    voters = list(RollEntry.objects.filter(ballot=ballot, eligible=True))
    for entry in voters:
        assert entry.credential_hash == credentials.hash_credential(
            credentials.credential_for(ballot, entry)
        )
    assert (
        not RollEntry.objects.filter(ballot=ballot, eligible=False)
        .exclude(credential_hash="")
        .exists()
    )
    papers = sorted(e.paper_number for e in voters if e.channel == "post")
    assert papers == list(range(1, 5))
    assert all(e.paper_number is None for e in voters if e.channel == "online")
    assert _entry(world, "alice").email == "alice@example.org"
    assert secrecy.key_path(ballot).exists()
    assert Delivery.objects.filter(ballot=ballot, kind="invitation").count() == len(voters)
    event = AuditEvent.objects.get(verb="ballots.issue_ballot", object_id=str(ballot.pk))
    assert event.after["credentials"] == len(voters)
    assert event.after["papers"] == 4


def test_issue_refreshes_the_frozen_address_and_moves_a_now_shared_one_to_post() -> None:
    world = _frozen()
    bob = world.members["bob"]
    bob.email = "alice@example.org"
    bob.save()
    do_issue_ballot(world.ballot.pk, acting_user=world.officer)
    assert _entry(world, "bob").channel == "post"
    assert _entry(world, "alice").channel == "post"
    assert "shared" in _entry(world, "bob").channel_reason


def test_issue_refusals() -> None:
    world = roll_world()
    with pytest.raises(BallotError, match="freeze it first"):
        do_issue_ballot(world.ballot.pk, acting_user=world.officer)
    do_freeze_ballot(world.ballot.pk, acting_user=world.officer)
    Ballot.objects.filter(pk=world.ballot.pk).update(
        issue_at=timezone.now() + datetime.timedelta(hours=1)
    )
    with pytest.raises(BallotError, match="issued at or after"):
        do_issue_ballot(world.ballot.pk, acting_user=world.officer)
    Ballot.objects.filter(pk=world.ballot.pk).update(issue_at=timezone.now(), scrutineer=None)
    with pytest.raises(BallotError, match="Appoint the scrutineer"):
        do_issue_ballot(world.ballot.pk, acting_user=world.officer)
    assert not RollEntry.objects.filter(ballot=world.ballot).exclude(credential_hash="").exists()
    with pytest.raises(PermissionDenied):
        do_issue_ballot(world.ballot.pk, acting_user=world.scrutineer)


# -- reissue ---------------------------------------------------------------------------------


def test_reissue_revokes_the_old_credential_and_paper() -> None:
    world = _issued()
    ballot = world.ballot
    entry = _entry(world, "no_email")
    old_code = credentials.credential_for(ballot, entry)
    old_paper = entry.paper_number
    do_reissue_credential(
        entry.pk, channel="post", reason="lost in the post", acting_user=world.officer
    )
    entry.refresh_from_db()
    assert entry.serial == 1
    assert entry.paper_number == 5  # the next number, never a reused one
    revoked = RevokedCredential.objects.get(entry=entry)
    assert revoked.paper_number == old_paper
    assert revoked.credential_hash == credentials.hash_credential(old_code)
    with pytest.raises(BallotError, match="replaced on"):
        credentials.entry_for_credential(ballot, old_code)
    assert (
        credentials.entry_for_credential(ballot, credentials.credential_for(ballot, entry)).pk
        == entry.pk
    )
    assert Delivery.objects.filter(entry=entry, kind="reissue", channel="post").exists()
    assert AuditEvent.objects.filter(verb="ballots.reissue_credential").count() == 1


def test_reissue_needs_a_reason_and_a_manager() -> None:
    world = _issued()
    entry = _entry(world, "bob")
    with pytest.raises(BallotError, match="Say why"):
        do_reissue_credential(entry.pk, channel="online", reason="  ", acting_user=world.officer)
    with pytest.raises(PermissionDenied):
        do_reissue_credential(entry.pk, channel="online", reason="x", acting_user=world.scrutineer)
    with pytest.raises(BallotError, match="not on the electorate"):
        do_reissue_credential(
            _entry(world, "arrears").pk, channel="post", reason="asked", acting_user=world.officer
        )
    assert not RevokedCredential.objects.exists()


def test_post_reissue_closes_days_before_the_close() -> None:
    world = _issued()
    Ballot.objects.filter(pk=world.ballot.pk).update(
        close_at=timezone.now() + datetime.timedelta(days=2)
    )
    entry = _entry(world, "bob")
    with pytest.raises(BallotError, match="by post until 7 days before the close") as exc:
        do_reissue_credential(entry.pk, channel="post", reason="lost", acting_user=world.officer)
    assert exc.value.clause
    do_reissue_credential(entry.pk, channel="online", reason="lost", acting_user=world.officer)


def test_member_self_service_reissue_is_rate_limited() -> None:
    world = _issued()
    alice = world.members["alice"].user
    for _ in range(SELF_REISSUE_LIMIT):
        do_request_my_reissue(world.ballot.pk, channel="online", acting_user=alice)
    with pytest.raises(BallotError, match="times today") as exc:
        do_request_my_reissue(world.ballot.pk, channel="online", acting_user=alice)
    assert exc.value.code == "rate_limited"
    entry = _entry(world, "alice")
    assert entry.serial == SELF_REISSUE_LIMIT
    assert RevokedCredential.objects.filter(entry=entry).count() == SELF_REISSUE_LIMIT
    outsider = UserFactory()
    with pytest.raises(BallotError, match="Sign in with the account of a member"):
        do_request_my_reissue(world.ballot.pk, channel="online", acting_user=outsider)


def test_odd_characters_on_the_register_are_written_to_the_roll_as_they_are() -> None:
    """The roll is written set-wise (COPY on PostgreSQL): a backslash, a tab or a line break in
    a register's e-mail field arrives as it is (and the address is not usable: post)."""
    world = roll_world()
    odd = world.members["bad_email"]
    odd.email = "odd\\name\there\nx@example.org"
    odd.save()
    do_freeze_ballot(world.ballot.pk, acting_user=world.officer)
    entry = _entry(world, "bad_email")
    assert entry.email == "odd\\name\there\nx@example.org"
    assert entry.channel == "post"
