"""Reads about units, organisations, affiliations, posts, office holdings and rulebook editions."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from moot.clock import today
from moot.units.models import (
    AdoptedEdition,
    Affiliation,
    OfficeHolding,
    Organisation,
    Post,
    Unit,
)

if TYPE_CHECKING:
    from moot import rulebook


@lru_cache(maxsize=32)
def _parse_adopted(source_text: str, digest: str, label: str) -> rulebook.Edition:
    # ``digest`` is part of the key only so two editions with equal text share one parse.
    from moot import rulebook

    return rulebook.parse_edition(source_text, source=label)


def parse_adopted_edition(adopted: AdoptedEdition) -> rulebook.Edition:
    """The parsed rules of an adopted edition (cached per process by content)."""
    digest = hashlib.sha256(adopted.source_text.encode()).hexdigest()
    return _parse_adopted(
        adopted.source_text, digest, f"adopted edition {adopted.edition_name!r} (id {adopted.pk})"
    )


def adopted_editions() -> list[AdoptedEdition]:
    """Every adopted rulebook edition with who adopted it, the latest first."""
    return list(AdoptedEdition.objects.select_related("adopted_by").order_by("-effective_from"))


def adopted_edition_on(on: datetime.date) -> AdoptedEdition | None:
    """The adoption in force on ``on``: the latest with ``effective_from`` on or before it."""
    return AdoptedEdition.objects.filter(effective_from__lte=on).order_by("-effective_from").first()


def edition_in_force(on: datetime.date | None = None) -> rulebook.Edition:
    """The rulebook edition in force on ``on`` (today when omitted): the latest edition adopted
    with ``effective_from`` on or before that date, else the configured preset ("party")."""
    from django.conf import settings

    from moot import rulebook

    adopted = adopted_edition_on(on or today())
    if adopted is None:
        return rulebook.preset(getattr(settings, "MOOT_RULEBOOK_PRESET", "party"))
    return parse_adopted_edition(adopted)


def is_proscribed(org: Organisation, on: datetime.date | None = None) -> bool:
    """Whether the edition in force on ``on`` proscribes ``org`` (matched by slug)."""
    return proscription_of(org, on) is not None


def proscription_of(
    org: Organisation, on: datetime.date | None = None
) -> rulebook.Proscription | None:
    """The rulebook entry proscribing ``org`` on ``on``, with its clause, or None."""
    edition = edition_in_force(on)
    for entry in edition.proscribed:
        if entry.slug == org.slug:
            return entry
    return None


def proscribed_slugs(on: datetime.date | None = None) -> set[str]:
    return {entry.slug for entry in edition_in_force(on).proscribed}


def unit_tree() -> list[Unit]:
    """Every unit in tree order (parents before children; siblings by primary key)."""
    return list(Unit.objects.order_by("path"))


def children_of(unit: Unit) -> QuerySet[Unit]:
    return Unit.objects.filter(parent=unit).order_by("name")


def units_under(unit: Unit, *, kind: str | None = None) -> QuerySet[Unit]:
    qs = unit.descendants()
    return qs.filter(kind=kind) if kind else qs


def affiliations_of(unit: Unit, on: datetime.date | None = None) -> QuerySet[Affiliation]:
    """Affiliations of ``unit`` in force on ``on`` (all, past and present, when on is None)."""
    qs = Affiliation.objects.filter(unit=unit).select_related("organisation")
    if on is not None:
        qs = qs.filter(start__lte=on).filter(Q(end__isnull=True) | Q(end__gt=on))
    return qs.order_by("organisation__name", "start")


def organisations() -> QuerySet[Organisation]:
    """Every outside organisation, by name."""
    return Organisation.objects.order_by("name")


def affiliations(
    *,
    unit: Unit | None = None,
    organisation: Organisation | None = None,
    on: datetime.date | None = None,
    past: bool = False,
) -> QuerySet[Affiliation]:
    """Affiliations (with their unit, organisation and author), by unit, organisation and
    start: of one unit or organisation; in force on ``on`` (or, ``past``, no longer in force
    then)."""
    qs = Affiliation.objects.select_related("unit", "organisation", "created_by")
    if unit is not None:
        qs = qs.filter(unit=unit)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if on is not None:
        in_force = Q(start__lte=on) & (Q(end__isnull=True) | Q(end__gt=on))
        qs = qs.exclude(in_force) if past else qs.filter(in_force)
    return qs.order_by("unit__path", "organisation__name", "start")


def members_by_unit() -> dict[int, int]:
    """Members per constituency party and per branch: two grouped index scans."""
    from collections import Counter

    from django.db.models import Count

    from moot.members.models import Member

    counts: Counter[int] = Counter()
    for field in ("constituency_id", "branch_id"):
        rows = Member.objects.order_by().values_list(field).annotate(n=Count("id"))
        counts.update({unit_id: n for unit_id, n in rows if unit_id is not None})
    return dict(counts)


def current_affiliation(
    unit: Unit, organisation: Organisation, on: datetime.date | None = None
) -> Affiliation | None:
    on = on or today()
    return (
        Affiliation.objects.filter(unit=unit, organisation=organisation, start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gt=on))
        .first()
    )


def holdings_on(unit: Unit, on: datetime.date | None = None) -> QuerySet[OfficeHolding]:
    """Office holdings of ``unit`` current on ``on``, in post order."""
    on = on or today()
    return (
        OfficeHolding.objects.filter(post__unit=unit, start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gt=on))
        .select_related("post", "member")
        .order_by("post__order", "start", "id")
    )


def holdings_of_member(member_id: int, on: datetime.date | None = None) -> QuerySet[OfficeHolding]:
    """A member's office holdings; only those current on ``on`` when given."""
    qs = OfficeHolding.objects.filter(member_id=member_id).select_related("post", "post__unit")
    if on is not None:
        qs = qs.filter(start__lte=on).filter(Q(end__isnull=True) | Q(end__gt=on))
    return qs.order_by("-start", "-id")


def post_holders(post: Post, on: datetime.date | None = None) -> QuerySet[OfficeHolding]:
    on = on or today()
    return (
        OfficeHolding.objects.filter(post=post, start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gt=on))
        .select_related("member")
    )


def units_where_member_holds_office(member_id: int, on: datetime.date | None = None) -> list[Unit]:
    """The units in which the member holds any office on ``on`` (today by default)."""
    holdings = holdings_of_member(member_id, on or today())
    seen: dict[int, Unit] = {}
    for holding in holdings:
        seen.setdefault(holding.post.unit_id, holding.post.unit)
    return list(seen.values())


@dataclass(frozen=True)
class UnitCounts:
    members: int
    active: int
    branches: int


def unit_counts(unit: Unit) -> UnitCounts:
    """Member counts for a unit's page (members of the unit and everything under it)."""
    from moot.members.models import Member

    members = Member.objects.filter(member_in_unit_q(unit))
    return UnitCounts(
        members=members.count(),
        active=members.filter(status="active").count(),
        branches=Unit.objects.filter(path__startswith=unit.path, kind="branch").count(),
    )


def member_in_unit_q(unit: Unit, prefix: str = "") -> Q:
    """A filter on Member for "belongs to ``unit``": a branch by branch, a constituency by
    constituency, a region by the constituencies under it, the national party: everyone."""
    if unit.kind == "branch":
        return Q(**{f"{prefix}branch_id": unit.pk})
    if unit.kind == "constituency":
        return Q(**{f"{prefix}constituency_id": unit.pk})
    if unit.parent_id is None:
        return Q()
    constituency_ids = list(
        Unit.objects.filter(path__startswith=unit.path, kind="constituency").values_list(
            "pk", flat=True
        )
    )
    return Q(**{f"{prefix}constituency_id__in": constituency_ids})
