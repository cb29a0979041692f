"""Dashboard panels of the cases app: for complaints staff, complaints not triaged within the
rulebook's working days (the intake is monitored: issue 10 item 1, R-E5); for a member, a link
to complain and to their own complaints."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def triage_alert_panel(request: HttpRequest) -> dict[str, Any] | None:
    from moot.accounts.roles import COMPLAINTS_STAFF, roles_of
    from moot.cases.queries import untriaged_overdue

    if not roles_of(request.user).has_staff_role(COMPLAINTS_STAFF):
        return None
    waiting = untriaged_overdue(request.user)
    count = waiting.count()
    return {
        "title": "Complaints waiting for triage",
        "template": "cases/_triage_panel.html",
        "count": count,
        "cases": list(waiting[:10]),
    }


def member_complaints_panel(request: HttpRequest) -> dict[str, Any] | None:
    from moot.accounts.roles import roles_of
    from moot.cases.queries import party_cases

    member_id = roles_of(request.user).member_id
    if member_id is None:
        return None
    return {
        "title": "Complaints",
        "template": "cases/_member_panel.html",
        "count": party_cases(member_id).count(),
    }
