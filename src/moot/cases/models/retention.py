"""Retention: legal holds and destruction lists (drawn up by one person, reviewed by another)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from moot.cases.models.case import Case
from moot.cases.models.choices import DestructionState


class LegalHold(models.Model):
    """While a hold is not lifted, the case is kept whatever its retention date."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="legal_holds")
    reason = models.CharField(max_length=300)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField()
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["placed_at", "id"]

    def __str__(self) -> str:
        return f"legal hold on case {self.case_id}"


class DestructionList(models.Model):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(
        max_length=10, choices=DestructionState.choices, default=DestructionState.DRAFT
    )
    report = models.JSONField(default=dict, blank=True)  # counts by record type
    executed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reviewed_by__isnull=True)
                | ~models.Q(reviewed_by=models.F("created_by")),
                name="cases_destruction_second_person",
            )
        ]

    def __str__(self) -> str:
        return f"destruction list {self.pk} ({self.state})"


class DestructionItem(models.Model):
    """A case on a destruction list. The case's reference stays after the case is destroyed."""

    destruction_list = models.ForeignKey(
        DestructionList, on_delete=models.CASCADE, related_name="items"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    case_reference = models.CharField(max_length=20)
    retention_until = models.DateField()
    counts = models.JSONField(default=dict, blank=True)  # records of each type destroyed

    class Meta:
        ordering = ["case_reference", "id"]

    def __str__(self) -> str:
        return f"{self.case_reference} on destruction list {self.destruction_list_id}"
