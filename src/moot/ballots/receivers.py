"""What ballots hears from the apps below it (which never import ballots)."""

from __future__ import annotations

import datetime
from typing import Any


def on_status_changed(
    sender: Any,
    *,
    member: Any,
    status: str,
    start: datetime.date,
    reference: str = "",
    acting_user: Any = None,
    **kwargs: Any,
) -> None:
    """A member suspended in the register (by the complaints process or the office): each open
    ballot where they are a candidate records a candidate_suspended event, in the same
    transaction, and its returning officer is mailed after the commit."""
    if status != "suspended":
        return
    from moot.ballots.actions.events import record_suspension_events

    record_suspension_events(member, start=start, reference=reference, acting_user=acting_user)
