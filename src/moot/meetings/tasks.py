"""Background work for meetings: the notice e-mails, each with the meeting as an iCalendar
attachment (django-tasks; run by the worker, or inline when MOOT_TASKS=immediate)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from moot.audit.actions import record
from moot.meetings.audit_verbs import AuditVerb
from moot.meetings.ics import meeting_calendar

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


@task()
def send_notice_batch(meeting_id: int, member_ids: list[int], base_url: str = "") -> str:
    """Mail the notice of the meeting to these members (one batch of the roll). Returns what
    happened (kept by the task backend as the task's result)."""
    from moot.meetings import queries
    from moot.meetings.models import Meeting
    from moot.members.models import Member

    meeting = (
        Meeting.objects.select_related("unit", "chair", "secretary").filter(pk=meeting_id).first()
    )
    if meeting is None:
        return f"meeting {meeting_id} no longer exists; nothing sent"
    base = (base_url or DEFAULT_BASE_URL).rstrip("/")
    url = base + reverse("meetings:detail", args=[meeting.pk])
    host = urlsplit(base).hostname or "moot.invalid"
    calendar = meeting_calendar(meeting, url=url, host=host)
    kind = queries.meeting_kind_of(meeting)
    agenda = queries.agenda(meeting)
    members = list(
        Member.objects.filter(pk__in=member_ids).exclude(email="").only("pk", "first_name", "email")
    )
    messages = []
    for member in members:
        context = {
            "meeting": meeting,
            "member": member,
            "kind": kind,
            "agenda": agenda,
            "url": url,
        }
        subject = render_to_string("meetings/email/notice_subject.txt", context).strip()
        body = render_to_string("meetings/email/notice_message.txt", context)
        message = EmailMessage(subject, body, None, [member.email])
        message.attach(
            f"meeting-{meeting.pk}.ics", calendar, "text/calendar; method=PUBLISH; charset=utf-8"
        )
        messages.append(message)
    with get_connection() as connection:
        sent = connection.send_messages(messages) or 0
    with transaction.atomic():
        record(
            actor=None,
            verb=AuditVerb.SEND_NOTICE_BATCH,
            obj=meeting,
            after={"recipients": len(messages), "sent": sent},
        )
    return f"notice of meeting {meeting_id} sent to {sent} of {len(messages)} members"
