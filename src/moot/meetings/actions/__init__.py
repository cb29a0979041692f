"""Every write to meetings: schedule, send notice, agenda, chair's moves, check-in, minutes.
One transaction and one audit event each; nothing is half-recorded. The rules (notice periods,
quorum, inquorate business, eligibility) come from the rulebook edition in force on the
meeting date, and every refusal names its clause.

One module per topic (``scheduling``, ``agenda``, ``chair``, ``attendance``, ``minutes``; shared
helpers in ``_common``); this package re-exports their actions so ``moot.meetings.actions.X``
keeps working. New code imports from the topic module."""

from __future__ import annotations

from moot.meetings.actions._common import snapshot
from moot.meetings.actions.agenda import (
    check_agenda_item,
    do_add_agenda_item,
    do_edit_agenda_item,
    do_move_agenda_item,
    do_remove_agenda_item,
)
from moot.meetings.actions.apologies import (
    check_apology,
    do_record_apology,
    do_send_apology,
    do_withdraw_apology,
)
from moot.meetings.actions.attendance import (
    already_checked_in_message,
    attendance_snapshot,
    do_check_in,
    do_check_in_guest,
    do_check_in_with_code,
    do_check_out,
)
from moot.meetings.actions.chair import (
    do_close_meeting,
    do_next_item,
    do_previous_item,
    do_set_current_item,
    do_start_meeting,
)
from moot.meetings.actions.minutes import do_approve_minutes, do_draft_minutes, do_edit_minutes
from moot.meetings.actions.officers import (
    do_change_meeting_chair,
    do_record_outside_notice,
    rulebook_chair,
)
from moot.meetings.actions.scheduling import (
    NOTICE_BATCH,
    check_meeting_details,
    check_notice_period,
    do_create_meeting,
    do_send_notice,
    do_update_meeting,
)
from moot.meetings.errors import MeetingError

# bench/live_vote.py still imports the helper by its old private name.
_attendance_snapshot = attendance_snapshot

__all__ = [
    "NOTICE_BATCH",
    "MeetingError",
    "already_checked_in_message",
    "attendance_snapshot",
    "check_agenda_item",
    "check_apology",
    "check_meeting_details",
    "check_notice_period",
    "do_add_agenda_item",
    "do_approve_minutes",
    "do_change_meeting_chair",
    "do_check_in",
    "do_check_in_guest",
    "do_check_in_with_code",
    "do_check_out",
    "do_close_meeting",
    "do_create_meeting",
    "do_draft_minutes",
    "do_edit_agenda_item",
    "do_edit_minutes",
    "do_move_agenda_item",
    "do_next_item",
    "do_previous_item",
    "do_record_apology",
    "do_record_outside_notice",
    "do_remove_agenda_item",
    "do_send_apology",
    "do_send_notice",
    "do_set_current_item",
    "do_start_meeting",
    "do_update_meeting",
    "do_withdraw_apology",
    "rulebook_chair",
    "snapshot",
]
