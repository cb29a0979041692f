"""Insider tests for a motion held until the chair rules (docs/security.md, "Confidential
business"; issue 9 fix round, finding 6). Between tabling and the ruling, a motion about an
individual's disciplinary case was readable by every member. Now a motion whose text names a
member of the unit suspended pending investigation (what the chair's "likely not competent"
flag checks) is shown to members, other officers, the API and the minutes as "A motion awaiting
the chair's ruling on competence (it may concern an individual disciplinary matter)." until the
chair rules; the chair, the secretary and complaints staff read it, each read logged. Ruled
competent, it is ordinary business. Runs on SQLite and, with DATABASE_URL set, PostgreSQL."""

from __future__ import annotations

import datetime
import html
from typing import Any

import pytest
from django.utils import timezone

from accounts.world import World
from factories import MeetingFactory
from moot.audit.models import AuditEvent
from security.test_confidential_business import _api_urls, _body, _client, _walk

HELD = (
    "A motion awaiting the chair's ruling on competence (it may concern an individual "
    "disciplinary matter)."
)
WORDS = ("Juniper Oakhanger", "KX-2209")


@pytest.fixture
def held(world: World) -> dict[str, Any]:
    from moot.meetings.actions import do_add_agenda_item
    from moot.members.actions import do_change_member_status
    from moot.motions.actions import do_table_motion

    chair, secretary = world.members["chair"], world.members["secretary"]
    meeting = MeetingFactory(
        in_progress=True,
        unit=world.riverside,
        title="Riverside general meeting",
        chair=chair,
        secretary=secretary,
        acting_user=secretary.user,
    )
    item = do_add_agenda_item(meeting, kind="motion", title="Motions", acting_user=secretary.user)
    do_change_member_status(
        world.target,
        "suspended",
        timezone.localdate() - datetime.timedelta(days=3),
        reason="Complaint 90",
        reference="case:90",
        acting_user=world.users["complaints_staff"],
    )
    target = world.target.full_name
    motion = do_table_motion(
        meeting,
        title=f"Support for {target}",
        text=f"This meeting supports {target} (Juniper Oakhanger's complaint KX-2209).",
        mover=world.members["member"],
        seconder=world.members["branch_secretary"],
        agenda_item=item,
        tabled_on=timezone.localdate() - datetime.timedelta(days=21),
        acting_user=secretary.user,
    )
    return {"meeting": meeting, "motion": motion, "item": item}


def _leaks(body: str, world: World) -> list[str]:
    """The motion's words (the suspended member's name alone is on the register and in the
    audit trail of their standing, for those who may read them: the title is what may not)."""
    name = world.target.full_name
    return [w for w in (*WORDS, f"Support for {name}", f"supports {name}") if w in body]


@pytest.mark.parametrize("role", ["member", "branch_secretary", "national_staff", "auditor"])
def test_before_the_ruling_nobody_else_reads_it(
    world: World, held: dict[str, Any], role: str
) -> None:
    meeting, motion = held["meeting"], held["motion"]
    client = _client(world, role)
    seeds = [
        "/",
        "/motions/",
        f"/meetings/{meeting.pk}/",
        f"/meetings/{meeting.pk}/agenda/",
        f"/meetings/{meeting.pk}/projector/",
        f"/meetings/{meeting.pk}/motions/",
        f"/motions/{motion.pk}/",
        f"/audit/?object=motions.motion:{motion.pk}",
    ]
    leaks = {url: _leaks(body, world) for url, body in _walk(client, seeds) if _leaks(body, world)}
    for url in [
        f"/api/motions/?meeting={meeting.pk}",
        *_api_urls(client, sorted({meeting.pk, motion.pk, held["item"].pk})),
    ]:
        body = _body(client.get(url))
        if _leaks(body, world):
            leaks[url] = _leaks(body, world)
    assert not leaks, f"{role} read the held motion at: {leaks}"
    if role == "member":
        assert HELD in html.unescape(client.get(f"/motions/{motion.pk}/").content.decode())
        assert client.get(f"/api/motions/{motion.pk}").json()["title"] == HELD
    assert not AuditEvent.objects.filter(verb="motions.read_confidential").exists()


def test_the_chair_reads_it_logged_and_a_competent_ruling_makes_it_ordinary(
    world: World, held: dict[str, Any]
) -> None:
    from moot.motions.actions import do_rule_on_motion
    from moot.motions.hooks import motion_paragraph

    motion = held["motion"]
    assert motion_paragraph(motion) == f"Motion {motion.number}: {HELD}"
    chair = _client(world, "chair")
    assert "Juniper Oakhanger" in chair.get(f"/motions/{motion.pk}/").content.decode()
    reads = AuditEvent.objects.filter(verb="motions.read_confidential", object_id=str(motion.pk))
    assert list(reads.values_list("actor_id", flat=True)) == [world.users["chair"].pk]
    assert not _leaks(reads.get().object_repr, world)
    do_rule_on_motion(
        motion,
        decision="competent",
        clause="15.6.1",
        reasons="It asks for support, not a decision on any case.",
        acting_user=world.users["chair"],
    )
    member = _client(world, "member")
    assert "Juniper Oakhanger" in member.get(f"/motions/{motion.pk}/").content.decode()
