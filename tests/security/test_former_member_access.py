"""Insider test: an expelled, resigned or lapsed person is no longer a member (docs/security.md
§1; review finding E). They may sign in to read their own record, but every member-only page and
API refuses them as it refuses someone of another unit, and they cannot make an API token. Run
on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.world import PASSWORD, World
from factories import ElectionFactory, MeetingFactory, MotionFactory, PollFactory, PostFactory
from moot.accounts.models import ApiToken
from moot.members.actions import do_change_member_status


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _unit_business(world: World) -> dict[str, str]:
    staff = world.users["national_staff"]
    meeting = MeetingFactory(unit=world.riverside, acting_user=staff)
    motion = MotionFactory(meeting=meeting)
    poll = PollFactory(unit=world.riverside, returning_officer=staff)
    election = ElectionFactory(post=PostFactory(unit=world.riverside), acting_user=staff)
    return {
        "meeting": reverse("meetings:detail", args=[meeting.pk]),
        "motion": reverse("motions:detail", args=[motion.pk]),
        "poll": reverse("polls:detail", args=[poll.pk]),
        "election": reverse("elections:detail", args=[election.pk]),
        "tabling": reverse("motions:table", args=[meeting.pk]),
        "api_meeting": f"/api/meetings/{meeting.pk}",
    }


def _signed_in(email: str) -> Client:
    browser = Client()
    response = browser.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code == 302
    return browser


@pytest.mark.parametrize("status", ["expelled", "resigned", "lapsed"])
def test_a_former_member_reads_their_record_and_nothing_a_member_reads(
    world: World, status: str
) -> None:
    member = world.members["member"]
    pages = _unit_business(world)
    before = _signed_in(member.user.email)
    for name, url in pages.items():
        assert before.get(url).status_code == 200, name  # as a member, they could
    do_change_member_status(
        member,
        status,
        datetime.date.today(),
        reason="NCC panel decision 7" if status == "expelled" else "recorded by the office",
        acting_user=world.users["complaints_staff" if status == "expelled" else "national_staff"],
    )
    browser = _signed_in(member.user.email)
    assert browser.get(reverse("members:detail", args=[member.pk])).status_code == 200
    assert browser.get(reverse("api-1.0.0:my_record")).json()["status"] == status
    for name, url in pages.items():
        assert browser.get(url).status_code in {403, 404}, name
    response = browser.post(
        pages["tabling"],
        {"title": "Motion: readmit me", "text": "This meeting resolves to readmit me."},
    )
    assert response.status_code in {403, 404}
    # No API token: refused on the page, nothing written.
    response = browser.post(reverse("accounts:tokens"), {"name": "my script"})
    assert response.status_code == 400
    assert "membership has ended" in response.content.decode()
    assert not ApiToken.objects.filter(user=member.user, revoked_at=None).exists()


def test_a_suspended_member_is_still_a_member(world: World) -> None:
    member = world.members["member"]
    pages = _unit_business(world)
    do_change_member_status(
        member,
        "suspended",
        datetime.date.today(),
        reason="Complaint 20",
        acting_user=world.users["complaints_staff"],
    )
    browser = _signed_in(member.user.email)
    assert browser.get(pages["meeting"]).status_code == 200
