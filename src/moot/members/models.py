"""Members and their membership history.

Membership is a history of status intervals (``MembershipPeriod``), contiguous and
non-overlapping, with at most one open interval per member. ``Member.status`` is a denormalised
copy of the open interval's status, kept in sync by the actions in ``members.actions``, so lists
can filter by status with one index.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q


class Gender(models.TextChoices):
    """Self-described; used only for the gender-balance rules and shown only to roles that
    need it (permission ``members.view_member_sensitive``)."""

    UNSTATED = "", "not stated"
    WOMAN = "woman", "woman"
    MAN = "man", "man"
    NON_BINARY = "non_binary", "non-binary"
    OTHER = "other", "other"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "prefer not to say"


class MemberStatus(models.TextChoices):
    APPLIED = "applied", "applied"
    ACTIVE = "active", "active"
    IN_ARREARS = "in_arrears", "in arrears"
    LAPSED = "lapsed", "lapsed"
    # The neutral wording everyone sees; the case wording ("suspended pending investigation") is
    # for the member, complaints staff and the auditor (members.disclosure.status_wording).
    SUSPENDED = "suspended", "suspended — may not take part"
    EXPELLED = "expelled", "expelled"
    RESIGNED = "resigned", "resigned"


# A person in one of these statuses is no longer a member: they keep their record (and may sign
# in to read it) but none of a member's rights (docs/security.md §1, review finding E).
FORMER_STATUSES = frozenset({MemberStatus.LAPSED, MemberStatus.RESIGNED, MemberStatus.EXPELLED})


_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=65536)
def normalise_for_search(text: str) -> str:
    """Lower case, accents removed, anything but letters and digits turned into one space:
    "Zoë O'Brien-Hart" → "zoe o brien hart". Searches normalise the query the same way."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_ALNUM.sub(" ", plain).strip()


def search_keys(first_name: str, last_name: str) -> tuple[str, str]:
    """The two indexed search columns: "last first" and "first last"."""
    first, last = normalise_for_search(first_name), normalise_for_search(last_name)
    return f"{last} {first}".strip(), f"{first} {last}".strip()


class Member(models.Model):
    number = models.CharField(max_length=20, unique=True)  # "M0001234"
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    # Stored in lower case so the prefix search can use a plain index.
    email = models.EmailField(blank=True, db_index=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=12, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=20, choices=Gender.choices, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    # Indexed by the composite indexes in Meta (constituency/branch first), not separately.
    constituency = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="constituency_members",
        db_index=False,
    )
    branch = models.ForeignKey(
        "units.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="branch_members",
        db_index=False,
    )
    joined_on = models.DateField(db_index=True)
    # Why the membership starts before the day it was recorded (created_at), as the register's
    # authority gave it; empty when it starts on that day (rulebook [membership.register]).
    backdate_reason = models.TextField(blank=True)
    # Indexed by member_status_name (status first).
    status = models.CharField(max_length=20, choices=MemberStatus.choices)
    # Normalised "last first" and "first last" (see normalise_for_search): case- and
    # accent-insensitive prefix search over an ordinary B-tree index on SQLite and PostgreSQL.
    search_name = models.CharField(max_length=210, db_index=True, editable=False)
    search_name_reversed = models.CharField(max_length=210, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["search_name", "id"]
        indexes = [
            models.Index(fields=["status", "search_name"], name="member_status_name"),
            models.Index(fields=["constituency", "search_name"], name="member_clp_name"),
            models.Index(fields=["branch", "search_name"], name="member_branch_name"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.number})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.fill_search_keys()
        super().save(*args, **kwargs)

    @property
    def is_current(self) -> bool:
        """Whether this person is still a member (not lapsed, resigned or expelled)."""
        return self.status not in FORMER_STATUSES

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def fill_search_keys(self) -> None:
        """Set the normalised columns (bulk_create skips save(), so importers call this)."""
        self.search_name, self.search_name_reversed = search_keys(self.first_name, self.last_name)
        self.email = self.email.strip().lower()
        self.number = self.number.strip().upper()


class MembershipPeriod(models.Model):
    """One interval of a member's status history. ``end`` is exclusive; null while open."""

    # Indexed by the unique constraint on (member, start).
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="periods", db_index=False
    )
    status = models.CharField(max_length=20, choices=MemberStatus.choices)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    reason = models.TextField(blank=True)
    reference = models.CharField(max_length=120, blank=True)  # e.g. "case:17", "import:3"
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["member_id", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(end__isnull=True), name="period_one_open"
            ),
            models.UniqueConstraint(fields=["member", "start"], name="period_unique_start"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
                name="period_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        until = f" to {self.end}" if self.end else ""
        return f"{self.get_status_display()} from {self.start}{until}"


class ResignationKind(models.TextChoices):
    OFFICE = "office", "from an office"
    MEMBERSHIP = "membership", "from membership"


class Resignation(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="resignations")
    kind = models.CharField(max_length=20, choices=ResignationKind.choices)
    holding = models.ForeignKey(
        "units.OfficeHolding",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resignations",
    )
    effective_on = models.DateField()
    letter = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_on", "-id"]

    def __str__(self) -> str:
        return f"{self.member} resigned {self.get_kind_display()} on {self.effective_on}"


class ProposalKind(models.TextChoices):
    IMPORT = "import", "admit members (a CSV file)"
    CHANGE = "change", "change a member's register entry"


class ProposalState(models.TextChoices):
    PENDING = "pending", "waiting for the membership office"
    APPROVED = "approved", "approved"
    REJECTED = "rejected", "rejected"


class RegisterProposal(models.Model):
    """A change to the register proposed by a unit officer, which the register's authority
    (rulebook [membership.register]) approves or rejects. ``payload`` holds what was proposed:
    for an import the CSV text, its SHA-256 and file name; for a change the new values."""

    kind = models.CharField(max_length=20, choices=ProposalKind.choices)
    state = models.CharField(
        max_length=20, choices=ProposalState.choices, default=ProposalState.PENDING, db_index=True
    )
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.CASCADE, related_name="proposals"
    )
    payload = models.JSONField(default=dict)
    reason = models.TextField(blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    outcome = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]

    def __str__(self) -> str:
        return f"proposal {self.pk}: {self.get_kind_display()} ({self.get_state_display()})"


class EmailChangeRequest(models.Model):
    """A member's request to change the e-mail address on their own record. It takes effect only
    when the member, signed in, follows the link sent to the new address (the link's secret is
    kept only as a SHA-256 digest); the old address is told either way."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="email_changes")
    new_email = models.EmailField()
    old_email = models.EmailField(blank=True)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # The old address's link to cancel the request (a stolen session cannot stop that mail).
    cancel_hash = models.CharField(max_length=64, blank=True, db_index=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    superseded = models.BooleanField(default=False)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"e-mail change {self.pk} for member {self.member_id}"

    @property
    def is_pending(self) -> bool:
        from django.utils import timezone

        return (
            self.confirmed_at is None
            and self.cancelled_at is None
            and not self.superseded
            and self.expires_at > timezone.now()
        )
