"""Extension points, so meetings never imports motions, elections or polls (they import
meetings, and register here in their ``AppConfig.ready()``).

* ``register_minutes_section(key, order, fn)``: ``fn(meeting) -> MinutesSection | None`` adds a
  section to the drafted minutes (``None``: nothing to say for this meeting).
* ``register_item_links(fn)``: ``fn(item, user) -> list[(label, url)]`` adds links shown with an
  agenda item ("Vote now", "Motion text", "Ballot papers").
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


def register_minutes_section(key: str, order: int, fn: MinutesFn) -> None:
    """Add (or replace, by ``key``) a section of every meeting's drafted minutes."""
    _MINUTES_SECTIONS[key] = (order, fn)


def register_item_links(fn: ItemLinksFn) -> None:
    """Add a provider of links for agenda items. Registering the same function twice is a no-op
    (``ready()`` may run more than once in tests)."""
    if fn not in _ITEM_LINKS:
        _ITEM_LINKS.append(fn)


def minutes_sections() -> list[tuple[str, int, MinutesFn]]:
    """The registered sections, in order."""
    return sorted(
        ((key, order, fn) for key, (order, fn) in _MINUTES_SECTIONS.items()),
        key=lambda entry: (entry[1], entry[0]),
    )


def item_links(item: Any, user: Any) -> list[tuple[str, str]]:
    """Every registered provider's links for ``item`` as seen by ``user``."""
    links: list[tuple[str, str]] = []
    for fn in _ITEM_LINKS:
        links.extend(fn(item, user) or [])
    return links
