"""Unit pages: the tree, a unit's page (posts and office holders, affiliations, branches,
member counts), outside organisations with their proscription, and affiliations."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from moot.dates import long_date
from moot.errors import show_refusal
from moot.members.errors import ActionError
from moot.members.forms import DateInput
from moot.units import queries
from moot.units.access import access_affiliation, access_unit
from moot.units.models import Unit


def _require_view(request: HttpRequest) -> None:
    if not request.user.has_perm("units.view_unit"):
        raise PermissionDenied("The party's units are visible to members and staff.")


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    """GET /units/: the whole tree, national party down to branches, with member counts."""
    _require_view(request)
    units = queries.unit_tree()
    counts = queries.members_by_unit()
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        unit.member_count = counts.get(unit.pk)
        children.setdefault(unit.parent_id, []).append(unit)
    for siblings in children.values():
        siblings.sort(key=lambda u: u.name)

    def subtree(parent_id: int | None) -> list[dict[str, Any]]:
        return [{"unit": u, "children": subtree(u.pk)} for u in children.get(parent_id, [])]

    return render(request, "units/tree.html", {"tree": subtree(None), "total": len(units)})


class AffiliationForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=queries.organisations())
    start = forms.DateField(widget=DateInput(), label="From")
    decision = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The decision that made the affiliation, e.g. 'Agreed by the General "
        "Committee on 3 March'.",
    )
    decision_ref = forms.CharField(
        required=False, max_length=120, label="Decision reference", help_text="e.g. motion:42"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("start", timezone.localdate())


class EndAffiliationForm(forms.Form):
    end = forms.DateField(widget=DateInput(), label="Ends on")
    reason = forms.CharField(max_length=500, help_text="Why it ends, e.g. a decision reference.")


def _unit_context(request: HttpRequest, unit: Unit, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    holdings = list(queries.holdings_on(unit, today))
    by_post: dict[int, list[Any]] = {}
    for holding in holdings:
        by_post.setdefault(holding.post_id, []).append(holding)
    posts = [{"post": p, "holders": by_post.get(p.pk, [])} for p in unit.posts.all()]
    affiliations = list(queries.affiliations_of(unit))
    for affiliation in affiliations:
        affiliation.current = affiliation.start <= today and (
            affiliation.end is None or affiliation.end > today
        )
    user = request.user
    may_manage = user.has_perm("units.manage_affiliations", unit)
    context = {
        "unit": unit,
        "ancestors": unit.ancestors(),
        "children": list(queries.children_of(unit)),
        "posts": posts,
        "affiliations": affiliations,
        "counts": queries.unit_counts(unit),
        "may_list_members": user.has_perm("members.list_members"),
        "may_manage_affiliations": may_manage,
        "today": today,
    }
    if may_manage:
        context["affiliation_form"] = extra.get("affiliation_form") or AffiliationForm()
    return context


@login_required
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    """GET /units/<id>/: posts and current office holders, affiliations, branches, counts."""
    unit = access_unit(unit_id, request.user)
    return render(request, "units/detail.html", _unit_context(request, unit))


@login_required
@require_http_methods(["POST"])
def affiliation_create(request: HttpRequest, unit_id: int) -> HttpResponse:
    """POST /units/<id>/affiliations/: record an affiliation (refused, with the clause, when
    the rulebook forbids it, e.g. a proscribed organisation)."""
    from moot.units.actions import do_create_affiliation

    unit = access_unit(unit_id, request.user)
    if not request.user.has_perm("units.manage_affiliations", unit):
        raise PermissionDenied(f"You may not manage the affiliations of {unit}.")
    form = AffiliationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            affiliation = do_create_affiliation(
                unit,
                data["organisation"],
                start=data["start"],
                decision=data["decision"],
                decision_ref=data["decision_ref"],
                acting_user=request.user,
            )
        except ActionError as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request,
                f"{affiliation.organisation} is affiliated to {unit} from "
                f"{long_date(affiliation.start)}.",
            )
            return redirect(reverse("units:detail", args=[unit.pk]) + "#affiliations")
    context = _unit_context(request, unit, affiliation_form=form)
    return render(request, "units/detail.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def affiliation_end(request: HttpRequest, affiliation_id: int) -> HttpResponse:
    """GET/POST /affiliations/<id>/end/: end an affiliation from a date."""
    from moot.units.actions import do_end_affiliation

    affiliation = access_affiliation(affiliation_id, request.user, for_write=True)
    form = EndAffiliationForm(request.POST or None, initial={"end": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            do_end_affiliation(
                affiliation,
                end=form.cleaned_data["end"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except ActionError as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request,
                f"The affiliation of {affiliation.organisation} to {affiliation.unit} ends on "
                f"{long_date(form.cleaned_data['end'])}.",
            )
            return redirect(reverse("units:detail", args=[affiliation.unit_id]) + "#affiliations")
    return render(
        request,
        "units/affiliation_end.html",
        {"affiliation": affiliation, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    """GET /organisations/: outside organisations, proscribed ones marked with the clause of
    the rulebook edition in force today, and the units each is affiliated to now."""
    _require_view(request)
    today = timezone.localdate()
    edition = queries.edition_in_force(today)
    proscribed = {entry.slug: entry for entry in edition.proscribed}
    current = sorted(queries.affiliations(on=today), key=lambda a: a.unit.name)
    units_by_org: dict[int, list[Unit]] = {}
    for affiliation in current:
        units_by_org.setdefault(affiliation.organisation_id, []).append(affiliation.unit)
    organisations = list(queries.organisations())
    for org in organisations:
        org.proscription = proscribed.get(org.slug)
        org.current_units = units_by_org.get(org.pk, [])
    kind = request.GET.get("kind", "")
    if kind == "proscribed":
        organisations = [o for o in organisations if o.proscription]
    return render(
        request,
        "units/organisations.html",
        {
            "organisations": organisations,
            "edition": edition,
            "today": today,
            "kind": kind,
            "proscribed_count": sum(1 for o in organisations if o.proscription),
        },
    )


@login_required
def affiliation_list(request: HttpRequest) -> HttpResponse:
    """GET /affiliations/: every affiliation, current ones first (or past ones: ?when=past)."""
    _require_view(request)
    today = timezone.localdate()
    when = request.GET.get("when", "current")
    qs = queries.affiliations(on=today, past=when == "past")
    return render(
        request,
        "units/affiliations.html",
        {
            "affiliations": list(qs[:1000]),
            "when": "past" if when == "past" else "current",
            "today": today,
        },
    )
