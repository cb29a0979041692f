"""The demo's policy register (docs/policies.md), seeded on ``seed.seed_foundation()``'s
organisation through the real actions:

* a **definition** — an invented "working definition of hostility towards a people", from an
  invented outside body — adopted **in part** by the national executive (a national decision,
  fourteen months ago), then amended by it five months ago;
* the national **code of conduct**, adopted three years ago (it binds every unit);
* a national **standing policy** adopted two years ago and **rescinded** four months ago;
* Ashcombe Heights CLP adopting the outside body's definition **in full** (all its examples,
  where the national executive took only part of it) by a motion carried at a general meeting
  held earlier today (counted show of hands): its text is the outside document's, named by
  ``source``; it is not the national policy adopted as its own. Its page shows the national
  definition binding it beside the fuller one it adopted itself.

Every text here is invented for the demo; none is the wording of a real definition or code.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

DEFINITION_SOURCE = "The Lanthorn Institute's working definition of hostility (invented, 2019)"
DEFINITION = (
    "Hostility towards a people is a set of beliefs about that people which may be expressed as "
    "contempt or hatred of its members, in words, in images or in deeds.\n\n"
    "It may be directed at members of the people as individuals, at their property, at their "
    "places of gathering, or at the institutions that serve them.\n\n"
    "Examples, taking the whole context into account, include: holding every member of the "
    "people responsible for the acts of any one of them; using old caricatures or myths to "
    "describe them; denying the people's right to speak for itself.\n\n"
    "Further examples: comparing the people's present institutions with historic persecutors; "
    "requiring its members to state views on other countries' governments before they take "
    "part in public life.\n\n"
    "Criticism of any government of the same kind as that levelled at any other is not in "
    "itself hostility."
)
CODE_OF_CONDUCT = (
    "Members treat one another, and everyone they meet in the party's name, with courtesy "
    "and respect, online and offline.\n\n"
    "Members do not harass, bully or intimidate anyone, and do not abuse a position in the "
    "party to gain favour.\n\n"
    "Members raise a concern about another member's conduct through the complaints process, "
    "not in public."
)
RIVERS_POLICY = (
    "The party campaigns for every river in the country to be safe to swim in by 2030, and "
    "asks its units to support local river groups."
)


def _decide(unit: Any, staff: Any, day: datetime.date, **kwargs: Any) -> Any:
    from moot.policies.actions import do_record_national_decision

    return do_record_national_decision(
        unit,
        body="National executive committee",
        decision_date=day,
        acting_user=staff,
        **kwargs,
    )


def seed_policies(org: Any) -> dict[str, Any]:
    """Seed the register; returns the policies by name (for the banner and tests)."""
    staff = org.accounts["national_staff"]
    today = org.today
    national = org.national
    definition = _decide(
        national,
        staff,
        today - datetime.timedelta(days=425),
        action="adopt",
        kind="definition",
        title="Working definition of hostility",
        source=DEFINITION_SOURCE,
        extent="part",
        # In part: the national executive left out the "further examples" paragraph.
        text="\n\n".join(p for p in DEFINITION.split("\n\n") if not p.startswith("Further")),
        minute="minute 14.2",
    )
    _decide(
        national,
        staff,
        today - datetime.timedelta(days=150),
        action="amend",
        policy=definition.policy,
        base_version=definition,
        edits=[
            {
                "action": "insert",
                "line_from": 2,
                "text": "Hostility may also be expressed by omission: by excluding members "
                "of the people from the party's events on account of who they are.",
            }
        ],
        minute="minute 6.4",
    )
    code = _decide(
        national,
        staff,
        today - datetime.timedelta(days=3 * 365),
        action="adopt",
        kind="code_of_conduct",
        title="Code of conduct",
        text=CODE_OF_CONDUCT,
        minute="minute 3.1",
    )
    rivers = _decide(
        national,
        staff,
        today - datetime.timedelta(days=2 * 365),
        action="adopt",
        kind="standing_policy",
        title="Swimmable rivers by 2030",
        text=RIVERS_POLICY,
        minute="minute 9.7",
    )
    _decide(
        national,
        staff,
        today - datetime.timedelta(days=120),
        action="rescind",
        policy=rivers.policy,
        base_version=rivers,
        minute="minute 2.3 (superseded by the environment programme)",
    )
    adopted = _adopt_in_full_by_motion(org)
    return {
        "definition": definition.policy,
        "code_of_conduct": code.policy,
        "rivers": rivers.policy,
        "ashcombe_definition": adopted,
    }


def _adopt_in_full_by_motion(org: Any) -> Any:
    """Ashcombe Heights CLP's general meeting, held earlier today: a member's motion adopting
    the outside body's definition in full (``source`` only: not the national policy, which
    adopted it in part), carried on a counted show of hands (the version is made by the
    motion's carrying, as in any meeting)."""
    from moot.demo.seed import _ordinary_member
    from moot.meetings.actions import (
        do_check_in,
        do_close_meeting,
        do_create_meeting,
        do_start_meeting,
    )
    from moot.members.models import Member
    from moot.motions.actions import do_close_motion_vote, do_open_motion_vote
    from moot.policies.actions import table_policy_motion
    from moot.polls.actions import do_enter_teller_counts

    unit = org.constituencies["ashcombe-heights"]
    staff = org.accounts["national_staff"]
    now = timezone.now()
    starts = now - datetime.timedelta(hours=3)
    meeting = do_create_meeting(
        unit=unit,
        kind="general",
        title=f"General meeting of {unit.name}",
        starts_at=starts,
        location="Brindle Library, Station Road",
        notice_sent_on=org.today - datetime.timedelta(days=30),
        acting_user=staff,
        at=now - datetime.timedelta(days=30),
    )
    mover = _ordinary_member(unit, org.today, exclude=set())
    seconder = _ordinary_member(unit, org.today, exclude={mover})
    motion = table_policy_motion(
        meeting,
        action="adopt",
        kind="definition",
        title="Working definition of hostility (in full)",
        source=DEFINITION_SOURCE,
        extent="full",
        text=DEFINITION,
        motion_title="Adopting the working definition of hostility in full",
        motion_text=(
            f"{unit.name} adopts the Lanthorn Institute's working definition of hostility in "
            "full, with all its examples (the national executive adopted it in part)."
        ),
        mover=mover,
        seconder=seconder,
        tabled_on=org.today - datetime.timedelta(days=21),
        acting_user=staff,
    )
    present = list(
        Member.objects.filter(constituency=unit, status="active")
        .order_by("number")
        .values_list("pk", flat=True)[:24]
    )
    checked_in = 0
    for n, member in enumerate(Member.objects.filter(pk__in=present).order_by("number")):
        attendance = do_check_in(
            meeting, member, acting_user=staff, at=starts - datetime.timedelta(minutes=20 - n / 2)
        )
        checked_in += int(attendance.eligible)
    meeting = do_start_meeting(
        meeting, acting_user=staff, at=starts + datetime.timedelta(minutes=2)
    )
    motion = do_open_motion_vote(motion, voting="show_of_hands", acting_user=staff)
    yes = max(checked_in - 6, 1)
    poll = motion.poll
    if poll is None:  # do_open_motion_vote puts it to a poll or refuses
        raise RuntimeError("the demo's policy motion was not put to the vote")
    do_enter_teller_counts(poll, {"yes": yes, "no": 4, "abstain": 2}, acting_user=staff)
    motion = do_close_motion_vote(motion, acting_user=staff)
    do_close_meeting(meeting, acting_user=staff, at=now - datetime.timedelta(hours=1))
    version = motion.policy_proposal.result_version
    if version is None:  # the demo's own motion: carried, so its version exists
        raise RuntimeError(f"the demo's policy motion made no version: {motion.outcome_text}")
    return version.policy
