"""Where an app above ballots adds to a ballot's life without ballots importing it (the
dependency points down: DESIGN.md). ``moot.verifiable`` registers here when it is ready, so
that a ballot run verifiable (issue 12) says so in its definition, is not issued before its
election is open, and is voted in its own booth, never on the plain ballot page.

Each hook is a plain function registered once (by name, so a second ``ready`` does not add it
twice):

* :data:`DEFINITION_PARTS`: ``part(ballot) -> dict``; the keys are added to the definition
  (``definition.definition_of``), so they are saved with every version and hashed at the freeze.
  A part returns ``{}`` for a ballot it has nothing to say about.
* :data:`ISSUE_CHECKS`: ``check(ballot) -> None``; raises a ``BallotError`` saying what is
  missing before the ballot may be issued (``actions.roll.check_issue``).
* :data:`ONLINE_BOOTHS`: ``booth(ballot) -> str``; the path of another booth where this
  ballot's online votes are cast ("" for none). The plain ballot page sends the voter there and
  ``do_cast_online`` refuses a plain vote.
* :data:`ONLINE_MARKS`: ``mark(ballot) -> str``; what this ballot's online returns hold
  instead of a sealed vote ("" for none): the close counts them and unseals nothing.
* :data:`ON_CLOSE`: ``close(ballot) -> None``; run inside the close's transaction, after the
  returns are gathered (a verifiable ballot closes its board).
* :data:`BEFORE_COUNT`: ``prepare(ballot) -> None``; run inside the count's transaction before
  the count (a verifiable ballot adds its decrypted online votes to the counted ballots).
* :data:`RECORD_PARTS`: ``parts(ballot) -> list[(name, bytes)]``; more files for the published
  record (a verifiable ballot's under ``verifiable/``), listed by its manifest.
* :data:`CONSOLE_STAGES`: ``stage(ballot) -> dict | None``; a stage of the returning officer's
  console (``console.sections``): ``key``, ``title``, ``purpose``, ``after`` (the key of the
  stage it follows), ``status`` ("done", "now", "later"), ``text`` and ``links`` (a list of
  (label, url)); None for a ballot it has nothing to say about.
* :data:`COUNT_NOTES`: ``notes(ballot) -> list[dict]``; what the count page says before its
  button (``text``, and a link: ``label``, ``url``; a verifiable ballot: its trustees'
  progress until the result is decrypted).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from moot.ballots.models import Ballot

__all__ = [
    "BEFORE_COUNT",
    "CONSOLE_STAGES",
    "COUNT_NOTES",
    "DEFINITION_PARTS",
    "ISSUE_CHECKS",
    "ONLINE_BOOTHS",
    "ONLINE_MARKS",
    "ON_CLOSE",
    "RECORD_PARTS",
    "console_stages",
    "count_notes",
    "definition_parts",
    "online_booth",
    "online_mark",
    "record_parts",
    "register",
    "run_before_count",
    "run_issue_checks",
    "run_on_close",
]

DEFINITION_PARTS: dict[str, Callable[[Ballot], dict[str, Any]]] = {}
ISSUE_CHECKS: dict[str, Callable[[Ballot], None]] = {}
ONLINE_BOOTHS: dict[str, Callable[[Ballot], str]] = {}
ONLINE_MARKS: dict[str, Callable[[Ballot], str]] = {}
ON_CLOSE: dict[str, Callable[[Ballot], None]] = {}
BEFORE_COUNT: dict[str, Callable[[Ballot], None]] = {}
RECORD_PARTS: dict[str, Callable[[Ballot], list[tuple[str, bytes]]]] = {}
CONSOLE_STAGES: dict[str, Callable[[Ballot], dict[str, Any] | None]] = {}
COUNT_NOTES: dict[str, Callable[[Ballot], list[dict[str, str]]]] = {}


def register(hooks: dict[str, Callable[..., Any]], name: str, function: Callable[..., Any]) -> None:
    """Register ``function`` under ``name`` in ``hooks`` (again: replaced, never doubled)."""
    hooks[name] = function


def definition_parts(ballot: Ballot) -> dict[str, Any]:
    parts: dict[str, Any] = {}
    for name in sorted(DEFINITION_PARTS):
        parts.update(DEFINITION_PARTS[name](ballot))
    return parts


def run_issue_checks(ballot: Ballot) -> None:
    for name in sorted(ISSUE_CHECKS):
        ISSUE_CHECKS[name](ballot)


def online_booth(ballot: Ballot) -> str:
    for name in sorted(ONLINE_BOOTHS):
        path = ONLINE_BOOTHS[name](ballot)
        if path:
            return path
    return ""


def online_mark(ballot: Ballot) -> str:
    for name in sorted(ONLINE_MARKS):
        mark = ONLINE_MARKS[name](ballot)
        if mark:
            return mark
    return ""


def run_on_close(ballot: Ballot) -> None:
    for name in sorted(ON_CLOSE):
        ON_CLOSE[name](ballot)


def run_before_count(ballot: Ballot) -> None:
    for name in sorted(BEFORE_COUNT):
        BEFORE_COUNT[name](ballot)


def record_parts(ballot: Ballot) -> list[tuple[str, bytes]]:
    parts: list[tuple[str, bytes]] = []
    for name in sorted(RECORD_PARTS):
        parts.extend(RECORD_PARTS[name](ballot))
    return parts


def console_stages(ballot: Ballot) -> list[dict[str, Any]]:
    found = []
    for name in sorted(CONSOLE_STAGES):
        stage = CONSOLE_STAGES[name](ballot)
        if stage is not None:
            found.append(stage)
    return found


def count_notes(ballot: Ballot) -> list[dict[str, str]]:
    notes: list[dict[str, str]] = []
    for name in sorted(COUNT_NOTES):
        notes.extend(COUNT_NOTES[name](ballot))
    return notes
