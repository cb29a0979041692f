"""Fixtures for the motions tests: a constituency party under a region, with a branch, an
affiliated union, members with accounts, a meeting with a chair and a secretary, national staff,
and a helper that checks members in (as the meetings app records attendance)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from factories import (
    AffiliationFactory,
    MeetingFactory,
    MemberFactory,
    OrganisationFactory,
    UnitFactory,
    UserFactory,
    tonight,
)


def make_person(unit: Any, **kwargs: Any) -> Any:
    return MemberFactory(constituency=unit, with_account=True, **kwargs)


@dataclass
class World:
    region: Any
    clp: Any
    branch: Any
    union: Any
    chair: Any
    secretary: Any
    mover: Any
    seconder: Any
    member: Any
    staff: Any  # national staff account
    meeting: Any  # tonight's AGM, in progress
    next_meeting: Any  # a general meeting a month ahead, scheduled: open for motions today


def make_meeting(
    unit: Any,
    *,
    days_ahead: int = 30,
    chair: Any = None,
    secretary: Any = None,
    kind: str = "agm",
) -> Any:
    """A meeting of ``unit`` scheduled ``days_ahead`` days ahead, through ``do_create_meeting``
    (motions are tabled before it; ``open_meeting`` then brings the day and opens it)."""
    return MeetingFactory(
        unit=unit,
        kind=kind,
        title=f"{unit.name} annual general meeting",
        starts_at=tonight(days_ahead),
        # Notice went out by post a month ago (recorded, as do_create_meeting allows).
        notice_sent_on=timezone.localdate() - datetime.timedelta(days=30),
        chair=chair,
        secretary=secretary,
    )


def three_weeks_ago() -> datetime.date:
    """When the world's motions were tabled: three weeks before tonight's meeting."""
    return timezone.localdate() - datetime.timedelta(days=21)


@pytest.fixture
def world(db: Any) -> World:
    from moot.accounts.models import StaffAssignment

    region = UnitFactory(kind="region", name="Eastmarch Region")
    clp = UnitFactory(kind="constituency", name="Riverside & Hollow CLP", parent=region)
    branch = UnitFactory(kind="branch", name="Hollow Ward", parent=clp)
    union = OrganisationFactory(name="Allied Riverworkers Union", slug="allied-riverworkers")
    AffiliationFactory(unit=clp, organisation=union)
    chair = make_person(clp, first_name="Imogen", last_name="Thackeray")
    secretary = make_person(clp, first_name="Rafael", last_name="Oduya")
    mover = make_person(clp, first_name="Petra", last_name="Lindqvist", branch=branch)
    seconder = make_person(clp, first_name="Tomasz", last_name="Brennan")
    member = make_person(clp, first_name="Aled", last_name="Fairweather")
    staff = UserFactory(email="governance@national.example.org")
    StaffAssignment.objects.create(user=staff, role="national_staff")
    # Tonight's AGM, opened by its secretary: notice went out 30 days ago, and the motions below
    # were tabled before the deadline (``table`` records them as tabled 21 days ago).
    meeting = MeetingFactory(
        in_progress=True,
        unit=clp,
        title=f"{clp.name} annual general meeting",
        chair=chair,
        secretary=secretary,
        acting_user=secretary.user,
    )
    next_meeting = make_meeting(
        clp, kind="general", chair=chair, secretary=secretary, days_ahead=30
    )
    return World(
        region,
        clp,
        branch,
        union,
        chair,
        secretary,
        mover,
        seconder,
        member,
        staff,
        meeting,
        next_meeting,
    )


@pytest.fixture
def check_in() -> Callable[..., list[Any]]:
    """check_in(meeting, n=12) -> n new members of the meeting's unit, present and eligible."""

    def make(meeting: Any, n: int = 12, members: list[Any] | None = None) -> list[Any]:
        from moot.meetings.models import Attendance

        people = members if members is not None else [make_person(meeting.unit) for _ in range(n)]
        for person in people:
            Attendance.objects.create(
                meeting=meeting,
                member=person,
                capacity="voter",
                eligible=True,
                checked_in_at=timezone.now(),
            )
        return people

    return make


@pytest.fixture
def table(world: World) -> Callable[..., Any]:
    """table(title=..., text=..., **kwargs) -> a motion tabled by the mover at the meeting
    (a branch's or an affiliate's motion: entered by the meeting's secretary)."""
    from moot.motions.actions import do_table_motion

    def make(**kwargs: Any) -> Any:
        kwargs.setdefault("title", "Safe cycling routes to every school")
        kwargs.setdefault("text", POLICY_TEXT)
        kwargs.setdefault("mover", world.mover)
        kwargs.setdefault("seconder", world.seconder)
        by_member = kwargs.get("proposer_kind", "member") == "member"
        kwargs.setdefault("acting_user", world.mover.user if by_member else world.secretary.user)
        kwargs.setdefault("tabled_on", three_weeks_ago())
        return do_table_motion(world.meeting, **kwargs)

    return make


POLICY_TEXT = (
    "This meeting notes that only one primary school in the constituency has a protected "
    "cycle route, and that parents report near misses at the Hollow Road junction every week.\n\n"
    "This meeting resolves to ask the county council to build protected routes to every school "
    "within three years, starting with the Hollow Road junction, and to report back to the next "
    "general meeting."
)
