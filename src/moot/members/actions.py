"""Every write to the member register. Each action runs in one transaction and records one
audit event inside it (DESIGN.md, "Every change is an action")."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from moot.audit.actions import record
from moot.clock import today
from moot.members.audit_verbs import AuditVerb
from moot.members.errors import ActionError
from moot.members.models import (
    Gender,
    Member,
    MembershipPeriod,
    MemberStatus,
    Resignation,
    ResignationKind,
)
from moot.members.signals import membership_ended, status_changed

# Fields a member-edit form may change with do_update_member (status has its own action; the
# e-mail address on record is the register's authority's: members.register).
EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "phone",
    "address",
    "postcode",
    "date_of_birth",
    "gender",
    "constituency",
    "branch",
)
# Statuses that end a membership: the member's sessions and API tokens end with it.
ENDS_MEMBERSHIP = frozenset({MemberStatus.EXPELLED, MemberStatus.RESIGNED, MemberStatus.LAPSED})
# Values never copied into the audit trail: the trail says the field changed, not to what.
SENSITIVE_FIELDS = frozenset({"gender"})
REDACTED = "(sensitive: changed)"


def snapshot(member: Member) -> dict[str, Any]:
    """The audit form of a member (sensitive values left out)."""
    return {
        "number": member.number,
        "first_name": member.first_name,
        "last_name": member.last_name,
        "email": member.email,
        "phone": member.phone,
        "address": member.address,
        "postcode": member.postcode,
        "date_of_birth": member.date_of_birth,
        "constituency": member.constituency_id,
        "branch": member.branch_id,
        "joined_on": member.joined_on,
        "status": member.status,
    }


def next_member_number() -> str:
    """The next free number in the "M0001234" series."""
    last = (
        Member.objects.filter(number__regex=r"^M[0-9]{7}$")
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return f"M{(int(last[1:]) + 1) if last else 1:07d}"


@dataclass(frozen=True)
class PlannedPeriod:
    status: str
    start: datetime.date
    end: datetime.date | None


def initial_periods(
    joined_on: datetime.date, status: str, status_since: datetime.date | None
) -> list[PlannedPeriod]:
    """The status history of a member entered with a current status.

    An ``active`` or ``applied`` member is in that status continuously from ``status_since``
    (the date they last joined; ``joined_on`` when not given). Any other status is taken to
    follow active membership from ``joined_on`` until ``status_since``.
    """
    since = status_since or joined_on
    if since < joined_on:
        raise ActionError(
            f"the status cannot start ({since}) before the member joined ({joined_on})"
        )
    if status in (MemberStatus.ACTIVE, MemberStatus.APPLIED) or since == joined_on:
        return [PlannedPeriod(status, since, None)]
    return [
        PlannedPeriod(MemberStatus.ACTIVE, joined_on, since),
        PlannedPeriod(status, since, None),
    ]


def check_member_fields(member: Member) -> None:
    """Cross-field checks a form cannot express: the branch lies in the constituency."""
    if member.constituency.kind != "constituency":
        raise ActionError(
            f"{member.constituency} is a {member.constituency.kind}, not a constituency party"
        )
    if member.branch_id is not None:
        branch = member.branch
        assert branch is not None
        if branch.kind != "branch" or branch.parent_id != member.constituency_id:
            raise ActionError(
                f"branch {branch} is not a branch of {member.constituency}; choose one of its "
                "branches or leave the branch empty"
            )
    if member.gender not in Gender.values:
        raise ActionError(f"gender {member.gender!r} is not one of {', '.join(Gender.values)}")


@transaction.atomic
def do_create_member(
    *,
    first_name: str,
    last_name: str,
    constituency: Any,
    joined_on: datetime.date,
    acting_user: Any,
    number: str = "",
    email: str = "",
    phone: str = "",
    address: str = "",
    postcode: str = "",
    date_of_birth: datetime.date | None = None,
    gender: str = "",
    branch: Any = None,
    user: Any = None,
    status: str = MemberStatus.ACTIVE,
    status_since: datetime.date | None = None,
    reason: str = "",
    reference: str = "",
    backdate_reason: str = "",
) -> Member:
    """Add a member with their initial status history. The membership starts on the day it is
    recorded unless it is back-dated with ``backdate_reason`` (rulebook [membership.register]:
    only the register's authority back-dates, which the caller checks with
    members.decide_register); the reason is kept on the member and shown in their
    eligibility."""
    if joined_on > today():
        raise ActionError(f"joined_on {joined_on} is in the future; use the date they joined")
    backdate_reason = backdate_reason.strip()
    if joined_on < today() and not backdate_reason:
        raise ActionError(
            f"joined_on {joined_on} is before today: a membership starts on the day it is "
            "recorded unless the membership office back-dates it with a reason; give the reason",
            clause=register_clause(),
        )
    if status not in MemberStatus.values:
        raise ActionError(f"status {status!r} is not one of {', '.join(MemberStatus.values)}")
    number = (number or next_member_number()).strip().upper()
    if Member.objects.filter(number=number).exists():
        raise ActionError(f"member number {number} is already taken; leave it empty for a new one")
    periods = initial_periods(joined_on, status, status_since)
    member = Member(
        number=number,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email,
        phone=phone,
        address=address,
        postcode=postcode.strip().upper(),
        date_of_birth=date_of_birth,
        gender=gender,
        constituency=constituency,
        branch=branch,
        user=user,
        joined_on=joined_on,
        backdate_reason=backdate_reason if joined_on < today() else "",
        status=periods[-1].status,
    )
    check_member_fields(member)
    member.save()
    MembershipPeriod.objects.bulk_create(
        MembershipPeriod(
            member=member,
            status=p.status,
            start=p.start,
            end=p.end,
            reason=reason,
            reference=reference,
            recorded_by=acting_user,
        )
        for p in periods
    )
    record(
        actor=acting_user,
        verb=AuditVerb.CREATE_MEMBER,
        obj=member,
        after={**snapshot(member), "backdate_reason": member.backdate_reason},
        clause=register_clause() if member.backdate_reason else "",
        reason=reason,
    )
    return member


def _unit_label(unit: Any) -> str | None:
    return f"{unit.name} (unit {unit.pk})" if unit is not None else None


@transaction.atomic
def do_update_member(
    member: Member, *, acting_user: Any, reason: str = "", **changes: Any
) -> Member:
    """Change a member's details (not their status: see do_change_member_status)."""
    if "email" in changes:
        raise ActionError(
            "the e-mail address on record (where the account invitation goes) is changed by the "
            "register's authority, with a reason: members.register.do_change_register_entry",
            clause=register_clause(),
        )
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ActionError(
            f"cannot change {', '.join(sorted(unknown))} here; editable fields are "
            f"{', '.join(EDITABLE_FIELDS)}"
        )
    member = Member.objects.select_for_update(of=("self",)).get(pk=member.pk)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for field, given in changes.items():
        old = getattr(member, field)
        value = given
        if field == "email":
            value = (given or "").strip().lower()
        if field == "postcode":
            value = (given or "").strip().upper()
        if old == value:
            continue
        setattr(member, field, value)
        key = field
        # A unit is written as its name and id, so the record's history reads without a look-up.
        old_v, new_v = (
            (_unit_label(old), _unit_label(value))
            if field in ("constituency", "branch")
            else (old, value)
        )
        sensitive = field in SENSITIVE_FIELDS
        before[key] = REDACTED if sensitive else old_v
        after[key] = REDACTED if sensitive else new_v
    if not after:
        return member
    check_member_fields(member)
    member.save()
    record(
        actor=acting_user,
        verb=AuditVerb.UPDATE_MEMBER,
        obj=member,
        before=before,
        after=after,
        reason=reason,
    )
    return member


@transaction.atomic
def do_link_account(member: Member, user: Any, *, acting_user: Any) -> Member:
    """Link a sign-in account to a member record (an invitation claimed, or set by staff)."""
    member = Member.objects.select_for_update(of=("self",)).get(pk=member.pk)
    if user is not None and Member.objects.filter(user=user).exclude(pk=member.pk).exists():
        raise ActionError(f"the account {user.email} already belongs to another member")
    before = {"user": member.user_id}
    member.user = user
    member.save(update_fields=["user", "updated_at"])
    record(
        actor=acting_user,
        verb=AuditVerb.LINK_ACCOUNT,
        obj=member,
        before=before,
        after={"user": getattr(user, "pk", None)},
    )
    return member


def register_clause() -> str:
    """The clause of the register's authority in the edition in force today ("" if none)."""
    from moot.units.queries import edition_in_force

    return edition_in_force().membership.register.clause


def _status_clause(status: str, on: datetime.date) -> str:
    """The rulebook clause governing a status, when the edition in force names one."""
    from moot.units.queries import edition_in_force

    clauses = getattr(edition_in_force(on), "status_clauses", None) or {}
    return clauses.get(status, "")


def check_status_change(
    member: Member, status: str, start: datetime.date
) -> MembershipPeriod | None:
    """Refuse a change that would break the history; return the open period it closes."""
    if status not in MemberStatus.values:
        raise ActionError(f"status {status!r} is not one of {', '.join(MemberStatus.values)}")
    if start > today():
        raise ActionError(
            f"the change cannot start in the future ({start}); record it on or after that day"
        )
    if start < member.joined_on:
        raise ActionError(
            f"the change cannot start ({start}) before the member joined ({member.joined_on})"
        )
    current = member.periods.filter(end__isnull=True).first()
    if current is not None:
        if current.status == status:
            raise ActionError(
                f"{member} is already {current.get_status_display()} (since {current.start})"
            )
        if start < current.start:
            raise ActionError(
                f"the change cannot start before {current.start}, when the current status "
                f"({current.get_status_display()}) began"
            )
    if status == MemberStatus.APPLIED and current is not None:
        raise ActionError("a member cannot go back to 'applied'; choose another status")
    return current


@transaction.atomic
def do_change_member_status(
    member: Member,
    status: str,
    start: datetime.date,
    *,
    reason: str,
    reference: str = "",
    acting_user: Any,
) -> MembershipPeriod:
    """Close the open status interval at ``start`` and open a new one with ``status``.

    Intervals stay contiguous (the old one ends where the new one starts) and never overlap;
    ``Member.status`` follows. Eligibility follows automatically, because it is computed from
    the intervals (e.g. a suspension pending investigation removes meeting rights). When the
    membership ends (expelled, resigned, lapsed) the member's sessions end and their API tokens
    are revoked in this transaction (``membership_ended``); a suspended member keeps signing in
    to see their own record, and every right is checked afresh at each act.
    """
    member = Member.objects.select_for_update(of=("self",)).get(pk=member.pk)
    current = check_status_change(member, status, start)
    before: dict[str, Any] = {"status": member.status, "since": current.start if current else None}
    if current is not None and current.start == start:
        # A second change on the day the current status began (a suspension, then the
        # expulsion; or a mistake corrected): the day's interval is replaced, not closed as an
        # empty one. What it said stays in this audit event (finding J).
        before["replaced"] = {
            "status": current.status,
            "reference": current.reference,
            "recorded_by": current.recorded_by_id,
        }
        current.status = status
        current.reason = reason
        current.reference = reference
        current.recorded_by = acting_user
        current.save(update_fields=["status", "reason", "reference", "recorded_by"])
        period = current
    else:
        if current is not None:
            current.end = start
            current.save(update_fields=["end"])
        period = MembershipPeriod.objects.create(
            member=member,
            status=status,
            start=start,
            reason=reason,
            reference=reference,
            recorded_by=acting_user,
        )
    member.status = status
    member.save(update_fields=["status", "updated_at"])
    if status in ENDS_MEMBERSHIP and member.user_id is not None:
        membership_ended.send(
            sender=Member, member=member, status=status, reason=reason, acting_user=acting_user
        )
    status_changed.send(
        sender=Member,
        member=member,
        status=status,
        start=start,
        reference=reference,
        acting_user=acting_user,
    )
    record(
        actor=acting_user,
        verb=AuditVerb.CHANGE_MEMBER_STATUS,
        obj=member,
        before=before,
        after={"status": status, "since": start, "reference": reference},
        clause=_status_clause(status, start),
        reason=reason,
    )
    return period


@transaction.atomic
def do_resign(
    member: Member,
    *,
    kind: str,
    holding: Any = None,
    letter: str = "",
    effective_on: datetime.date,
    acting_user: Any,
) -> Resignation:
    """Record a resignation from an office (ends that holding) or from membership (opens a
    "resigned" interval and ends every office the member still holds, since only members may
    hold office)."""
    from moot.units.actions import do_end_holding
    from moot.units.queries import holdings_of_member

    if kind not in ResignationKind.values:
        raise ActionError(f"kind {kind!r} is not one of {', '.join(ResignationKind.values)}")
    if kind == ResignationKind.OFFICE:
        if holding is None:
            raise ActionError("choose the office the member resigns from")
        if holding.member_id != member.pk:
            raise ActionError(f"{member} does not hold {holding.post.title}")
        if holding.end is not None and holding.end <= effective_on:
            raise ActionError(f"{member} already left {holding.post.title} on {holding.end}")
        do_end_holding(holding, end=effective_on, reason="resigned", acting_user=acting_user)
    else:
        if holding is not None:
            raise ActionError("a resignation from membership does not name an office")
        for current in holdings_of_member(member.pk, effective_on):
            do_end_holding(
                current,
                end=effective_on,
                reason="resigned from membership",
                acting_user=acting_user,
            )
        do_change_member_status(
            member,
            MemberStatus.RESIGNED,
            effective_on,
            reason="resigned from membership",
            reference="resignation",
            acting_user=acting_user,
        )
    resignation = Resignation.objects.create(
        member=member,
        kind=kind,
        holding=holding,
        effective_on=effective_on,
        letter=letter,
        recorded_by=acting_user,
    )
    record(
        actor=acting_user,
        verb=AuditVerb.RESIGN,
        obj=member,
        after={
            "kind": kind,
            "holding": holding.pk if holding else None,
            "effective_on": effective_on,
            "resignation": resignation.pk,
            "letter": bool(letter),
        },
    )
    return resignation


def do_import_members(
    csv_text: str,
    *,
    unit_default: Any = None,
    dry_run: bool,
    acting_user: Any,
    partial: bool = False,
    source_name: str = "",
    backdate_reason: str = "",
) -> Any:
    """Import members from CSV (see docs/members-import.md and ``moot.members.imports``), as
    the register's authority (the caller checks members.decide_register; a unit officer's file
    becomes a proposal instead: ``moot.members.register.do_propose_import``)."""
    from moot.members.imports import import_members

    return import_members(
        csv_text,
        unit_default=unit_default,
        dry_run=dry_run,
        acting_user=acting_user,
        partial=partial,
        source_name=source_name,
        backdate_reason=backdate_reason,
        clause=register_clause(),
    )


def export_members_csv(queryset: Any, *, include_sensitive: bool = False) -> str:
    """The members in ``queryset`` as CSV in the import format (round-trips through import).
    The self-described gender column is left out unless ``include_sensitive``."""
    from moot.members.imports import export_members

    return export_members(queryset, include_sensitive=include_sensitive)
