"""Need-to-know on a member's record: which of its fields a viewer may see. The ONE place the
member pages, the members API and the CSV export ask (docs/security.md §3, "Need-to-know
table"); the rules themselves are the permission predicates in :mod:`moot.accounts.permissions`:

* ``members.view_member`` — name, number, units, joined, standing and its date;
* ``members.view_member_contact`` — :data:`CONTACT_FIELDS` (the member, a secretary over them,
  national staff, complaints staff over them);
* ``members.view_member_sensitive`` — :data:`SENSITIVE_FIELDS` (the self-described gender: the
  member, a secretary or chair over them, national staff);
* ``members.view_standing_reason`` — :data:`STANDING_REASON_FIELDS` of a disciplinary status
  interval (:data:`DISCIPLINARY_STATUSES`: suspended, expelled): the member and complaints staff
  over them; a political office sees the standing and its date, never "Complaint 17: …". The
  reason of any other interval ("dues unpaid", "import:…") is part of the record.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from moot.members.models import Member, MembershipPeriod, MemberStatus

CONTACT_FIELDS = ("email", "phone", "address", "postcode", "date_of_birth")
SENSITIVE_FIELDS = ("gender",)
STANDING_REASON_FIELDS = ("reason", "reference")
# Intervals whose reason and reference come from the complaints process.
DISCIPLINARY_STATUSES = frozenset({MemberStatus.SUSPENDED, MemberStatus.EXPELLED})


def reason_is_restricted(status: str) -> bool:
    """Whether an interval of ``status`` keeps its reason and reference to the member and
    complaints staff (``members.view_standing_reason``)."""
    return status in DISCIPLINARY_STATUSES


# The wording of a status that tells of a case, for those who may know of it (the member,
# complaints staff over them, the auditor); everyone else reads the status's neutral label.
CASE_WORDING = {MemberStatus.SUSPENDED: "suspended pending investigation"}


def knows_of_cases(user: Any, member: Member) -> bool:
    """Whether ``user`` may read the complaints process's wording of ``member``'s standing: the
    member themself and complaints staff over them (``members.view_standing_reason``) and an
    auditor whose scope covers them."""
    from moot.accounts.roles import roles_of

    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.has_perm("members.view_standing_reason", member):
        return True
    return roles_of(user).audits(member.branch or member.constituency)


def status_wording(user: Any, member: Member, status: str | None = None) -> str:
    """``status`` (the member's current one when None) as ``user`` may read it: "suspended —
    may not take part" for unit officers and national staff, "suspended pending investigation"
    for the member, complaints staff and the auditor. The ONE place pages ask."""
    status = status or member.status
    if status in CASE_WORDING and knows_of_cases(user, member):
        return CASE_WORDING[MemberStatus(status)]
    return str(MemberStatus(status).label) if status in MemberStatus.values else status


def made_by_the_complaints_process(reference: str | None) -> bool:
    """Whether a status interval was recorded by the complaints process (its reference names a
    case: ``case:<id>``), whatever the status — a suspension, or the return that ended it."""
    return str(reference or "").startswith("case:")


@dataclass(frozen=True)
class Disclosure:
    """What one viewer may see of one member beyond the record's public part."""

    contact: bool
    sensitive: bool
    standing_reason: bool

    @property
    def hidden_fields(self) -> list[str]:
        hidden: list[str] = []
        if not self.contact:
            hidden.extend(CONTACT_FIELDS)
        if not self.sensitive:
            hidden.extend(SENSITIVE_FIELDS)
        return hidden


def disclosure_for(user: Any, member: Member) -> Disclosure:
    """What ``user`` may see of ``member`` (the caller has already checked view_member)."""
    return Disclosure(
        contact=bool(user.has_perm("members.view_member_contact", member)),
        sensitive=bool(user.has_perm("members.view_member_sensitive", member)),
        standing_reason=bool(user.has_perm("members.view_standing_reason", member)),
    )


# What a member finding another by name (a seconder, a nominee: moot.units.lookup) is shown:
# enough to tell two namesakes apart, nothing that reaches the person or their standing.
LOOKUP_FIELDS = ("name", "branch")


def lookup_view(member: Member) -> dict[str, str]:
    """:data:`LOOKUP_FIELDS` of ``member``, for the member look-up's answers."""
    return {
        "name": member.full_name,
        "branch": member.branch.name if member.branch is not None else "",
    }


def member_fields(member: Member, user: Any) -> dict[str, Any]:
    """The contact and sensitive fields as ``user`` may see them: hidden ones are None and
    named in ``hidden_fields``."""
    seen = disclosure_for(user, member)
    data: dict[str, Any] = {}
    for name in CONTACT_FIELDS:
        data[name] = getattr(member, name) if seen.contact else None
    for name in SENSITIVE_FIELDS:
        data[name] = getattr(member, name) if seen.sensitive else None
    data["hidden_fields"] = seen.hidden_fields
    return data


@dataclass(frozen=True)
class PeriodView:
    """One status interval as a viewer may see it: a disciplinary interval's reason and
    reference blank (and ``reason_hidden``) for a viewer without
    ``members.view_standing_reason``."""

    status: str
    start: datetime.date
    end: datetime.date | None
    reason: str
    reference: str
    reason_hidden: bool
    recorded_by: Any
    status_label: str = ""

    def get_status_display(self) -> str:
        return self.status_label or str(MemberStatus(self.status).label)


def visible_periods(
    user: Any, member: Member, periods: list[MembershipPeriod] | None = None
) -> list[PeriodView]:
    """The member's status history (``periods``, else read) as ``user`` may see it."""
    if periods is None:
        from moot.members.queries import status_history

        periods = status_history(member)
    seen = disclosure_for(user, member).standing_reason
    case_wording = knows_of_cases(user, member)
    views = []
    for p in periods:
        # The return to membership that ends a case's suspension names the case too.
        restricted = reason_is_restricted(p.status) or made_by_the_complaints_process(p.reference)
        shown = seen or not restricted
        views.append(
            PeriodView(
                status=p.status,
                start=p.start,
                end=p.end,
                reason=p.reason if shown else "",
                reference=p.reference if shown else "",
                reason_hidden=not shown and bool(p.reason or p.reference),
                # Who recorded a suspension (a complaints officer) is part of the case too.
                recorded_by=p.recorded_by if shown else None,
                status_label=(
                    CASE_WORDING[MemberStatus(p.status)]
                    if case_wording and p.status in CASE_WORDING
                    else str(MemberStatus(p.status).label)
                ),
            )
        )
    return views


def _member_under(path: str) -> Q:
    """Members whose own unit (their branch, else their constituency) is at or under ``path``."""
    return Q(branch__path__startswith=path) | Q(
        branch__isnull=True, constituency__path__startswith=path
    )


def with_contact_visible(user: Any, queryset: QuerySet[Member]) -> QuerySet[Member]:
    """Only the members whose contact details ``user`` may see (for exports of the register:
    an officer who is a secretary in one branch and holds another office elsewhere exports
    only the first branch's members). The same rule as ``members.view_member_contact``, as a
    filter: secretaries' offices and national or complaints staff assignments."""
    from moot.accounts.roles import COMPLAINTS_STAFF, NATIONAL_STAFF, SECRETARY_POSTS, roles_of

    roleset = roles_of(user)
    if user.is_superuser:
        return queryset
    paths = {o.unit_path for o in roleset.offices if o.post_slug in SECRETARY_POSTS}
    paths |= {s.unit_path for s in roleset.staff if s.role in (NATIONAL_STAFF, COMPLAINTS_STAFF)}
    if "" in paths:
        return queryset
    scope = Q(user_id=user.pk) if roleset.member_id is not None else Q(pk__in=[])
    for path in sorted(paths):
        scope |= _member_under(path)
    return queryset.filter(scope)


def export_includes_sensitive(user: Any) -> bool:
    """The self-described gender leaves the system only in national staff's exports."""
    from moot.accounts.roles import NATIONAL_STAFF, roles_of

    return bool(user.is_superuser or roles_of(user).is_national(NATIONAL_STAFF))
