"""Signals the member register sends to the parts above it (which members may not import).

``membership_ended`` is sent inside the status change's transaction when a member is expelled,
resigns or lapses; accounts ends the member's sessions and revokes their API tokens in the same
transaction (``moot.accounts.apps``)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent with member=<Member>, status=<new status>, reason=<str>, acting_user=<user or None>.
membership_ended = Signal()
