"""Background work of post-issue events: the returning officer is told by e-mail when the
register's suspension of a candidate has been recorded as an event on their ballot (django-tasks;
run by the worker, or inline when MOOT_TASKS=immediate)."""

from __future__ import annotations

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


@task()
def alert_returning_officer(event_id: int, base_url: str = "") -> str:
    from moot.ballots.models import BallotEvent

    event = (
        BallotEvent.objects.select_related("ballot__returning_officer", "candidate")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return f"event {event_id} no longer exists; nothing sent"
    officer = event.ballot.returning_officer
    if officer is None or not officer.email:
        return f"ballot {event.ballot_id} has no returning officer with an address; nothing sent"
    base = (base_url or DEFAULT_BASE_URL).rstrip("/")
    context = {
        "event": event,
        "ballot": event.ballot,
        "link": base + reverse("ballots:events", args=[event.ballot_id]),
    }
    send_mail(
        f"{event.ballot.title}: {event.get_kind_display().lower()} — {event.candidate.name}",
        render_to_string("ballots/email/event_alert.txt", context),
        None,
        [officer.email],
    )
    return f"event {event_id}: the returning officer was told"
