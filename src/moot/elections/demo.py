"""The officer elections of the demo AGM (called by ``moot.demo.agm.seed_agm``). Invented
people only: every candidate, nominator and seconder is a fictional member of the demo
register.

1. **Chair** — contested, three candidates (the outgoing chair, who is the demo chair account,
   and two other members), first past the post. Nominations closed a fortnight ago; the vote
   is ready to open at the meeting: the chair signs in, starts the meeting, takes the
   election item and, as a candidate, hands the chair to the vice-chair (the demo vice-chair
   account, the returning officer), who opens the vote; a member votes on a phone (after
   checking in with the meeting code); the vice-chair closes the vote and declares (a
   candidate opens, closes or declares none of it). If a man wins while only two of
   the first six posts would be held by women, the declaration elects the highest-placed woman
   instead and says why (rulebook clause 7.7.2).
2. **Secretary** — a job share: the outgoing secretary (the demo secretary account) and a
   second member stand jointly, unopposed; the vice-chair (or the chair, who does not stand in
   it) declares them elected without a vote.
3. **Political education and policy officer** — contested, three candidates, exhaustive
   ballot (counted as an instant run-off), ready to open after the chair's election.

Every candidate has consented and written a statement; each step goes through the real
actions, so the nominations, consents and (later) the votes and declarations are in the audit
trail.
"""

from __future__ import annotations

import datetime
from typing import Any

NOMINATIONS_OPEN_DAYS_BEFORE = 42
NOMINATIONS_CLOSE_DAYS_BEFORE = 14  # the preset's nomination deadline for an AGM
NOMINATED_DAYS_BEFORE = 21

STATEMENTS = {
    "chair-outgoing": (
        "I have chaired Riverside & Hollow for a year: we doubled our canvassing sessions and "
        "every general meeting now starts on time and ends with a vote, not a shrug.\n\n"
        "If you re-elect me I will keep meetings short, publish every decision within a week, "
        "and rotate our meetings between Lockside and Ferrybridge so nobody has two buses home."
    ),
    "chair-a": (
        "I run the Weir Fields tenants' association and have organised our street stalls for "
        "three years. I want a chair who puts campaigning first: one action day a month, and "
        "a welcome call to every new member within a fortnight of joining."
    ),
    "chair-b": (
        "Thirty years a member, a school governor and a former branch secretary. I will chair "
        "fairly, keep to the standing orders and make sure the quieter voices in the room are "
        "heard before the loudest ones."
    ),
    "secretary": (
        "We stand together as joint secretaries: one of us keeps the papers and the minutes, "
        "the other the correspondence with branches and affiliates. Two people means nothing "
        "waits for a holiday or a night shift."
    ),
    "policy-a": (
        "Our policy forums should start from what members see on the doorstep. I will hold "
        "one open policy evening each quarter and bring its conclusions to the General "
        "Meeting as motions."
    ),
    "policy-b": (
        "I teach economics at Hollow College and would like to run a reading group and a "
        "series of short talks on local government finance, so that our budget motions are "
        "better informed."
    ),
    "policy-c": (
        "Housing is the question every member raises. I will gather our members' evidence on "
        "private renting in the constituency and turn it into a submission to the council."
    ),
}


def _make_account(member: Any, admin: Any) -> Any:
    """A sign-in for a demo candidate (no usable password: the demo accounts are the chair,
    secretary and member), linked through the real action."""
    from moot.accounts.models import User
    from moot.members.actions import do_link_account

    if member.user_id:
        return member.user
    email = f"candidate.{member.number.lower()}@example.org"
    user = User(
        username=email, email=email, first_name=member.first_name, last_name=member.last_name
    )
    user.set_unusable_password()
    user.save()
    do_link_account(member, user, acting_user=admin)
    member.refresh_from_db()
    return user


def _pool(org: Any, today: datetime.date) -> dict[str, list[Any]]:
    """Long-standing active members of the constituency who hold no office (and are not the
    demo member), women and others, in a fixed order."""
    from moot.members.models import Member
    from moot.units.models import OfficeHolding

    holders = set(
        OfficeHolding.objects.filter(post__unit=org.riverside, end__isnull=True).values_list(
            "member_id", flat=True
        )
    )
    skip = holders | {m.pk for m in org.members.values()}
    members = (
        Member.objects.filter(
            constituency=org.riverside,
            status="active",
            joined_on__lte=today - datetime.timedelta(days=3 * 365),
        )
        .exclude(pk__in=skip)
        .order_by("number")
    )
    women = [m for m in members if m.gender == "woman"]
    others = [m for m in members if m.gender != "woman"]
    return {"women": women, "others": others}


def seed_demo(meeting: Any, org: Any) -> list[Any]:
    """Set up the AGM's three officer elections with consented nominations and statements;
    return the elections (chair, secretary, policy officer)."""
    from moot.elections.actions import do_answer_nomination, do_create_election, do_nominate
    from moot.units.models import Post

    secretary_user = org.accounts["secretary"]
    admin = org.accounts.get("admin", secretary_user)
    from django.utils import timezone

    day = timezone.localdate(meeting.starts_at)
    item = meeting.items.filter(kind="election").order_by("position").first()
    pool = _pool(org, day)
    women, others = pool["women"], pool["others"]
    # Nominators and seconders: more long-standing members, taken from the end of the pool.
    backers = (women[-8:] + others[-8:])[::-1]

    def election(slug: str, method: str) -> Any:
        return do_create_election(
            post=Post.objects.get(unit=org.riverside, slug=slug),
            meeting=meeting,
            agenda_item=item,
            method=method,
            nominations_open_on=day - datetime.timedelta(days=NOMINATIONS_OPEN_DAYS_BEFORE),
            nominations_close_on=day - datetime.timedelta(days=NOMINATIONS_CLOSE_DAYS_BEFORE),
            # The vice-chair stands in none of them (the chair and the secretary do): the
            # vice-chair takes the chair for the elections and opens, closes and declares them.
            returning_officer=org.accounts.get("vice-chair", secretary_user),
            acting_user=secretary_user,
        )

    def stand(target: Any, nominee: Any, statement_key: str, *, partner: Any = None) -> Any:
        nominator, seconder = backers.pop(), backers.pop()
        nomination = do_nominate(
            target,
            nominee=nominee,
            partner=partner,
            nominator=nominator,
            seconder=seconder,
            on=day - datetime.timedelta(days=NOMINATED_DAYS_BEFORE),
            acting_user=secretary_user,
        )
        for person in nomination.people():
            nomination = do_answer_nomination(
                nomination,
                accept=True,
                statement=STATEMENTS[statement_key],
                acting_user=_make_account(person, admin),
            )
        return nomination

    chair = election("chair", "plurality")
    stand(chair, org.members["chair"], "chair-outgoing")
    stand(chair, others[0], "chair-a")
    stand(chair, women[0], "chair-b")

    secretary = election("secretary", "irv")
    stand(secretary, org.members["secretary"], "secretary", partner=women[1])

    policy = election("policy-officer", "irv")
    stand(policy, women[2], "policy-a")
    stand(policy, others[1], "policy-b")
    stand(policy, others[2], "policy-c")
    return [chair, secretary, policy]
