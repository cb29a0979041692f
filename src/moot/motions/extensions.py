"""Extension points for apps above motions (policies), so motions never imports them; they
register here in their ``AppConfig.ready()``.

* ``register_on_carried(fn)``: ``fn(motion, acting_user) -> dict`` runs when a motion is
  recorded as carried, inside the outcome's transaction, after the motion's own effects (the
  affiliation). What it returns joins the outcome's audit event. It records its own refusals
  (the motion stays carried) and raises only on a bug.
* ``register_minutes_sentences(fn)``: ``fn(motion) -> list[str]`` adds sentences to the motion's
  paragraph of the minutes, after its vote ("“Code of conduct” version 2 is in force from …").
* ``register_amendment_check(fn)``: ``fn(motion)`` raises a :class:`moot.errors.Refusal` when
  the motion may not be amended for a reason of the app (a motion proposing a policy change:
  its proposal is fixed when tabled, so an amendment to its words would change nothing).
* ``register_motion_notes(fn)``: ``fn(motion) -> list[(text, url)]`` adds lines shown on the
  motion's page and in its API detail ("Proposes to amend the policy …"; url may be "").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

OnCarriedFn = Callable[[Any, Any], "dict[str, Any]"]
NotesFn = Callable[[Any], "list[tuple[str, str]]"]

_ON_CARRIED: list[OnCarriedFn] = []
_NOTES: list[NotesFn] = []
_MINUTES: list[Callable[[Any], list[str]]] = []
_AMENDMENT_CHECKS: list[Callable[[Any], None]] = []


def register_on_carried(fn: OnCarriedFn) -> None:
    """Add what a carried motion decides. Registering the same function twice is a no-op."""
    if fn not in _ON_CARRIED:
        _ON_CARRIED.append(fn)


def register_amendment_check(fn: Callable[[Any], None]) -> None:
    """Add a check run before an amendment to a motion is proposed. Registering twice is a
    no-op."""
    if fn not in _AMENDMENT_CHECKS:
        _AMENDMENT_CHECKS.append(fn)


def check_amendment(motion: Any) -> None:
    """Run every registered amendment check on ``motion`` (each raises a Refusal to refuse)."""
    for fn in _AMENDMENT_CHECKS:
        fn(motion)


def register_motion_notes(fn: NotesFn) -> None:
    """Add a provider of notes for a motion's page. Registering twice is a no-op."""
    if fn not in _NOTES:
        _NOTES.append(fn)


def register_minutes_sentences(fn: Callable[[Any], list[str]]) -> None:
    """Add a provider of minutes sentences about a motion. Registering twice is a no-op."""
    if fn not in _MINUTES:
        _MINUTES.append(fn)


def minutes_sentences(motion: Any) -> list[str]:
    """The registered sentences for ``motion``'s paragraph of the minutes."""
    sentences: list[str] = []
    for fn in _MINUTES:
        sentences.extend(fn(motion) or [])
    return sentences


def on_carried(motion: Any, acting_user: Any) -> dict[str, Any]:
    """Run every registered effect of a carried motion; their notes for the audit event."""
    notes: dict[str, Any] = {}
    for fn in _ON_CARRIED:
        notes.update(fn(motion, acting_user) or {})
    return notes


def motion_notes(motion: Any) -> list[tuple[str, str]]:
    """The registered notes about ``motion`` (text, url)."""
    notes: list[tuple[str, str]] = []
    for fn in _NOTES:
        notes.extend(fn(motion) or [])
    return notes
