"""Extension points, so polls never imports elections or motions (they import polls, and
register here in their ``AppConfig.ready()``).

* ``register_option_details(fn)``: ``fn(poll) -> Mapping[option id, OptionDetails]`` supplies
  what a voter may read about the options of ``poll`` beside the ballot (for an election: each
  candidate's statement). A provider returns an empty mapping for polls that are not its own,
  and makes one query per poll, not one per option.
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
