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


@task()
def tell_candidate(candidate_id: int, what: str, authority: str, base_url: str = "") -> str:
    """Tell a candidate at once that someone else recorded a change to their candidacy (a
    withdrawal, a suspension, a reinstatement), with its authority, so a withdrawal they did
    not ask for is known to them the moment it is recorded."""
    from moot.ballots.models import Candidate

    candidate = (
        Candidate.objects.select_related("ballot", "member__user").filter(pk=candidate_id).first()
    )
    user = candidate.member.user if candidate and candidate.member else None
    if candidate is None or user is None or not user.email:
        return f"candidate {candidate_id} has no account with an address; nothing sent"
    base = (base_url or DEFAULT_BASE_URL).rstrip("/")
    link = base + reverse("ballots:candidate", args=[candidate.ballot_id, candidate.pk])
    body = (
        f'{candidate.name},\n\nIn the ballot "{candidate.ballot.title}" this was recorded about '
        f"your candidacy: {what}.\nAuthority: {authority}\n\nIf you did not ask for it, tell "
        f"the returning officer and the scrutineer at once. Your candidacy: {link}\n"
    )
    send_mail(f"{candidate.ballot.title}: {what} — {candidate.name}", body, None, [user.email])
    return f"candidate {candidate_id} was told"
