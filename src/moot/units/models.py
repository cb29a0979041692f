"""The unit tree, outside organisations, affiliations, posts and office holdings, and the
rulebook editions an organisation has adopted.

The tree (national → region → constituency → branch) keeps a materialised ``path`` of primary
keys ("1/4/17/") so ancestors and descendants are one indexed query each, however deep.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q


class UnitKind(models.TextChoices):
    NATIONAL = "national", "national party"
    REGION = "region", "region"
    CONSTITUENCY = "constituency", "constituency party"
    BRANCH = "branch", "branch"


# Which kind of unit may sit directly under which (national → region → constituency → branch).
PARENT_KIND = {
    UnitKind.NATIONAL: None,
    UnitKind.REGION: UnitKind.NATIONAL,
    UnitKind.CONSTITUENCY: UnitKind.REGION,
    UnitKind.BRANCH: UnitKind.CONSTITUENCY,
}


class Unit(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=UnitKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # A short official code (e.g. the Electoral Commission accounting-unit or constituency code).
    code = models.CharField(max_length=40, blank=True, db_index=True)
    # Primary keys from the root down to this unit, each followed by "/": "1/4/17/".
    path = models.CharField(max_length=255, blank=True, db_index=True, editable=False)

    class Meta:
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        with transaction.atomic():
            super().save(*args, **kwargs)
            parent_path = self.parent.path if self.parent_id else ""
            new_path = f"{parent_path}{self.pk}/"
            if new_path != self.path:
                old_path = self.path
                Unit.objects.filter(pk=self.pk).update(path=new_path)
                if old_path:
                    # The unit moved: rewrite the paths of everything under it.
                    for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                        Unit.objects.filter(pk=child.pk).update(
                            path=new_path + child.path[len(old_path) :]
                        )
                self.path = new_path

    def ancestor_ids(self) -> list[int]:
        """Primary keys from the root down to the parent (not including this unit)."""
        return [int(part) for part in self.path.split("/") if part][:-1]

    def ancestors(self) -> list[Unit]:
        """The units above this one, root first."""
        ids = self.ancestor_ids()
        by_id = Unit.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def descendants_ids(self, *, include_self: bool = True) -> list[int]:
        """Primary keys of this unit and everything under it (one indexed prefix query)."""
        ids = Unit.objects.filter(path__startswith=self.path).values_list("pk", flat=True)
        return [i for i in ids if include_self or i != self.pk]

    def descendants(self, *, include_self: bool = True) -> models.QuerySet[Unit]:
        qs = Unit.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)


class OrganisationKind(models.TextChoices):
    TRADE_UNION = "trade_union", "trade union"
    SOCIALIST_SOCIETY = "socialist_society", "socialist society"
    CAMPAIGN_GROUP = "campaign_group", "campaign group"
    COOPERATIVE = "cooperative", "co-operative"
    OTHER = "other", "other"


class Organisation(models.Model):
    """An outside organisation. Whether it is proscribed is not stored here: it comes from the
    rulebook edition in force on the date asked about (``units.queries.is_proscribed``)."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices, db_index=True)
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Affiliation(models.Model):
    """A dated link between a unit and an outside organisation, with the decision behind it."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="affiliations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="affiliations"
    )
    start = models.DateField()
    end = models.DateField(null=True, blank=True)  # exclusive; null while in force
    decision = models.TextField(blank=True)
    decision_ref = models.CharField(max_length=120, blank=True)  # e.g. "motion:42"
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit_id", "start"]
        indexes = [models.Index(fields=["unit", "organisation", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
                name="affiliation_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.unit} from {self.start}"


class Post(models.Model):
    """An office in a unit, created from the rulebook edition's posts for that kind of unit."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="posts")
    slug = models.SlugField(max_length=60)
    title = models.CharField(max_length=120)
    reserved_for_women = models.BooleanField(default=False)
    job_share_allowed = models.BooleanField(default=False)
    # Posts in the same non-empty group may not be held by one person at once (e.g. "finance"
    # for chair/secretary/treasurer).
    exclusive_group = models.CharField(max_length=40, blank=True)
    seats = models.PositiveSmallIntegerField(default=1)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["unit_id", "order", "slug"]
        constraints = [models.UniqueConstraint(fields=["unit", "slug"], name="post_unique_slug")]

    def __str__(self) -> str:
        return f"{self.title}, {self.unit}"


class OfficeHolding(models.Model):
    """Who held which post when. ``end`` is exclusive and null while the holding is current."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="holdings")
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="office_holdings"
    )
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    job_share = models.BooleanField(default=False)
    elected_ref = models.CharField(max_length=120, blank=True)  # e.g. "poll:12" or "agm:2026"
    ended_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["post__order", "start"]
        indexes = [
            models.Index(fields=["member", "end"]),
            models.Index(fields=["post", "end"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
                name="holding_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.post.title} from {self.start}"


class AdoptedEdition(models.Model):
    """A rulebook edition the organisation adopted, in force from ``effective_from`` until the
    next adoption. ``source_text`` keeps the exact TOML, so old decisions can cite their rules."""

    edition_name = models.CharField(max_length=120)
    effective_from = models.DateField(unique=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_from"]

    def __str__(self) -> str:
        return f"{self.edition_name} from {self.effective_from}"
