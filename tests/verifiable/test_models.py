"""The verifiable app's models: the board is append-only in the model, the queryset and the
database (a trigger), and an election's threshold stays within its trustees."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from ballots.casting_world import open_ballot
from moot.verifiable.models import BoardEntry, Election

pytestmark = pytest.mark.django_db


def _entry(election: Election, height: int = 0) -> BoardEntry:
    return BoardEntry.objects.create(
        election=election,
        height=height,
        kind="setup",
        body='{"height":0}',
        entry_hash="a" * 64,
        parent="0" * 64,
    )


@pytest.fixture
def election() -> Election:
    return Election.objects.create(ballot=open_ballot().ballot, threshold=2, trustee_count=3)


def test_an_entry_is_never_saved_again(election: Election) -> None:
    entry = _entry(election)
    entry.body = "{}"
    with pytest.raises(TypeError, match="append-only"):
        entry.save()
    with pytest.raises(TypeError, match="append-only"):
        entry.delete()
    assert BoardEntry.objects.get(pk=entry.pk).body == '{"height":0}'


def test_the_queryset_refuses_update_and_delete(election: Election) -> None:
    _entry(election)
    with pytest.raises(TypeError, match="append-only"):
        BoardEntry.objects.filter(election=election).update(body="{}")
    with pytest.raises(TypeError, match="append-only"):
        BoardEntry.objects.filter(election=election).delete()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE verifiable_boardentry SET body = '{}'",
        "DELETE FROM verifiable_boardentry",
    ],
)
def test_the_database_refuses_a_change_that_skips_the_model(election: Election, sql: str) -> None:
    entry = _entry(election)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert BoardEntry.objects.get(pk=entry.pk).body == '{"height":0}'


def test_one_entry_per_height(election: Election) -> None:
    _entry(election, 0)
    with pytest.raises(IntegrityError), transaction.atomic():
        _entry(election, 0)


@pytest.mark.parametrize(("threshold", "count"), [(0, 3), (4, 3)])
def test_the_threshold_lies_within_the_trustees(threshold: int, count: int) -> None:
    ballot: Any = open_ballot().ballot
    with pytest.raises(IntegrityError), transaction.atomic():
        Election.objects.create(ballot=ballot, threshold=threshold, trustee_count=count)
