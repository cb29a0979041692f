"""A case and what its file holds: the append-only log of events, evidence, the read log and the
representations made from outside the process.

Columns ending in ``_enc`` hold ciphertext (:mod:`moot.cases.crypto`: AES-256-GCM under the case
data key, bound to the table, the column and the row's ``uid``); they are read and written only
through ``crypto.encrypt_text``/``decrypt_text``, never shown raw. Plain columns hold what the
process, the statistics and the auditor may see without opening the file: stage, dates,
category, unit, outcome, who did what.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from moot.cases.models.choices import EventKind, IntakeChannel, Outcome, Party, Stage


class Case(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True)  # "C-2026-00042"
    # The respondent's constituency or where it happened: the scope complaints staff work in.
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=60, db_index=True)  # rulebook [complaints.categories]
    protected_characteristic = models.BooleanField(default=False)  # from the category
    directed = models.BooleanField(default=True)  # at the complainant (False: third party)
    respondent = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    respondent_unknown_description_enc = models.BinaryField(default=b"", blank=True)
    complainant_member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    complainant_contact_enc = models.BinaryField(default=b"", blank=True)  # JSON {name, email}
    receipt_hash = models.CharField(max_length=64, blank=True, db_index=True)  # sha256 hex
    stage = models.CharField(
        max_length=24, choices=Stage.choices, default=Stage.RECEIVED, db_index=True
    )
    outcome = models.CharField(max_length=24, choices=Outcome.choices, default="", blank=True)
    opened_at = models.DateTimeField(db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    triaged_at = models.DateTimeField(null=True, blank=True)
    stage_since = models.DateTimeField()
    deadline = models.DateField(null=True, blank=True, db_index=True)  # in working days
    clock_stopped = models.BooleanField(default=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=200, blank=True)
    retention_until = models.DateField(null=True, blank=True, db_index=True)
    legal_hold = models.BooleanField(default=False)
    linked_cases = models.ManyToManyField("self", blank=True, symmetrical=True)
    description_enc = models.BinaryField(default=b"", blank=True)
    incident_dates = models.CharField(max_length=200, blank=True)
    witnesses_enc = models.BinaryField(default=b"", blank=True)
    intake_channel = models.CharField(max_length=20, choices=IntakeChannel.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["stage", "opened_at"], name="cases_stage_opened"),
            models.Index(fields=["unit", "stage"], name="cases_unit_stage"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_closed(self) -> bool:
        return self.stage == Stage.CLOSED


class CaseEvent(models.Model):
    """One entry of a case's log. Rows are only ever added (the actions never update or delete
    one; destruction at the end of retention removes the whole case)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    stage = models.CharField(max_length=24, choices=Stage.choices)  # the stage it happened in
    party = models.CharField(max_length=12, choices=Party.choices, default="", blank=True)
    body_enc = models.BinaryField(default=b"", blank=True)
    reasons_enc = models.BinaryField(default=b"", blank=True)
    clause = models.CharField(max_length=40, blank=True)
    criterion = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)  # non-personal facts (ids, slugs, dates)
    sha256 = models.CharField(max_length=64, blank=True)  # of the evidence it records

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="cases_event_case_at")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} at {self.at:%Y-%m-%d %H:%M}"


class Evidence(models.Model):
    """A file given in evidence: stored encrypted under ``MOOT_VAR_DIR/case-evidence/`` with a
    random name; the SHA-256 of the plaintext is kept here and in the case log."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    filename_enc = models.BinaryField(default=b"", blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_name = models.CharField(max_length=64, unique=True)
    by_party = models.CharField(max_length=12, choices=Party.choices)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"evidence {self.sha256[:12]} of case {self.case_id}"


class CaseRead(models.Model):
    """Who opened what of a case file, as whom and why. Written by ``access_case`` and by every
    download or export; part of a subject access response."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=40)  # complaints_staff, investigator, complainant ...
    what = models.CharField(max_length=40)  # page, evidence, export, party_view ...
    detail = models.CharField(max_length=100, blank=True)  # e.g. the evidence's id
    why = models.CharField(max_length=200)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["case", "at"], name="cases_read_case_at")]

    def __str__(self) -> str:
        return f"{self.role} read {self.what} of case {self.case_id}"


class ExternalRepresentation(models.Model):
    """A representation about a case from outside the process (a unit officer, an NEC member,
    the leader's office ...), recorded so that the decision-maker and the auditor see it."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="representations")
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_description = models.CharField(max_length=200)
    role_of_person = models.CharField(max_length=200)
    at = models.DateTimeField()
    summary_enc = models.BinaryField(default=b"", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"representation on case {self.case_id} from {self.role_of_person}"
