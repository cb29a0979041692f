"""The demo's complaints (issue 10 item 13): invented cases at every stage of the process, walked
there by the real actions, in the Commonweal Party that ``seed_foundation()`` builds.

* an anonymous complaint from the public form, still at "received", followed with the receipt
  code :data:`DEMO_RECEIPT_CODE` (at /complain/follow-up/);
* cases at triage, closed with no further action, ended with a reminder of conduct, under
  investigation, reported, before a panel, decided, under independent review, under appeal and
  closed;
* the respondent under investigation is suspended today, so they drop off tonight's AGM register
  with no other step;
* an expulsion, decided by a panel with the demo panel member on it;
* an investigator refused because they belong to the respondent's constituency (the refusal is
  in the case log);
* the complaints officer's account (complaints@…) handles every case; a panel member's account
  (panel@…) sits on the panels; both are trained.

Every name is invented; the texts describe nobody.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

DEMO_RECEIPT_CODE = "2026 0417 5512 0933 4401"
PANEL_EMAIL_LOCAL = "panel"
REASONS = (
    "The messages of 3 and 5 May came from the respondent's own account, which they accept, and "
    "meet the published criterion on each count the investigation report sets out."
)


@dataclass
class DemoCases:
    cases: dict[str, Any] = field(default_factory=dict)  # stage label -> Case
    suspended: Any = None  # the member suspended today
    panel_user: Any = None
    receipt_code: str = DEMO_RECEIPT_CODE


def _grounds(step: str, criterion: str) -> dict[str, str]:
    from moot.units.queries import edition_in_force

    rules = edition_in_force().complaints
    if criterion not in {c.slug for c in rules.criteria_for(step)}:
        criterion = rules.criteria_for(step)[0].slug
    return {"reasons": REASONS, "clause": rules.clause, "criterion": criterion}


def _trained(user: Any, staff: Any) -> Any:
    from moot.cases.actions import assignments

    assignments.do_record_training(
        user=user,
        category="all",
        completed_on=timezone.localdate() - datetime.timedelta(days=60),
        provider="Commonweal equality and fair-process course",
        acting_user=staff,
    )
    return user


def _open(respondent: Any, complainant: Any, category: str, text: str, *, directed: bool) -> Any:
    """A member's complaint as intake leaves it: received, acknowledged, in the log."""
    from moot.cases.actions._process import log_event
    from moot.cases.crypto import seal_text
    from moot.cases.models import Case, EventKind, IntakeChannel
    from moot.units.queries import edition_in_force

    rules = edition_in_force().complaints
    category_rule = rules.category(category)
    now = timezone.now()
    number = Case.objects.count() + 1
    case = Case(
        reference=f"C-{now.year}-{number:05d}",
        unit=respondent.constituency,
        category=category,
        protected_characteristic=bool(category_rule and category_rule.protected_characteristic),
        directed=directed,
        respondent=respondent,
        complainant_member=complainant,
        opened_at=now,
        acknowledged_at=now,
        stage_since=now,
        intake_channel=IntakeChannel.MEMBER_FORM,
        incident_dates="early last month",
    )
    seal_text(case, "description_enc", text)
    case.save()
    log_event(case, EventKind.RECEIVED, actor=None)
    log_event(case, EventKind.ACKNOWLEDGED, actor=None)
    return case


class _Walker:
    """Takes a case forward through the real actions (as tests/cases/process_world.py does)."""

    def __init__(self, staff: Any, investigator: Any) -> None:
        self.staff = staff
        self.investigator = investigator

    def refresh(self, case: Any) -> Any:
        from moot.cases.models import Case

        return Case.objects.get(pk=case.pk)

    def member_of(self, case: Any, role: str) -> Any:
        from moot.cases.models import Assignment

        assignment = Assignment.objects.filter(case=case, role=role, ended_at__isnull=True).first()
        if assignment is None:
            raise LookupError(f"the demo case {case.reference} has nobody as {role}")
        return assignment.user

    def triage(self, case: Any) -> Any:
        from moot.cases.actions import assignments, stages
        from moot.cases.models import AssignmentRole, Stage

        assignments.do_assign_to_case(
            case, user=self.staff, role=AssignmentRole.CASE_HANDLER, acting_user=self.staff
        )
        stages.do_move_case(case, to=Stage.TRIAGE, acting_user=self.staff)
        return self.refresh(case)

    def investigate(self, case: Any) -> Any:
        from moot.cases.actions import assignments, stages
        from moot.cases.models import AssignmentRole, Stage

        stages.do_triage_case(
            case,
            route=Stage.INVESTIGATION,
            **_grounds("triage", "case_to_answer"),
            acting_user=self.staff,
        )
        assignments.do_assign_to_case(
            case, user=self.investigator, role=AssignmentRole.INVESTIGATOR, acting_user=self.staff
        )
        stages.do_send_notice_to_respondent(
            case,
            allegation="Abusive messages sent to a fellow member after a branch meeting.",
            basis="Screenshots of the messages given by the complainant.",
            acting_user=self.staff,
        )
        stages.do_record_reply(
            case,
            reply="I accept I sent messages but deny they were abusive.",
            acting_user=self.staff,
        )
        stages.do_move_case(case, to=Stage.INVESTIGATION, acting_user=self.staff)
        return self.refresh(case)

    def report(self, case: Any) -> Any:
        from moot.cases.actions import stages
        from moot.cases.models import Stage

        stages.do_record_report(
            case,
            report="The messages were sent as described; the respondent's account is not borne "
            "out by them.",
            acting_user=self.investigator,
        )
        stages.do_move_case(case, to=Stage.REPORT, acting_user=self.staff)
        return self.refresh(case)

    def panel(self, case: Any) -> Any:
        from moot.cases.actions import assignments, stages
        from moot.cases.models import DrawPurpose, Stage

        assignments.do_draw_panel(case, purpose=DrawPurpose.PANEL, acting_user=self.staff)
        stages.do_move_case(case, to=Stage.PANEL, acting_user=self.staff)
        return self.refresh(case)

    def decide(self, case: Any, outcome: str) -> Any:
        from moot.cases.actions import stages
        from moot.cases.models import AssignmentRole, Stage

        stages.do_record_decision(
            case,
            outcome=outcome,
            **_grounds("decision", "breach_found"),
            acting_user=self.member_of(case, AssignmentRole.PANEL_MEMBER),
        )
        stages.do_move_case(case, to=Stage.DECIDED, acting_user=self.staff)
        return self.refresh(case)


def seed_cases(org: Any) -> DemoCases:
    """The demo's complaints (see the module's docstring); returns what the banner shows."""
    from moot.cases.actions import assignments, intake, review, sanctions, stages
    from moot.cases.errors import CaseError
    from moot.cases.models import AssignmentRole, Case, DrawPurpose, Party, Stage
    from moot.demo.seed import DEMO_DOMAIN, _assign_staff_role, _make_user
    from moot.members.models import Member

    staff = org.accounts["complaints_staff"]
    taken = {m.pk for m in org.officers.values()} | {m.pk for m in org.members.values()}
    riverside = (
        Member.objects.filter(constituency=org.riverside, status="active", user__isnull=True)
        .exclude(pk__in=taken)
        .order_by("number")
    )
    respondents = list(riverside[:12])
    others = list(
        Member.objects.filter(status="active")
        .exclude(constituency=org.riverside)
        .order_by("number")[:12]
    )
    demo = DemoCases()

    # The complaints officer's own training is recorded by a second officer, the unit's head.
    head = _make_user(f"complaints.head@{DEMO_DOMAIN}", "Marta", "Keane")
    _assign_staff_role(head, "complaints_staff", staff)
    _trained(staff, head)
    investigator = _trained(_make_user(f"investigator@{DEMO_DOMAIN}", "Ines", "Varga"), staff)
    panel_user = _trained(_make_user(f"{PANEL_EMAIL_LOCAL}@{DEMO_DOMAIN}", "Pim", "Oduya"), staff)
    demo.panel_user = panel_user
    _trained(_make_user(f"panel.two@{DEMO_DOMAIN}", "Rhea", "Castell"), staff)
    _trained(_make_user(f"panel.three@{DEMO_DOMAIN}", "Omar", "Lindqvist"), staff)
    walker = _Walker(staff, investigator)

    # The anonymous public complaint, followed with a receipt code.
    public, _code = intake.do_submit_complaint(
        intake.Complaint(
            category="abuse_online",
            description=(
                "A member of your party replied to my posts about the bus depot with insults "
                "for a week. I am not a member. Screenshots can follow."
            ),
            respondent=respondents[0],
            directed=True,
        ),
        channel="public_form",
        acting_user=None,
    )
    Case.objects.filter(pk=public.pk).update(receipt_hash=intake.receipt_hash(DEMO_RECEIPT_CODE))
    demo.cases["received (public, anonymous)"] = public

    text = (
        "After the ward meeting they sent me a stream of abusive messages about my campaign work."
    )
    triaged = walker.triage(_open(respondents[1], others[0], "bullying", text, directed=True))
    demo.cases["triage"] = triaged

    nfa = walker.triage(_open(respondents[2], others[1], "bullying", text, directed=False))
    stages.do_triage_case(
        nfa,
        route=Stage.NO_FURTHER_ACTION,
        **_grounds("triage", "no_case_to_answer"),
        acting_user=staff,
    )
    demo.cases["no further action"] = nfa

    roc = walker.triage(_open(respondents[3], others[2], "abuse_online", text, directed=True))
    stages.do_triage_case(
        roc,
        route=Stage.REMINDER_OF_CONDUCT,
        **_grounds("triage", "minor_first_breach"),
        acting_user=staff,
    )
    demo.cases["reminder of conduct"] = roc

    # Under investigation, the respondent suspended today: off tonight's AGM register.
    investigated = walker.triage(_open(respondents[4], others[3], "bullying", text, directed=True))
    conflicted = _trained(_make_user(f"local.investigator@{DEMO_DOMAIN}", "Hal", "Penrose"), staff)
    neighbour = respondents[11]
    Member.objects.filter(pk=neighbour.pk).update(user=conflicted)
    try:
        assignments.do_assign_to_case(
            investigated, user=conflicted, role=AssignmentRole.INVESTIGATOR, acting_user=staff
        )
    except CaseError as refusal:
        assignments.do_record_assignment_refusal(
            investigated,
            user=conflicted,
            role=AssignmentRole.INVESTIGATOR,
            refusal=refusal,
            acting_user=staff,
        )
    investigated = walker.investigate(investigated)
    sanctions.do_suspend_respondent(
        investigated,
        start=timezone.localdate(),
        **_grounds("suspension", "risk_of_harm"),
        acting_user=staff,
    )
    demo.suspended = Member.objects.get(pk=respondents[4].pk)
    demo.cases["investigation (respondent suspended)"] = investigated

    reported = walker.report(
        walker.investigate(
            walker.triage(_open(respondents[5], others[4], "bullying", text, directed=True))
        )
    )
    demo.cases["report"] = reported

    # Panels: the pool is the three trained panel members when these panels are drawn, so the
    # demo's panel member sits on them.
    before_panel = walker.report(
        walker.investigate(
            walker.triage(_open(respondents[6], others[5], "bullying", text, directed=True))
        )
    )
    demo.cases["panel"] = walker.panel(before_panel)

    expelled = walker.panel(
        walker.report(
            walker.investigate(
                walker.triage(_open(respondents[7], others[6], "bullying", text, directed=True))
            )
        )
    )
    expelled = walker.decide(expelled, "expulsion")
    sanctions.do_impose_sanction(
        expelled,
        kind="expulsion",
        starts_on=timezone.localdate(),
        reasons=REASONS,
        acting_user=walker.member_of(expelled, AssignmentRole.PANEL_MEMBER),
    )
    demo.cases["decided (expulsion)"] = expelled

    # Independent review of a protected-characteristic decision, by a reviewer drawn for it.
    _trained(_make_user(f"reviewer@{DEMO_DOMAIN}", "Ruth", "Amadi"), staff)
    reviewed = walker.decide(
        walker.panel(
            walker.report(
                walker.investigate(
                    walker.triage(
                        _open(respondents[8], others[7], "other_racism", text, directed=True)
                    )
                )
            )
        ),
        "warning",
    )
    assignments.do_draw_panel(reviewed, purpose=DrawPurpose.REVIEW, acting_user=staff)
    stages.do_move_case(reviewed, to=Stage.REVIEW, acting_user=staff)
    demo.cases["independent review"] = walker.refresh(reviewed)

    # An appeal, heard by a panel with nobody from the first.
    for local, first, last in (
        ("appeal.one", "Kit", "Marlowe"),
        ("appeal.two", "Noor", "Haddad"),
        ("appeal.three", "Seb", "Tallis"),
    ):
        _trained(_make_user(f"{local}@{DEMO_DOMAIN}", first, last), staff)
    appealed = walker.decide(
        walker.panel(
            walker.report(
                walker.investigate(
                    walker.triage(_open(respondents[9], others[8], "bullying", text, directed=True))
                )
            )
        ),
        "warning",
    )
    review.do_lodge_appeal(
        appealed,
        by=Party.RESPONDENT,
        grounds="The warning is out of proportion.",
        acting_user=staff,
    )
    assignments.do_draw_panel(appealed, purpose=DrawPurpose.APPEAL, acting_user=staff)
    stages.do_move_case(appealed, to=Stage.APPEAL, acting_user=staff)
    demo.cases["appeal"] = walker.refresh(appealed)

    closed = walker.triage(_open(respondents[10], others[9], "bullying", text, directed=False))
    stages.do_triage_case(
        closed, route=Stage.CLOSED, **_grounds("triage", "insufficient_evidence"), acting_user=staff
    )
    demo.cases["closed"] = walker.refresh(closed)
    return demo
