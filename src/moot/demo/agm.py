"""The demo AGM of Riverside & Hollow CLP, seeded on top of ``seed.seed_foundation()``.

Called for the quarter hour in which the demo is seeded (``called_for``: seeded or reset at
12:36, the meeting was called for 12:30 today), so the README's walk works at any hour: the
chair opens it minutes after the time called, never hours before. In the Hollow Community
Hall (hybrid), called with proper notice (sent 30 days ago, recorded), chaired and minuted by
the demo chair and secretary. The agenda runs from apologies to any other business, with the
chair's, secretary's and treasurer's reports (their texts in full) and an invited speaker's
training session; a few members sent apologies. About 120 eligible members are checked in at
the door (by the secretary or with the meeting code); a few are refused for good reasons the
rulebook gives (joined too recently, in arrears, suspended), an invited speaker is a guest.
The demo "member" account is left for you to check in with the code (or to send apologies).
Motions and elections add their part through ``moot.motions.demo.seed_demo`` and
``moot.elections.demo.seed_demo`` when those modules exist. Last year's AGM is recorded first
(``moot.demo.last_agm``): its minutes wait for approval at item 2. The demo member's branch
holds its AGM five weeks later (``moot.demo.branch``): motions and nominations are open for it.
Everything goes through the real actions, so the audit trail is real.
"""

from __future__ import annotations

import datetime
import importlib
import random
from typing import Any

from django.utils import timezone

from moot.demo.seed import SEED, DemoOrg

PRESENT = 120
NOTICE_DAYS_AGO = 30

SPEAKER = "Dana Okoye"
SPEAKER_ORGANISATION = "Community Organisers Trust"
TOPIC = "Listening on the doorstep: a training session for canvassers"

# The officers' reports (invented, like everything in the demo); the minutes give them in full.
CHAIR_REPORT = (
    (
        "This has been a year of rebuilding. We held ten general meetings, three of them in the "
        "new hybrid format, and average attendance rose from 41 to 63."
    ),
    (
        "Our canvassing teams knocked on just over 9,000 doors across Riverside and Hollow, and "
        "the by-election in Weir Lane ward was held with an increased majority."
    ),
    (
        "I thank the branch officers, the volunteers who staff the stall at Hollow market every "
        "Saturday, and the members who stepped forward to chair their branches for the first time."
    ),
)
SECRETARY_REPORT = (
    (
        "Membership stands at 278 in the constituency, 31 more than a year ago; 19 members lapsed "
        "and 50 joined, most of them in the Hollow North branch."
    ),
    (
        "The executive committee met eleven times. Its minutes were circulated within a fortnight "
        "of each meeting, and every motion sent to regional conference was submitted on time."
    ),
    (
        "Notice of this meeting was sent on time to every member by e-mail and, for the 23 members "
        "without an address, by post."
    ),
)
TREASURER_REPORT = (
    (
        "Income for the year was £6,480: £3,910 from the membership allocation, £1,620 from "
        "fundraising and £950 in donations. Spending was £5,870, most of it on leaflets and the "
        "hire of halls."
    ),
    (
        "We close the year £610 up, with £4,215 in the bank. The accounts were examined in "
        "November by two members appointed at the last AGM, who found them in order."
    ),
    "The executive proposes no change to the branch allocations for the coming year.",
)

# Members of the CLP who sent their apologies (recorded by the secretary before the meeting).
APOLOGIES = 4

AGENDA = (
    ("apologies", "Apologies for absence", {}),
    ("minutes", "Minutes of the last annual general meeting", {}),
    ("report", "Chair's report", {"speaker": "The Chair", "body": "\n\n".join(CHAIR_REPORT)}),
    (
        "report",
        "Secretary's report",
        {"speaker": "The Secretary", "body": "\n\n".join(SECRETARY_REPORT)},
    ),
    (
        "report",
        "Treasurer's report",
        {"speaker": "The Treasurer", "body": "\n\n".join(TREASURER_REPORT)},
    ),
    ("motion", "Motions", {}),
    ("election", "Election of officers", {}),
    (
        "training",
        "Training session: the doorstep conversation",
        {"speaker": SPEAKER, "speaker_organisation": SPEAKER_ORGANISATION, "topic": TOPIC},
    ),
    ("any_other_business", "Any other business", {}),
)

# Extensions of the demo by other apps: module name → its seed_demo(meeting, org).
EXTENSIONS = ("moot.motions.demo", "moot.elections.demo")


def called_for(now: datetime.datetime, on: datetime.date) -> datetime.datetime:
    """The time the demo AGM is called for: ``now`` (local time) rounded down to the quarter
    hour, on the demo's day ``on``. The instant is rounded, not the wall-clock time re-read:
    in the hour the clocks go back, 01:50 GMT re-read as 01:45 is 01:45 BST, an hour and five
    minutes before now (every time zone's offset is a whole number of quarter hours)."""
    local = timezone.localtime(now)
    floored = now - datetime.timedelta(
        minutes=local.minute % 15, seconds=local.second, microseconds=local.microsecond
    )
    if local.date() == on:
        return floored
    time = timezone.localtime(floored).time()
    return timezone.make_aware(datetime.datetime.combine(on, time))


def seed_agm(org: DemoOrg) -> Any:
    """Record last year's AGM (minutes awaiting approval), schedule today's (called for the
    current quarter hour) with its agenda and attendance, let motions and elections add
    theirs, then the demo member's branch AGM ahead. Returns today's meeting."""
    from moot.demo.last_agm import seed_last_agm
    from moot.meetings.actions import (
        do_add_agenda_item,
        do_check_in,
        do_check_in_guest,
        do_create_meeting,
        do_record_apology,
    )

    seed_last_agm(org)
    secretary_user = org.accounts["secretary"]
    today = org.today
    starts_at = called_for(timezone.now(), today)
    meeting = do_create_meeting(
        unit=org.riverside,
        kind="agm",
        title=f"Annual general meeting {today.year} of Riverside & Hollow CLP",
        starts_at=starts_at,
        location="Hollow Community Hall, 4 Weir Lane",
        online_url="https://meet.example.org/riverside-agm",
        attendance_mode="hybrid",
        chair=org.members["chair"],
        secretary=org.members["secretary"],
        notice_sent_on=today - datetime.timedelta(days=NOTICE_DAYS_AGO),
        acting_user=secretary_user,
    )
    for kind, title, extra in AGENDA:
        do_add_agenda_item(meeting, kind=kind, title=title, acting_user=secretary_user, **extra)

    present, refused = _arrivals(org)
    for member in present:
        do_check_in(meeting, member, acting_user=secretary_user)
    for member in refused:
        do_check_in(meeting, member, acting_user=secretary_user)
    for member in _absent(org, [*present, *refused])[:APOLOGIES]:
        do_record_apology(meeting, member, acting_user=secretary_user)
    do_check_in_guest(meeting, name=SPEAKER, acting_user=secretary_user)
    do_check_in_guest(
        meeting, name="Priya Lanworth (press)", capacity="observer", acting_user=secretary_user
    )

    for module_name in EXTENSIONS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        seed = getattr(module, "seed_demo", None)
        if seed is not None:
            seed(meeting, org)
    from moot.demo.branch import seed_branch_agm

    seed_branch_agm(org)
    return meeting


def _absent(org: DemoOrg, arrived: list[Any]) -> list[Any]:
    """Members of the CLP who did not come (nor the demo member, who may still come), in a
    fixed order: the first few sent their apologies."""
    from moot.members.models import Member

    keep_out = {org.members["member"].pk} if "member" in org.members else set()
    absent = Member.objects.filter(constituency=org.riverside, status="active").exclude(
        pk__in={m.pk for m in arrived} | keep_out
    )
    return list(absent.order_by("number")[: APOLOGIES * 3])


def _arrivals(org: DemoOrg) -> tuple[list[Any], list[Any]]:
    """About 120 members eligible on the day (the chair, vice-chair and secretary among them,
    the demo member left out to check in live), and a few who will be refused at the door: two who
    joined within the last eight weeks, one in arrears, one suspended."""
    from moot.members.models import Member
    from moot.members.queries import eligible_member_ids

    today = org.today
    unit = org.riverside
    keep_out = {org.members["member"].pk} if "member" in org.members else set()
    officers = [
        org.members[role] for role in ("chair", "vice-chair", "secretary") if role in org.members
    ]
    eligible = sorted(eligible_member_ids(unit, "meeting", at=today) - keep_out)
    rng = random.Random(SEED + 4)
    chosen = set(rng.sample(eligible, min(PRESENT, len(eligible))))
    chosen |= {m.pk for m in officers}
    chosen -= keep_out
    present = list(Member.objects.filter(pk__in=chosen).order_by("search_name", "pk"))
    ineligible = Member.objects.filter(constituency=unit).exclude(pk__in=eligible)
    recent = list(
        ineligible.filter(
            status="active", joined_on__gt=today - datetime.timedelta(weeks=8)
        ).order_by("number")[:2]
    )
    arrears = list(ineligible.filter(status="in_arrears").order_by("number")[:1])
    suspended = list(ineligible.filter(status="suspended").order_by("number")[:1])
    return present, recent + arrears + suspended
