"""The motions of the demo AGM (called by ``moot.demo.agm.seed_agm``). Invented names only.

1. A branch's motion to affiliate to an outside campaign group: ruled competent before the
   meeting and left for the chair to put to a counted show of hands once the meeting is open
   (a vote at a meeting is taken only while it is in progress); if carried, the affiliation is
   created from the decision.
2. A member's motion about an individual's disciplinary case: the chair (who sees the private
   "likely not competent" note) rules it not competent, citing the clause, with reasons.
3. An affiliated union's policy motion with an amendment the mover accepted; left before the
   meeting for the chair to put to the vote live, with a second amendment still to be taken.

Everything goes through the real actions, so each step is in the audit trail.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

AFFILIATE_TO = "clean-rivers-now"
PROPOSING_UNION = "utdw"


def _present_voters(meeting: Any, org: Any) -> list[Any]:
    from moot.meetings.queries import present_eligible_member_ids
    from moot.members.models import Member

    officers = {m.pk for m in org.members.values()}
    ids = sorted(set(present_eligible_member_ids(meeting)) - officers)
    return list(Member.objects.filter(pk__in=ids[:6]).order_by("pk"))


def seed_demo(meeting: Any, org: Any) -> list[Any]:
    """Table, rule on and amend the demo AGM's motions (the votes are for the live meeting);
    return the motions."""
    from moot.demo.seed import SEED
    from moot.members.models import Member
    from moot.motions.actions import (
        do_accept_amendment,
        do_propose_amendment,
        do_rule_on_motion,
        do_table_motion,
    )
    from moot.motions.queries import lines_of, meeting_date

    chair_user = org.accounts["chair"]
    secretary_user = org.accounts["secretary"]
    item = meeting.items.filter(kind="motion").order_by("position").first()
    tabled_on = meeting_date(meeting) - datetime.timedelta(days=21)
    a, b, c, d, e, f = _present_voters(meeting, org)
    branch = org.branches[org.riverside.slug][0]

    # 1. Affiliation to an outside organisation.
    group = org.organisations[AFFILIATE_TO]
    affiliate = do_table_motion(
        meeting,
        title=f"Affiliation to {group.name}",
        text=(
            f"This party notes that {group.name} has campaigned for ten years to stop sewage "
            "discharges into the River Hollow, and that several of our members already volunteer "
            "with it.\n\n"
            f"This party resolves to affiliate to {group.name}, to pay the annual affiliation "
            "fee from the campaigns budget, and to invite the group to speak at a general "
            "meeting this year."
        ),
        proposer_kind="branch",
        proposer=branch,
        mover=a,
        seconder=b,
        affiliate_to=group,
        agenda_item=item,
        tabled_on=tabled_on,
        acting_user=secretary_user,
    )
    do_rule_on_motion(
        affiliate,
        decision="competent",
        clause="7.8.5",
        reasons=(
            "A constituency party may affiliate to a campaign group whose aims are consistent "
            "with the party's; the group is not proscribed by the rulebook in force."
        ),
        acting_user=chair_user,
    )
    # Put to the vote live: polls open only once the chair has opened the meeting.

    # 2. An individual's disciplinary case: not competent. The named member is one of the
    # register's members under a disciplinary process (their status is never shown here),
    # chosen (seeded) among those who did not come to the meeting, so the demo never ties the
    # name on this motion to a refusal at the door.
    at_door = meeting.attendances.filter(member__isnull=False).values_list("member_id", flat=True)
    suspended = list(
        Member.objects.filter(constituency=org.riverside, status="suspended")
        .exclude(pk__in=list(at_door))
        .order_by("number")
    )
    named = random.Random(SEED + 7).choice(suspended) if suspended else None
    name = named.full_name if named is not None else "a named member"
    disciplinary = do_table_motion(
        meeting,
        title=f"Support for {name}",
        text=(
            f"This meeting expresses its full confidence in {name}, a hard-working member of "
            "this party for many years.\n\n"
            f"This meeting calls on the national executive to drop the complaint against {name} "
            "and asks the secretary to write to the general secretary saying so."
        ),
        mover=c,
        seconder=d,
        agenda_item=item,
        tabled_on=tabled_on + datetime.timedelta(days=2),
        acting_user=secretary_user,
    )
    do_rule_on_motion(
        disciplinary,
        decision="not_competent",
        category="individual_disciplinary_case",
        reasons=(
            "The motion asks the meeting to take a view on a complaint about one named member. "
            "Individual disciplinary cases are dealt with by the national disciplinary process "
            "alone, in confidence; a unit may not discuss them or pass motions about them. The "
            "mover may write to national office directly."
        ),
        acting_user=chair_user,
    )

    # 3. An ordinary policy motion with an amendment accepted by the mover.
    union = org.organisations[PROPOSING_UNION]
    policy = do_table_motion(
        meeting,
        title="Safe routes to school",
        text=(
            "This meeting notes that only one primary school in the constituency has a "
            "protected cycle route, and that parents report near misses at the Hollow Road "
            "junction every week.\n\n"
            "This meeting resolves to ask the county council to build protected cycle routes to "
            "every school in the constituency within three years, and to report back to the "
            "next general meeting on the council's answer."
        ),
        proposer_kind="affiliate",
        proposer=union,
        mover=e,
        seconder=f,
        agenda_item=item,
        tabled_on=tabled_on + datetime.timedelta(days=3),
        acting_user=secretary_user,
    )
    lines = lines_of(policy)
    first_resolve = next(line.number for line in lines if line.text.startswith("This meeting res"))
    accepted = do_propose_amendment(
        policy,
        action="insert",
        line_from=first_resolve - 1,
        text=(
            "This meeting thanks the Hollow Road parents' group for the survey it carried out "
            "this autumn."
        ),
        mover=b,
        seconder=c,
        acting_user=secretary_user,
    )
    do_accept_amendment(accepted, acting_user=secretary_user)
    do_propose_amendment(
        policy,
        action="replace",
        line_from=len(lines),
        text=lines[-1].text.rstrip(".") + ", and to publish the answer on the party's website.",
        mover=d,
        acting_user=secretary_user,
    )
    return [affiliate, disciplinary, policy]
