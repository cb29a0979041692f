"""The audit trail: an append-only, hash-chained record of every action.

Each event stores the hash of its predecessor and its own hash over a canonical JSON form of
its fields, so editing, deleting or reordering any event breaks the chain at a place that
``moot audit verify`` names. ``seq`` is unique, so two writers can never fork the chain.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("audit events are append-only: they cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are append-only: they cannot be deleted")


class GenuineEventManager(models.Manager["AuditEvent"]):
    """Only rows that can be links of the chain. moot numbers ids and ``seq`` from 1, so a row
    with either at 0 or below was written around moot: it is never read as an event (pages,
    dashboards, histories, the next ``seq``). ``AuditEvent.every_row`` still sees it, for
    verification to report it."""

    def get_queryset(self) -> AuditEventQuerySet:
        return AuditEventQuerySet(self.model, using=self._db).filter(pk__gt=0, seq__gt=0)


class AuditEvent(models.Model):
    seq = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A snapshot of who acted, so the record reads the same if the account is renamed.
    actor_label = models.CharField(max_length=200)
    verb = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    clause = models.CharField(max_length=120, blank=True)
    reason = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = GenuineEventManager()
    every_row = AuditEventQuerySet.as_manager()  # forged rows too: for verification only

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor_label} {self.verb} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit events are append-only: they cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are append-only: they cannot be deleted")
