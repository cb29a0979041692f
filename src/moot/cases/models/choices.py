"""The vocabularies of the cases app (stages, outcomes, parties, roles ...), kept apart from the
models so that pure modules and forms can name them without loading a model."""

from __future__ import annotations

from django.db import models


class Stage(models.TextChoices):
    RECEIVED = "received", "Received"
    TRIAGE = "triage", "Triage"
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    REMINDER_OF_CONDUCT = "reminder_of_conduct", "Reminder of conduct"
    INVESTIGATION = "investigation", "Investigation"
    REPORT = "report", "Investigation report"
    PANEL = "panel", "Panel hearing"
    DECIDED = "decided", "Decided"
    REVIEW = "review", "Independent review"
    APPEAL = "appeal", "Appeal"
    CLOSED = "closed", "Closed"


# Stages after which nothing more happens unless the case is reopened.
FINAL_STAGES = frozenset({Stage.NO_FURTHER_ACTION, Stage.REMINDER_OF_CONDUCT, Stage.CLOSED})


class Outcome(models.TextChoices):
    NONE = "", "Not decided"
    NOT_UPHELD = "not_upheld", "Not upheld"
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    REMINDER_OF_CONDUCT = "reminder_of_conduct", "Reminder of conduct"
    WARNING = "warning", "Formal warning"
    EDUCATION = "education", "Education or training required"
    SUSPENSION = "suspension", "Suspension"
    EXPULSION = "expulsion", "Expulsion"
    WITHDRAWN = "withdrawn", "Withdrawn by the complainant"
    RESPONDENT_LEFT = "respondent_left", "Respondent left the organisation"
    OUTSIDE_REMIT = "outside_remit", "Outside the process (not a member, duplicate, no case)"


class IntakeChannel(models.TextChoices):
    PUBLIC_FORM = "public_form", "Public complaint form"
    MEMBER_FORM = "member_form", "Member complaint form"
    STAFF = "staff", "Recorded by staff"
    EMAIL = "email", "E-mail or letter, recorded by staff"


class Party(models.TextChoices):
    """Who a submission comes from or a communication goes to."""

    NONE = "", "Nobody in particular"
    COMPLAINANT = "complainant", "Complainant"
    RESPONDENT = "respondent", "Respondent"
    WITNESS = "witness", "Witness"
    STAFF = "staff", "Complaints staff"


class EventKind(models.TextChoices):
    RECEIVED = "received", "Complaint received"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    TRIAGED = "triaged", "Triaged"
    STAGE_MOVED = "stage_moved", "Moved to another stage"
    NOTE = "note", "Note"
    QUESTION = "question", "Question to a party"
    ANSWER = "answer", "Answer from a party"
    EVIDENCE_ADDED = "evidence_added", "Evidence added"
    NOTICE_TO_RESPONDENT = "notice_to_respondent", "Notice to the respondent"
    REPLY_RECEIVED = "reply_received", "Reply from the respondent"
    POSTPONEMENT = "postponement", "Postponement"
    REPORT = "report", "Investigation report"
    DECISION = "decision", "Decision"
    SANCTION = "sanction", "Sanction"
    SUSPENSION = "suspension", "Administrative suspension"
    SUSPENSION_ENDED = "suspension_ended", "Administrative suspension ended"
    REVIEW = "review", "Independent review"
    APPEAL = "appeal", "Appeal"
    COMMUNICATION = "communication", "Communication"
    CLOCK_STOPPED = "clock_stopped", "Clock stopped"
    CLOCK_RESTARTED = "clock_restarted", "Clock restarted"
    DEADLINE_SET = "deadline_set", "Deadline set"
    ASSIGNMENT = "assignment", "Assignment"
    ASSIGNMENT_ENDED = "assignment_ended", "Assignment ended"
    ASSIGNMENT_REFUSED = "assignment_refused", "Assignment refused (conflict or training)"
    CONFLICT_DECLARED = "conflict_declared", "Conflict of interest declared"
    PANEL_DRAWN = "panel_drawn", "Panel drawn"
    EXTERNAL_REPRESENTATION = "external_representation", "Representation from outside the process"
    LINKED = "linked", "Linked to another case"
    LEGAL_HOLD = "legal_hold", "Legal hold placed"
    LEGAL_HOLD_LIFTED = "legal_hold_lifted", "Legal hold lifted"
    REOPENED = "reopened", "Reopened"
    CLOSED = "closed", "Closed"


class AssignmentRole(models.TextChoices):
    CASE_HANDLER = "case_handler", "Case handler"
    INVESTIGATOR = "investigator", "Investigator"
    PANEL_MEMBER = "panel_member", "Panel member"
    REVIEWER = "reviewer", "Independent reviewer"
    APPEAL_PANEL_MEMBER = "appeal_panel_member", "Appeal panel member"


class DrawPurpose(models.TextChoices):
    PANEL = "panel", "Hearing panel"
    REVIEW = "review", "Independent review"
    APPEAL = "appeal", "Appeal panel"


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    PAGE = "page", "On the case page"


class CommunicationState(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    SHOWN = "shown", "On the party's page"
    FAILED = "failed", "Could not be sent"


class SanctionKind(models.TextChoices):
    WARNING = "warning", "Formal warning"
    REMINDER_OF_CONDUCT = "reminder_of_conduct", "Reminder of conduct"
    EDUCATION = "education", "Education or training"
    SUSPENSION = "suspension", "Suspension"
    EXPULSION = "expulsion", "Expulsion"


class DestructionState(models.TextChoices):
    DRAFT = "draft", "Drawn up, awaiting review"
    APPROVED = "approved", "Approved by a second person"
    REJECTED = "rejected", "Rejected"
    EXECUTED = "executed", "Destroyed"


class SummaryState(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved for publication"
    WITHDRAWN = "withdrawn", "Withdrawn"
