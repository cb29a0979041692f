"""Audit verbs: one naming rule for every app.

**The rule.** The event an action ``do_<name>`` of the app ``<app_label>`` records has the verb
``<app_label>.<name>``: ``meetings.do_create_meeting`` records ``meetings.create_meeting``,
``units.do_end_holding`` records ``units.end_holding``. The app label is Django's (plural:
``meetings``, ``motions``, ``polls``), the name is the action's without ``do_``, both lower
snake case. An event that is not an action's own follows the same shape: a background task's
is named after the task (``meetings.send_notice_batch``), and one an action writes about
another object says what happened to it (``motions.composited`` on each motion merged into a
composite).

**Where verbs live.** Each app lists its verbs in ``<app>/audit_verbs.py`` as a ``StrEnum``
called ``AuditVerb`` (the values are the stored strings), and passes a member to
``moot.audit.actions.record``, never a bare string. ``tests/test_audit_verbs.py`` checks every
enum against the rule and that every ``do_*`` records its verb or hands off to an action that
records one.

**Renamed verbs.** An event keeps the verb it was written with (the chain hashes it), so a
rename leaves old events under the old string. The app's ``audit_verbs.py`` lists them in
``FORMER_VERBS`` (new verb -> the strings it was written as before), and a reader that looks
historic events up by verb asks ``with_former(verb)`` for every string to match.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping

# <app_label>.<name>: lower snake case on both sides of one dot.
VERB_SHAPE = re.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*")


def verb_for_action(app_label: str, action: str) -> str:
    """The verb the action ``action`` (``do_<name>``) of ``app_label`` records."""
    if not action.startswith("do_"):
        raise ValueError(f"{action!r} is not an action: actions are named do_<name>.")
    return f"{app_label}.{action.removeprefix('do_')}"


def verb_problem(verb: str, *, app_label: str, action: str | None = None) -> str:
    """Why ``verb`` breaks the rule for an event of ``app_label`` (recorded by ``action`` when
    given), or "" when it follows it."""
    if not VERB_SHAPE.fullmatch(verb):
        return (
            f"the verb {verb!r} is not <app_label>.<name> in lower snake case "
            f"(e.g. {app_label}.create_{app_label.rstrip('s')})"
        )
    label = verb.split(".", 1)[0]
    if label != app_label:
        return f"the verb {verb!r} of the app {app_label!r} must start with {app_label + '.'!r}"
    if action is not None and verb != verb_for_action(app_label, action):
        return (
            f"{app_label}.{action} must record {verb_for_action(app_label, action)!r}, not {verb!r}"
        )
    return ""


def check_verb(verb: str, *, app_label: str, action: str | None = None) -> str:
    """``verb`` when it follows the rule; ``ValueError`` saying what to change otherwise."""
    problem = verb_problem(verb, app_label=app_label, action=action)
    if problem:
        raise ValueError(problem)
    return verb


def former_verbs(app_label: str) -> Mapping[str, tuple[str, ...]]:
    """The app's ``FORMER_VERBS`` (new verb -> old strings); empty when it renamed none."""
    try:
        module = importlib.import_module(f"moot.{app_label}.audit_verbs")
    except ModuleNotFoundError:
        return {}
    return {str(new): tuple(old) for new, old in getattr(module, "FORMER_VERBS", {}).items()}


def with_former(verb: str) -> tuple[str, ...]:
    """``verb`` and every string it was written as before a rename: what a reader of historic
    events matches (``verb__in=with_former(AuditVerb.APPROVE_MINUTES)``)."""
    app_label = str(verb).split(".", 1)[0]
    return (str(verb), *former_verbs(app_label).get(str(verb), ()))
