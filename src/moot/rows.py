"""Model instances from rows read with plain SQL (the few hot reads of a live vote and of API
authentication, which skip building an ORM query because building it costs more than running
it), exactly as ``QuerySet.only()`` would give them: the named fields set and typed as the ORM
types them, the others deferred (they load if read)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection, models
from django.utils import timezone


def select_list(model: type[models.Model], alias: str, names: list[str] | None = None) -> str:
    """``alias.column, ...`` for ``names`` (attribute names; default: every concrete field), in
    that order, for the SELECT of a plain-SQL read."""
    by_name = {f.attname: f.column for f in model._meta.concrete_fields}
    names = list(by_name) if names is None else names
    return ", ".join(f"{alias}.{connection.ops.quote_name(by_name[name])}" for name in names)


def field_names(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def instance_from_row(model: type[models.Model], data: dict[str, Any]) -> Any:
    """``model`` with the fields in ``data`` (by attribute name: ``meeting_id``, not
    ``meeting``), as loaded from the default database: timestamps aware (SQLite stores naive
    UTC, or text when read through an expression), booleans ``bool`` (SQLite answers 0/1)."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    unknown = set(data) - set(fields)
    if unknown:
        raise ValueError(f"{model.__name__} has no field(s) {sorted(unknown)}")
    names = [name for name in fields if name in data]
    values = [_typed(fields[name], data[name]) for name in names]
    return model.from_db(connection.alias, names, values)


def _typed(field: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        if isinstance(value, str):
            value = datetime.datetime.fromisoformat(value)
        if timezone.is_naive(value):
            value = timezone.make_aware(value, connection.timezone)
        return value
    if isinstance(field, models.BooleanField):
        return bool(value)
    return value
