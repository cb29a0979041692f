"""The rulebook page: the edition in force on a date (today by default), every rule with its
clause and values, when it took effect, and the editions adopted before and after it.

The page renders the parsed edition generically (its dataclass fields, in order), so a rule
added to the rulebook format appears here without a template change."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

# Fields that are bookkeeping, not rules a reader needs.
HIDDEN_FIELDS = {"source", "source_text", "digest"}
MAX_DEPTH = 6


@dataclasses.dataclass
class Node:
    """One line of the rendered edition: a label, and either a value or child lines."""

    label: str
    value: str = ""
    clause: str = ""
    text: str = ""
    children: list[Node] = dataclasses.field(default_factory=list)
    anchor: str = ""  # "clause-15.6.1" on the first line citing each clause


def set_anchors(nodes: list[Node], seen: set[str] | None = None) -> set[str]:
    """Give the first line citing each clause its anchor (``id="clause-2.1"``), so that a clause
    number anywhere in moot links to the rule's text; a line whose label names a clause
    ("notice clause: 7.2") counts as citing it."""
    seen = set() if seen is None else seen
    for node in nodes:
        cited = node.clause or (node.value if node.label.endswith("clause") else "")
        if cited and cited not in seen and cited != "—":
            seen.add(cited)
            node.anchor = f"clause-{cited}"
        set_anchors(node.children, seen)
    return seen


def _label(name: Any) -> str:
    return str(name).replace("_", " ")


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.date):
        return value.strftime("%-d %B %Y")
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, Decimal | float):
        return f"{value:g}" if isinstance(value, float) else str(value.normalize())
    if value is None:
        return "—"
    return str(value)


def _is_scalar(value: Any) -> bool:
    return not (
        dataclasses.is_dataclass(value)
        or isinstance(value, Mapping | list | tuple | set | frozenset)
    )


def _fields_of(value: Any) -> list[tuple[str, Any]]:
    if dataclasses.is_dataclass(value):
        return [
            (f.name, getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not f.name.startswith("_") and f.name not in HIDDEN_FIELDS
        ]
    return [(str(k), v) for k, v in value.items() if str(k) not in HIDDEN_FIELDS]


def describe(label: str, value: Any, depth: int = 0) -> Node:
    """Turn a parsed rule (dataclasses, mappings, sequences, scalars) into display lines,
    lifting a rule's ``clause`` and ``text`` out of its fields."""
    if _is_scalar(value) or depth >= MAX_DEPTH:
        return Node(label=_label(label), value=_scalar(value))
    if isinstance(value, list | tuple | set | frozenset):
        items = list(value)
        if all(_is_scalar(item) for item in items):
            return Node(label=_label(label), value=", ".join(_scalar(i) for i in items) or "none")
        children = [
            describe(_title_of(item, f"{index + 1}"), item, depth + 1)
            for index, item in enumerate(items)
        ]
        return Node(label=_label(label), children=children)
    node = Node(label=_label(label))
    for name, field_value in _fields_of(value):
        if name == "clause" and _is_scalar(field_value):
            node.clause = _scalar(field_value) if field_value else ""
        elif name == "text" and isinstance(field_value, str):
            node.text = field_value
        else:
            node.children.append(describe(name, field_value, depth + 1))
    return node


def _title_of(item: Any, fallback: str) -> str:
    for name in ("title", "name", "slug", "kind", "purpose"):
        value = getattr(item, name, None)
        if value is None and isinstance(item, Mapping):
            value = item.get(name)
        if isinstance(value, str) and value:
            return value
    return fallback


@login_required
def current(request: HttpRequest) -> HttpResponse:
    """GET /rulebook/ (?on=YYYY-MM-DD): the edition in force, clause by clause."""
    if not request.user.has_perm("rulebook.view"):
        raise PermissionDenied("The rulebook is shown to members and staff.")
    from moot.units.queries import adopted_edition_on, adopted_editions, edition_in_force

    today = timezone.localdate()
    error = ""
    on = today
    if request.GET.get("on"):
        try:
            on = datetime.date.fromisoformat(request.GET["on"])
        except ValueError:
            error = f"'{request.GET['on']}' is not a date; write it as YYYY-MM-DD, e.g. {today}."
    edition = edition_in_force(on)
    adopted = adopted_edition_on(on)
    skip = {"name", "title", "effective_from", "version"}
    sections = [
        describe(name, value)
        for name, value in _fields_of(edition)
        if name not in skip and value not in (None, "", (), [], {})
    ]
    set_anchors(sections)
    editions = adopted_editions()
    return render(
        request,
        "site/rulebook.html",
        {
            "edition": edition,
            "edition_title": getattr(edition, "title", "") or getattr(edition, "name", ""),
            "adopted": adopted,
            "sections": sections,
            "editions": editions,
            "on": on,
            "today": today,
            "error": error,
            "may_adopt": request.user.has_perm("rulebook.adopt"),
        },
    )


app_name = "rulebook"
urlpatterns = [path("rulebook/", current, name="current")]
