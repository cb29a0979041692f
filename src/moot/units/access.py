"""Fetch-and-authorise for units, organisations, affiliations and office holdings."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

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
    """The unit, if the user may see it (any signed-in member) and, ``for_write``, change it."""
    unit = _get(Unit, unit_id, "unit", select=("parent",))
    if not user.has_perm("units.view_unit", unit):
        raise PermissionDenied("Sign in as a member to see the party's units.")
    if for_write and not user.has_perm("units.change_unit", unit):
        raise PermissionDenied(f"You may not change {unit}.")
    return unit


def access_unit_by_slug(slug: str, user: Any, *, for_write: bool = False) -> Unit:
    pk = Unit.objects.filter(slug=slug).values_list("pk", flat=True).first()
    if pk is None:
        raise Http404("No such unit.")
    return access_unit(pk, user, for_write=for_write)


def access_organisation(org_id: Any, user: Any) -> Organisation:
    """Organisations are visible to whoever may see units."""
    org = _get(Organisation, org_id, "organisation")
    if not user.has_perm("units.view_unit", None):
        raise PermissionDenied("Sign in as a member to see outside organisations.")
    return org


def access_affiliation(affiliation_id: Any, user: Any, *, for_write: bool = False) -> Affiliation:
    affiliation = _get(Affiliation, affiliation_id, "affiliation", select=("unit", "organisation"))
    access_unit(affiliation.unit_id, user)
    if for_write and not user.has_perm("units.manage_affiliations", affiliation.unit):
        raise PermissionDenied(f"You may not manage the affiliations of {affiliation.unit}.")
    return affiliation


def access_post(post_id: Any, user: Any, *, for_write: bool = False) -> Post:
    post = _get(Post, post_id, "post", select=("unit",))
    access_unit(post.unit_id, user)
    if for_write and not user.has_perm("units.manage_offices", post.unit):
        raise PermissionDenied(f"You may not manage the offices of {post.unit}.")
    return post


def access_holding(holding_id: Any, user: Any, *, for_write: bool = False) -> OfficeHolding:
    holding = _get(OfficeHolding, holding_id, "office holding", select=("post__unit", "member"))
    access_unit(holding.post.unit_id, user)
    if for_write and not user.has_perm("units.manage_offices", holding.post.unit):
        raise PermissionDenied(f"You may not manage the offices of {holding.post.unit}.")
    return holding
