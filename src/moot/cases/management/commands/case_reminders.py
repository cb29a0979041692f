"""``moot case_reminders``: the case process's daily round (run it once each working day from a
timer or cron; docs/cases.md, "Deadlines"). Suspensions pending investigation not renewed by
their review date lapse; suspensions imposed for a period end on their last day; the handlers
of overdue cases are e-mailed (through the task queue)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from moot.cases.actions import sanctions
from moot.cases.process_tasks import remind_overdue_cases


class Command(BaseCommand):
    help = "Lapse unreviewed suspensions, end suspensions served, remind about overdue cases."

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        lapsed = 0
        for case in sanctions.suspensions_due_for_review(today):
            sanctions.do_end_suspension(
                case,
                reason="Not renewed by its review date: the suspension lapsed.",
                lapsed=True,
                acting_user=None,
            )
            lapsed += 1
        ended = 0
        for sanction in sanctions.suspension_sanctions_ended(today):
            sanctions.do_end_suspension_sanction(sanction, acting_user=None)
            ended += 1
        result = remind_overdue_cases.enqueue()
        self.stdout.write(
            f"{lapsed} suspension(s) lapsed, {ended} suspension(s) served; "
            f"overdue reminders queued ({result.id})"
        )
