"""``flush`` (``moot demo --reset``, the end of every live-server test) empties the board, and the
board is append-only again afterwards: the database still refuses a DELETE of an entry."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from moot.verifiable.models import BoardEntry
from verifiable.world import open_verifiable

pytestmark = pytest.mark.django_db(transaction=True)


def test_flush_empties_the_board_which_stays_append_only() -> None:
    open_verifiable()
    assert BoardEntry.objects.count() == 2
    call_command("flush", interactive=False, verbosity=0)
    assert not BoardEntry.objects.exists()
    open_verifiable()
    assert BoardEntry.objects.count() == 2
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM verifiable_boardentry")
    assert BoardEntry.objects.count() == 2
