"""The audit trail's view of the cases app: every ``cases.*`` event keeps its verb, time, actor
and clause on the trail page but shows neither its object (the case's reference) nor its change
(category, parties' ids, stage) — the trail is read by national staff, a political role that
sees nothing of cases (docs/security.md, "Complaints and cases"). The stored events are whole;
the chain verifies as before."""

from __future__ import annotations

from typing import Any


def case_events(events: list[Any]) -> set[int]:
    return {
        event.pk
        for event in events
        if str(event.verb).startswith("cases.") or str(event.object_type or "").startswith("cases.")
    }
