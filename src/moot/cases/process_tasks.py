"""Background work of the case process (django-tasks; the worker runs it, or inline when
MOOT_TASKS=immediate): a milestone's e-mail to a party, and the reminders about overdue cases
that ``moot case_reminders`` queues every working day (a timer or cron entry runs it; see
docs/cases.md, "Deadlines")."""

from __future__ import annotations

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from moot.audit.actions import record
from moot.cases.audit_verbs import AuditVerb


@task()
def send_case_communication(communication_id: int) -> str:
    """E-mail one queued communication to its party's address on record now (a changed address
    is used, a removed one leaves the message on the party's page only)."""
    from moot.cases.actions.communications import _complainant_email, _respondent_email
    from moot.cases.crypto import open_text
    from moot.cases.models import Communication, CommunicationState, Party

    communication = Communication.objects.select_related("case").filter(pk=communication_id).first()
    if communication is None or communication.state != CommunicationState.QUEUED:
        return f"communication {communication_id} is not waiting to be sent"
    case = communication.case
    address = (
        _respondent_email(case)
        if communication.to == Party.RESPONDENT
        else _complainant_email(case)
    )
    if not address:
        outcome = CommunicationState.SHOWN
    else:
        message = EmailMessage(
            communication.subject, open_text(communication, "body_enc"), None, [address]
        )
        with get_connection() as connection:
            sent = connection.send_messages([message]) or 0
        outcome = CommunicationState.SENT if sent else CommunicationState.FAILED
    with transaction.atomic():
        communication.state = outcome
        communication.sent_at = timezone.now() if outcome == CommunicationState.SENT else None
        communication.save(update_fields=["state", "sent_at"])
        record(
            actor=None,
            verb=AuditVerb.SEND_COMMUNICATION,
            obj=case,
            after={"communication": communication.pk, "to": communication.to, "state": outcome},
        )
    return f"communication {communication_id}: {outcome}"


@task()
def remind_overdue_cases() -> str:
    """Tell each case handler which of their cases are past their deadline (references and
    days only, nothing from the file); cases with no handler are counted for the dashboard."""
    from moot.cases.process_queries import overdue_cases

    today = timezone.localdate()
    by_handler: dict[str, list[str]] = {}
    unhandled = 0
    for row in overdue_cases(today):
        if not row.handler_emails:
            unhandled += 1
        for email in row.handler_emails:
            by_handler.setdefault(email, []).append(
                f"{row.reference}: {row.stage_label}, due {row.deadline:%-d %B %Y} "
                f"({row.days_over} working days over)"
            )
    messages = [
        EmailMessage(
            "Cases past their deadline",
            "These cases you handle are past their deadline:\n\n" + "\n".join(lines) + "\n",
            None,
            [email],
        )
        for email, lines in sorted(by_handler.items())
    ]
    sent = 0
    if messages:
        with get_connection() as connection:
            sent = connection.send_messages(messages) or 0
    with transaction.atomic():
        record(
            actor=None,
            verb=AuditVerb.REMIND_OVERDUE,
            object_type="cases.case",
            object_id="overdue",
            object_repr="overdue cases",
            after={
                "handlers": len(messages),
                "sent": sent,
                "cases": sum(len(lines) for lines in by_handler.values()),
                "without_handler": unhandled,
            },
        )
    return f"reminded {sent} of {len(messages)} handlers; {unhandled} overdue cases have none"


@task()
def alert_returning_officers(election_ids: list[int], member_id: int) -> str:
    """Tell each open contest's returning officer that a candidate has been suspended pending
    investigation (CASES.md §7.1: "not really a neutral act"): the candidate's name and the
    election only, nothing of the case; eligibility follows the register."""
    from moot.elections.models import Election
    from moot.members.models import Member

    member = Member.objects.filter(pk=member_id).first()
    if member is None:
        return f"member {member_id} no longer exists"
    messages = []
    told = []
    for election in Election.objects.filter(pk__in=election_ids).select_related(
        "returning_officer"
    ):
        officer = election.returning_officer
        if officer is None or not officer.email:
            continue
        messages.append(
            EmailMessage(
                f"A candidate in {election.title} has been suspended",
                f"{member.full_name} ({member.number}), a candidate in {election.title}, has "
                "been suspended pending investigation under the complaints process. Their "
                "eligibility to stand follows the register from the day the suspension began; "
                "the complaints process does not share anything more.\n",
                None,
                [officer.email],
            )
        )
        told.append(election.pk)
    sent = 0
    if messages:
        with get_connection() as connection:
            sent = connection.send_messages(messages) or 0
    with transaction.atomic():
        record(
            actor=None,
            verb=AuditVerb.ALERT_RETURNING_OFFICERS,
            object_type="members.member",
            object_id=member_id,
            object_repr=str(member),
            after={"elections": election_ids, "told": told, "sent": sent},
        )
    return f"{sent} returning officers alerted of {len(election_ids)} contests"
