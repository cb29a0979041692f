"""Telling the parties at each milestone what the rulebook says they are told (issue 10 item 8,
RULES.md §10 R-E6): a complainant to whom the conduct was directed, a third-party complainant
and the respondent each get their milestone's text — by e-mail through the task queue when an
address is known, and always on their own case page. Every communication is kept in the case
(encrypted), with an entry in its log."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from moot.cases.actions._process import log_event, rules_on
from moot.cases.crypto import open_json, seal_text
from moot.cases.models import (
    Case,
    Channel,
    Communication,
    CommunicationState,
    EventKind,
    Party,
)
from moot.on_commit import enqueue_on_commit

MILESTONE_TITLES = {
    "received": "complaint received",
    "triaged": "complaint assessed",
    "investigation": "investigation",
    "suspension": "suspension pending investigation",
    "report": "investigation report",
    "decided": "decision",
    "review": "independent review",
    "appeal": "appeal",
    "closed": "case closed",
}


def _complainant_email(case: Case) -> str:
    if case.complainant_member_id:
        from moot.members.models import Member

        return (
            Member.objects.filter(pk=case.complainant_member_id)
            .values_list("email", flat=True)
            .first()
            or ""
        )
    if case.complainant_contact_enc:
        return str(open_json(case, "complainant_contact_enc").get("email", ""))
    return ""


def _respondent_email(case: Case) -> str:
    if not case.respondent_id:
        return ""
    from moot.members.models import Member

    return (
        Member.objects.filter(pk=case.respondent_id).values_list("email", flat=True).first() or ""
    )


def recipients(case: Case, tell: tuple[str, ...]) -> list[tuple[str, str]]:
    """(party, e-mail address or "") for each party a milestone's ``tell`` reaches on this case:
    the complainant when the conduct was directed at them ("complainant") or not
    ("third_party"), and the respondent when one is identified."""
    found: list[tuple[str, str]] = []
    complainant_kind = "complainant" if case.directed else "third_party"
    has_complainant = bool(
        case.complainant_member_id or case.complainant_contact_enc or case.receipt_hash
    )
    if complainant_kind in tell and has_complainant:
        found.append((Party.COMPLAINANT, _complainant_email(case)))
    if "respondent" in tell and case.respondent_id:
        found.append((Party.RESPONDENT, _respondent_email(case)))
    return found


def tell_parties(
    case: Case,
    milestone: str,
    *,
    acting_user: Any,
    extra: dict[str, str] | None = None,
    only: frozenset[str] | None = None,
) -> list[Communication]:
    """Queue the milestone's communications (none when the rulebook names no such milestone).
    ``extra`` adds text for one party (the respondent's notice: the allegation and its basis);
    ``only`` limits it to some parties (the notice goes to the respondent before the move).
    Part of the calling action's transaction; the e-mails go when it commits."""
    from moot.cases.process_tasks import send_case_communication

    rules = rules_on()
    listed = rules.milestone(milestone)
    if listed is None:
        return []
    sent = []
    for party, email in recipients(case, listed.tell):
        if only is not None and party not in only:
            continue
        body = listed.text
        if extra and extra.get(party):
            body = f"{body}\n\n{extra[party]}"
        communication = Communication(
            case=case,
            to=party,
            channel=Channel.EMAIL if email else Channel.PAGE,
            milestone=milestone,
            subject=f"Case {case.reference}: {MILESTONE_TITLES.get(milestone, milestone)}",
            queued_at=timezone.now(),
            state=CommunicationState.QUEUED if email else CommunicationState.SHOWN,
        )
        seal_text(communication, "body_enc", body)
        communication.save()
        log_event(
            case,
            EventKind.COMMUNICATION,
            actor=acting_user,
            party=party,
            clause=listed.clause,
            data={
                "communication": communication.pk,
                "milestone": milestone,
                "channel": communication.channel,
            },
        )
        if email:
            enqueue_on_commit(send_case_communication, communication.pk)
        sent.append(communication)
    return sent
