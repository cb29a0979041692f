"""The process's records beside the log: clock stops, communications, sanctions and decision
summaries."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from moot.cases.models.case import Case
from moot.cases.models.choices import (
    Channel,
    CommunicationState,
    Party,
    SanctionKind,
    SummaryState,
)


class ClockStop(models.Model):
    """A stop of the case's clock for a reason the rulebook lists; open while ``ended_on`` is
    empty. Working-day deadlines skip the days it covers."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clock_stops")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=60)  # rulebook [complaints] clock_stop_reasons slug
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return f"clock stop on case {self.case_id} from {self.started_on}"


class Communication(models.Model):
    """A message to a party at a milestone: by e-mail (through the task queue) and/or on the
    party's page. The body is encrypted; the subject names no one."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="communications")
    to = models.CharField(max_length=12, choices=Party.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    milestone = models.CharField(max_length=40)  # rulebook milestone slug ("received" ...)
    subject = models.CharField(max_length=200)
    body_enc = models.BinaryField(default=b"", blank=True)
    queued_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(
        max_length=10, choices=CommunicationState.choices, default=CommunicationState.QUEUED
    )

    class Meta:
        ordering = ["queued_at", "id"]

    def __str__(self) -> str:
        return f"{self.milestone} to {self.to} on case {self.case_id}"


class Sanction(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sanctions")
    kind = models.CharField(max_length=24, choices=SanctionKind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)  # education
    readmission_barred_until = models.DateField(null=True, blank=True)
    reasons_enc = models.BinaryField(default=b"", blank=True)
    clause = models.CharField(max_length=40)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_on", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on case {self.case_id}"


class DecisionSummary(models.Model):
    """A publishable summary of a decision: approved by someone separately, and checked against
    the suppression rule before it can be published."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="summaries")
    text = models.TextField()
    state = models.CharField(
        max_length=10, choices=SummaryState.choices, default=SummaryState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"summary of case {self.case_id} ({self.state})"
