"""The process's pages: the controls on a case page (a panel registered with
``cases.hooks``: assignment and draws, triage, notice, reply, postponement, report, decision,
review, appeal, stage moves with what each still needs, clock, suspension, sanctions), one POST
endpoint per control, the overdue view (/cases/overdue/) and the training register
(/cases/training/). Thin: ``access_*``, a form, an action, the refusal shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from moot.cases import process_forms as pf
from moot.cases import process_queries
from moot.cases import stages as process
from moot.cases.access import access_case, access_case_for_staff, access_party_case
from moot.cases.actions import assignments, review, sanctions, stages
from moot.cases.actions._process import holds, rules_on
from moot.cases.errors import CaseError
from moot.cases.models import (
    FINAL_STAGES,
    AssignmentRole,
    Stage,
)
from moot.cases.roles import COMPLAINTS_STAFF
from moot.errors import Refusal, show_refusal

TEMPLATE = "cases/_process_panel.html"


def _criteria(step: str) -> list[tuple[str, str]]:
    return [(c.slug, c.title) for c in rules_on().criteria_for(step)]


def _people(case: Any) -> list[tuple[int, str]]:
    return process_queries.trained_people(case.category, timezone.localdate())


def _grounds_initial(case: Any) -> dict[str, str]:
    category = rules_on().category(case.category)
    return {"clause": category.clause if category else ""}


def _moves(case: Any) -> list[dict[str, Any]]:
    moves = []
    held = stages.case_records(case)
    for to in process.allowed_moves(case.stage):
        missing = process.missing_records(case.stage, to, stages.records_for(held, to))
        moves.append(
            {
                "to": to,
                "label": Stage(to).label,
                "missing": [process.RECORDS[key] for key in missing],
            }
        )
    return moves


def process_panel(request: HttpRequest, case: Any) -> dict[str, Any] | None:
    """The process's controls for the viewer of a case page (None for the auditor)."""
    role = getattr(case, "viewer_role", None)
    if role is None or role == "auditor":
        return None
    user = request.user
    rules = rules_on()
    staff = role == COMPLAINTS_STAFF
    open_case = case.stage not in FINAL_STAGES
    initial = _grounds_initial(case)
    panel: dict[str, Any] = {
        "template": TEMPLATE,
        "staff": staff,
        "open": open_case,
        "declare_form": pf.DeclareConflictForm() if role != COMPLAINTS_STAFF else None,
    }
    if holds(user, case, AssignmentRole.CASE_HANDLER) and case.stage == Stage.TRIAGE:
        panel["triage_form"] = pf.TriageForm(criteria=_criteria("triage"), initial=initial)
    if holds(user, case, AssignmentRole.INVESTIGATOR) and case.stage == Stage.INVESTIGATION:
        panel["report_form"] = pf.ReportForm()
    if (case.stage == Stage.PANEL and holds(user, case, AssignmentRole.PANEL_MEMBER)) or (
        case.stage == Stage.APPEAL and holds(user, case, AssignmentRole.APPEAL_PANEL_MEMBER)
    ):
        step = "appeal" if case.stage == Stage.APPEAL else "decision"
        panel["decision_form"] = pf.DecisionForm(criteria=_criteria(step), initial=initial)
    if case.stage == Stage.REVIEW and holds(user, case, AssignmentRole.REVIEWER):
        panel["review_form"] = pf.ReviewForm(criteria=_criteria("review"), initial=initial)
    if not staff:
        return panel
    suspension = sanctions.current_suspension(case)
    panel |= {
        "moves": _moves(case) if open_case else [],
        "assignments": process_queries.people_on_case(case),
        "end_form": pf.EndAssignmentForm(),
        "suspension": suspension,
        "sanctions": process_queries.sanctions_of(case),
        "education_form": pf.EducationDoneForm(initial={"completed_on": timezone.localdate()}),
    }
    if case.respondent_id is None and case.stage in (Stage.RECEIVED, Stage.TRIAGE):
        panel["identify_form"] = pf.IdentifyForm()
    if open_case:
        panel |= {
            "assign_form": pf.AssignForm(people=_people(case)),
            "draw_form": pf.DrawForm(),
            "clock_stop_form": None
            if case.clock_stopped
            else pf.ClockStopForm(
                reasons=[(r.slug, r.title) for r in rules.clock_stop_reasons],
                initial={"on": timezone.localdate()},
            ),
            "clock_restart_form": pf.ClockRestartForm(initial={"on": timezone.localdate()})
            if case.clock_stopped
            else None,
        }
        if case.stage == Stage.TRIAGE and case.respondent_id:
            panel["notice_form"] = pf.NoticeForm()
        if case.stage in (Stage.TRIAGE, Stage.INVESTIGATION, Stage.REPORT, Stage.PANEL):
            panel["reply_form"] = pf.ReplyForm()
            if case.respondent_id and suspension is None:
                panel["suspend_form"] = pf.SuspendForm(
                    criteria=_criteria("suspension"),
                    initial=initial | {"start": timezone.localdate()},
                )
        if case.stage in (Stage.REPORT, Stage.PANEL, Stage.APPEAL):
            panel["postpone_form"] = pf.PostponeForm()
        if case.stage == Stage.DECIDED:
            panel["appeal_form"] = pf.AppealForm()
        if case.respondent_id:
            panel["close_left"] = True
    if suspension is not None:
        panel["renew_form"] = pf.ReasonsForm()
        panel["end_suspension_form"] = pf.ReasonsForm()
    if (
        case.stage in (Stage.DECIDED, Stage.CLOSED, Stage.REMINDER_OF_CONDUCT)
        and case.respondent_id
    ):
        panel["sanction_form"] = pf.SanctionForm(
            kinds=[(s.kind, s.title) for s in rules.sanctions],
            initial={"starts_on": timezone.localdate()},
        )
    return panel


@dataclass(frozen=True)
class Control:
    form: Callable[..., Any]
    act: Callable[[Any, Any, dict[str, Any]], Any]
    done: str
    staff: bool = True


def _assign(case: Any, user: Any, data: dict[str, Any]) -> Any:
    person = process_queries.active_user(data["user"])
    if person is None:
        raise CaseError("Choose someone from the list.", field="user")
    try:
        return assignments.do_assign_to_case(case, user=person, role=data["role"], acting_user=user)
    except CaseError as exc:
        if exc.field == "user" and exc.code in {"rule", "invalid"}:
            assignments.do_record_assignment_refusal(
                case, user=person, role=data["role"], refusal=exc, acting_user=user
            )
        raise


def _end_assignment(case: Any, user: Any, data: dict[str, Any]) -> Any:
    assignment = process_queries.assignment_on(case, data["assignment"])
    if assignment is None:
        raise CaseError("No such assignment on this case.", field="assignment")
    return assignments.do_end_assignment(assignment, reason=data["reason"], acting_user=user)


def _education_done(case: Any, user: Any, data: dict[str, Any]) -> Any:
    sanction = process_queries.education_on(case, data["sanction"])
    if sanction is None:
        raise CaseError("No such education sanction on this case.", field="sanction")
    return sanctions.do_complete_education(
        sanction, completed_on=data["completed_on"], acting_user=user
    )


def _grounds(data: dict[str, Any]) -> dict[str, Any]:
    return {"reasons": data["reasons"], "clause": data["clause"], "criterion": data["criterion"]}


CONTROLS: dict[str, Control] = {
    "assign": Control(lambda p, c: pf.AssignForm(p, people=_people(c)), _assign, "Assigned."),
    "identify": Control(
        lambda p, c: pf.IdentifyForm(p),
        lambda c, u, d: stages.do_identify_respondent(
            c, member_number=d["member_number"], acting_user=u
        ),
        "The respondent is identified.",
    ),
    "end-assignment": Control(
        lambda p, c: pf.EndAssignmentForm(p), _end_assignment, "The assignment has ended."
    ),
    "declare-conflict": Control(
        lambda p, c: pf.DeclareConflictForm(p),
        lambda c, u, d: assignments.do_declare_conflict(
            c, user=u, reason=d["reason"], acting_user=u
        ),
        "Your conflict is recorded and your role on the case has ended.",
        staff=False,
    ),
    "draw": Control(
        lambda p, c: pf.DrawForm(p),
        lambda c, u, d: assignments.do_draw_panel(c, purpose=d["purpose"], acting_user=u),
        "Drawn; the people drawn are assigned.",
    ),
    "move": Control(
        lambda p, c: pf.MoveForm(p),
        lambda c, u, d: stages.do_move_case(c, to=d["to"], acting_user=u),
        "The case has moved on.",
    ),
    "triage": Control(
        lambda p, c: pf.TriageForm(p, criteria=_criteria("triage")),
        lambda c, u, d: stages.do_triage_case(c, route=d["route"], **_grounds(d), acting_user=u),
        "The triage decision is recorded.",
        staff=False,
    ),
    "notice": Control(
        lambda p, c: pf.NoticeForm(p),
        lambda c, u, d: stages.do_send_notice_to_respondent(
            c, allegation=d["allegation"], basis=d["basis"], acting_user=u
        ),
        "The notice of investigation is sent to the respondent.",
    ),
    "reply": Control(
        lambda p, c: pf.ReplyForm(p),
        lambda c, u, d: stages.do_record_reply(
            c, reply=d["reply"], companion=d["companion"], acting_user=u
        ),
        "The reply is in the case.",
    ),
    "postpone": Control(
        lambda p, c: pf.PostponeForm(p),
        lambda c, u, d: stages.do_postpone_hearing(
            c, hearing_on=d["hearing_on"], new_date=d["new_date"], reason=d["reason"], acting_user=u
        ),
        "The hearing is postponed.",
    ),
    "report": Control(
        lambda p, c: pf.ReportForm(p),
        lambda c, u, d: stages.do_record_report(c, report=d["report"], acting_user=u),
        "The report is in the case.",
        staff=False,
    ),
    "decision": Control(
        lambda p, c: pf.DecisionForm(
            p, criteria=_criteria("appeal" if c.stage == Stage.APPEAL else "decision")
        ),
        lambda c, u, d: stages.do_record_decision(
            c, outcome=d["outcome"], **_grounds(d), acting_user=u
        ),
        "The decision is recorded.",
        staff=False,
    ),
    "review": Control(
        lambda p, c: pf.ReviewForm(p, criteria=_criteria("review")),
        lambda c, u, d: review.do_record_review(
            c, verdict=d["verdict"], **_grounds(d), acting_user=u
        ),
        "The review is recorded.",
        staff=False,
    ),
    "appeal": Control(
        lambda p, c: pf.AppealForm(p),
        lambda c, u, d: review.do_lodge_appeal(c, by=d["by"], grounds=d["grounds"], acting_user=u),
        "The appeal is lodged; draw the appeal panel next.",
    ),
    "clock-stop": Control(
        lambda p, c: pf.ClockStopForm(
            p, reasons=[(r.slug, r.title) for r in rules_on().clock_stop_reasons]
        ),
        lambda c, u, d: stages.do_stop_clock(c, reason=d["reason"], on=d["on"], acting_user=u),
        "The clock is stopped.",
    ),
    "clock-restart": Control(
        lambda p, c: pf.ClockRestartForm(p),
        lambda c, u, d: stages.do_restart_clock(c, on=d["on"], acting_user=u),
        "The clock runs again.",
    ),
    "suspend": Control(
        lambda p, c: pf.SuspendForm(p, criteria=_criteria("suspension")),
        lambda c, u, d: sanctions.do_suspend_respondent(
            c, start=d["start"], **_grounds(d), acting_user=u
        ),
        "The respondent is suspended pending investigation.",
    ),
    "renew-suspension": Control(
        lambda p, c: pf.ReasonsForm(p),
        lambda c, u, d: sanctions.do_renew_suspension(c, reasons=d["reasons"], acting_user=u),
        "The suspension is renewed.",
    ),
    "end-suspension": Control(
        lambda p, c: pf.ReasonsForm(p),
        lambda c, u, d: sanctions.do_end_suspension(c, reason=d["reasons"], acting_user=u),
        "The suspension has ended.",
    ),
    "sanction": Control(
        lambda p, c: pf.SanctionForm(p, kinds=[(s.kind, s.title) for s in rules_on().sanctions]),
        lambda c, u, d: sanctions.do_impose_sanction(
            c,
            kind=d["kind"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            reasons=d["reasons"],
            acting_user=u,
        ),
        "The sanction is recorded.",
    ),
    "education-done": Control(
        lambda p, c: pf.EducationDoneForm(p), _education_done, "The education is completed."
    ),
    "close-left": Control(
        lambda p, c: pf.ConfirmForm(p),
        lambda c, u, d: sanctions.do_close_case_respondent_left(c, acting_user=u),
        "The case is closed: the respondent left the organisation.",
    ),
}


@login_required
@require_POST
def process_action(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    control = CONTROLS.get(action)
    if control is None:
        raise Http404("No such page.")
    if control.staff:
        case = access_case_for_staff(case_id, request.user, what="act")
    else:
        case = access_case(case_id, request.user, for_write=True, what="act")
    form = control.form(request.POST, case)
    try:
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            label = form.fields[field].label if field in form.fields else ""
            raise CaseError(f"{label}: {errors[0]}" if label else str(errors[0]), field=field)
        control.act(case, request.user, form.cleaned_data)
    except Refusal as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, control.done)
    if action == "declare-conflict":
        return redirect("cases:list")
    return redirect("cases:detail", case_id=case.pk)


@login_required
@require_POST
def party_action(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    """A party's own step on their case: the respondent's reply, an appeal by either party."""
    if action not in ("reply", "appeal"):
        raise Http404("No such page.")
    case = access_party_case(case_id, request.user)
    party = case.viewer_role  # type: ignore[attr-defined]
    try:
        if action == "reply":
            if party != "respondent":
                raise Http404("No such page.")
            reply = pf.ReplyForm(request.POST)
            _valid(reply)
            stages.do_record_reply(
                case,
                reply=reply.cleaned_data["reply"],
                companion=reply.cleaned_data["companion"],
                acting_user=request.user,
            )
            messages.success(request, "Your reply is in the case.")
        else:
            appeal = pf.PartyAppealForm(request.POST)
            _valid(appeal)
            review.do_lodge_appeal(
                case, by=party, grounds=appeal.cleaned_data["grounds"], acting_user=request.user
            )
            messages.success(request, "Your appeal is lodged; you will be told when it is heard.")
    except Refusal as exc:
        show_refusal(request, exc)
    return redirect("cases:party_case", case_id=case.pk)


def _valid(form: Any) -> None:
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        label = form.fields[field].label if field in form.fields else ""
        raise CaseError(f"{label}: {errors[0]}" if label else str(errors[0]), field=field)


def _staff_only(request: HttpRequest) -> None:
    from moot.accounts.roles import roles_of

    if not roles_of(request.user).has_staff_role(COMPLAINTS_STAFF):
        raise Http404("No such page.")


@login_required
@require_http_methods(["GET"])
def overdue(request: HttpRequest) -> HttpResponse:
    """Cases past their working-day deadline in the viewer's scope, most overdue first."""
    _staff_only(request)
    today = timezone.localdate()
    rows = process_queries.overdue_cases(today, process_queries.staff_cases(request.user))
    response = render(request, "cases/overdue.html", {"rows": rows, "today": today})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def training(request: HttpRequest) -> HttpResponse:
    """The training register: who is trained in what until when, and recording training."""
    _staff_only(request)
    rules = rules_on()
    categories = [(c.slug, c.title) for c in rules.categories]
    form = pf.TrainingForm(request.POST or None, categories=categories)
    if request.method == "POST":
        try:
            if not form.is_valid():
                field, errors = next(iter(form.errors.items()))
                raise CaseError(f"{form.fields[field].label}: {errors[0]}", field=field)
            person = process_queries.active_user(email=form.cleaned_data["email"])
            if person is None:
                raise CaseError("No account has that e-mail address.", field="email")
            assignments.do_record_training(
                user=person,
                category=form.cleaned_data["category"],
                completed_on=form.cleaned_data["completed_on"],
                provider=form.cleaned_data["provider"],
                acting_user=request.user,
            )
        except Refusal as exc:
            show_refusal(form, exc, fields={"user": "email"})
        else:
            messages.success(request, "The training is recorded.")
            return redirect("cases:training")
    titles = dict(categories) | {"all": "Every category"}
    today = timezone.localdate()
    records = [
        {
            "training": item,
            "category": titles.get(item.category, item.category),
            "current": item.completed_on <= today < item.expires_on,
        }
        for item in process_queries.training_register()
    ]
    return render(
        request,
        "cases/training.html",
        {"form": form, "records": records, "validity": rules.training_validity_months},
    )
