"""Insider threats to a verifiable ballot's board and booth (issue 12; docs/security.md,
"Verifiable ballots: board and booth"). Each runs on SQLite and PostgreSQL.

* An officer (the returning officer, the admin) tries to put a ballot on the board for a member
  who abstains, or to change or remove one: no page or endpoint appends anything but a cast
  checked as the verifier checks it, a ballot needs a voting credential from the published
  list (which only the credential authority holds the secrets of), and the database refuses an
  UPDATE or DELETE of an entry even through raw SQL.
* A voter tries to vote twice: with their own voting credential again, with someone else's,
  or by replaying a ballot already on the board.
* Someone with a copy of the database looks for who cast which board entry: the return names
  the roll entry and holds the marker and HMAC-SHA-256 of the public credential under a key
  kept outside the database (issue 11's ballot key in MOOT_KEYS_DIR); the board entry names no
  voter; the audit event names nobody; nothing holds a tracker or a public credential in
  clear, nor the key.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import hmac
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.test import Client

from moot.audit.models import AuditEvent
from moot.ballots import credentials as ballot_credentials
from moot.ballots.models import Return, RollEntry
from moot.verifiable.actions import do_cast_verifiable
from moot.verifiable.errors import VerifiableError
from moot.verifiable.models import RETURN_MARK, BoardEntry
from moot.verify import vballot, vboard
from verifiable.world import VerifiableWorld, open_verifiable

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "moot"


@pytest.fixture
def world() -> VerifiableWorld:
    return open_verifiable(voters=4)


def _board(world: VerifiableWorld) -> list[dict[str, object]]:
    return [json.loads(e.body) for e in BoardEntry.objects.filter(election=world.election)]


# -- an officer and the board ----------------------------------------------------------------


def test_only_the_cast_and_the_election_s_own_steps_append_to_the_board() -> None:
    """Every call of ``board.append`` in the code, by module: the cast (a checked ballot), the
    opening, and the tally's steps (close, shuffles, decryptions, result) — no page, no API
    router, no officer's action writes an entry of its own."""
    callers: set[str] = set()
    writers: set[str] = set()
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        where = str(path.relative_to(SRC))
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner = node.func.value
            if node.func.attr == "append" and isinstance(owner, ast.Name) and owner.id == "board":
                callers.add(where)
            if (
                node.func.attr in {"create", "bulk_create", "get_or_create", "update_or_create"}
                and isinstance(owner, ast.Attribute)
                and isinstance(owner.value, ast.Name)
                and owner.value.id == "BoardEntry"
            ):
                writers.add(where)
    assert "verifiable/actions/casting.py" in callers
    assert "verifiable/actions/opening.py" in callers
    assert not {c for c in callers if "views" in c or "api" in c}, callers
    assert writers == {"verifiable/board.py"}


def test_an_officer_cannot_cast_for_an_abstainer_without_a_credential(
    world: VerifiableWorld,
) -> None:
    """The returning officer holds the roll and the invitation credentials' key, not the voting
    credentials: a ballot signed by a key of their own is refused (not in the list)."""
    forged, _r = vballot.encrypt_ballot(world.parsed(), vballot.new_credential(), [[1, 2, 3]])
    with pytest.raises(VerifiableError, match="not in the published list"):
        do_cast_verifiable(world.ballot, world.base.entries[3], forged)
    assert not BoardEntry.objects.filter(kind="ballot").exists()
    assert not RollEntry.objects.filter(ballot=world.ballot, voted=True).exists()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE verifiable_boardentry SET body = '{}' WHERE kind = 'ballot'",
        "DELETE FROM verifiable_boardentry WHERE kind = 'ballot'",
        "UPDATE verifiable_boardentry SET height = height + 1",
    ],
)
def test_the_database_refuses_to_change_or_remove_an_entry(
    world: VerifiableWorld, sql: str
) -> None:
    do_cast_verifiable(world.ballot, world.base.entries[0], world.encrypt(0, [1, 0, 0]))
    before = _board(world)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert _board(world) == before
    world.election.refresh_from_db()
    assert vboard.check_chain(before) == world.election.board_head


def test_no_page_or_endpoint_changes_an_entry(world: VerifiableWorld) -> None:
    """The board's URLs answer reads only: a write method is refused, whoever asks."""
    client = Client()
    client.force_login(world.ballot.returning_officer or _officer(world))
    for url in (
        f"/ballots/{world.ballot.pk}/verifiable/board/",
        f"/ballots/{world.ballot.pk}/verifiable/board.jsonl",
        f"/ballots/{world.ballot.pk}/verifiable/election.json",
    ):
        assert client.post(url, {}).status_code == 405, url
    for method in ("put", "patch", "delete"):
        response = getattr(client, method)(f"/api/verifiable/ballots/{world.ballot.pk}/board/2")
        assert response.status_code == 405, method
    assert BoardEntry.objects.filter(election=world.election).count() == 2


def _officer(world: VerifiableWorld) -> object:
    from factories import UserFactory

    officer = UserFactory()
    world.ballot.returning_officer = officer
    world.ballot.save(update_fields=["returning_officer"])
    return officer


# -- a voter voting twice --------------------------------------------------------------------


def test_a_voter_cannot_vote_twice_by_any_route(world: VerifiableWorld) -> None:
    mine = world.base.entries[0]
    do_cast_verifiable(world.ballot, mine, world.encrypt(0, [1, 2, 0]))
    attempts = [
        (mine, world.encrypt(0, [0, 1, 2]), "already received for you"),  # own credential
        (mine, world.encrypt(1, [0, 1, 2]), "already received for you"),  # another's
        (world.base.entries[1], world.encrypt(0, [2, 1, 0]), "already cast a ballot"),
    ]
    for entry, ballot, match in attempts:
        with pytest.raises(VerifiableError, match=match):
            do_cast_verifiable(world.ballot, entry, ballot)
    replay = _board(world)[2]["payload"]
    with pytest.raises(VerifiableError, match="already"):
        do_cast_verifiable(world.ballot, world.base.entries[2], replay)
    assert BoardEntry.objects.filter(kind="ballot").count() == 1
    assert Return.objects.filter(ballot=world.ballot).count() == 1


# -- a copy of the database ------------------------------------------------------------------


def _every_text_in_the_database() -> str:
    """A logical copy of the whole database: every row of every table as text."""
    parts: list[str] = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = connection.ops.quote_name(model._meta.db_table)
            if model is BoardEntry:
                continue
            cursor.execute(f"SELECT * FROM {table}")
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts)


def test_no_table_links_a_voter_to_a_board_entry(world: VerifiableWorld) -> None:
    casts = [
        do_cast_verifiable(world.ballot, entry, world.encrypt(n, [0] * n + [1] + [0] * (2 - n)))
        for n, entry in enumerate(world.base.entries[:3])
    ]
    returns = list(Return.objects.filter(ballot=world.ballot))
    # The marker and a keyed hash of the credential (one entitlement, one credential for a
    # re-vote): 64 hex digits, one per credential, that nobody recomputes without the key.
    marks = {r.sealed for r in returns}
    assert len(marks) == len(casts)
    for mark in marks:
        prefix, digest = mark.rsplit(":", 1)
        assert prefix == RETURN_MARK
        assert len(digest) == 64
        assert int(digest, 16) >= 0
    public = {e.credential for e in BoardEntry.objects.filter(kind="ballot")}
    for credential in public:  # a plain hash of a (public) credential would be a link
        for plain in (
            hashlib.sha256(credential.encode()).hexdigest(),
            hmac.new(b"", credential.encode(), "sha256").hexdigest(),
        ):
            assert not any(plain in mark for mark in marks)
    key = ballot_credentials.ballot_key(world.ballot)
    key_file = ballot_credentials.key_path(world.ballot)
    assert key_file.is_file()
    assert Path(settings.MOOT_KEYS_DIR) in key_file.parents
    return_fields = {f.name for f in Return._meta.get_fields()}
    assert return_fields == {"id", "ballot", "entry", "slot", "channel", "sealed"}
    board_fields = {f.name for f in BoardEntry._meta.get_fields()}
    assert board_fields == {
        "id",
        "election",
        "height",
        "kind",
        "body",
        "entry_hash",
        "parent",
        "tracker",
        "credential",
    }
    rest = _every_text_in_the_database()
    for text in (key.hex(), base64.b64encode(key).decode(), base64.b32encode(key).decode()):
        assert text not in rest  # the HMAC key is outside the database
    for cast in casts:
        assert cast.tracker not in rest
    for entry in BoardEntry.objects.filter(kind="ballot"):
        assert entry.credential not in rest  # the list is the board's, emptied on the row
        body = entry.body
        for roll in world.base.entries:
            assert f'"{roll.member.number}"' not in body
    for event in AuditEvent.objects.filter(verb="verifiable.cast_verifiable"):
        assert event.actor_id is None
        # The board's head (public on the board) reaches the audit chain; nothing names a voter.
        assert set(event.after) == {"channel", "replaced", "board_height", "board_head"}
