"""A national decision on a national policy: the national executive adopts, amends or rescinds
it, and national staff record the decision (body, date, minute) with the new version."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction

from moot.audit.actions import record
from moot.dates import long_date
from moot.policies import queries
from moot.policies.actions._common import (
    append_version,
    check_change,
    parse_edits,
    version_event,
)
from moot.policies.audit_verbs import AuditVerb
from moot.policies.errors import PolicyError
from moot.policies.models import DecidedBy, Policy, PolicyVersion
from moot.text import check_text

if TYPE_CHECKING:
    from moot.accounts.models import User


@transaction.atomic(durable=True)
def do_record_national_decision(
    unit: Any,
    *,
    action: str,
    policy: Policy | None = None,
    base_version: PolicyVersion | None = None,
    kind: str = "",
    title: str = "",
    source: str = "",
    extent: str = "",
    text: str = "",
    edits: Any = None,
    body: str,
    decision_date: datetime.date,
    minute: str = "",
    in_force_from: datetime.date | None = None,
    acting_user: User | None,
) -> PolicyVersion:
    """Record the national executive's decision adopting, amending (line-numbered edits of
    ``base_version``) or rescinding a national policy, citing the body, the date and the
    minute; the version is in force from ``in_force_from`` (the decision's date by default).
    Only the national unit's policies are changed this way (``policies.record_national_decision``
    checks who); every check of :func:`check_change` applies (clause 1.9 in the preset)."""
    if unit.kind != "national":
        raise PolicyError(
            f"{unit.name} changes its policies by a motion carried at its meeting; national "
            "decisions change national policies only.",
            field="unit",
        )
    body = " ".join(check_text(body, field="body", max_length=200).split())
    if not body:
        raise PolicyError(
            "Name the body that decided (e.g. the national executive committee).", field="body"
        )
    minute = " ".join(check_text(minute, field="minute", max_length=200).split())
    today = queries.today()
    if decision_date > today:
        raise PolicyError(
            f"The decision is dated {long_date(decision_date)}, after today: record a "
            "decision once it has been taken (a later day in force goes in “In force from”).",
            field="decision_date",
        )
    on = in_force_from or decision_date
    if on < decision_date:
        raise PolicyError(
            "A decision cannot bring a version into force before the day it was taken.",
            field="in_force_from",
        )
    change = check_change(
        unit,
        action=action,
        policy=policy,
        on=on,
        kind=kind,
        title=title,
        source=source,
        extent=extent,
        text=text,
        edits=parse_edits(edits) if action == "amend" else None,
        base_version=base_version,
    )
    version = append_version(
        unit,
        change,
        in_force_from=on,
        decided_by=DecidedBy.NATIONAL,
        decision_body=body,
        decision_date=decision_date,
        decision_ref=minute,
        acting_user=acting_user,
    )
    record(
        actor=acting_user,
        verb=AuditVerb.RECORD_NATIONAL_DECISION,
        obj=version,
        **version_event(change, version),
    )
    return version
