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
    tonight,
)


def make_person(unit: Any, **kwargs: Any) -> Any:
    return MemberFactory(constituency=unit, with_account=True, **kwargs)


@dataclass
class Assembly:
    """The shared ``world`` (tests/accounts/world.py) at an assembly: Riverside's chair,
    secretary and a member from the world, a mover (of the North branch) and a seconder with
    accounts, an affiliated union, tonight's AGM and next month's general meeting."""

    world: Any
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
    """When the assembly's motions were tabled: three weeks before tonight's meeting."""
    return timezone.localdate() - datetime.timedelta(days=21)


@pytest.fixture
def assembly(world: Any) -> Assembly:
    clp, branch = world.riverside, world.north
    union = OrganisationFactory(name="Allied Riverworkers Union", slug="allied-riverworkers")
    AffiliationFactory(unit=clp, organisation=union)
    chair, secretary = world.members["chair"], world.members["secretary"]
    mover = make_person(clp, first_name="Petra", last_name="Lindqvist", branch=branch)
    seconder = make_person(clp, first_name="Tomasz", last_name="Brennan")
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
    return Assembly(
        world=world,
        region=world.region,
        clp=clp,
        branch=branch,
        union=union,
        chair=chair,
        secretary=secretary,
        mover=mover,
        seconder=seconder,
        member=world.members["member"],
        staff=world.users["national_staff"],
        meeting=meeting,
        next_meeting=next_meeting,
    )


@pytest.fixture
def check_in() -> Callable[..., list[Any]]:
    """check_in(meeting, n=12) -> n new members of the meeting's unit checked in at the door
    (``do_check_in``: present and, a year in membership, eligible)."""

    def make(meeting: Any, n: int = 12, members: list[Any] | None = None) -> list[Any]:
        from moot.meetings.actions import do_check_in

        people = members if members is not None else [make_person(meeting.unit) for _ in range(n)]
        for person in people:
            attendance = do_check_in(meeting, person, acting_user=None)
            assert attendance.eligible, f"{person} was refused at the door"
        return people

    return make


@pytest.fixture
def table(assembly: Assembly) -> Callable[..., Any]:
    """table(title=..., text=..., **kwargs) -> a motion tabled by the mover at the meeting
    (a branch's or an affiliate's motion: entered by the meeting's secretary)."""
    from moot.motions.actions import do_table_motion

    def make(**kwargs: Any) -> Any:
        kwargs.setdefault("title", "Safe cycling routes to every school")
        kwargs.setdefault("text", POLICY_TEXT)
        kwargs.setdefault("mover", assembly.mover)
        kwargs.setdefault("seconder", assembly.seconder)
        by_member = kwargs.get("proposer_kind", "member") == "member"
        kwargs.setdefault(
            "acting_user", assembly.mover.user if by_member else assembly.secretary.user
        )
        kwargs.setdefault("tabled_on", three_weeks_ago())
        return do_table_motion(assembly.meeting, **kwargs)

    return make


POLICY_TEXT = (
    "This meeting notes that only one primary school in the constituency has a protected "
    "cycle route, and that parents report near misses at the Hollow Road junction every week.\n\n"
    "This meeting resolves to ask the county council to build protected routes to every school "
    "within three years, starting with the Hollow Road junction, and to report back to the next "
    "general meeting."
)
