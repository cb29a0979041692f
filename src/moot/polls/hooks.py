"""Extension points, so polls never imports elections or motions (they import polls, and
register here in their ``AppConfig.ready()``).

* ``register_option_details(fn)``: ``fn(poll) -> Mapping[option id, OptionDetails]`` supplies
  what a voter may read about the options of ``poll`` beside the ballot (for an election: each
  candidate's statement). A provider returns an empty mapping for polls that are not its own,
  and makes one query per poll, not one per option.
* ``register_after_close(fn)``: ``fn(poll, acting_user) -> None`` moves on what the poll decided
  (an amendment carried or lost, a motion's outcome, a challenge to a ruling) inside the close's
  transaction. ``do_close_poll`` is the one place that calls it, so closing a poll from its own
  page, the API, a motion's or an election's page or the chair's console has the same effect.
* ``register_declared(fn)``: ``fn(poll) -> str | None`` says who was declared on the poll's
  count (an election's declaration, after its balance rule), for the result to show it.
* ``register_subject(fn)``: ``fn(poll, user) -> list[(label, url)]`` names what the poll decides
  ("Motion 1: …", "Amendment 2 to motion 1"), as far as ``user`` may see it, for the poll's page
  to link back to.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class OptionDetails:
    """What a voter may read about one option of a ballot. Everything is plain text, written by
    people (a candidate's statement): shown escaped, never as HTML. Only what every voter of the
    poll may see belongs here.

    ``name`` is whose words they are ("Ada Brindle", "Ada Brindle and Ben Marsh"), for the
    ballot's "Read Ada Brindle's statement"; empty means the option's label. ``statement`` is
    their own text (line breaks kept when shown). ``facts`` are short public lines shown with it
    ("A job share: …")."""

    name: str = ""
    statement: str = ""
    facts: tuple[str, ...] = field(default_factory=tuple)

    def __bool__(self) -> bool:
        return bool(self.statement or self.facts)


OptionDetailsFn = Callable[[Any], Mapping[int, OptionDetails]]

_OPTION_DETAILS: list[OptionDetailsFn] = []


def register_option_details(fn: OptionDetailsFn) -> None:
    """Add a provider of option details. Registering the same function twice is a no-op
    (``ready()`` may run more than once in tests)."""
    if fn not in _OPTION_DETAILS:
        _OPTION_DETAILS.append(fn)


def unregister_option_details(fn: OptionDetailsFn) -> None:
    """Remove a provider (tests register a fake one and remove it afterwards)."""
    if fn in _OPTION_DETAILS:
        _OPTION_DETAILS.remove(fn)


def option_details(poll: Any) -> dict[int, OptionDetails]:
    """Every registered provider's details for the options of ``poll``, by option id (options
    nothing is said about are absent). Should two providers describe one option, the one
    registered later wins."""
    details: dict[int, OptionDetails] = {}
    for fn in _OPTION_DETAILS:
        details.update((option_id, d) for option_id, d in (fn(poll) or {}).items() if d)
    return details


AfterCloseFn = Callable[[Any, Any], None]
SubjectFn = Callable[[Any, Any], "list[tuple[str, str]]"]

_AFTER_CLOSE: list[AfterCloseFn] = []
_SUBJECTS: list[SubjectFn] = []


def register_after_close(fn: AfterCloseFn) -> None:
    """Add what happens when a poll closes (run inside ``do_close_poll``'s transaction, after the
    count is stored; a refusal it raises undoes the close). Registering twice is a no-op."""
    if fn not in _AFTER_CLOSE:
        _AFTER_CLOSE.append(fn)


def after_close(poll: Any, acting_user: Any) -> None:
    """Run every registered after-close function for ``poll`` (only ``do_close_poll`` calls it)."""
    for fn in _AFTER_CLOSE:
        fn(poll, acting_user)


DeclaredFn = Callable[[Any], "str | None"]
_DECLARED: list[DeclaredFn] = []


def register_declared(fn: DeclaredFn) -> None:
    """Add a provider of what was declared after a poll's count, ``fn(poll) -> str | None``
    ("Ada Brindle (the balance rule, clause 7.7.2)"): the count's "Elected" is not the last
    word when the declaration applied a rule to it (an election's balance rule), so the
    poll's page and projector show both. Registering twice is a no-op."""
    if fn not in _DECLARED:
        _DECLARED.append(fn)


def declared(poll: Any) -> str:
    """What was declared on ``poll``'s count, from the first provider that knows ("" if none)."""
    for fn in _DECLARED:
        text = fn(poll)
        if text:
            return text
    return ""


def register_subject(fn: SubjectFn) -> None:
    """Add a provider of links to what a poll decides. Registering twice is a no-op."""
    if fn not in _SUBJECTS:
        _SUBJECTS.append(fn)


def subjects(poll: Any, user: Any) -> list[tuple[str, str]]:
    """What ``poll`` decides, as (label, url) links ``user`` may follow, from every provider."""
    links: list[tuple[str, str]] = []
    for fn in _SUBJECTS:
        links.extend(link for link in fn(poll, user) or [] if link not in links)
    return links
