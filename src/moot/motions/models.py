"""Motions, their amendments, competence rulings and challenges to them.

A motion's text is kept exactly as tabled (``Motion.text``); amendments refer to its numbered
lines (see :mod:`moot.motions.lines`), and the text *as amended* is derived from the original and
the amendments accepted by the mover or carried on a vote — never retyped. Votes are polls
(``moot.polls``): a motion, an amendment and a challenge to the chair's ruling each point at
their poll, and the outcome with its figures is copied here when the poll closes.

The "likely not competent" warning about a motion that names a member under a disciplinary
process is deliberately *not* a field: it is computed on read, for the chair and national staff
only (:func:`moot.motions.queries.chair_flags`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class ProposerKind(models.TextChoices):
    MEMBER = "member", "a member"
    BRANCH = "branch", "a branch"
    AFFILIATE = "affiliate", "an affiliated organisation"
    COMPOSITE = "composite", "composited from several motions"


class MotionState(models.TextChoices):
    TABLED = "tabled", "tabled"
    ADMITTED = "admitted", "admitted (ruled competent)"
    NOT_COMPETENT = "not_competent", "ruled not competent"
    REFERRED = "referred", "referred"
    WITHDRAWN = "withdrawn", "withdrawn"
    DEBATED = "debated", "being debated and voted on"
    CARRIED = "carried", "carried"
    LOST = "lost", "lost"
    REMITTED = "remitted", "remitted"
    FORWARDED = "forwarded", "carried and forwarded"
    COMPOSITED = "composited", "composited into another motion"


# States in which a motion is still before the meeting (may be ruled on, amended, voted).
OPEN_STATES = frozenset({MotionState.TABLED, MotionState.ADMITTED, MotionState.DEBATED})


class Motion(models.Model):
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.PROTECT, related_name="motions"
    )
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="motions",
    )
    number = models.PositiveIntegerField()  # 1, 2, 3 … within the meeting
    title = models.CharField(max_length=300)
    text = models.TextField()  # as tabled; amendments refer to its numbered lines
    proposer_kind = models.CharField(max_length=20, choices=ProposerKind.choices)
    proposer_member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposer_unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposer_organisation = models.ForeignKey(
        "units.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    mover = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seconder = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        max_length=20, choices=MotionState.choices, default=MotionState.TABLED, db_index=True
    )
    # A motion "that this party affiliates to <organisation>": carried, it creates the affiliation.
    affiliate_to = models.ForeignKey(
        "units.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    affiliation = models.ForeignKey(
        "units.Affiliation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Why a carried affiliation motion could not create the affiliation (e.g. proscription).
    affiliation_refusal = models.TextField(blank=True)
    affiliation_refusal_clause = models.CharField(max_length=120, blank=True)
    composited_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="composited_from"
    )
    poll = models.ForeignKey(
        "polls.Poll", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The outcome, copied from the closed poll: "carried" / "lost" and the figures.
    outcome = models.CharField(max_length=10, blank=True)
    votes_yes = models.PositiveIntegerField(null=True, blank=True)
    votes_no = models.PositiveIntegerField(null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(null=True, blank=True)
    outcome_text = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    forwarded_to = models.ForeignKey(
        "units.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_motions",
    )
    forwarded_at = models.DateTimeField(null=True, blank=True)
    # Set when the motion is ruled not competent under a category the rulebook marks
    # confidential (an individual disciplinary case): the one sentence members, the API and the
    # minutes see instead of its title, text, mover and seconder (see moot.motions.confidential).
    withheld_as = models.CharField(max_length=300, blank=True)
    tabled_on = models.DateField()
    tabled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["meeting_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="motions_number_unique")
        ]

    def __str__(self) -> str:
        return f"Motion {self.number}: {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A withheld copy carries the public sentence in place of the title and text: saving
        # it whole would overwrite the record kept for the chair and complaints staff.
        if getattr(self, "_withheld", False):
            raise RuntimeError(f"motion {self.pk} was withheld for display and cannot be saved")
        # A motion withheld as confidential business stays withheld: nothing may clear it.
        if getattr(self, "_loaded_withheld_as", "") and not self.withheld_as:
            raise RuntimeError(f"motion {self.pk} is withheld; withheld_as cannot be cleared")
        super().save(*args, **kwargs)
        self._loaded_withheld_as = self.withheld_as

    @classmethod
    def from_db(  # type: ignore[override] # django-stubs types the arguments narrowly; Django passes them through
        cls, db: Any, field_names: Any, values: Any
    ) -> Motion:
        instance = super().from_db(db, field_names, values)
        if "withheld_as" in field_names:
            instance._loaded_withheld_as = instance.withheld_as
        return instance

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def proposer_label(self) -> str:
        if self.proposer_kind == ProposerKind.MEMBER and self.proposer_member:
            return self.proposer_member.full_name
        if self.proposer_kind == ProposerKind.BRANCH and self.proposer_unit:
            return self.proposer_unit.name
        if self.proposer_kind == ProposerKind.AFFILIATE and self.proposer_organisation:
            return self.proposer_organisation.name
        if self.proposer_kind == ProposerKind.COMPOSITE:
            return "Composite of motions " + ", ".join(
                str(m.number) for m in self.composited_from.order_by("number")
            )
        return "—"


class AmendmentAction(models.TextChoices):
    REPLACE = "replace", "replace lines"
    INSERT = "insert", "insert after a line"
    DELETE = "delete", "delete lines"


class AmendmentState(models.TextChoices):
    PROPOSED = "proposed", "proposed"
    ACCEPTED = "accepted", "accepted by the mover"
    VOTING = "voting", "being voted on"
    CARRIED = "carried", "carried"
    LOST = "lost", "lost"
    WITHDRAWN = "withdrawn", "withdrawn"
    FALLEN = "fallen", "fallen (its lines were already changed)"


# Amendments that are part of the text as amended.
APPLIED_STATES = frozenset({AmendmentState.ACCEPTED, AmendmentState.CARRIED})


class Amendment(models.Model):
    """A change to lines of the motion as tabled: replace lines ``line_from``–``line_to``,
    insert ``text`` after line ``line_from`` (0: before the first line), or delete lines."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveIntegerField()
    action = models.CharField(max_length=10, choices=AmendmentAction.choices)
    line_from = models.PositiveIntegerField()
    line_to = models.PositiveIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    mover = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seconder = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        max_length=12, choices=AmendmentState.choices, default=AmendmentState.PROPOSED
    )
    # The order in which applied amendments were applied (accepted or carried): 1, 2, …
    applied_order = models.PositiveIntegerField(null=True, blank=True)
    poll = models.ForeignKey(
        "polls.Poll", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    votes_yes = models.PositiveIntegerField(null=True, blank=True)
    votes_no = models.PositiveIntegerField(null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(null=True, blank=True)
    outcome_text = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["motion_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["motion", "number"], name="motions_amendment_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Amendment {self.number} to motion {self.motion.number}"

    @property
    def is_applied(self) -> bool:
        return self.state in APPLIED_STATES

    @property
    def where(self) -> str:
        """ "lines 3–5", "line 3", "after line 3", "at the start"."""
        if self.action == AmendmentAction.INSERT:
            return f"after line {self.line_from}" if self.line_from else "at the start"
        last = self.line_to or self.line_from
        return (
            f"line {self.line_from}" if last == self.line_from else f"lines {self.line_from}–{last}"
        )

    @property
    def summary(self) -> str:
        if self.action == AmendmentAction.DELETE:
            return f"Delete {self.where}."
        if self.action == AmendmentAction.INSERT:
            return f"Insert {self.where}: “{self.text}”"
        return f"Replace {self.where} with: “{self.text}”"


class RulingBy(models.TextChoices):
    CHAIR = "chair", "the chair"
    NATIONAL_OFFICE = "national_office", "national office"


class RulingDecision(models.TextChoices):
    COMPETENT = "competent", "competent"
    NOT_COMPETENT = "not_competent", "not competent"
    REFERRED = "referred", "referred"


class ChallengeOutcome(models.TextChoices):
    NONE = "", "not challenged"
    PENDING = "pending", "challenged: vote pending"
    UPHELD = "upheld", "challenged and upheld"
    OVERTURNED = "overturned", "overturned by the meeting"


class Ruling(models.Model):
    """A competence ruling: who ruled, what, on which clause, and why (reasons are required)."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="rulings")
    by = models.CharField(max_length=20, choices=RulingBy.choices)
    decision = models.CharField(max_length=20, choices=RulingDecision.choices)
    category = models.CharField(max_length=80, blank=True)  # edition.not_competent slug
    clause = models.CharField(max_length=120)
    reasons = models.TextField()
    referred_to = models.CharField(max_length=200, blank=True)
    ruled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ruled_at = models.DateTimeField(auto_now_add=True)
    challenge = models.CharField(
        max_length=12, choices=ChallengeOutcome.choices, default=ChallengeOutcome.NONE, blank=True
    )
    challenge_poll = models.ForeignKey(
        "polls.Poll", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    challenged_by = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    challenge_yes = models.PositiveIntegerField(null=True, blank=True)
    challenge_no = models.PositiveIntegerField(null=True, blank=True)
    challenge_abstain = models.PositiveIntegerField(null=True, blank=True)
    challenge_text = models.TextField(blank=True)

    class Meta:
        ordering = ["motion_id", "ruled_at", "id"]

    def __str__(self) -> str:
        return f"Ruling on motion {self.motion.number}: {self.get_decision_display()}"

    @property
    def overturned(self) -> bool:
        return self.challenge == ChallengeOutcome.OVERTURNED
