"""The demo member's branch AGM, five weeks after the demo is seeded: business a member can
still bring (``moot.demo.agm.seed_agm`` calls it last).

The AGM of Riverside & Hollow takes no more motions (its deadline passed a fortnight before)
and its nominations are closed; the branch's AGM is far enough ahead that both are open: the
demo member tables a motion to it, and nominates for the branch's chair (the nomination
window opened a week ago and closes at the rulebook's deadline, two weeks before the
meeting). Notice went out today, as the rulebook's 28 days for an AGM allow. Everything goes
through the real actions.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from moot.demo.seed import DemoOrg

WEEKS_AHEAD = 5
CALLED_AT = datetime.time(19, 30)
NOMINATIONS_OPENED_DAYS_AGO = 7
ELECTED_POST = "chair"

AGENDA = (
    ("apologies", "Apologies for absence"),
    ("report", "Branch secretary's report"),
    ("motion", "Motions"),
    ("election", "Election of branch officers"),
    ("any_other_business", "Any other business"),
)


def seed_branch_agm(org: DemoOrg) -> tuple[Any, Any]:
    """Schedule the AGM of the demo member's branch with its agenda, and the election of the
    branch's chair at it with nominations open. Returns (meeting, election)."""
    from moot.elections.actions import do_create_election
    from moot.meetings.actions import do_add_agenda_item, do_create_meeting
    from moot.units.models import Post

    member = org.members["member"]
    branch = member.branch
    secretary_user = org.accounts["secretary"]
    day = org.today + datetime.timedelta(weeks=WEEKS_AHEAD)
    meeting = do_create_meeting(
        unit=branch,
        kind="agm",
        title=f"Annual general meeting {day.year} of {branch.name}",
        starts_at=timezone.make_aware(datetime.datetime.combine(day, CALLED_AT)),
        location=f"{branch.name.removesuffix(' branch')} Library, community room",
        attendance_mode="in_person",
        notice_sent_on=org.today,
        acting_user=secretary_user,
    )
    items = {
        kind: do_add_agenda_item(meeting, kind=kind, title=title, acting_user=secretary_user)
        for kind, title in AGENDA
    }
    edition_kind = _meeting_kind(meeting)
    election = do_create_election(
        post=Post.objects.get(unit=branch, slug=ELECTED_POST),
        meeting=meeting,
        agenda_item=items["election"],
        method="plurality",
        nominations_open_on=org.today - datetime.timedelta(days=NOMINATIONS_OPENED_DAYS_AGO),
        nominations_close_on=day - datetime.timedelta(days=edition_kind.nomination_deadline_days),
        returning_officer=secretary_user,
        acting_user=secretary_user,
    )
    return meeting, election


def _meeting_kind(meeting: Any) -> Any:
    from moot.units.queries import edition_in_force

    return edition_in_force(timezone.localdate(meeting.starts_at)).meeting_kind(meeting.kind)
