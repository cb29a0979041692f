"""Last year's AGM of Riverside & Hollow CLP, so tonight's AGM has minutes to approve.

Held on a Wednesday evening about a year ago (52 weeks back, then back to the Wednesday),
called with five weeks' notice, chaired and minuted by the demo chair and secretary. About 100
members who were eligible on that day (as the rulebook decides it at that date) are checked in
at the door, two who had joined within the eight weeks before are refused, an invited speaker
attends as a guest; the chair opens the meeting, takes each item and closes it. The secretary
drafts the minutes from the records and corrects one detail (the speaker's organisation), so
the version history shows; the minutes are left as a draft awaiting approval at tonight's AGM
(item 2, "Minutes of the last annual general meeting").

Everything goes through the real meetings actions, with ``at=`` giving the time each step
happened on that evening: the records (check-in times, opening, items, quorum checks, close)
carry those times, and the audit events are stamped when the demo wrote them, each saying
``happened_at``. Minutes are drafted and edited today (their versions are dated today). No
vote is recorded: polls and motions stamp the time they are written, which would put a vote
of last year's meeting today.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from moot.demo.seed import SEED, DemoOrg

PRESENT = 100
REFUSED = 2
NOTICE_DAYS = 35
WEDNESDAY = 2

SPEAKER = "Tomasz Brennick"
# The organisation as the agenda had it, and as the secretary corrects it in the minutes.
SPEAKER_ORGANISATION = "Hollow Valley Rivers Trust"
SPEAKER_ORGANISATION_CORRECTED = "Hollow Vale Rivers Trust"
TOPIC = "cleaning up the Weir: what a year of volunteer work has done"

AGENDA = (
    ("apologies", "Apologies for absence", {}),
    ("minutes", "Minutes of the last annual general meeting", {}),
    ("report", "Secretary's and treasurer's reports", {}),
    (
        "speaker",
        "Invited speaker: the river clean-up",
        {"speaker": SPEAKER, "speaker_organisation": SPEAKER_ORGANISATION, "topic": TOPIC},
    ),
    ("any_other_business", "Any other business", {}),
)
# Minutes after 19:00 at which the chair took each item, and closed the meeting.
OPENED = 4
ITEM_MINUTES = (5, 12, 20, 48, 80)
CLOSED = 95


def last_agm_date(today: datetime.date) -> datetime.date:
    """The Wednesday on or before the same weekday 52 weeks ago: a weekday evening about a
    year before ``today``."""
    day = today - datetime.timedelta(weeks=52)
    return day - datetime.timedelta(days=(day.weekday() - WEDNESDAY) % 7)


def _evening(day: datetime.date, minutes_after_seven: float) -> datetime.datetime:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(19, 0)))
    return start + datetime.timedelta(minutes=minutes_after_seven)


def seed_last_agm(org: DemoOrg) -> Any:
    """Record last year's AGM through the real actions and leave its minutes (drafted, then
    corrected once by the secretary) awaiting approval. Returns the meeting."""
    from moot.meetings.actions import (
        do_add_agenda_item,
        do_check_in,
        do_check_in_guest,
        do_close_meeting,
        do_create_meeting,
        do_draft_minutes,
        do_edit_minutes,
        do_next_item,
        do_start_meeting,
    )

    secretary_user = org.accounts["secretary"]
    chair_user = org.accounts["chair"]
    day = last_agm_date(org.today)
    notice_on = day - datetime.timedelta(days=NOTICE_DAYS)
    scheduled_at = timezone.make_aware(datetime.datetime.combine(notice_on, datetime.time(10, 0)))
    meeting = do_create_meeting(
        unit=org.riverside,
        kind="agm",
        title=f"Annual general meeting {day.year} of Riverside & Hollow CLP",
        starts_at=_evening(day, 0),
        location="Hollow Community Hall, 4 Weir Lane",
        attendance_mode="in_person",
        chair=org.members["chair"],
        secretary=org.members["secretary"],
        notice_sent_on=notice_on,
        acting_user=secretary_user,
        at=scheduled_at,
    )
    for kind, title, extra in AGENDA:
        do_add_agenda_item(meeting, kind=kind, title=title, acting_user=secretary_user, **extra)

    present, refused = _arrivals(org, day)
    # The door opens at 18:30; one arrival every 20 seconds.
    arrivals = [*present, *refused]
    for n, member in enumerate(arrivals):
        do_check_in(meeting, member, acting_user=secretary_user, at=_evening(day, -30 + n / 3))
    do_check_in_guest(meeting, name=SPEAKER, acting_user=secretary_user, at=_evening(day, 2))

    meeting = do_start_meeting(meeting, acting_user=chair_user, at=_evening(day, OPENED))
    for minute in ITEM_MINUTES:
        meeting = do_next_item(meeting, acting_user=chair_user, at=_evening(day, minute))
    meeting = do_close_meeting(meeting, acting_user=chair_user, at=_evening(day, CLOSED))

    minutes = do_draft_minutes(meeting, acting_user=secretary_user)
    speakers = next(s for s in minutes.sections if s["key"] == "speakers")
    corrected = [
        p.replace(SPEAKER_ORGANISATION, SPEAKER_ORGANISATION_CORRECTED)
        for p in speakers["paragraphs"]
    ]
    do_edit_minutes(
        minutes,
        texts={"speakers": "\n\n".join(corrected)},
        note=f"the speaker's organisation is the {SPEAKER_ORGANISATION_CORRECTED}",
        acting_user=secretary_user,
    )
    return meeting


def _arrivals(org: DemoOrg, day: datetime.date) -> tuple[list[Any], list[Any]]:
    """About 100 members eligible on ``day`` (the chair and secretary among them), in a seeded
    order, and two active members who had joined within the eight weeks before it (refused at
    the door: clause 7.2 in the preset)."""
    from moot.members.models import Member
    from moot.members.queries import eligible_member_ids

    unit = org.riverside
    eligible = sorted(eligible_member_ids(unit, "meeting", at=day))
    rng = random.Random(SEED + 7)
    chosen = set(rng.sample(eligible, min(PRESENT, len(eligible))))
    chosen |= {org.members[r].pk for r in ("chair", "secretary") if org.members[r].pk in eligible}
    present = list(Member.objects.filter(pk__in=chosen).order_by("pk"))
    rng.shuffle(present)
    recent = list(
        Member.objects.filter(
            constituency=unit,
            status="active",
            joined_on__lte=day,
            joined_on__gt=day - datetime.timedelta(weeks=8),
        )
        .exclude(pk__in=eligible)
        .order_by("number")[:REFUSED]
    )
    return present, recent
