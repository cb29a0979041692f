"""Ballots cannot be joined to voters: proved on the database schema itself (DESIGN principle 3).

Introspects the real tables (SQLite or PostgreSQL): the ballot table has no column or foreign key
that could identify a voter, neither table has a date or time column, and their primary keys
are random — not sequences and not an insertion-ordered rowid."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection

from moot.polls.actions import do_cast_ballot, do_close_poll
from moot.polls.models import Participation, SecretBallot
from moot.polls.sealing import is_sealed, unseal

pytestmark = pytest.mark.django_db

VOTER_WORDS = ("member", "user", "voter", "person", "participation", "account", "email", "ip")
TIME_TYPES = ("date", "time", "timestamp", "interval")


def columns(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, table)
    return {
        column.name: connection.introspection.get_field_type(column.type_code, column)
        for column in description
    }


def raw_types(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA table_info({table})")
            return {row[1]: row[2].lower() for row in cursor.fetchall()}
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s",
            [table],
        )
        return {name: data_type.lower() for name, data_type in cursor.fetchall()}


def foreign_keys(table: str) -> dict[str, tuple[str, str]]:
    with connection.cursor() as cursor:
        return connection.introspection.get_relations(cursor, table)


def test_ballot_table_has_no_voter_column_and_no_foreign_key_but_the_poll() -> None:
    table = SecretBallot._meta.db_table
    assert set(columns(table)) == {"id", "poll_id", "content"}
    assert {column: target for column, (_, target) in foreign_keys(table).items()} == {
        "poll_id": "polls_poll"
    }
    for column in columns(table):
        assert not any(word in column for word in VOTER_WORDS), column


def test_neither_table_has_a_date_or_time_column() -> None:
    for model in (SecretBallot, Participation):
        for column, data_type in raw_types(model._meta.db_table).items():
            assert not any(word in data_type for word in TIME_TYPES), (model, column, data_type)
            assert not column.endswith(("_at", "_on", "_time", "_date")), (model, column)


def test_participation_shares_no_key_with_ballots() -> None:
    targets = {target for _, target in foreign_keys(Participation._meta.db_table).values()}
    assert targets == {"polls_poll", "members_member"}
    assert SecretBallot._meta.db_table not in targets
    ballot_targets = {target for _, target in foreign_keys(SecretBallot._meta.db_table).values()}
    assert Participation._meta.db_table not in ballot_targets


@pytest.mark.parametrize("model", [SecretBallot, Participation])
def test_primary_key_is_random_not_a_sequence(model: Any) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA table_info({table})")
            pk = [(row[1], row[2].lower()) for row in cursor.fetchall() if row[5]]
            # Exactly "integer" (any case): the rowid alias, so there is no hidden
            # insertion-ordered rowid.
            assert pk == [("id", "integer")]
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [table])
            assert "AUTOINCREMENT" not in cursor.fetchone()[0].upper()
        else:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            assert cursor.fetchone()[0] is None
            cursor.execute(
                "SELECT column_default, is_identity FROM information_schema.columns "
                "WHERE table_name = %s AND column_name = 'id'",
                [table],
            )
            assert cursor.fetchone() == (None, "NO")


def test_stored_order_says_nothing_about_the_order_of_voting(
    open_poll: Any, unit: Any, make_voter: Any, manager: Any
) -> None:
    voters = [make_voter(unit) for _ in range(25)]
    poll = open_poll()
    poll.entitlements.all().delete()
    poll.entitlements.bulk_create(poll.entitlements.model(poll=poll, member=v) for v in voters)
    options = list(poll.options.values_list("pk", flat=True))
    cast_order = []
    for number, voter in enumerate(voters):
        # Each ballot is identifiable here (a distinct ranking) only so the test can follow it.
        ranking = [options[number % 3], options[(number + 1 + number // 3) % 3]]
        ranking = list(dict.fromkeys(ranking))
        do_cast_ballot(poll, voter, ranking, acting_user=voter.user)
        cast_order.append(
            SecretBallot.objects.filter(poll=poll)
            .exclude(pk__in=[b for b, _ in cast_order])
            .values_list("pk", "content")
            .get()
        )
    keys = [key for key, _ in cast_order]
    assert keys != sorted(keys)
    assert keys != sorted(keys, reverse=True)
    assert max(keys) > 2**40  # drawn from 63 bits, not counted up from 1
    participation_keys = list(Participation.objects.filter(poll=poll).values_list("pk", flat=True))
    assert max(participation_keys) > 2**40
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT rowid, id FROM polls_secretballot")
            assert all(rowid == key for rowid, key in cursor.fetchall())  # rowid is the key
    # Sealed while open (moot.polls.sealing), in plaintext after the close.
    assert all(is_sealed(content) for _, content in cast_order)
    cast_plain = sorted(unseal(poll.pk, poll.opened_at, c) for _, c in cast_order)
    # At close the ballots are re-inserted in a random order with fresh keys.
    do_close_poll(poll, acting_user=manager)
    after = dict(SecretBallot.objects.filter(poll=poll).values_list("pk", "content"))
    assert not set(after) & set(keys)
    assert sorted(after.values()) == cast_plain
    assert all(isinstance(json.loads(content), list) for content in after.values())
