"""A case's way through the process (issue 10 item 5; RULES.md §10 R-E3, R-E4, R-E5): triage
with grounds, the notice to the respondent and their reply (and a postponed hearing), the
investigation report, the panel's decision with grounds, moves between stages that each check
their records exist, and the stopped clock. Every move sets the stage's working-day deadline and
tells the parties what the rulebook says they are told (``communications``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from moot.audit.actions import record
from moot.cases import stages as process
from moot.cases import workdays
from moot.cases.actions._process import (
    current,
    deadline_for,
    holds,
    lock_case,
    log_event,
    prose,
    require_role,
    rules_on,
    stage_days,
)
from moot.cases.actions.communications import tell_parties
from moot.cases.audit_verbs import AuditVerb
from moot.cases.errors import CaseError, RefusalCode
from moot.cases.models import (
    AssignmentRole,
    Case,
    CaseEvent,
    ClockStop,
    EventKind,
    Evidence,
    Outcome,
    PanelDraw,
    Party,
    Stage,
)

# Triage routes: where a triaged case may go, and the outcome a final route gives it.
TRIAGE_ROUTES = {
    Stage.NO_FURTHER_ACTION: Outcome.NO_FURTHER_ACTION,
    Stage.REMINDER_OF_CONDUCT: Outcome.REMINDER_OF_CONDUCT,
    Stage.INVESTIGATION: Outcome.NONE,
    Stage.CLOSED: Outcome.OUTSIDE_REMIT,
}
# What a panel (or an appeal panel) may decide.
DECISION_OUTCOMES = (
    Outcome.NOT_UPHELD,
    Outcome.NO_FURTHER_ACTION,
    Outcome.REMINDER_OF_CONDUCT,
    Outcome.WARNING,
    Outcome.EDUCATION,
    Outcome.SUSPENSION,
    Outcome.EXPULSION,
)
# Outcomes after which an administrative suspension stays until the sanction is recorded.
RIGHTS_REMOVING = frozenset({Outcome.SUSPENSION, Outcome.EXPULSION})
# The communication milestone a move reaches ([complaints.communications]).
MILESTONE_OF_STAGE = {
    Stage.TRIAGE: "",
    Stage.INVESTIGATION: "investigation",
    Stage.REPORT: "report",
    Stage.DECIDED: "decided",
    Stage.REVIEW: "review",
    Stage.APPEAL: "appeal",
    Stage.NO_FURTHER_ACTION: "triaged",
    Stage.REMINDER_OF_CONDUCT: "triaged",
    Stage.CLOSED: "closed",
}


def _latest(case: Case, kind: str, **data: Any) -> CaseEvent | None:
    events = CaseEvent.objects.filter(case=case, kind=kind)
    for key, value in data.items():
        events = events.filter(**{f"data__{key}": value})
    return events.order_by("-at", "-id").first()


def _after(event: CaseEvent | None, than: Any) -> bool:
    """Whether ``event`` exists and came after ``than`` (an event, a datetime or None)."""
    if event is None:
        return False
    moment = getattr(than, "at", than)
    return moment is None or event.at >= moment


def latest_decision(case: Case, by: str) -> CaseEvent | None:
    """The latest decision of the panel (``by`` "panel") or the appeal panel ("appeal") that
    came after the latest draw of that panel: a fresh panel must decide afresh."""
    purpose = "appeal" if by == "appeal" else "panel"
    draw = PanelDraw.objects.filter(case=case, purpose=purpose).order_by("-at", "-id").first()
    decision = _latest(case, EventKind.DECISION, by=by)
    return decision if draw is not None and _after(decision, draw) else None


def records_of(case: Case, to: str, today: datetime.date | None = None) -> set[str]:
    """Which of ``stages.RECORDS`` the case holds now, for a move to ``to``."""
    return records_for(case_records(case, today), to)


def records_for(held: set[str], to: str) -> set[str]:
    """``case_records``' answer for a move to ``to`` (the triage decision counts for its
    route only)."""
    have = {key for key in held if not key.startswith("triage_reasons:")}
    if f"triage_reasons:{to}" in held:
        have.add("triage_reasons")
    return have


def case_records(case: Case, today: datetime.date | None = None) -> set[str]:
    """The records the case holds now, once for every move a page offers (the triage decision
    as ``triage_reasons:<route>``)."""
    rules = rules_on()
    today = today or timezone.localdate()
    have: set[str] = set()
    if case.description_enc:
        have.add("complaint")
    if case.acknowledged_at is not None:
        have.add("acknowledged")
    for role, key in (
        (AssignmentRole.CASE_HANDLER, "case_handler"),
        (AssignmentRole.INVESTIGATOR, "investigator"),
        (AssignmentRole.REVIEWER, "reviewer"),
    ):
        if current(case, role).exists():
            have.add(key)
    triage = _latest(case, EventKind.TRIAGED)
    if triage is not None:
        have.add(f"triage_reasons:{triage.data.get('route')}")
    notice = _latest(case, EventKind.NOTICE_TO_RESPONDENT)
    if notice is not None:
        have.add("notice")
        reply_by = datetime.date.fromisoformat(notice.data["reply_by"])
        if _after(_latest(case, EventKind.REPLY_RECEIVED), notice) or today > reply_by:
            have.add("reply")
    # Evidence: a file, or a statement a party or witness gave — the respondent's reply counts
    # as one (the demo's walk relies on it; see docs/cases.md).
    if (
        Evidence.objects.filter(case=case).exists()
        or CaseEvent.objects.filter(
            case=case, kind__in=[EventKind.ANSWER, EventKind.REPLY_RECEIVED]
        ).exists()
    ):
        have.add("evidence")
    if _latest(case, EventKind.REPORT) is not None:
        have.add("report")
    if current(case, AssignmentRole.PANEL_MEMBER).count() >= rules.panel_size:
        have.add("panel")
    decision = latest_decision(case, "panel")
    if decision is not None:
        have.add("decision")
    review = _latest(case, EventKind.REVIEW)
    if not case.protected_characteristic:
        have.add("reviewed")
    elif _after(review, decision) and review is not None:
        have.add("reviewed" if review.data.get("verdict") == "verified" else "veto")
    appeal = _latest(case, EventKind.APPEAL, lodged=True)
    appeal_decision = latest_decision(case, "appeal")
    if _after(appeal, decision) and decision is not None:
        have.add("appeal_lodged")
        if appeal_decision is not None:
            have.add("appeal_decision")
    if current(case, AssignmentRole.APPEAL_PANEL_MEMBER).count() >= rules.appeal_panel_size:
        have.add("appeal_panel")
    if case.stage == Stage.DECIDED and decision is not None:
        window = workdays.add_working_days(
            timezone.localdate(case.stage_since),
            stage_days(rules, "appeal_window"),
            rules.nation,
        )
        if (window is not None and today > window) or appeal_decision is not None:
            have.add("appeal_window")
    return have


def check_move(case: Case, to: str) -> None:
    """Refuse a move the process does not have, or one whose records are missing (each named)."""
    rules = rules_on()
    try:
        missing = process.missing_records(case.stage, to, records_of(case, to))
    except ValueError as exc:
        raise CaseError(f"{exc}.", code=RefusalCode.STATE, field="to") from None
    if missing:
        raise CaseError(
            f"{case.reference} cannot move to {Stage(to).label.lower()} yet: it needs "
            + "; ".join(process.RECORDS[key] for key in missing)
            + ".",
            clause=rules.process_clause,
            code=RefusalCode.STATE,
            field="to",
        )


def _outcome_on_closing(case: Case) -> str:
    appeal = latest_decision(case, "appeal")
    if appeal is not None:
        return str(appeal.data.get("outcome", ""))
    decision = latest_decision(case, "panel")
    if decision is not None:
        return str(decision.data.get("outcome", ""))
    return Outcome.OUTSIDE_REMIT


def move(case: Case, to: str, *, acting_user: Any) -> Case:
    """Move a locked case whose records were checked: the stage, its start, its deadline, the
    outcome of a final stage, the log and the parties told. Callers record the audit event."""
    rules = rules_on()
    before = case.stage
    now = timezone.now()
    if before == Stage.TRIAGE:
        case.triaged_at = case.triaged_at or now
    case.stage = to
    case.stage_since = now
    if to in TRIAGE_ROUTES and before == Stage.TRIAGE:
        case.outcome = TRIAGE_ROUTES[Stage(to)]
    if to == Stage.DECIDED:
        decision = latest_decision(case, "panel")
        case.outcome = str(decision.data["outcome"]) if decision is not None else case.outcome
    if to == Stage.CLOSED:
        if before != Stage.TRIAGE:
            case.outcome = _outcome_on_closing(case)
        if before == Stage.APPEAL:
            from moot.cases.actions.sanctions import undo_overturned_sanctions

            undo_overturned_sanctions(case, case.outcome, acting_user=acting_user)
        case.closed_at = now
        case.closed_reason = Outcome(case.outcome).label if case.outcome else ""
    case.deadline = deadline_for(case, rules)
    case.save(
        update_fields=[
            "stage",
            "stage_since",
            "triaged_at",
            "outcome",
            "closed_at",
            "closed_reason",
            "deadline",
        ]
    )
    log_event(
        case,
        EventKind.STAGE_MOVED,
        actor=acting_user,
        data={
            "from": before,
            "to": to,
            "deadline": case.deadline.isoformat() if case.deadline else None,
        },
    )
    if to in (Stage.CLOSED, Stage.NO_FURTHER_ACTION, Stage.REMINDER_OF_CONDUCT) or (
        to == Stage.DECIDED and case.outcome not in RIGHTS_REMOVING
    ):
        from moot.cases.actions.sanctions import lift_suspension_with_case

        lift_suspension_with_case(case, acting_user=acting_user)
    milestone = MILESTONE_OF_STAGE.get(Stage(to), "")
    if milestone:
        # The respondent was told of the investigation by its notice, before this move.
        others = frozenset({Party.COMPLAINANT}) if to == Stage.INVESTIGATION else None
        extra = milestone_details(case, before, to)
        tell_parties(
            case,
            milestone,
            acting_user=acting_user,
            only=others,
            extra={Party.COMPLAINANT: extra, Party.RESPONDENT: extra} if extra else None,
        )
    return case


def milestone_details(case: Case, before: str, to: str) -> str:
    """What a party is told beyond the milestone's text: after triage the route and its
    reasons; with a decision its outcome, reasons and the appeal route with the last day."""
    from moot.cases.crypto import open_text

    rules = rules_on()
    if before == Stage.TRIAGE and to != Stage.INVESTIGATION:
        triage = _latest(case, EventKind.TRIAGED)
        if triage is None:
            return ""
        return (
            f"The assessment: {Stage(to).label.lower()}.\n\n"
            f"Reasons: {open_text(triage, 'reasons_enc')}"
        )
    if to != Stage.DECIDED:
        return ""
    decision = latest_decision(case, "panel")
    if decision is None:
        return ""
    outcome = str(decision.data.get("outcome", case.outcome))
    last_day = workdays.add_working_days(
        timezone.localdate(), stage_days(rules, "appeal_window"), rules.nation
    )
    return (
        f"The decision: {Outcome(outcome).label.lower()}.\n\n"
        f"Reasons: {open_text(decision, 'reasons_enc')}\n\n"
        f"Either party may appeal until {last_day:%-d %B %Y}, from your case page or by "
        f"writing to the complaints staff quoting {case.reference}. An appeal is heard by a "
        "panel none of whose members decided the case."
    )


@transaction.atomic(durable=True)
def do_move_case(case: Case, *, to: str, acting_user: Any) -> Case:
    """Move the case to stage ``to`` when the process allows it and every record the move
    needs exists (R-E4); the stage's working-day deadline starts (R-E5)."""
    case = lock_case(case)
    if to not in Stage.values:
        raise CaseError(f"{to!r} is not a stage of a case.", field="to")
    check_move(case, to)
    before = case.stage
    move(case, to, acting_user=acting_user)
    record(
        actor=acting_user,
        verb=AuditVerb.MOVE_CASE,
        obj=case,
        before={"stage": before},
        after={"stage": to, "deadline": case.deadline, "outcome": case.outcome},
        clause=rules_on().process_clause,
    )
    return case


def check_grounds(step: str, reasons: str, clause: str, criterion: str) -> str:
    """The reasons, checked: a clause, a criterion published for ``step``, reasons in words and
    none of the rulebook's improper grounds (R-E3). Returns the reasons as given, stripped."""
    from moot.rulebook.clauses import check_clause
    from moot.rulebook.errors import RulebookError
    from moot.units.queries import edition_in_force

    rules = rules_on()
    reasons = prose(reasons, field="reasons")
    if clause.strip():
        try:
            # A clause the edition in force does not have ("99.9") is refused, naming those near.
            clause = check_clause(edition_in_force(), clause)
        except RulebookError as exc:
            raise CaseError(exc.message, field="clause") from None
    problem = process.check_reasons(
        reasons,
        clause.strip(),
        criterion,
        improper=rules.improper_reasons,
        criteria=[c.slug for c in rules.criteria_for(step)],
        min_words=rules.reasons_min_words,
    )
    if problem is not None:
        raise CaseError(
            problem.message,
            clause=rules.improper_reasons_clause
            if "not a ground" in problem.message
            else rules.process_clause,
            field=problem.field,
        )
    return reasons


@transaction.atomic(durable=True)
def do_triage_case(
    case: Case,
    *,
    route: str,
    reasons: str,
    clause: str,
    criterion: str,
    acting_user: Any,
) -> CaseEvent:
    """The case handler's triage decision: the route (no further action, a reminder of
    conduct, investigation, or closed as outside the process) with its grounds. A final route
    moves the case at once; investigation waits for the investigator and the notice."""
    case = lock_case(case)
    if case.stage != Stage.TRIAGE:
        raise CaseError(
            f"{case.reference} is at {Stage(case.stage).label.lower()}, not triage.",
            code=RefusalCode.STATE,
        )
    require_role(acting_user, case, AssignmentRole.CASE_HANDLER, doing="triage it")
    if route not in TRIAGE_ROUTES:
        raise CaseError(
            f"{route!r} is not a triage route; use one of {', '.join(TRIAGE_ROUTES)}",
            field="route",
        )
    reasons = check_grounds("triage", reasons, clause, criterion)
    event = log_event(
        case,
        EventKind.TRIAGED,
        actor=acting_user,
        reasons=reasons,
        clause=clause.strip(),
        criterion=criterion,
        data={"route": route},
    )
    if route != Stage.INVESTIGATION:
        check_move(case, route)
        move(case, route, acting_user=acting_user)
    record(
        actor=acting_user,
        verb=AuditVerb.TRIAGE_CASE,
        obj=case,
        after={"route": route, "criterion": criterion, "stage": case.stage},
        clause=clause.strip(),
    )
    return event


@transaction.atomic(durable=True)
def do_send_notice_to_respondent(
    case: Case, *, allegation: str, basis: str, acting_user: Any
) -> CaseEvent:
    """The notice of investigation: the allegation and its factual basis, the day by which the
    respondent may reply (the rulebook's working days) and their right to be accompanied
    (R-E6; CHAK). Sent once triage has chosen investigation."""
    case = lock_case(case)
    rules = rules_on()
    if case.stage != Stage.TRIAGE or not _route_is(case, Stage.INVESTIGATION):
        raise CaseError(
            "The notice of investigation is sent once triage has decided to investigate.",
            code=RefusalCode.STATE,
        )
    if case.respondent_id is None:
        raise CaseError(
            "The respondent is not identified in the register, so no notice can be sent; "
            "identify them or close the case.",
            code=RefusalCode.STATE,
        )
    allegation = prose(allegation, field="allegation", needed="State the allegation.")
    basis = prose(basis, field="basis", needed="State the facts the allegation rests on.")
    if _latest(case, EventKind.NOTICE_TO_RESPONDENT) is not None:
        raise CaseError("The notice has already been sent.", code=RefusalCode.CONFLICT)
    reply_by = workdays.add_working_days(
        timezone.localdate(), rules.reply_working_days, rules.nation, []
    )
    assert reply_by is not None  # no stops given
    body = (
        f"Allegation:\n{allegation}\n\nBasis:\n{basis}\n\n"
        f"You may reply by {reply_by:%-d %B %Y} and may be accompanied at any hearing."
    )
    event = log_event(
        case,
        EventKind.NOTICE_TO_RESPONDENT,
        actor=acting_user,
        party="respondent",
        body=body,
        clause=rules.process_clause,
        data={"reply_by": reply_by.isoformat()},
    )
    tell_parties(
        case,
        "investigation",
        acting_user=acting_user,
        extra={"respondent": body},
        only=frozenset({Party.RESPONDENT}),
    )
    record(
        actor=acting_user,
        verb=AuditVerb.SEND_NOTICE_TO_RESPONDENT,
        obj=case,
        after={"reply_by": reply_by},
        clause=rules.process_clause,
    )
    return event


def _route_is(case: Case, route: str) -> bool:
    triage = _latest(case, EventKind.TRIAGED)
    return triage is not None and triage.data.get("route") == route


@transaction.atomic(durable=True)
def do_record_reply(case: Case, *, reply: str, companion: str = "", acting_user: Any) -> CaseEvent:
    """The respondent's reply to the notice (given by them on their page, or recorded by the
    case handler), and who will accompany them if anyone."""
    case = lock_case(case)
    if _latest(case, EventKind.NOTICE_TO_RESPONDENT) is None:
        raise CaseError("No notice has been sent to reply to.", code=RefusalCode.STATE)
    if case.stage not in (Stage.TRIAGE, Stage.INVESTIGATION, Stage.REPORT, Stage.PANEL):
        raise CaseError(
            f"The case is at {Stage(case.stage).label.lower()}; replies are taken until the "
            "panel decides.",
            code=RefusalCode.STATE,
        )
    reply = prose(reply, field="reply", needed="Write the reply.")
    companion = prose(companion, field="companion", max_length=200)
    event = log_event(
        case,
        EventKind.REPLY_RECEIVED,
        actor=acting_user,
        party="respondent",
        body=reply,
        data={"accompanied": bool(companion)},
        reasons=companion,
    )
    record(
        actor=acting_user,
        verb=AuditVerb.RECORD_REPLY,
        obj=case,
        after={"accompanied": bool(companion)},
    )
    return event


@transaction.atomic(durable=True)
def do_postpone_hearing(
    case: Case,
    *,
    hearing_on: datetime.date,
    new_date: datetime.date,
    reason: str,
    acting_user: Any,
) -> CaseEvent:
    """Move the panel's hearing because the respondent's companion cannot come: the new date
    must fall within the rulebook's working days after the date proposed (the s.10 model), and
    only the first request is granted as of right."""
    case = lock_case(case)
    rules = rules_on()
    if case.stage not in (Stage.REPORT, Stage.PANEL, Stage.APPEAL):
        raise CaseError("Only a hearing not yet held can be postponed.", code=RefusalCode.STATE)
    reason = prose(reason, field="reason", needed="Say why the companion cannot come.")
    latest = workdays.latest_postponed_hearing(
        hearing_on, rules.nation, rules.postponement_working_days
    )
    if new_date <= hearing_on or new_date > latest:
        raise CaseError(
            f"The new date must be after {hearing_on:%-d %B %Y} and no later than "
            f"{latest:%-d %B %Y} ({rules.postponement_working_days} working days).",
            clause=rules.process_clause,
            field="new_date",
        )
    if _latest(case, EventKind.POSTPONEMENT) is not None:
        raise CaseError(
            "The hearing has been postponed once already; a further postponement is for the "
            "panel to agree, recorded as a note.",
            clause=rules.process_clause,
            code=RefusalCode.CONFLICT,
        )
    event = log_event(
        case,
        EventKind.POSTPONEMENT,
        actor=acting_user,
        party="respondent",
        reasons=reason,
        data={"from": hearing_on.isoformat(), "to": new_date.isoformat()},
        clause=rules.process_clause,
    )
    record(
        actor=acting_user,
        verb=AuditVerb.POSTPONE_HEARING,
        obj=case,
        after={"from": hearing_on, "to": new_date},
        clause=rules.process_clause,
    )
    return event


@transaction.atomic(durable=True)
def do_record_report(case: Case, *, report: str, acting_user: Any) -> CaseEvent:
    """The investigator's report, written by the case's investigator."""
    case = lock_case(case)
    if case.stage != Stage.INVESTIGATION:
        raise CaseError("A report is written during the investigation.", code=RefusalCode.STATE)
    require_role(acting_user, case, AssignmentRole.INVESTIGATOR, doing="write its report")
    report = prose(report, field="report", needed="Write the report.", max_length=100000)
    event = log_event(case, EventKind.REPORT, actor=acting_user, body=report)
    record(actor=acting_user, verb=AuditVerb.RECORD_REPORT, obj=case, after={"event": event.pk})
    return event


def check_quorum(case: Case, by: str, role: str, rules: Any) -> None:
    """Refuse a decision while the panel is short: every seat the rulebook sets must be held by
    a sitting member of the latest draw (one who declared a conflict has left; a new draw
    refills the panel)."""
    from moot.cases.models import Assignment

    size = rules.appeal_panel_size if by == "appeal" else rules.panel_size
    sitting = Assignment.objects.filter(case=case, role=role, ended_at__isnull=True).count()
    if sitting < size:
        raise CaseError(
            f"The {'appeal ' if by == 'appeal' else ''}panel has {sitting} sitting member(s) of "
            f"the {size} the rulebook sets; a short panel does not decide. End the remaining "
            "members' assignments and draw the panel again.",
            clause=rules.panels_clause or rules.process_clause,
            code=RefusalCode.STATE,
        )


@transaction.atomic(durable=True)
def do_record_decision(
    case: Case,
    *,
    outcome: str,
    reasons: str,
    clause: str,
    criterion: str,
    acting_user: Any,
) -> CaseEvent:
    """A panel's decision (at the panel stage) or an appeal panel's (at appeal), recorded by
    one of its members, with reasons citing the rule and a published criterion (R-E3). A
    decision after a veto is the fresh panel's; an appeal decision closes the case when moved."""
    case = lock_case(case)
    if case.stage == Stage.PANEL:
        by, role, step = "panel", AssignmentRole.PANEL_MEMBER, "decision"
    elif case.stage == Stage.APPEAL:
        by, role, step = "appeal", AssignmentRole.APPEAL_PANEL_MEMBER, "appeal"
    else:
        raise CaseError(
            f"{case.reference} is at {Stage(case.stage).label.lower()}; a panel decides at the "
            "panel or appeal stage.",
            code=RefusalCode.STATE,
        )
    require_role(acting_user, case, role, doing="record the decision")
    if outcome not in DECISION_OUTCOMES:
        raise CaseError(
            f"{outcome!r} is not a decision a panel makes; use one of "
            + ", ".join(DECISION_OUTCOMES),
            field="outcome",
        )
    rules = rules_on()
    sanction = rules.sanction(outcome)
    if outcome not in (Outcome.NOT_UPHELD, Outcome.NO_FURTHER_ACTION) and sanction is None:
        raise CaseError(
            f"The rulebook does not allow the sanction {Outcome(outcome).label.lower()}.",
            clause=rules.clause,
            field="outcome",
        )
    earlier = latest_decision(case, by)
    if earlier is not None:
        raise CaseError(
            f"This {'appeal ' if by == 'appeal' else ''}panel recorded its decision on "
            f"{timezone.localtime(earlier.at):%d %B %Y}; a panel decides once. A fresh decision "
            "needs a fresh panel (after a review or a veto).",
            clause=rules.process_clause,
            code=RefusalCode.STATE,
        )
    check_quorum(case, by, role, rules)
    reasons = check_grounds(step, reasons, clause, criterion)
    chosen = next((c for c in rules.criteria_for(step) if c.slug == criterion), None)
    if chosen is not None and chosen.outcomes and outcome not in chosen.outcomes:
        allowed = ", ".join(Outcome(o).label.lower() for o in chosen.outcomes)
        raise CaseError(
            f"The criterion {chosen.title!r} supports only: {allowed}; it cannot ground "
            f"{Outcome(outcome).label.lower()}. Choose the criterion the facts found meet.",
            clause=chosen.clause,
            field="criterion",
        )
    event = log_event(
        case,
        EventKind.DECISION,
        actor=acting_user,
        reasons=reasons,
        clause=clause.strip(),
        criterion=criterion,
        data={"by": by, "outcome": outcome},
    )
    record(
        actor=acting_user,
        verb=AuditVerb.RECORD_APPEAL_DECISION if by == "appeal" else AuditVerb.RECORD_DECISION,
        obj=case,
        after={"by": by, "outcome": outcome, "criterion": criterion},
        clause=clause.strip(),
    )
    return event


@transaction.atomic(durable=True)
def do_stop_clock(case: Case, *, reason: str, on: datetime.date, acting_user: Any) -> ClockStop:
    """Stop the case's clock for one of the rulebook's reasons (R-E5): its deadline is
    suspended until the clock restarts, and the stopped working days never count."""
    case = lock_case(case)
    rules = rules_on()
    listed = rules.clock_stop_reason(reason)
    if listed is None:
        raise CaseError(
            f"{reason!r} is not a reason the rulebook gives for stopping the clock; use one of "
            + ", ".join(r.slug for r in rules.clock_stop_reasons),
            clause=rules.deadlines_clause,
            field="reason",
        )
    if case.stage in (Stage.CLOSED, Stage.NO_FURTHER_ACTION, Stage.REMINDER_OF_CONDUCT):
        raise CaseError("A finished case has no clock to stop.", code=RefusalCode.STATE)
    if ClockStop.objects.filter(case=case, ended_on__isnull=True).exists():
        raise CaseError("The clock is already stopped.", code=RefusalCode.CONFLICT)
    if on > timezone.localdate() or on < timezone.localdate(case.stage_since):
        raise CaseError(
            "The clock stops on a day from the start of the current stage up to today.",
            field="on",
        )
    stop = ClockStop.objects.create(
        case=case, started_on=on, reason=reason, recorded_by=acting_user
    )
    case.clock_stopped = True
    case.deadline = deadline_for(case, rules)
    case.save(update_fields=["clock_stopped", "deadline"])
    log_event(
        case,
        EventKind.CLOCK_STOPPED,
        actor=acting_user,
        clause=listed.clause,
        data={"reason": reason, "on": on.isoformat()},
    )
    record(
        actor=acting_user,
        verb=AuditVerb.STOP_CLOCK,
        obj=case,
        after={"reason": reason, "on": on},
        clause=listed.clause,
    )
    return stop


@transaction.atomic(durable=True)
def do_restart_clock(case: Case, *, on: datetime.date, acting_user: Any) -> ClockStop:
    """Restart a stopped clock on ``on``: the deadline moves by the working days it stood."""
    case = lock_case(case)
    rules = rules_on()
    stop = (
        ClockStop.objects.select_for_update(of=("self",))
        .filter(case=case, ended_on__isnull=True)
        .first()
    )
    if stop is None:
        raise CaseError("The clock is running.", code=RefusalCode.CONFLICT)
    if on <= stop.started_on or on > timezone.localdate():
        raise CaseError(
            f"The clock restarts after the day it stopped ({stop.started_on:%-d %B %Y}) and "
            "no later than today.",
            field="on",
        )
    stop.ended_on = on
    stop.save(update_fields=["ended_on"])
    case.clock_stopped = False
    case.deadline = deadline_for(case, rules)
    case.save(update_fields=["clock_stopped", "deadline"])
    log_event(
        case,
        EventKind.CLOCK_RESTARTED,
        actor=acting_user,
        data={
            "on": on.isoformat(),
            "deadline": case.deadline.isoformat() if case.deadline else None,
        },
    )
    record(
        actor=acting_user,
        verb=AuditVerb.RESTART_CLOCK,
        obj=case,
        after={"on": on, "deadline": case.deadline},
    )
    return stop


@transaction.atomic(durable=True)
def do_identify_respondent(case: Case, *, member_number: str, acting_user: Any) -> Case:
    """Name the respondent a complaint described (a public complainant cannot search the
    register): the member with that number becomes the respondent and the case moves to their
    constituency's scope. Refused while someone on the case would be conflicted with them —
    end that assignment first, so nobody conflicted stays on quietly."""
    from moot.cases.actions.assignments import conflicts_for
    from moot.members.models import Member

    case = lock_case(case)
    if case.stage not in (Stage.RECEIVED, Stage.TRIAGE):
        raise CaseError(
            "The respondent is identified before the investigation starts.",
            code=RefusalCode.STATE,
        )
    if case.respondent_id is not None:
        raise CaseError("The respondent is already identified.", code=RefusalCode.CONFLICT)
    number = member_number.strip().upper()
    member = Member.objects.filter(number=number).first()
    if member is None:
        raise CaseError(f"No member has the number {number!r}.", field="member_number")
    if member.pk == case.complainant_member_id:
        raise CaseError("The complainant cannot be the respondent.", field="member_number")
    case.respondent = member
    case.unit_id = member.constituency_id
    case.save(update_fields=["respondent", "unit"])
    today = timezone.localdate()
    for assignment in current(case, *AssignmentRole.values).select_related("user"):
        if assignment.user is None:
            continue
        found = conflicts_for(case, assignment.user, assignment.role, today)
        if found:
            raise CaseError(
                f"{assignment.user.get_full_name() or assignment.user.email} "
                f"({assignment.get_role_display().lower()}) would be conflicted with this "
                f"respondent: {'; '.join(c.reason for c in found)}. End that assignment first.",
                clause=rules_on().conflicts_clause,
                field="member_number",
            )
    log_event(case, EventKind.NOTE, actor=acting_user, data={"respondent": member.pk})
    record(
        actor=acting_user,
        verb=AuditVerb.IDENTIFY_RESPONDENT,
        obj=case,
        after={"respondent": member.pk, "unit": member.constituency_id},
    )
    return case


def is_decision_maker(user: Any, case: Case) -> bool:
    """Whether ``user`` decides on the case now (panel, reviewer or appeal panel): they see the
    external representations recorded on it (R-E1)."""
    return holds(
        user,
        case,
        AssignmentRole.PANEL_MEMBER,
        AssignmentRole.REVIEWER,
        AssignmentRole.APPEAL_PANEL_MEMBER,
    )
