"""``flush`` (``moot demo --reset``, the end of every transactional and live-server test) empties
the board too.

A verifiable ballot's board entries are never updated or deleted: the model refuses it and so
does the database, with triggers (migration 0001). PostgreSQL's flush truncates the tables,
which no row trigger sees; SQLite's deletes row by row, which the delete trigger refuses. Here,
on SQLite, the delete trigger is dropped for the flush and made again, the same statement as
the migration's, whatever happens.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections

TRIGGER = "verifiable_board_no_delete"


class Command(DjangoFlush):
    def handle(self, **options: Any) -> None:
        connection = connections[options.get("database") or "default"]
        if connection.vendor != "sqlite":
            super().handle(**options)
            return
        migration = importlib.import_module("moot.verifiable.migrations.0001_board")
        create = next(sql for sql in migration._SQLITE if TRIGGER in sql)
        with connection.cursor() as cursor:
            exists = cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s", [TRIGGER]
            ).fetchone()
            cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
        try:
            super().handle(**options)
        finally:
            if exists:
                with connection.cursor() as cursor:
                    cursor.execute(create)
