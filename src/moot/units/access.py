"""Fetch-and-authorise for units, organisations, affiliations and office holdings (moot.access):
404 when it does not exist or the user may not see it, 403 when they may see it but not change
it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from moot.access import authorise
from moot.ids import parse_id
from moot.units.models import Affiliation, OfficeHolding, Organisation, Post, Unit


def _get(model: Any, pk: Any, label: str, **related: Any) -> Any:
    try:
        qs = model.objects.all()
        if related.get("select"):
            qs = qs.select_related(*related["select"])
        return qs.get(pk=int(pk))
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No such {label}.") from None


def access_unit(unit_id: Any, user: Any, *, for_write: bool = False) -> Unit:
    """The unit, if the user may see it (any signed-in member) and, ``for_write``, change it;
    404 for whoever may not see units, as for a unit that does not exist (moot.access)."""
    unit = _get(Unit, unit_id, "unit", select=("parent",))
    return authorise(
        unit,
        user,
        view="units.view_unit",
        missing="No such unit.",
        permission="units.change_unit" if for_write else None,
        refused=f"You may not change {unit}.",
    )


def _see_unit(unit_id: Any, user: Any, missing: str) -> None:
    """A record of a unit the user may not see is answered as one that does not exist."""
    try:
        access_unit(unit_id, user)
    except Http404:
        raise Http404(missing) from None


def access_unit_by_slug(slug: str, user: Any, *, for_write: bool = False) -> Unit:
    pk = Unit.objects.filter(slug=slug).values_list("pk", flat=True).first()
    if pk is None:
        raise Http404("No such unit.")
    return access_unit(pk, user, for_write=for_write)


def access_unit_by_ref(ref: str, user: Any, *, for_write: bool = False) -> Unit:
    """A unit named by its id or its slug."""
    pk = parse_id(ref)
    if pk is not None:
        return access_unit(pk, user, for_write=for_write)
    return access_unit_by_slug(ref.strip(), user, for_write=for_write)


def access_organisation(org_id: Any, user: Any) -> Organisation:
    """Organisations are visible to whoever may see units."""
    org = _get(Organisation, org_id, "organisation")
    if not user.has_perm("units.view_unit", None):
        raise Http404("No such organisation.")
    return org


def access_organisation_by_slug(slug: str, user: Any) -> Organisation:
    pk = Organisation.objects.filter(slug=slug).values_list("pk", flat=True).first()
    if pk is None:
        raise Http404("No such organisation.")
    return access_organisation(pk, user)


def access_organisation_by_ref(ref: str, user: Any) -> Organisation:
    """An organisation named by its id or its slug."""
    pk = parse_id(ref)
    if pk is not None:
        return access_organisation(pk, user)
    return access_organisation_by_slug(ref.strip(), user)


def access_affiliation(affiliation_id: Any, user: Any, *, for_write: bool = False) -> Affiliation:
    affiliation = _get(Affiliation, affiliation_id, "affiliation", select=("unit", "organisation"))
    _see_unit(affiliation.unit_id, user, "No such affiliation.")
    if for_write and not user.has_perm("units.manage_affiliations", affiliation.unit):
        raise PermissionDenied(f"You may not manage the affiliations of {affiliation.unit}.")
    return affiliation


def access_post(post_id: Any, user: Any, *, for_write: bool = False) -> Post:
    post = _get(Post, post_id, "post", select=("unit",))
    _see_unit(post.unit_id, user, "No such post.")
    if for_write and not user.has_perm("units.manage_offices", post.unit):
        raise PermissionDenied(f"You may not manage the offices of {post.unit}.")
    return post


def access_holding(holding_id: Any, user: Any, *, for_write: bool = False) -> OfficeHolding:
    holding = _get(OfficeHolding, holding_id, "office holding", select=("post__unit", "member"))
    _see_unit(holding.post.unit_id, user, "No such office holding.")
    if for_write and not user.has_perm("units.manage_offices", holding.post.unit):
        raise PermissionDenied(f"You may not manage the offices of {holding.post.unit}.")
    return holding
