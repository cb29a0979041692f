"""Units, outside organisations and affiliations in the JSON API. Thin: reads through
``units.access`` and ``units.queries``, writes through ``units.actions``; every endpoint checks
permissions (``units.view_unit`` to read, ``units.manage_affiliations`` to record
affiliations)."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from moot.api_common import Message
from moot.errors import Refusal
from moot.text import Text
from moot.units import queries
from moot.units.access import (
    access_affiliation,
    access_organisation,
    access_organisation_by_ref,
    access_unit,
    access_unit_by_ref,
)
from moot.units.models import Affiliation, Organisation, Unit

router = Router(tags=["units"])
organisations_router = Router(tags=["organisations"])
affiliations_router = Router(tags=["affiliations"])


# --- schemas --------------------------------------------------------------------------------


class UnitRef(Schema):
    id: int
    slug: str
    name: str
    kind: str


class UnitOut(UnitRef):
    code: str
    parent_id: int | None
    depth: int = Field(description="0 for the national party, 1 for regions, ...")


class HolderOut(Schema):
    member_id: int
    name: str
    start: datetime.date
    job_share: bool


class PostOut(Schema):
    id: int
    slug: str
    title: str
    seats: int
    reserved_for_women: bool
    job_share_allowed: bool
    holders: list[HolderOut]


class CountsOut(Schema):
    members: int
    active: int
    branches: int


class OrganisationRef(Schema):
    id: int
    slug: str
    name: str


class AffiliationOut(Schema):
    id: int
    unit: UnitRef
    organisation: OrganisationRef
    start: datetime.date
    end: datetime.date | None = Field(description="Exclusive; null while in force.")
    decision: str
    decision_ref: str


class UnitDetailOut(UnitOut):
    ancestors: list[UnitRef]
    children: list[UnitRef]
    posts: list[PostOut]
    counts: CountsOut
    affiliations: list[AffiliationOut] = Field(description="Affiliations in force today.")


class OrganisationOut(OrganisationRef):
    kind: str
    website: str
    proscribed: bool = Field(description="Proscribed by the rulebook edition in force on 'on'.")
    proscription_clause: str | None


class AffiliationFilters(Schema):
    unit: str | None = Field(None, description="Unit id or slug.")
    organisation: str | None = Field(None, description="Organisation id or slug.")
    on: datetime.date | None = Field(None, description="Only those in force on this date.")


class AffiliationIn(Schema):
    unit: str = Field(..., description="Unit id or slug.")
    organisation: str = Field(..., description="Organisation id or slug.")
    start: datetime.date
    decision: Annotated[str, Text(2000, single_line=False)] = ""
    decision_ref: Annotated[str, Text(120)] = Field("", description='e.g. "motion:42"')


class AffiliationEndIn(Schema):
    end: datetime.date
    reason: Annotated[str, Text(2000, single_line=False)] = ""


# --- helpers --------------------------------------------------------------------------------


def unit_ref(unit: Unit) -> dict[str, Any]:
    return {"id": unit.pk, "slug": unit.slug, "name": unit.name, "kind": unit.kind}


def unit_out(unit: Unit) -> dict[str, Any]:
    return {
        **unit_ref(unit),
        "code": unit.code,
        "parent_id": unit.parent_id,
        "depth": max(0, unit.path.count("/") - 1),
    }


def affiliation_out(affiliation: Affiliation) -> dict[str, Any]:
    org = affiliation.organisation
    return {
        "id": affiliation.pk,
        "unit": unit_ref(affiliation.unit),
        "organisation": {"id": org.pk, "slug": org.slug, "name": org.name},
        "start": affiliation.start,
        "end": affiliation.end,
        "decision": affiliation.decision,
        "decision_ref": affiliation.decision_ref,
    }


def _require_view(request: HttpRequest) -> None:
    if not request.user.has_perm("units.view_unit", None):
        raise PermissionDenied("only members and staff may see the party's units")


def _lookup(access: Any, value: str, user: Any, place: str, listing: str) -> Any:
    """A unit or organisation a request names by id or slug; a refusal naming the place when
    nothing has it (or the user may not see it)."""
    text = value.strip()
    try:
        return access(text, user)
    except Http404:
        raise Refusal(
            f"{place}: nothing has the id or slug '{text}'; see {listing}", field=place
        ) from None


# --- units ----------------------------------------------------------------------------------


@router.get("/", response={200: list[UnitOut], 403: Message}, summary="The unit tree")
def list_units(request: HttpRequest) -> Any:
    """Every unit in tree order (each parent before its children), with its depth."""
    _require_view(request)
    return [unit_out(unit) for unit in queries.unit_tree()]


@router.get(
    "/{unit_id}",
    response={200: UnitDetailOut, 403: Message, 404: Message, 422: Message},
    summary="A unit",
)
def unit_detail(request: HttpRequest, unit_id: int) -> Any:
    """A unit with its place in the tree, its posts and current holders, member counts and
    affiliations in force today."""
    unit = access_unit(unit_id, request.user)
    holdings: dict[int, list[dict[str, Any]]] = {}
    for holding in queries.holdings_on(unit):
        holdings.setdefault(holding.post_id, []).append(
            {
                "member_id": holding.member_id,
                "name": holding.member.full_name,
                "start": holding.start,
                "job_share": holding.job_share,
            }
        )
    counts = queries.unit_counts(unit)
    return {
        **unit_out(unit),
        "ancestors": [unit_ref(u) for u in unit.ancestors()],
        "children": [unit_ref(u) for u in queries.children_of(unit)],
        "posts": [
            {
                "id": post.pk,
                "slug": post.slug,
                "title": post.title,
                "seats": post.seats,
                "reserved_for_women": post.reserved_for_women,
                "job_share_allowed": post.job_share_allowed,
                "holders": holdings.get(post.pk, []),
            }
            for post in unit.posts.order_by("order", "slug")
        ],
        "counts": {
            "members": counts.members,
            "active": counts.active,
            "branches": counts.branches,
        },
        "affiliations": [
            affiliation_out(a) for a in queries.affiliations_of(unit, queries.today())
        ],
    }


# --- organisations --------------------------------------------------------------------------


def organisation_out(org: Organisation, on: datetime.date) -> dict[str, Any]:
    entry = queries.proscription_of(org, on)
    return {
        "id": org.pk,
        "slug": org.slug,
        "name": org.name,
        "kind": org.kind,
        "website": org.website,
        "proscribed": entry is not None,
        "proscription_clause": (str(getattr(entry, "clause", "")) or None) if entry else None,
    }


@organisations_router.get(
    "/",
    response={200: list[OrganisationOut], 403: Message, 422: Message},
    summary="Outside organisations",
)
def list_organisations(request: HttpRequest, on: datetime.date | None = None) -> Any:
    """Every outside organisation, with whether the rulebook in force on ``on`` (today)
    proscribes it and the clause that does."""
    _require_view(request)
    on = on or queries.today()
    return [organisation_out(org, on) for org in queries.organisations()]


@organisations_router.get(
    "/{organisation_id}",
    response={200: OrganisationOut, 403: Message, 404: Message, 422: Message},
    summary="An outside organisation",
)
def organisation_detail(
    request: HttpRequest, organisation_id: int, on: datetime.date | None = None
) -> Any:
    org = access_organisation(organisation_id, request.user)
    return organisation_out(org, on or queries.today())


# --- affiliations ---------------------------------------------------------------------------


@affiliations_router.get(
    "/",
    response={200: list[AffiliationOut], 403: Message, 422: Message},
    summary="Affiliations",
)
def list_affiliations(request: HttpRequest, filters: Query[AffiliationFilters]) -> Any:
    """Affiliations between units and outside organisations, past and present (or only those
    in force on ``on``)."""
    _require_view(request)
    unit = organisation = None
    if filters.unit:
        unit = _lookup(
            access_unit_by_ref, filters.unit, request.user, "query parameter 'unit'", "/api/units/"
        )
    if filters.organisation:
        organisation = _lookup(
            access_organisation_by_ref,
            filters.organisation,
            request.user,
            "query parameter 'organisation'",
            "/api/organisations/",
        )
    rows = queries.affiliations(unit=unit, organisation=organisation, on=filters.on)
    return [affiliation_out(a) for a in rows]


@affiliations_router.get(
    "/{affiliation_id}",
    response={200: AffiliationOut, 403: Message, 404: Message, 422: Message},
    summary="An affiliation",
)
def affiliation_detail(request: HttpRequest, affiliation_id: int) -> Any:
    return affiliation_out(access_affiliation(affiliation_id, request.user))


@affiliations_router.post(
    "/",
    response={201: AffiliationOut, 403: Message, 422: Message},
    summary="Record an affiliation",
)
def create_affiliation(request: HttpRequest, payload: AffiliationIn) -> Any:
    """Record that a unit affiliated to an outside organisation from ``start``, by the decision
    named. Refused (422, with the clause) when the rulebook forbids it, e.g. a proscribed
    organisation."""
    from moot.units.actions import do_create_affiliation

    _require_view(request)
    unit = _lookup(
        access_unit_by_ref, payload.unit, request.user, "body field 'unit'", "/api/units/"
    )
    if not request.user.has_perm("units.manage_affiliations", unit):
        raise PermissionDenied(f"you may not record affiliations for {unit}")
    org = _lookup(
        access_organisation_by_ref,
        payload.organisation,
        request.user,
        "body field 'organisation'",
        "/api/organisations/",
    )
    affiliation = do_create_affiliation(
        unit,
        org,
        start=payload.start,
        decision=payload.decision,
        decision_ref=payload.decision_ref,
        acting_user=request.user,
    )
    return Status(201, affiliation_out(affiliation))


@affiliations_router.post(
    "/{affiliation_id}/end",
    response={200: AffiliationOut, 403: Message, 404: Message, 422: Message},
    summary="End an affiliation",
)
def end_affiliation(request: HttpRequest, affiliation_id: int, payload: AffiliationEndIn) -> Any:
    from moot.units.actions import do_end_affiliation

    affiliation = access_affiliation(affiliation_id, request.user, for_write=True)
    ended = do_end_affiliation(
        affiliation, end=payload.end, reason=payload.reason, acting_user=request.user
    )
    return affiliation_out(ended)
