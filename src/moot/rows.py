"""Model instances from rows read with plain SQL (the few hot reads that skip the ORM's query
building), exactly as ``QuerySet.only()`` would give them: the named fields set, the others
deferred (they load if read)."""

from __future__ import annotations

from typing import Any

from django.db import connection, models


def instance_from_row(model: type[models.Model], data: dict[str, Any]) -> Any:
    """``model`` with the fields in ``data`` (by attribute name: ``meeting_id``, not
    ``meeting``), as loaded from the default database."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in data]
    unknown = set(data) - set(names)
    if unknown:
        raise ValueError(f"{model.__name__} has no field(s) {sorted(unknown)}")
    return model.from_db(connection.alias, names, [data[name] for name in names])
