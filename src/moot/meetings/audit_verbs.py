"""The audit verbs of meetings: ``meetings.<action name without do_>`` (moot.audit.verbs has
the rule). Until December 2026 they were ``meeting.<short name>``; ``FORMER_VERBS`` keeps those
strings, under which the events written before stay."""

from __future__ import annotations

from enum import StrEnum


class AuditVerb(StrEnum):
    CREATE_MEETING = "meetings.create_meeting"
    UPDATE_MEETING = "meetings.update_meeting"
    SEND_NOTICE = "meetings.send_notice"
    SEND_NOTICE_BATCH = "meetings.send_notice_batch"  # the task that mails one batch
    ADD_AGENDA_ITEM = "meetings.add_agenda_item"
    EDIT_AGENDA_ITEM = "meetings.edit_agenda_item"
    MOVE_AGENDA_ITEM = "meetings.move_agenda_item"
    REMOVE_AGENDA_ITEM = "meetings.remove_agenda_item"
    START_MEETING = "meetings.start_meeting"
    SET_CURRENT_ITEM = "meetings.set_current_item"
    CLOSE_MEETING = "meetings.close_meeting"
    CHECK_IN = "meetings.check_in"
    CHECK_IN_GUEST = "meetings.check_in_guest"
    CHECK_OUT = "meetings.check_out"
    DRAFT_MINUTES = "meetings.draft_minutes"
    EDIT_MINUTES = "meetings.edit_minutes"
    APPROVE_MINUTES = "meetings.approve_minutes"
    CHANGE_MEETING_CHAIR = "meetings.change_meeting_chair"
    RECORD_OUTSIDE_NOTICE = "meetings.record_outside_notice"
    ADJOURN_MEETING = "meetings.adjourn_meeting"
    RESUME_MEETING = "meetings.resume_meeting"
    HAND_OVER_CHAIR = "meetings.hand_over_chair"
    HAND_BACK_CHAIR = "meetings.hand_back_chair"
    SEND_APOLOGY = "meetings.send_apology"
    RECORD_APOLOGY = "meetings.record_apology"
    WITHDRAW_APOLOGY = "meetings.withdraw_apology"


FORMER_VERBS: dict[AuditVerb, tuple[str, ...]] = {
    AuditVerb.CREATE_MEETING: ("meeting.create",),
    AuditVerb.UPDATE_MEETING: ("meeting.update",),
    AuditVerb.SEND_NOTICE: ("meeting.send_notice",),
    AuditVerb.SEND_NOTICE_BATCH: ("meeting.notice_mailed",),
    AuditVerb.ADD_AGENDA_ITEM: ("meeting.add_agenda_item",),
    AuditVerb.MOVE_AGENDA_ITEM: ("meeting.move_agenda_item",),
    AuditVerb.REMOVE_AGENDA_ITEM: ("meeting.remove_agenda_item",),
    AuditVerb.START_MEETING: ("meeting.start",),
    AuditVerb.SET_CURRENT_ITEM: ("meeting.set_current_item",),
    AuditVerb.CLOSE_MEETING: ("meeting.close",),
    AuditVerb.CHECK_IN: ("meeting.check_in",),
    AuditVerb.CHECK_IN_GUEST: ("meeting.check_in_guest",),
    AuditVerb.CHECK_OUT: ("meeting.check_out",),
    AuditVerb.DRAFT_MINUTES: ("meeting.draft_minutes",),
    AuditVerb.EDIT_MINUTES: ("meeting.edit_minutes",),
    AuditVerb.APPROVE_MINUTES: ("meeting.approve_minutes",),
}
