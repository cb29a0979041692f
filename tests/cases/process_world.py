"""A small world for the case process's tests: complaints staff, a trained pool, a respondent
and a complainant in different constituencies, and a case walked through the process by the
real actions (``walk_to``)."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from factories import MemberFactory, StaffAssignmentFactory, UnitFactory, UserFactory
from moot.cases.actions import assignments, review, sanctions, stages
from moot.cases.actions._process import log_event
from moot.cases.actions.casefile import do_answer_question
from moot.cases.crypto import seal_text
from moot.cases.models import (
    AssignmentRole,
    Case,
    DrawPurpose,
    EventKind,
    IntakeChannel,
    Stage,
)
from moot.units.queries import edition_in_force

_numbers = itertools.count(1)

REASONS = (
    "The messages of 3 and 5 May were sent from the respondent's account, which they accept, "
    "and they meet the criterion on every count set out in the report."
)


def grounds(step: str, criterion: str | None = None) -> dict[str, str]:
    rules = edition_in_force().complaints
    chosen = criterion or rules.criteria_for(step)[0].slug
    return {"reasons": REASONS, "clause": rules.clause, "criterion": chosen}


@dataclass
class ProcessWorld:
    staff: Any
    handler: Any
    investigator: Any
    pool: list[Any]
    respondent: Any
    complainant: Any
    cases: list[Case] = field(default_factory=list)

    def open_case(
        self, *, category: str = "bullying", directed: bool = True, respondent: Any = None
    ) -> Case:
        """A complaint as intake leaves it: received, described, acknowledged, in the log."""
        rules = edition_in_force().complaints
        respondent = respondent or self.respondent
        now = timezone.now()
        case = Case(
            reference=f"C-{now.year}-{next(_numbers):05d}",
            unit=respondent.constituency,
            category=category,
            protected_characteristic=rules.category(category).protected_characteristic,
            directed=directed,
            respondent=respondent,
            complainant_member=self.complainant,
            opened_at=now,
            acknowledged_at=now,
            stage_since=now,
            intake_channel=IntakeChannel.MEMBER_FORM,
        )
        seal_text(case, "description_enc", "What happened, in the complainant's words.")
        case.save()
        log_event(case, EventKind.RECEIVED, actor=None)
        self.cases.append(case)
        return case

    def refresh(self, case: Case) -> Case:
        return Case.objects.get(pk=case.pk)

    def walk_to(self, case: Case, stage: str) -> Case:
        """Take ``case`` forward through the real actions until it reaches ``stage``."""
        staff = self.staff
        order = [
            Stage.TRIAGE,
            Stage.INVESTIGATION,
            Stage.REPORT,
            Stage.PANEL,
            Stage.DECIDED,
            Stage.REVIEW,
        ]
        for step in order:
            case = self.refresh(case)
            if case.stage == stage:
                return case
            previous = [Stage.RECEIVED, *order][order.index(step)]
            if case.stage != previous:
                continue
            if step == Stage.TRIAGE:
                assignments.do_assign_to_case(
                    case, user=self.handler, role=AssignmentRole.CASE_HANDLER, acting_user=staff
                )
                stages.do_move_case(case, to=Stage.TRIAGE, acting_user=staff)
            elif step == Stage.INVESTIGATION:
                stages.do_triage_case(
                    case,
                    route=Stage.INVESTIGATION,
                    **grounds("triage", "case_to_answer"),
                    acting_user=self.handler,
                )
                assignments.do_assign_to_case(
                    case,
                    user=self.investigator,
                    role=AssignmentRole.INVESTIGATOR,
                    acting_user=staff,
                )
                stages.do_send_notice_to_respondent(
                    case, allegation="Abusive messages.", basis="Screenshots.", acting_user=staff
                )
                stages.do_record_reply(case, reply="I deny it.", acting_user=staff)
                stages.do_move_case(case, to=Stage.INVESTIGATION, acting_user=staff)
            elif step == Stage.REPORT:
                do_answer_question(
                    case,
                    party="complainant",
                    answer="The messages came on 3 and 5 May; screenshots attached to my form.",
                    acting_user=self.complainant.user,
                )
                stages.do_record_report(
                    case, report="What the investigation found.", acting_user=self.investigator
                )
                stages.do_move_case(case, to=Stage.REPORT, acting_user=staff)
            elif step == Stage.PANEL:
                assignments.do_draw_panel(case, purpose=DrawPurpose.PANEL, acting_user=staff)
                stages.do_move_case(case, to=Stage.PANEL, acting_user=staff)
            elif step == Stage.DECIDED:
                member = self.panel_member(case, AssignmentRole.PANEL_MEMBER)
                stages.do_record_decision(
                    case,
                    outcome="warning",
                    **grounds("decision", "breach_found"),
                    acting_user=member,
                )
                stages.do_move_case(case, to=Stage.DECIDED, acting_user=staff)
            elif step == Stage.REVIEW:
                assignments.do_draw_panel(case, purpose=DrawPurpose.REVIEW, acting_user=staff)
                stages.do_move_case(case, to=Stage.REVIEW, acting_user=staff)
        case = self.refresh(case)
        assert case.stage == stage, (case.stage, stage)
        return case

    def panel_member(self, case: Case, role: str) -> Any:
        from moot.cases.models import Assignment

        assignment = Assignment.objects.filter(case=case, role=role, ended_at__isnull=True).first()
        assert assignment is not None
        return assignment.user


def trained_user(acting_user: Any, *, category: str = "all", **kwargs: Any) -> Any:
    user = UserFactory(**kwargs)
    assignments.do_record_training(
        user=user,
        category=category,
        completed_on=timezone.localdate() - datetime.timedelta(days=30),
        provider="Equality trainers",
        acting_user=acting_user,
    )
    return user


def build_process_world(pool_size: int = 8) -> ProcessWorld:
    staff = StaffAssignmentFactory(role="complaints_staff").user
    handler = trained_user(staff)
    StaffAssignmentFactory(role="complaints_staff", user=handler)
    investigator = trained_user(staff)
    pool = [trained_user(staff) for _ in range(pool_size)]
    north, south = UnitFactory(name="Northby CLP"), UnitFactory(name="Southby CLP")
    respondent = MemberFactory(constituency=north, with_account=True)
    complainant = MemberFactory(constituency=south, with_account=True)
    return ProcessWorld(staff, handler, investigator, pool, respondent, complainant)


__all__ = ["REASONS", "ProcessWorld", "build_process_world", "grounds", "review", "sanctions"]
