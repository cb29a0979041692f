"""Training is certified by a second officer (issue 10 fix round, finding 13): nobody records
their own — by the action, the training register page — and the demo's complaints officer's
training is recorded by another officer."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from cases.process_world import build_process_world
from factories import StaffAssignmentFactory
from moot.audit.models import AuditEvent
from moot.cases.actions import assignments
from moot.cases.errors import CaseError
from moot.cases.models import Training
from moot.errors import RefusalCode
from moot.units.queries import edition_in_force

pytestmark = pytest.mark.django_db


def _record(user: Any, acting_user: Any) -> Training:
    return assignments.do_record_training(
        user=user,
        category="all",
        completed_on=timezone.localdate() - datetime.timedelta(days=3),
        provider="Equality trainers",
        acting_user=acting_user,
    )


def test_nobody_records_their_own_training_a_second_officer_does():
    officer = StaffAssignmentFactory(role="complaints_staff").user
    second = StaffAssignmentFactory(role="complaints_staff").user
    audited = AuditEvent.objects.count()
    with pytest.raises(CaseError, match="Nobody records their own training") as refused:
        _record(officer, officer)
    assert refused.value.code == RefusalCode.FORBIDDEN
    assert refused.value.field == "user"
    assert refused.value.clause == edition_in_force().complaints.training_clause
    assert not Training.objects.filter(user=officer).exists()
    assert AuditEvent.objects.count() == audited
    training = _record(officer, second)
    assert training.recorded_by == second


def test_the_training_register_refuses_ones_own_training(client):
    pw = build_process_world(pool_size=3)
    client.force_login(pw.staff)
    page = client.post(
        reverse("cases:training"),
        {
            "email": pw.staff.email,
            "category": "all",
            "completed_on": timezone.localdate().isoformat(),
            "provider": "Equality trainers",
        },
    )
    assert "Nobody records their own training" in page.content.decode()
    assert not Training.objects.filter(user=pw.staff).exists()


def test_the_demo_officers_training_is_recorded_by_another_officer():
    from moot.demo.agm import seed_agm
    from moot.demo.cases import seed_cases
    from moot.demo.seed import seed_foundation

    org = seed_foundation()
    seed_agm(org)
    seed_cases(org)
    staff = org.accounts["complaints_staff"]
    training = Training.objects.get(user=staff)
    assert training.recorded_by is not None
    assert training.recorded_by != staff
    assert not Training.objects.filter(recorded_by=F("user")).exists()
