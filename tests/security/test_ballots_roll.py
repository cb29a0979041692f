"""Insider threats to the roll and the credentials of a ballot (docs/security.md, "Ballots: roll
and credentials"): a manager of one faction shaping the electorate after the freeze, someone
reading credentials from a copy of the database, someone enumerating credentials or member
numbers, someone holding a backup. Run on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import secrets
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from ballots.roll_world import roll_world
from factories import MemberFactory
from moot.ballots import credentials, roll
from moot.ballots.actions.roll import do_freeze_ballot, do_issue_ballot
from moot.ballots.errors import BallotError
from moot.ballots.models import Ballot, RollEntry
from moot.members.models import Member

pytestmark = pytest.mark.django_db


def _frozen() -> Any:
    world = roll_world()
    do_freeze_ballot(world.ballot.pk, acting_user=world.officer)
    world.ballot.refresh_from_db()
    return world


def test_the_register_changing_after_the_freeze_does_not_change_the_roll() -> None:
    """A manager who favours one faction cannot add its late recruits or drop its opponents
    once the roll is frozen: the freeze takes no list, only the register as at the freeze date,
    and nothing rebuilds the roll."""
    world = _frozen()
    before = set(RollEntry.objects.filter(ballot=world.ballot).values_list("member_id", "eligible"))
    MemberFactory(constituency=world.north, joined_weeks_ago=60)  # a recruit 'found' later
    opponent = world.members["bob"]
    Member.objects.filter(pk=opponent.pk).update(status="suspended")
    with pytest.raises(BallotError, match="already frozen"):
        do_freeze_ballot(world.ballot.pk, acting_user=world.officer)
    after = set(RollEntry.objects.filter(ballot=world.ballot).values_list("member_id", "eligible"))
    assert after == before
    assert roll.check_roll(world.ballot) == []


def test_an_entry_added_removed_or_moved_in_the_database_is_found() -> None:
    """Someone with write access to the database edits the roll after the freeze: the roll no
    longer matches the commitment the audit chain recorded."""
    world = _frozen()
    ballot = world.ballot
    RollEntry.objects.filter(ballot=ballot, member=world.members["bob"]).delete()
    found = roll.check_roll(ballot)
    assert any("root" in line for line in found)

    world = _frozen()
    entry = RollEntry.objects.get(ballot=world.ballot, member=world.members["alice"])
    entry.unit = world.south  # moved to another constituency's count
    entry.save()
    assert any("does not match its leaf" in line for line in roll.check_roll(world.ballot))

    world = _frozen()
    arrears = RollEntry.objects.get(ballot=world.ballot, member=world.members["arrears"])
    arrears.eligible = True  # an ineligible member let in, with a made-up leaf
    arrears.leaf = "00" * 32
    arrears.save()
    assert roll.check_roll(world.ballot)

    world = _frozen()
    Ballot.objects.filter(pk=world.ballot.pk).update(
        roll_commitment={**world.ballot.roll_commitment, "root": "11" * 32}
    )
    world.ballot.refresh_from_db()
    assert any("audit trail" in line for line in roll.check_roll(world.ballot))


def test_a_copy_of_the_database_holds_no_credential() -> None:
    """Everything in the database after the issue (every app's rows, the task queue, the audit
    trail) is dumped: no voter's credential appears, in any spelling."""
    world = _frozen()
    do_issue_ballot(world.ballot.pk, acting_user=world.officer)
    world.ballot.refresh_from_db()
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    dump = out.getvalue().upper()
    entries = list(RollEntry.objects.filter(ballot=world.ballot, eligible=True))
    assert entries
    for entry in entries:
        code = credentials.credential_for(world.ballot, entry)
        assert code not in dump
        assert code.replace("-", "") not in dump
        assert entry.credential_hash.upper() in dump  # only its hash is kept
    key_text = credentials.key_path(world.ballot).read_text().split()[-1].upper()
    assert key_text not in dump


def test_the_key_file_is_outside_the_database_directory() -> None:
    """A backup of the database directory (MOOT_VAR_DIR) never carries the credential key."""
    world = _frozen()
    path = credentials.key_path(world.ballot).resolve()
    var_dir = settings.VAR_DIR.resolve()
    assert var_dir not in path.parents
    assert path.stat().st_mode & 0o077 == 0


def test_a_backup_holder_cannot_tell_whose_leaf_is_whose() -> None:
    """The published commitment and the stored leaves are salted with the key: an unsalted hash
    of a member's leaf text (all a backup holder can compute) is in neither."""
    import hashlib

    world = _frozen()
    leaves = set(RollEntry.objects.filter(ballot=world.ballot).values_list("leaf", flat=True))
    alice = RollEntry.objects.get(ballot=world.ballot, member=world.members["alice"])
    text = roll.leaf_text(world.ballot.pk, world.members["alice"].number, alice.unit_id)
    for guess in (
        hashlib.sha256(b"\x00" + text.encode()).hexdigest(),
        hashlib.sha256(text.encode()).hexdigest(),
        hashlib.sha256(b"\x00" + b"\x00" * 16 + text.encode()).hexdigest(),
    ):
        assert guess not in leaves


def test_enumerating_credentials_finds_nobody() -> None:
    """Guessing credentials: 80 random bits; every guess is refused as unknown and says nothing
    about anyone (the casting pages slow a guesser down: B5's limits)."""
    world = _frozen()
    do_issue_ballot(world.ballot.pk, acting_user=world.officer)
    world.ballot.refresh_from_db()
    for _ in range(200):
        raw = "".join(secrets.choice(credentials.CROCKFORD) for _ in range(16))
        with pytest.raises(BallotError, match="No voter of this ballot") as exc:
            credentials.entry_for_credential(world.ballot, raw)
        assert exc.value.code == "not_found"


def test_a_credential_of_another_ballot_is_refused_as_such() -> None:
    """A voter's credential from one ballot opens nothing in another, and the answer names
    neither the voter nor the other ballot."""
    first = _frozen()
    do_issue_ballot(first.ballot.pk, acting_user=first.officer)
    first.ballot.refresh_from_db()
    entry = RollEntry.objects.filter(ballot=first.ballot, eligible=True).first()
    code = credentials.credential_for(first.ballot, entry)
    other = Ballot.objects.create(
        unit=first.national,
        title="Another",
        kind="question",
        method="plurality",
        state="open",
        frozen_at=first.ballot.frozen_at,
    )
    with pytest.raises(BallotError, match="another ballot") as exc:
        credentials.entry_for_credential(other, code)
    assert entry.member.number not in str(exc.value)
    assert first.ballot.title not in str(exc.value)


def test_an_overseer_looking_up_numbers_is_counted_and_stopped() -> None:
    """The roll page answers one member at a time; an overseer trying numbers to list the
    roll is slowed down like any member-number look-up (moot.limits)."""
    from moot.limits import NUMBER_MISS_LIMIT

    world = _frozen()
    client = Client()
    client.force_login(world.scrutineer)
    url = f"/ballots/{world.ballot.pk}/roll/"
    statuses = [
        client.get(url, {"number": f"Q{n:06d}"}).status_code for n in range(NUMBER_MISS_LIMIT + 1)
    ]
    assert statuses[-1] == 429
    assert set(statuses[:-1]) == {422}
