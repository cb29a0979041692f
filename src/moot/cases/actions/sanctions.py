"""Suspension and sanctions (issue 10 item 6; RULES.md §8, §10 R-E8; CASES.md §7.1).

An administrative suspension is a dated status interval in the member's history
(``members.actions.do_change_member_status``), so eligibility, check-in, voting, nominations and
offices follow on its date with no other step. It has a review date in working days; it is
renewed with reasons, lifted, or lapses at the review date (``moot case_reminders``). Suspending
a candidate in an open contest alerts the election's returning officer. Sanctions are the
rulebook's: a warning, a reminder of conduct, education tracked to completion (and always after
an upheld protected-characteristic finding), suspension for a period, expulsion with
readmission barred for the rulebook's years. A respondent who leaves closes the case as
"respondent left the organisation"; nothing of it is erased.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from moot.audit.actions import record
from moot.cases import workdays
from moot.cases.actions._process import (
    deadline_for,
    lock_case,
    log_event,
    prose,
    rules_on,
)
from moot.cases.actions.communications import tell_parties
from moot.cases.actions.stages import check_grounds, latest_decision, records_of
from moot.cases.audit_verbs import AuditVerb
from moot.cases.crypto import seal_text
from moot.cases.errors import CaseError, RefusalCode
from moot.cases.models import (
    FINAL_STAGES,
    Case,
    CaseEvent,
    EventKind,
    Outcome,
    Sanction,
    SanctionKind,
    Stage,
)
from moot.on_commit import enqueue_on_commit

# The register's reason for the status interval: the case file says why, the register says
# only that it is the complaints process's (docs/security.md §3: no case text in the register).
SUSPENDED_REASON = "administrative suspension pending investigation (complaints process)"


def _respondent(case: Case) -> Any:
    from moot.members.models import Member

    if case.respondent_id is None:
        raise CaseError("The respondent is not identified in the register.", code=RefusalCode.STATE)
    return Member.objects.get(pk=case.respondent_id)


def _reference(case: Case) -> str:
    return f"case:{case.pk}"


def open_contests(member_id: int) -> list[Any]:
    """Elections not yet declared in which the member stands (or is being nominated)."""
    from django.db.models import Q

    from moot.elections.models import Election, ElectionState

    return list(
        Election.objects.exclude(state=ElectionState.DECLARED)
        .filter(
            Q(nominations__nominee_id=member_id) | Q(nominations__partner_id=member_id),
            nominations__state__in=["awaiting_seconder", "awaiting_consent", "standing"],
        )
        .distinct()
        .order_by("pk")
    )


def current_suspension(case: Case) -> CaseEvent | None:
    """The case's administrative suspension in force (its latest start or renewal), if any."""
    last = (
        CaseEvent.objects.filter(
            case=case, kind__in=[EventKind.SUSPENSION, EventKind.SUSPENSION_ENDED]
        )
        .order_by("-at", "-id")
        .first()
    )
    return last if last is not None and last.kind == EventKind.SUSPENSION else None


def _review_on(start: datetime.date) -> datetime.date:
    rules = rules_on()
    review = workdays.add_working_days(start, rules.suspension_review_working_days, rules.nation)
    assert review is not None  # no stops given
    return review


@transaction.atomic(durable=True)
def do_suspend_respondent(
    case: Case,
    *,
    start: datetime.date,
    reasons: str,
    clause: str,
    criterion: str,
    acting_user: Any,
) -> CaseEvent:
    """Suspend the respondent pending investigation: a "suspended" interval from ``start`` in
    their membership history, with a review date; the grounds cite a rule and a published
    criterion (R-E3). A candidate in an open contest: the returning officer is alerted."""
    from moot.members.actions import do_change_member_status
    from moot.members.models import MemberStatus

    case = lock_case(case)
    rules = rules_on()
    if case.stage not in (Stage.TRIAGE, Stage.INVESTIGATION, Stage.REPORT, Stage.PANEL):
        raise CaseError(
            "A suspension pending investigation is decided at triage or while the case is "
            "investigated or heard.",
            code=RefusalCode.STATE,
        )
    if current_suspension(case) is not None:
        raise CaseError("The respondent is already suspended on this case.", code="conflict")
    if start != timezone.localdate():
        raise CaseError(
            "A suspension takes effect on the day it is recorded: it cannot be backdated (that "
            "would change who could vote at meetings already held) nor recorded in advance.",
            clause=rules.suspension_clause,
            field="start",
        )
    member = _respondent(case)
    reasons = check_grounds("suspension", reasons, clause, criterion)
    do_change_member_status(
        member,
        MemberStatus.SUSPENDED,
        start,
        reason=SUSPENDED_REASON,
        reference=_reference(case),
        acting_user=acting_user,
    )
    review_on = _review_on(start)
    contests = [election.pk for election in open_contests(member.pk)]
    event = log_event(
        case,
        EventKind.SUSPENSION,
        actor=acting_user,
        party="respondent",
        reasons=reasons,
        clause=clause.strip(),
        criterion=criterion,
        data={
            "start": start.isoformat(),
            "review_on": review_on.isoformat(),
            "open_contests": contests,
        },
    )
    tell_parties(case, "suspension", acting_user=acting_user)
    if contests:
        from moot.cases.process_tasks import alert_returning_officers

        enqueue_on_commit(alert_returning_officers, contests, member.pk)
    record(
        actor=acting_user,
        verb=AuditVerb.SUSPEND_RESPONDENT,
        obj=case,
        after={
            "member": member.pk,
            "start": start,
            "review_on": review_on,
            "open_contests": contests,
        },
        clause=clause.strip() or rules.suspension_clause,
    )
    return event


@transaction.atomic(durable=True)
def do_renew_suspension(case: Case, *, reasons: str, acting_user: Any) -> CaseEvent:
    """Renew the suspension at its review, with reasons: a new review date in working days."""
    case = lock_case(case)
    rules = rules_on()
    suspension = current_suspension(case)
    if suspension is None:
        raise CaseError("The respondent is not suspended on this case.", code=RefusalCode.STATE)
    reasons = prose(reasons, field="reasons", needed="Say why the suspension continues.")
    today = timezone.localdate()
    review_on = _review_on(today)
    event = log_event(
        case,
        EventKind.SUSPENSION,
        actor=acting_user,
        party="respondent",
        reasons=reasons,
        clause=rules.suspension_clause,
        data={
            "start": suspension.data["start"],
            "renewed_on": today.isoformat(),
            "review_on": review_on.isoformat(),
        },
    )
    record(
        actor=acting_user,
        verb=AuditVerb.RENEW_SUSPENSION,
        obj=case,
        after={"review_on": review_on},
        clause=rules.suspension_clause,
    )
    return event


def _status_before_suspension(member: Any) -> str:
    from moot.members.models import MemberStatus

    periods = list(member.periods.order_by("-start")[:2])
    if len(periods) == 2 and periods[1].status in (MemberStatus.ACTIVE, MemberStatus.IN_ARREARS):
        return str(periods[1].status)
    return MemberStatus.ACTIVE


def end_suspension(case: Case, *, reason: str, lapsed: bool, acting_user: Any) -> CaseEvent:
    """End the case's suspension today: the member's status returns to what it was before."""
    from moot.members.actions import do_change_member_status
    from moot.members.models import MemberStatus

    member = _respondent(case)
    today = timezone.localdate()
    # A suspension or expulsion imposed as the case's sanction is not lifted with the
    # administrative suspension it replaced.
    sanction_holds = Sanction.objects.filter(
        case=case,
        kind__in=[SanctionKind.SUSPENSION, SanctionKind.EXPULSION],
        completed_on__isnull=True,
        starts_on__lte=today,
    ).exists()
    if member.status == MemberStatus.SUSPENDED and not sanction_holds:
        do_change_member_status(
            member,
            _status_before_suspension(member),
            today,
            reason="suspension pending investigation ended (complaints process)",
            reference=_reference(case),
            acting_user=acting_user,
        )
    return log_event(
        case,
        EventKind.SUSPENSION_ENDED,
        actor=acting_user,
        party="respondent",
        reasons=reason,
        clause=rules_on().suspension_clause,
        data={"on": today.isoformat(), "lapsed": lapsed},
    )


@transaction.atomic(durable=True)
def do_end_suspension(
    case: Case, *, reason: str, lapsed: bool = False, acting_user: Any
) -> CaseEvent:
    """Lift the suspension (with the reason), or record that it lapsed at its review date with
    no renewal (``lapsed``; the daily job does this)."""
    case = lock_case(case)
    suspension = current_suspension(case)
    if suspension is None:
        raise CaseError("The respondent is not suspended on this case.", code=RefusalCode.STATE)
    reason = prose(reason, field="reason", needed="Say why the suspension ends.")
    event = end_suspension(case, reason=reason, lapsed=lapsed, acting_user=acting_user)
    record(
        actor=acting_user,
        verb=AuditVerb.END_SUSPENSION,
        obj=case,
        after={"lapsed": lapsed, "on": event.data["on"]},
        clause=rules_on().suspension_clause,
    )
    return event


def lift_suspension_with_case(case: Case, *, acting_user: Any) -> CaseEvent | None:
    """The case closed (or was decided with an outcome that leaves the member's rights): its
    administrative suspension ends today in the same transaction, audited. A case reopened
    later is not suspended again unless someone decides so (do_suspend_respondent)."""
    if current_suspension(case) is None:
        return None
    label = Outcome(case.outcome).label if case.outcome else Stage(case.stage).label
    event = end_suspension(
        case,
        reason=f"The case reached {Stage(case.stage).label.lower()} ({label}): the suspension "
        "pending investigation ends with it.",
        lapsed=False,
        acting_user=acting_user,
    )
    record(
        actor=acting_user,
        verb=AuditVerb.END_SUSPENSION,
        obj=case,
        after={"lapsed": False, "on": event.data["on"], "with_stage": case.stage},
        clause=rules_on().suspension_clause,
    )
    return event


def suspensions_due_for_review(today: datetime.date) -> list[Case]:
    """Cases whose suspension's review date has passed without renewal."""
    due = []
    for case in Case.objects.filter(events__kind=EventKind.SUSPENSION).distinct():
        suspension = current_suspension(case)
        if (
            suspension is not None
            and datetime.date.fromisoformat(suspension.data["review_on"]) < today
        ):
            due.append(case)
    return due


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic(durable=True)
def do_impose_sanction(
    case: Case,
    *,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    reasons: str,
    acting_user: Any,
) -> Sanction:
    """Carry out the decided sanction (the panel's, or the appeal panel's): only a sanction the
    rulebook allows and the decision named (an upheld protected-characteristic finding also
    requires education, R-E8). A suspension is a dated interval ending on ``ends_on``; an
    expulsion ends the membership and bars readmission for the rulebook's years."""
    from moot.members.actions import do_change_member_status
    from moot.members.models import MemberStatus

    case = lock_case(case)
    rules = rules_on()
    rule = rules.sanction(kind)
    if rule is None:
        allowed = ", ".join(s.kind for s in rules.sanctions)
        raise CaseError(
            f"The rulebook does not allow the sanction {kind!r}; it allows {allowed}.",
            clause=rules.clause,
            field="kind",
        )
    decision = latest_decision(case, "appeal") or latest_decision(case, "panel")
    decided = str(decision.data.get("outcome", "")) if decision is not None else ""
    triaged_reminder = (
        case.stage == Stage.REMINDER_OF_CONDUCT and kind == SanctionKind.REMINDER_OF_CONDUCT
    )
    if not triaged_reminder:
        if decision is None:
            raise CaseError(
                "A sanction follows a panel's decision; the case has none yet.",
                clause=rule.clause,
                code=RefusalCode.STATE,
            )
        if case.stage == Stage.REVIEW or "reviewed" not in records_of(case, Stage.CLOSED):
            raise CaseError(
                "A decision on a protected-characteristic complaint is carried out once the "
                "independent reviewer has verified it.",
                clause=rules.panels_clause,
                code=RefusalCode.STATE,
            )
        if case.stage not in (Stage.DECIDED, Stage.CLOSED):
            raise CaseError(
                f"The case is at {Stage(case.stage).label.lower()}; a sanction is carried out "
                "once the decision stands.",
                clause=rule.clause,
                code=RefusalCode.STATE,
            )
        education_due = (
            kind == SanctionKind.EDUCATION
            and case.protected_characteristic
            and decided not in ("", Outcome.NOT_UPHELD, Outcome.NO_FURTHER_ACTION)
        )
        if kind != decided and not education_due:
            raise CaseError(
                f"The decision was {Outcome(decided).label.lower() if decided else 'no sanction'}"
                f"; a {rule.title.lower()} is not what was decided.",
                clause=rule.clause,
                field="kind",
            )
    if Sanction.objects.filter(case=case, kind=kind).exists():
        raise CaseError(f"The {rule.title.lower()} is already recorded.", code="conflict")
    reasons = prose(reasons, field="reasons", needed="Give the reasons for the sanction.")
    if kind == SanctionKind.SUSPENSION and (ends_on is None or ends_on <= starts_on):
        raise CaseError(
            "A suspension as a sanction is for a period: give the day it ends, after the day "
            "it starts.",
            clause=rule.clause,
            field="ends_on",
        )
    if kind != SanctionKind.SUSPENSION:
        ends_on = None
    sanction = Sanction(
        case=case,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        clause=rule.clause,
        recorded_by=acting_user,
        recorded_at=timezone.now(),
    )
    if kind in (SanctionKind.SUSPENSION, SanctionKind.EXPULSION):
        member = _respondent(case)
        if kind == SanctionKind.EXPULSION:
            sanction.readmission_barred_until = _add_years(starts_on, rules.readmission_bar_years)
        status = (
            MemberStatus.SUSPENDED if kind == SanctionKind.SUSPENSION else MemberStatus.EXPELLED
        )
        if member.status != status:
            do_change_member_status(
                member,
                status,
                starts_on,
                reason=f"{rule.title} (complaints process)",
                reference=_reference(case),
                acting_user=acting_user,
            )
    seal_text(sanction, "reasons_enc", reasons)
    sanction.save()
    if case.protected_characteristic and kind != SanctionKind.EDUCATION and not triaged_reminder:
        _require_education(case, starts_on, acting_user=acting_user)
    log_event(
        case,
        EventKind.SANCTION,
        actor=acting_user,
        party="respondent",
        reasons=reasons,
        clause=rule.clause,
        data={
            "sanction": sanction.pk,
            "kind": kind,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat() if ends_on else None,
            "readmission_barred_until": (
                sanction.readmission_barred_until.isoformat()
                if sanction.readmission_barred_until
                else None
            ),
        },
    )
    record(
        actor=acting_user,
        verb=AuditVerb.IMPOSE_SANCTION,
        obj=case,
        after={
            "sanction": sanction.pk,
            "kind": kind,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "readmission_barred_until": sanction.readmission_barred_until,
        },
        clause=rule.clause,
    )
    return sanction


def _require_education(case: Case, starts_on: datetime.date, *, acting_user: Any) -> None:
    """R-E8: an upheld protected-characteristic finding always brings education, whatever the
    other sanction; added once, tracked to completion."""
    rules = rules_on()
    rule = rules.sanction(SanctionKind.EDUCATION)
    if rule is None or Sanction.objects.filter(case=case, kind=SanctionKind.EDUCATION).exists():
        return
    education = Sanction(
        case=case,
        kind=SanctionKind.EDUCATION,
        starts_on=starts_on,
        clause=rule.clause,
        recorded_by=acting_user,
        recorded_at=timezone.now(),
    )
    seal_text(
        education,
        "reasons_enc",
        "Required after an upheld finding on a protected-characteristic complaint.",
    )
    education.save()


@transaction.atomic(durable=True)
def do_complete_education(
    sanction: Sanction, *, completed_on: datetime.date, acting_user: Any
) -> Sanction:
    """Record that the respondent completed the education a sanction required (R-E8)."""
    lock_case(sanction.case)
    sanction = Sanction.objects.select_for_update(of=("self",)).get(pk=sanction.pk)
    if sanction.kind != SanctionKind.EDUCATION:
        raise CaseError("Only an education sanction is completed.", field="sanction")
    if sanction.completed_on is not None:
        raise CaseError("Its completion is already recorded.", code=RefusalCode.CONFLICT)
    if completed_on < sanction.starts_on or completed_on > timezone.localdate():
        raise CaseError(
            f"The education is completed between {sanction.starts_on:%-d %B %Y} and today.",
            field="completed_on",
        )
    sanction.completed_on = completed_on
    sanction.save(update_fields=["completed_on"])
    log_event(
        sanction.case,
        EventKind.SANCTION,
        actor=acting_user,
        party="respondent",
        data={"sanction": sanction.pk, "completed_on": completed_on.isoformat()},
    )
    record(
        actor=acting_user,
        verb=AuditVerb.COMPLETE_EDUCATION,
        obj=sanction.case,
        after={"sanction": sanction.pk, "completed_on": completed_on},
    )
    return sanction


@transaction.atomic(durable=True)
def do_close_case_respondent_left(case: Case, *, acting_user: Any) -> Case:
    """Close an open case whose respondent has resigned or lapsed: outcome "respondent left the
    organisation". The file, its retention and any sanction stay; whoever decides a readmission
    sees it."""
    from moot.members.models import FORMER_STATUSES

    case = lock_case(case)
    if case.stage in FINAL_STAGES:
        raise CaseError("The case is already finished.", code=RefusalCode.STATE)
    member = _respondent(case)
    if member.status not in FORMER_STATUSES:
        raise CaseError(
            f"The respondent is still a member ({member.get_status_display()}); the case "
            "continues.",
            code=RefusalCode.STATE,
        )
    before = case.stage
    now = timezone.now()
    case.stage = Stage.CLOSED
    case.stage_since = now
    case.outcome = Outcome.RESPONDENT_LEFT
    case.closed_at = now
    case.closed_reason = Outcome.RESPONDENT_LEFT.label
    case.deadline = deadline_for(case, rules_on())
    case.save(
        update_fields=["stage", "stage_since", "outcome", "closed_at", "closed_reason", "deadline"]
    )
    log_event(
        case,
        EventKind.CLOSED,
        actor=acting_user,
        data={"from": before, "outcome": Outcome.RESPONDENT_LEFT, "status": member.status},
    )
    tell_parties(case, "closed", acting_user=acting_user)
    record(
        actor=acting_user,
        verb=AuditVerb.CLOSE_CASE_RESPONDENT_LEFT,
        obj=case,
        before={"stage": before},
        after={"stage": Stage.CLOSED, "outcome": Outcome.RESPONDENT_LEFT},
    )
    return case


def suspension_sanctions_ended(today: datetime.date) -> list[Sanction]:
    """Suspensions imposed as sanctions whose period has ended and whose member is still
    suspended under this case."""
    from moot.members.models import MemberStatus

    ended = Sanction.objects.filter(
        kind=SanctionKind.SUSPENSION, ends_on__lte=today, completed_on__isnull=True
    ).select_related("case", "case__respondent")
    return [
        sanction
        for sanction in ended
        if sanction.case.respondent is not None
        and sanction.case.respondent.status == MemberStatus.SUSPENDED
        and sanction.case.respondent.periods.filter(
            end__isnull=True, reference=_reference(sanction.case)
        ).exists()
    ]


@transaction.atomic(durable=True)
def do_end_suspension_sanction(sanction: Sanction, *, acting_user: Any) -> Sanction:
    """At the end of a suspension imposed for a period, the member's status returns to what it
    was before it (the daily job does this on ``ends_on``); ``completed_on`` records the day."""
    from moot.members.actions import do_change_member_status

    lock_case(sanction.case)
    sanction = Sanction.objects.select_for_update(of=("self",)).get(pk=sanction.pk)
    today = timezone.localdate()
    if sanction.kind != SanctionKind.SUSPENSION or sanction.ends_on is None:
        raise CaseError("Only a suspension for a period ends this way.", field="sanction")
    if sanction.completed_on is not None or sanction.ends_on > today:
        raise CaseError(
            f"The suspension runs until {sanction.ends_on:%-d %B %Y}.", code=RefusalCode.STATE
        )
    member = _respondent(sanction.case)
    do_change_member_status(
        member,
        _status_before_suspension(member),
        today,
        reason="suspension for a period ended (complaints process)",
        reference=_reference(sanction.case),
        acting_user=acting_user,
    )
    sanction.completed_on = today
    sanction.save(update_fields=["completed_on"])
    log_event(
        sanction.case,
        EventKind.SANCTION,
        actor=acting_user,
        party="respondent",
        data={"sanction": sanction.pk, "ended_on": today.isoformat()},
    )
    record(
        actor=acting_user,
        verb=AuditVerb.END_SUSPENSION_SANCTION,
        obj=sanction.case,
        after={"sanction": sanction.pk, "ended_on": today},
    )
    return sanction


def undo_overturned_sanctions(case: Case, appeal_outcome: str, *, acting_user: Any) -> list[int]:
    """After an appeal panel's decision closes the case: a suspension or an expulsion carried
    out under the first decision and not upheld on appeal ends today — the member's status
    returns to what it was before it, the sanction is marked ended, the log says why. Part of
    the closing action's transaction; returns the sanctions undone."""
    from moot.members.actions import do_change_member_status
    from moot.members.models import MemberStatus

    undone = []
    today = timezone.localdate()
    carried_out = Sanction.objects.filter(
        case=case,
        kind__in=[SanctionKind.SUSPENSION, SanctionKind.EXPULSION],
        completed_on__isnull=True,
    ).exclude(kind=appeal_outcome)
    for sanction in carried_out:
        member = _respondent(case)
        held = (
            MemberStatus.SUSPENDED
            if sanction.kind == SanctionKind.SUSPENSION
            else MemberStatus.EXPELLED
        )
        if member.status == held:
            do_change_member_status(
                member,
                _status_before_suspension(member),
                today,
                reason="sanction not upheld on appeal (complaints process)",
                reference=_reference(case),
                acting_user=acting_user,
            )
        sanction.completed_on = today
        sanction.readmission_barred_until = None
        sanction.save(update_fields=["completed_on", "readmission_barred_until"])
        log_event(
            case,
            EventKind.SANCTION,
            actor=acting_user,
            party="respondent",
            data={"sanction": sanction.pk, "undone_on_appeal": today.isoformat()},
        )
        undone.append(sanction.pk)
    return undone


def readmission_bars(member_id: int) -> list[Sanction]:
    """The expulsions of a member whose readmission bar has not run out, for whoever decides a
    readmission (RULES.md §8: "not normally ... until five years have elapsed")."""
    today = timezone.localdate()
    return list(
        Sanction.objects.filter(
            case__respondent_id=member_id,
            kind=SanctionKind.EXPULSION,
            readmission_barred_until__gt=today,
        ).select_related("case")
    )
