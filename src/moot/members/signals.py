"""Signals the member register sends to the parts above it (which members may not import).

``membership_ended`` is sent inside the status change's transaction when a member is expelled,
resigns or lapses; accounts ends the member's sessions and revokes their API tokens in the same
transaction (``moot.accounts.apps``)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent with member=<Member>, status=<new status>, reason=<str>, acting_user=<user or None>.
membership_ended = Signal()

# Sent with member=<Member>, status=<new status>, start=<date>, reference=<str>,
# acting_user=<user or None> inside the transaction of every status change: ballots records a
# suspended candidate as a post-issue event on its open ballots (moot.ballots.apps).
status_changed = Signal()

# Sent with member=<Member>, old_email=<str>, new_email=<str>, acting_user=<user> inside the
# transaction of a member's confirmed change of address: accounts makes the new address the
# account's sign-in address, so password resets follow the member's mail.
contact_email_changed = Signal()

# Asked with email=<str>, member=<Member>: receivers answer True when another account already
# signs in with the address (a member may not take it as theirs).
email_taken_by_another_account = Signal()
