"""The register of a unit's adopted policy documents (a definition, a code of conduct, a
standing policy) and their versions.

Versions are append-only: each is adopted, amended or rescinded by a decision — a carried motion
(linked) or a national decision (cited: body, date, minute) — and is never changed afterwards
(``PolicyVersion.save`` refuses an update). The dates in force are derived: a version is in force
from its ``in_force_from`` until the next version's. A rescinding version has no text; from its
date the policy is not in force.

A motion that proposes a change is a :class:`PolicyProposal` beside the motion (motions knows
nothing of policies); carrying the motion creates the version, in the same transaction
(:mod:`moot.policies.motion_hooks`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class VersionAction(models.TextChoices):
    ADOPT = "adopt", "adopted"
    AMEND = "amend", "amended"
    RESCIND = "rescind", "rescinded"


class Extent(models.TextChoices):
    OWN = "", "its own text"
    FULL = "full", "in full"
    PART = "part", "in part"


class DecidedBy(models.TextChoices):
    MOTION = "motion", "a carried motion"
    NATIONAL = "national", "a national decision"


class Policy(models.Model):
    """A policy document of one unit. ``source`` names the document adopted when it comes from
    elsewhere (an outside body's definition); ``source_policy`` is the national policy a unit
    adopted as its own, in full or in part."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="policies")
    kind = models.CharField(max_length=40)  # a kind of the rulebook's [policies.kinds]
    title = models.CharField(max_length=200)
    source = models.CharField(max_length=300, blank=True)
    source_policy = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="adoptions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit_id", "title"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "title"], name="policies_title_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.unit})"


class PolicyVersion(models.Model):
    """One version of a policy, tied to the decision that made it."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()  # 1, 2, 3 … within the policy
    action = models.CharField(max_length=10, choices=VersionAction.choices)
    extent = models.CharField(max_length=4, choices=Extent.choices, blank=True)
    text = models.TextField(blank=True)  # the full text; empty when rescinded
    in_force_from = models.DateField()
    decided_by = models.CharField(max_length=10, choices=DecidedBy.choices)
    motion = models.ForeignKey(
        "motions.Motion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_body = models.CharField(max_length=200)
    decision_date = models.DateField()
    decision_ref = models.CharField(max_length=200, blank=True)  # minute or clause of the decision
    decision_text = models.TextField(blank=True)  # e.g. the motion's figures
    clause = models.CharField(max_length=120, blank=True)  # the rulebook clause it rests on
    summary = models.CharField(max_length=300, blank=True)  # "lines 3–4 replaced"
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["policy_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policies_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.policy.title}, version {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Versions are append-only: a saved version is never changed (docs/security.md)."""
        if self.pk is not None:
            raise ValueError("A policy version is never changed; record a new version instead.")
        super().save(*args, **kwargs)

    @property
    def decision_label(self) -> str:
        """The decision cited, as one line: "Motion 3 at Riverside AGM, 7 December 2026" or
        "National executive, 12 March 2026, minute 14.2"."""
        from moot.dates import long_date

        ref = f", {self.decision_ref}" if self.decision_ref else ""
        return f"{self.decision_body}, {long_date(self.decision_date)}{ref}"

    @property
    def how(self) -> str:
        """What the version did, in words: "adopted in full", "adopted in part", "adopted",
        "amended", "rescinded" (an amended version's extent is shown as what it adopts, not as
        "amended in part")."""
        if self.action == VersionAction.ADOPT and self.extent:
            return f"adopted {self.get_extent_display()}"
        return self.get_action_display()


class PolicyProposal(models.Model):
    """What a motion proposes for the register: adopt a new policy (``text``; ``source_policy``
    and ``extent`` when adopting a national policy), amend one (line-numbered ``edits`` of
    ``base_version``, as motion amendments are) or rescind one. ``result_version`` is the version
    its carrying made; ``refusal`` why it could not take effect."""

    motion = models.OneToOneField(
        "motions.Motion", on_delete=models.PROTECT, related_name="policy_proposal"
    )
    action = models.CharField(max_length=10, choices=VersionAction.choices)
    policy = models.ForeignKey(
        Policy, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals"
    )
    base_version = models.ForeignKey(
        PolicyVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=300, blank=True)
    source_policy = models.ForeignKey(
        Policy, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    extent = models.CharField(max_length=4, choices=Extent.choices, blank=True)
    text = models.TextField(blank=True)
    # [{"action": "replace"|"insert"|"delete", "line_from": n, "line_to": n|null, "text": ...}]
    edits = models.JSONField(default=list, blank=True)
    result_version = models.ForeignKey(
        PolicyVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refusal = models.TextField(blank=True)
    refusal_clause = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Policy proposal of {self.motion}"
