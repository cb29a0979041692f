"""Extension points, so meetings never imports motions, elections or polls (they import
meetings, and register here in their ``AppConfig.ready()``).

* ``register_minutes_section(key, order, fn)``: ``fn(meeting) -> MinutesSection | None`` adds a
  section to the drafted minutes (``None``: nothing to say for this meeting).
* ``register_item_links(fn)``: ``fn(item, user) -> list[(label, url)]`` adds links shown with an
  agenda item ("Vote now", "Motion text", "Ballot papers").
* ``register_projector_fragments(fn)``: ``fn(item, user) -> list[url]`` adds HTML fragments the
  meeting's projector loads with htmx for the current item (e.g. a poll's live turnout).
* ``register_before_close(fn)``: ``fn(meeting) -> list[str]`` says what must be done before the
  meeting can close ("Close the vote on … first"); any message refuses the close.
* ``register_unfinished_business(fn)``: ``fn(meeting) -> list[str]`` names business the meeting
  has not finished (an election never opened or not declared, a motion not taken, an amendment
  pending); the chair's console lists it before the meeting is adjourned or closed, and the
  minutes record it as not taken or carried over.
* ``register_chair_conflicts(fn)``: ``fn(meeting, member, *, current_only) -> {item id:
  [reason]}`` says why ``member`` should not chair an item ("… is a candidate in the election
  for Chair"): the item now before the meeting (``current_only``; the console then prompts the
  chair to hand over) or any item of the meeting (the minutes note a chair who never did).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MinutesSection:
    """A section of the minutes. ``paragraphs`` are plain text; ``source_note`` says which
    records the section was drafted from; ``refs`` are (label, url) links to those records, so
    every number in the minutes can be traced."""

    title: str
    paragraphs: list[str]
    source_note: str = ""
    refs: list[tuple[str, str]] = field(default_factory=list)


MinutesFn = Callable[[Any], "MinutesSection | None"]
ItemLinksFn = Callable[[Any, Any], "list[tuple[str, str]]"]

# key -> (order, fn). Meetings' own sections use orders 10-40 and 90; motions and elections
# typically 50-80.
_MINUTES_SECTIONS: dict[str, tuple[int, MinutesFn]] = {}
_ITEM_LINKS: list[ItemLinksFn] = []
_PROJECTOR_FRAGMENTS: list[Callable[[Any, Any], list[str]]] = []
_BEFORE_CLOSE: list[Callable[[Any], list[str]]] = []
_UNFINISHED: list[Callable[[Any], list[str]]] = []
_CHAIR_CONFLICTS: list[Callable[..., dict[int, list[str]]]] = []


def register_minutes_section(key: str, order: int, fn: MinutesFn) -> None:
    """Add (or replace, by ``key``) a section of every meeting's drafted minutes."""
    _MINUTES_SECTIONS[key] = (order, fn)


def register_item_links(fn: ItemLinksFn) -> None:
    """Add a provider of links for agenda items. Registering the same function twice is a no-op
    (``ready()`` may run more than once in tests)."""
    if fn not in _ITEM_LINKS:
        _ITEM_LINKS.append(fn)


def register_projector_fragments(fn: Callable[[Any, Any], list[str]]) -> None:
    """Add a provider of fragment URLs the projector shows for the current item."""
    if fn not in _PROJECTOR_FRAGMENTS:
        _PROJECTOR_FRAGMENTS.append(fn)


def register_before_close(fn: Callable[[Any], list[str]]) -> None:
    """Add a check run (inside the close's transaction, the meeting row locked) before a meeting
    closes. Registering the same function twice is a no-op."""
    if fn not in _BEFORE_CLOSE:
        _BEFORE_CLOSE.append(fn)


def before_close(meeting: Any) -> list[str]:
    """What every registered check says must be done before ``meeting`` can close."""
    problems: list[str] = []
    for fn in _BEFORE_CLOSE:
        problems.extend(fn(meeting) or [])
    return problems


def minutes_sections() -> list[tuple[str, int, MinutesFn]]:
    """The registered sections, in order."""
    return sorted(
        ((key, order, fn) for key, (order, fn) in _MINUTES_SECTIONS.items()),
        key=lambda entry: (entry[1], entry[0]),
    )


def item_links(item: Any, user: Any) -> list[tuple[str, str]]:
    """Every registered provider's links for ``item`` as seen by ``user``."""
    links: list[tuple[str, str]] = []
    seen: set[str] = set()
    for fn in _ITEM_LINKS:
        for label, url in fn(item, user) or []:
            if url not in seen:  # two apps may link the same page (e.g. a poll's ballot)
                seen.add(url)
                links.append((label, url))
    return links


def projector_fragments(item: Any, user: Any) -> list[str]:
    urls: list[str] = []
    for fn in _PROJECTOR_FRAGMENTS:
        urls.extend(url for url in fn(item, user) or [] if url not in urls)
    return urls


def register_unfinished_business(fn: Callable[[Any], list[str]]) -> None:
    """Add a provider of the meeting's unfinished business. Registering twice is a no-op."""
    if fn not in _UNFINISHED:
        _UNFINISHED.append(fn)


def unfinished_business(meeting: Any) -> list[str]:
    """What every registered provider says ``meeting`` has not finished, in order."""
    found: list[str] = []
    for fn in _UNFINISHED:
        found.extend(line for line in fn(meeting) or [] if line not in found)
    return found


def register_chair_conflicts(fn: Callable[..., dict[int, list[str]]]) -> None:
    """Add a check of whether a member should chair an item. Registering twice is a no-op."""
    if fn not in _CHAIR_CONFLICTS:
        _CHAIR_CONFLICTS.append(fn)


def chair_conflicts_by_item(
    meeting: Any, member: Any, *, current_only: bool = False
) -> dict[int, list[str]]:
    """Why ``member`` should not chair each item of ``meeting`` (only items with a reason)."""
    found: dict[int, list[str]] = {}
    if member is None:
        return found
    for fn in _CHAIR_CONFLICTS:
        for item_id, reasons in (fn(meeting, member, current_only=current_only) or {}).items():
            found.setdefault(item_id, []).extend(reasons)
    return found


def chair_conflicts(meeting: Any, member: Any) -> list[str]:
    """Why ``member`` should not chair the business now before ``meeting`` (empty: no reason)."""
    by_item = chair_conflicts_by_item(meeting, member, current_only=True)
    return [reason for reasons in by_item.values() for reason in reasons]
