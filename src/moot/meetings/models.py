"""Meetings: a unit's meeting with its notice, agenda, attendance, quorum checks and minutes.

The rules (meeting kinds, notice periods, quorum, what an inquorate meeting may still do) come
from the rulebook edition in force on the meeting date; the meeting keeps that edition's name so
later readers know which rules applied. Attendance keeps every check-in, including refusals with
the rulebook's reason and clause. Polls point at a meeting (``Poll.meeting``); meetings never
imports polls, motions or elections (they add to the page and the minutes through ``hooks``).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

# Letters and digits that cannot be confused when read aloud or off a screen.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def new_check_in_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class MeetingState(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    OPEN = "open", "In progress"
    ADJOURNED = "adjourned", "Adjourned"  # may be resumed, then closed
    CLOSED = "closed", "Closed"


class AttendanceMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"
    HYBRID = "hybrid", "Hybrid (in person and online)"


class ItemKind(models.TextChoices):
    """The agenda vocabulary shared with the rulebook, motions and elections (CONTRACT §1)."""

    APOLOGIES = "apologies", "Apologies"
    MINUTES = "minutes", "Minutes of the last meeting"
    REPORT = "report", "Report"
    MOTION = "motion", "Motions"
    ELECTION = "election", "Elections"
    SPEAKER = "speaker", "Invited speaker"
    TRAINING = "training", "Training session"
    ANY_OTHER_BUSINESS = "any_other_business", "Any other business"


SPEAKER_KINDS = frozenset({ItemKind.SPEAKER, ItemKind.TRAINING})


class ItemState(models.TextChoices):
    PENDING = "pending", "To come"
    CURRENT = "current", "Now"
    DONE = "done", "Done"


class Capacity(models.TextChoices):
    VOTER = "voter", "Member (may vote if eligible)"
    OBSERVER = "observer", "Observer (cannot vote)"
    GUEST = "guest", "Guest (cannot vote)"


class CheckInMethod(models.TextChoices):
    SECRETARY = "secretary", "By the secretary"
    CODE = "code", "By the member with the meeting code"


class Meeting(models.Model):
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(max_length=40)  # rulebook meeting kind slug ("agm", "general", ...)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField(db_index=True)
    location = models.CharField(max_length=300, blank=True)
    online_url = models.URLField(max_length=500, blank=True)
    attendance_mode = models.CharField(
        max_length=10, choices=AttendanceMode.choices, default=AttendanceMode.IN_PERSON
    )
    chair = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    secretary = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        max_length=10, choices=MeetingState.choices, default=MeetingState.SCHEDULED, db_index=True
    )
    current_item = models.ForeignKey(
        "AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notice_sent_on = models.DateField(null=True, blank=True)
    check_in_code = models.CharField(max_length=12, unique=True, default=new_check_in_code)
    edition_name = models.CharField(max_length=120)  # rulebook edition in force on the date
    # The eligible roll the quorum is computed against, counted when notice was sent (the
    # reference point the rulebook's quorum uses: "at the time of mailing").
    eligible_roll = models.PositiveIntegerField(null=True, blank=True)
    eligible_roll_on = models.DateField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["unit", "starts_at"], name="meetings_unit_starts")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_scheduled(self) -> bool:
        return self.state == MeetingState.SCHEDULED

    @property
    def is_open(self) -> bool:
        return self.state == MeetingState.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state == MeetingState.CLOSED

    @property
    def is_adjourned(self) -> bool:
        return self.state == MeetingState.ADJOURNED


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=30, choices=ItemKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    speaker = models.CharField(max_length=200, blank=True)
    speaker_organisation = models.CharField(max_length=200, blank=True)
    topic = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=10, choices=ItemState.choices, default=ItemState.PENDING)
    started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"], name="meetings_item_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Attendance(models.Model):
    """One person at a meeting. A member is recorded once per meeting, even when refused:
    ``eligible`` False with the rulebook's ``reason`` and ``clause``."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    guest_name = models.CharField(max_length=200, blank=True)
    capacity = models.CharField(max_length=10, choices=Capacity.choices, default=Capacity.VOTER)
    eligible = models.BooleanField(default=False)
    reason = models.TextField(blank=True)
    clause = models.CharField(max_length=120, blank=True)
    method = models.CharField(
        max_length=10, choices=CheckInMethod.choices, default=CheckInMethod.SECRETARY
    )
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_in_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)  # departed before the close

    class Meta:
        ordering = ["checked_in_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"], name="meetings_attendance_once_per_member"
            )
        ]
        indexes = [
            models.Index(
                fields=["meeting", "eligible", "capacity"], name="meetings_attendance_voters"
            )
        ]

    def __str__(self) -> str:
        return f"attendance at meeting {self.meeting_id}"

    @property
    def refused(self) -> bool:
        return self.capacity == Capacity.VOTER and not self.eligible


class ApologyBy(models.TextChoices):
    MEMBER = "member", "Sent by the member"
    OFFICER = "officer", "Recorded by an officer"


class Apology(models.Model):
    """Apologies for absence: a member's apology for a meeting, sent by the member before it
    starts or recorded by the secretary or chair before or during it; listed in the minutes
    (RULES.md §13: the order of business starts with apologies)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="apologies")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    sent_by = models.CharField(max_length=10, choices=ApologyBy.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"], name="meetings_apology_once_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"apology for meeting {self.meeting_id}"


class ChairRecordKind(models.TextChoices):
    ADJOURNED = "adjourned", "Adjourned"
    RESUMED = "resumed", "Resumed"
    HANDED_OVER = "handed_over", "Chair handed over"
    HANDED_BACK = "handed_back", "Chair handed back"
    NOT_TAKEN = "not_taken", "Not taken"
    CARRIED_OVER = "carried_over", "Carried over"


class ChairRecord(models.Model):
    """What the chair's console records for the minutes, with the time: an adjournment and its
    resumption, the chair handed over for an item (the chair a candidate in the election under
    it) and handed back, and each piece of unfinished business at the close, not taken or
    carried over. ``text`` is the sentence the minutes print; each record also has its audit
    event."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="chair_records")
    kind = models.CharField(max_length=20, choices=ChairRecordKind.choices)
    at = models.DateTimeField()
    agenda_item = models.ForeignKey(
        "AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    member = models.ForeignKey(  # who took the chair (handed over) or took it back
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    previous = models.ForeignKey(  # who chaired before the hand-over
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.CharField(max_length=600)
    reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text


class QuorumCheck(models.Model):
    """The quorum as it stood at a moment of the meeting (opening, each item, close): the
    figures the minutes quote, each traceable to this row."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="quorum_checks")
    occasion = models.CharField(max_length=20)  # "start", "item", "close"
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    present_eligible = models.PositiveIntegerField()
    eligible_roll = models.PositiveIntegerField()
    required = models.PositiveIntegerField()
    quorate = models.BooleanField()
    text = models.CharField(max_length=300)
    clause = models.CharField(max_length=120, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"quorum check {self.id} at meeting {self.meeting_id}"


class MinutesState(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"


class Minutes(models.Model):
    """The minutes of a meeting: structured sections drafted from the records, edited by the
    secretary (each save a new ``MinutesVersion``), approved at the next meeting of the unit."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    state = models.CharField(
        max_length=10, choices=MinutesState.choices, default=MinutesState.DRAFT
    )
    # [{"key", "title", "paragraphs": [str], "source_note", "refs": [[label, url]]}]
    sections = models.JSONField(default=list)
    version = models.PositiveIntegerField(default=1)
    approved_at_meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="approved_minutes"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)  # sha256 of the approved text
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"minutes of meeting {self.meeting_id}"


class MinutesVersion(models.Model):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    sections = models.JSONField(default=list)
    note = models.CharField(max_length=300, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    edited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["minutes", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "number"], name="meetings_minutes_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"version {self.number} of minutes {self.minutes_id}"
