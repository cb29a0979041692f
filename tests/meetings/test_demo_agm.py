"""The demo AGM (moot.demo.agm): proper notice, the agenda, ~120 eligible present, a few
refused at the door with the rulebook's reasons, quorate, and the audit chain whole."""

from __future__ import annotations

import time

import pytest

from moot.audit.queries import verify_chain
from moot.demo import agm, seed
from moot.meetings import queries
from moot.meetings.models import Apology, Attendance

pytestmark = pytest.mark.django_db


def test_demo_agm(monkeypatch: pytest.MonkeyPatch) -> None:
    # The AGM's own part; motions' and elections' demo seeders have their own tests.
    monkeypatch.setattr(agm, "EXTENSIONS", ())
    org = seed.seed_foundation()
    started = time.perf_counter()
    meeting = agm.seed_agm(org)
    elapsed = time.perf_counter() - started
    assert meeting.unit == org.riverside
    assert meeting.kind == "agm"
    assert meeting.chair == org.members["chair"]
    assert meeting.secretary == org.members["secretary"]
    assert (meeting.starts_at.date() - meeting.notice_sent_on).days >= 28
    kinds = [item.kind for item in queries.agenda(meeting)]
    assert kinds == [kind for kind, _title, _extra in agm.AGENDA]
    reports = list(meeting.items.filter(kind="report").order_by("position"))
    assert [r.title for r in reports] == [
        "Chair's report",
        "Secretary's report",
        "Treasurer's report",
    ]
    assert all(len(r.body.split("\n\n")) >= 3 and r.speaker for r in reports)
    apologies = Apology.objects.filter(meeting=meeting)
    assert apologies.count() == agm.APOLOGIES
    assert not Attendance.objects.filter(
        meeting=meeting, member__in=apologies.values("member")
    ).exists()
    assert not apologies.filter(member=org.members["member"]).exists()
    training = meeting.items.get(kind="training")
    assert training.speaker == agm.SPEAKER
    state = queries.quorum_state(meeting)
    assert 115 <= state.present_eligible <= 125
    assert state.quorate
    refused = Attendance.objects.filter(meeting=meeting, capacity="voter", eligible=False)
    assert refused.count() == 4
    reasons = " ".join(refused.values_list("reason", flat=True)).lower()
    for word in ("weeks", "arrears", "suspended"):
        assert word in reasons, word
    assert all(refused.values_list("clause", flat=True))
    member = org.members["member"]
    assert not Attendance.objects.filter(meeting=meeting, member=member).exists()
    assert Attendance.objects.filter(meeting=meeting, member__isnull=True).count() == 2
    checked, problems = verify_chain()
    assert checked > 0
    assert problems == []
    assert elapsed < 20, f"the AGM demo took {elapsed:.1f} s"
