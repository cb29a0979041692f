"""What the dashboard shows each role. Apps contribute panels through PANELS.

Each panel is a function (request) -> dict | None with keys "title", "template" and its
context; None hides the panel for this user. The panels below are the foundation's: the
member's own record, a unit officer's unit, national staff's overview, the auditor's chain
and complaints staff's suspended members.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

PANELS: list[Callable[[HttpRequest], dict[str, object] | None]] = []


def dashboard_context(request: HttpRequest) -> dict[str, object]:
    panels = [panel for make in PANELS if (panel := make(request)) is not None]
    return {"panels": panels}


def _roles(request: HttpRequest) -> Any:
    from moot.accounts.roles import roles_of

    return roles_of(request.user)


def own_record_panel(request: HttpRequest) -> dict[str, object] | None:
    """A member: their record and whether they may vote at a meeting next week."""
    from moot.members.disclosure import status_wording
    from moot.members.models import Member
    from moot.members.queries import eligibility

    member = (
        Member.objects.select_related("constituency", "branch")
        .filter(user_id=request.user.pk)
        .first()
    )
    if member is None:
        return None
    next_week = timezone.localdate() + datetime.timedelta(days=7)
    try:
        verdict, problem = eligibility(member, "meeting", at=next_week), ""
    except ImportError:
        from moot.members.views import RULEBOOK_MISSING

        verdict, problem = None, RULEBOOK_MISSING
    return {
        "title": "Your membership",
        "template": "site/panels/own_record.html",
        "member": member,
        # Their own standing in the complaints process's words (members.disclosure).
        "status_label": status_wording(request.user, member),
        "at": next_week,
        "verdict": verdict,
        "problem": problem,
    }


def unit_officer_panel(request: HttpRequest) -> dict[str, object] | None:
    """A unit officer: each of their units' members by status, and the latest changes."""
    from moot.audit.models import AuditEvent
    from moot.members.models import Member, MemberStatus
    from moot.members.queries import member_counts_by_status
    from moot.units.models import Unit
    from moot.units.queries import member_in_unit_q

    roleset = _roles(request)
    unit_ids = roleset.office_units()
    if not unit_ids:
        return None
    units = []
    recent_since = timezone.localdate() - datetime.timedelta(weeks=8)
    for unit in Unit.objects.filter(pk__in=unit_ids).order_by("path"):
        members = Member.objects.filter(member_in_unit_q(unit))
        counts = member_counts_by_status(members)
        units.append(
            {
                "unit": unit,
                "posts": [o.post_slug for o in roleset.offices if o.unit_id == unit.pk],
                "counts": [
                    (value, label, counts.get(value, 0)) for value, label in MemberStatus.choices
                ],
                "total": sum(counts.values()),
                "recent_joiners": members.filter(joined_on__gte=recent_since).count(),
            }
        )
    recent = list(AuditEvent.objects.filter(actor_id=request.user.pk).order_by("-seq")[:8])
    return {
        "title": "Your units",
        "template": "site/panels/unit_officer.html",
        "units": units,
        "recent": recent,
        "recent_since": recent_since,
        "may_list": request.user.has_perm("members.list_members"),
    }


def national_staff_panel(request: HttpRequest) -> dict[str, object] | None:
    """National staff: the tree, recent imports and the rulebook in force."""
    from moot.accounts.roles import NATIONAL_STAFF
    from moot.audit.models import AuditEvent
    from moot.units.models import AdoptedEdition, Organisation, Unit
    from moot.units.queries import edition_in_force

    if not (request.user.is_superuser or _roles(request).is_national(NATIONAL_STAFF)):
        return None
    today = timezone.localdate()
    try:
        edition = edition_in_force(today)
    except ImportError:
        edition = None
    units_by_kind = dict.fromkeys(("region", "constituency", "branch"), 0)
    for kind in units_by_kind:
        units_by_kind[kind] = Unit.objects.filter(kind=kind).count()
    return {
        "title": "The organisation",
        "template": "site/panels/national_staff.html",
        "units_by_kind": units_by_kind,
        "organisations": Organisation.objects.count(),
        "proscribed": len(getattr(edition, "proscribed", ()) or ()) if edition else None,
        "edition": getattr(edition, "title", "") or getattr(edition, "name", ""),
        "next_edition": AdoptedEdition.objects.filter(effective_from__gt=today)
        .order_by("effective_from")
        .first(),
        "imports": list(
            AuditEvent.objects.filter(verb__startswith="members.import").order_by("-seq")[:5]
        ),
    }


def auditor_panel(request: HttpRequest) -> dict[str, object] | None:
    """Whoever may read the audit trail: its size and latest events; verification is one
    click away (it walks the whole chain, so it is not run on every dashboard view)."""
    from moot.audit.models import AuditEvent

    if not request.user.has_perm("audit.view_trail"):
        return None
    latest = list(AuditEvent.objects.order_by("-seq")[:5])
    return {
        "title": "Audit trail",
        "template": "site/panels/auditor.html",
        "count": latest[0].seq if latest else 0,
        "latest": latest,
    }


def complaints_panel(request: HttpRequest) -> dict[str, object] | None:
    """Complaints staff: members suspended pending investigation within their scope."""
    from django.db.models import Count

    from moot.accounts.roles import COMPLAINTS_STAFF
    from moot.members.models import Member, MemberStatus
    from moot.units.models import Unit
    from moot.units.queries import member_in_unit_q

    roleset = _roles(request)
    scopes = [s for s in roleset.staff if s.role == COMPLAINTS_STAFF]
    if not scopes:
        return None
    suspended = Member.objects.filter(status=MemberStatus.SUSPENDED)
    if not any(s.unit_path == "" for s in scopes):
        from django.db.models import Q

        scope_q = Q(pk__in=[])
        for unit in Unit.objects.filter(pk__in=[s.unit_id for s in scopes]):
            scope_q |= member_in_unit_q(unit)
        suspended = suspended.filter(scope_q)
    by_unit = list(
        suspended.order_by()
        .values("constituency__name")
        .annotate(n=Count("id"))
        .order_by("-n", "constituency__name")
    )
    return {
        "title": "Suspensions pending investigation",
        "template": "site/panels/complaints.html",
        "total": sum(row["n"] for row in by_unit),
        "by_unit": by_unit,
    }


PANELS.extend(
    [own_record_panel, unit_officer_panel, national_staff_panel, auditor_panel, complaints_panel]
)
