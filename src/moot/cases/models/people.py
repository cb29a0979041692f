"""Who works on a case: assignments, conflicts of interest, training and panel draws."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from moot.cases.models.case import Case
from moot.cases.models.choices import AssignmentRole, DrawPurpose


class PanelDraw(models.Model):
    """A random draw of a panel: the seed and the hash of the sorted eligible ids are kept, so
    the draw can be repeated from them and shown to be the one made."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="panel_draws")
    purpose = models.CharField(max_length=12, choices=DrawPurpose.choices)
    seed = models.CharField(max_length=64)  # hex
    eligible_hash = models.CharField(max_length=64)  # sha256 of the sorted eligible ids
    eligible_count = models.PositiveIntegerField()
    drawn = models.JSONField(default=list)  # the ids drawn, in draw order
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.purpose} draw for case {self.case_id}"


class Assignment(models.Model):
    """A person's role on a case while ``ended_at`` is empty. The person is an account (staff,
    investigator) and/or a member (panel members drawn from the membership)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=24, choices=AssignmentRole.choices)
    assigned_at = models.DateTimeField()
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(max_length=200, blank=True)
    panel = models.ForeignKey(
        PanelDraw, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments"
    )

    class Meta:
        ordering = ["assigned_at", "id"]
        indexes = [models.Index(fields=["user", "ended_at"], name="cases_assign_user_ended")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | models.Q(member__isnull=False),
                name="cases_assignment_has_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} on case {self.case_id}"


class ConflictDeclaration(models.Model):
    """A declared conflict of interest: for one case, or standing (``case`` empty) for every
    case. It takes effect when declared: the person loses access to the case at once."""

    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="conflicts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=300)
    declared_at = models.DateTimeField()
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["declared_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | models.Q(member__isnull=False),
                name="cases_conflict_has_person",
            )
        ]

    def __str__(self) -> str:
        return f"conflict declared on case {self.case_id or 'all'}"


class Training(models.Model):
    """Training completed by someone who works on cases: a category's slug, or "all"."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_training"
    )
    category = models.CharField(max_length=60)
    completed_on = models.DateField()
    expires_on = models.DateField()
    provider = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-completed_on", "id"]

    def __str__(self) -> str:
        return f"training in {self.category} until {self.expires_on}"
