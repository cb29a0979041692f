"""The audit trail's view of the cases app (docs/security.md, "Complaints and cases").

* ``cases.*`` events (and events about a ``cases.*`` object) are listed only to complaints staff
  and the auditor; to everyone else — national staff, unit officers, the admin — they are not
  listed at all, on /audit/ or on a member's page. To those who see them they keep their verb,
  time, actor and clause but show neither their object (the case's reference) nor their change.
* A member's change of standing made by the complaints process (its reference is ``case:<id>``:
  a suspension, an expulsion, their end) is shown to others as "a change recorded by the
  complaints process": the new standing and its date, no actor, no reason, no reference.

The stored events are whole; the chain verifies as before."""

from __future__ import annotations

from typing import Any


def case_events(events: list[Any]) -> set[int]:
    return {
        event.pk
        for event in events
        if str(event.verb).startswith("cases.") or str(event.object_type or "").startswith("cases.")
    }


BY_PROCESS = "a change recorded by the complaints process"
STANDING_VERBS = frozenset({"members.change_member_status", "members.change_status"})


def _made_by_the_process(event: Any) -> bool:
    if str(event.verb) not in STANDING_VERBS:
        return False
    sides = [event.after, event.before]
    if isinstance(event.before, dict) and isinstance(event.before.get("replaced"), dict):
        sides.append(event.before["replaced"])
    return any(
        isinstance(side, dict) and str(side.get("reference") or "").startswith("case:")
        for side in sides
    )


def sees_case_events(user: Any) -> bool:
    """Complaints staff and the auditor (any scope) read the case process's trail."""
    from moot.accounts.roles import roles_of
    from moot.cases.roles import AUDITOR, COMPLAINTS_STAFF

    if user is None or not getattr(user, "is_authenticated", False):
        return False
    roles = roles_of(user)
    return roles.has_staff_role(COMPLAINTS_STAFF) or roles.has_staff_role(AUDITOR)


def case_events_for_reader(events: list[Any], user: Any) -> tuple[set[int], dict[int, str]]:
    """For ``moot.audit.redaction.register_reader_rule``: the events ``user`` is not shown at
    all, and those shown only as made by the complaints process."""
    if sees_case_events(user):
        return set(), {}
    return case_events(events), {e.pk: BY_PROCESS for e in events if _made_by_the_process(e)}
