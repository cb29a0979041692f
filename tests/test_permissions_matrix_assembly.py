"""The permission matrix for the assembly apps: every page and API endpoint of meetings,
motions, polls and elections × every role, reads and writes, allowed and refused.

The world is ``accounts.world`` (Riverside CLP: a member, the North branch's secretary, the
CLP's chair and secretary, national, complaints and audit staff, a superuser, an account with
no membership) plus a member of another CLP with an account ("stranger"), and, at Riverside:

* an AGM in progress (quorate; the chair and secretary named; the member checked in; a recent
  joiner refused a vote at the door, whose name stays in the register);
* motion 1 tabled by the member and naming a member under a disciplinary process (the chair's
  private "likely not competent" flag), with an amendment by the branch secretary;
* motion 2 ruled not competent by the chair;
* a draft, an open and a closed (counted) secret poll at the meeting;
* an election to treasurer taking nominations: one awaiting its seconder (the secretary), one
  refused by the rulebook with its reason;
* a general meeting held earlier today, closed, with its draft minutes (the recent joiner was
  refused a vote at its door too: the minutes count such refusals, never name them).

Every cell runs in a savepoint that is rolled back, so one role's write never changes what the
next role meets. Writes POST with a valid CSRF token (the client enforces CSRF checks), so a
refusal is the permission's, never the token's. A refused write must write nothing (no audit
event; for a cast, no participation). An allowed write marked ``writes`` must write its audit
event; the others (``gate``) only have to pass the permission check (the action may then refuse
for the state of things, e.g. 409 "nominations are still open").

Besides the status, every GET response of every role is searched for five secrets, each allowed
only to some: the chair's disciplinary flag and its mark on the list of motions (the chair and
national staff), a nominee's refusal reason (those who may see the nominee's sensitive record),
the name of the person refused at the door (those who run the door) and the meeting's self
check-in code (the same).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.world import ROLES as WORLD_ROLES
from accounts.world import World, build_world
from factories import MemberFactory, UserFactory

# The world's roles plus a member of another CLP with an account.
ROLES = (*WORLD_ROLES[:3], "stranger", *WORLD_ROLES[3:])
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
NOBODY: frozenset[str] = frozenset()
# meetings.list_meetings: a membership record or a staff role.
LISTERS = SIGNED_IN - {"outsider"}
# manage_meeting / check_in / manage_poll / manage_motion / manage_election at Riverside: the
# CLP's chair and secretary (also the meeting's), national staff, superusers.
MANAGERS = frozenset({"chair", "secretary", "national_staff", "admin"})
# view_meeting / view_poll / view_motion / view_election: managers and members of Riverside.
VIEWERS = MANAGERS | {"member", "branch_secretary"}
# ... and the auditor, read-only everywhere (issue 9 item 6): meetings, motions, votes, results,
# elections and minutes; no write, no withheld motion's text, no link of a ballot to a voter.
READERS = VIEWERS | {"auditor"}
# manage_meeting with no unit ("may schedule somewhere"): any chair, vice-chair or secretary.
SCHEDULERS = MANAGERS | {"branch_secretary"}
# rule_on_motion: the meeting's chair and national staff. A superuser passes the permission (as
# every has_perm) but the ruling itself is refused: only the chair or national office rules.
RULERS = frozenset({"chair", "national_staff"})
RULE_PAGE = RULERS | {"admin"}
# Who may enter this nomination (nominee: the chair; nominator: the member; seconder: the
# secretary): managers (a paper nomination) and members nominating in their own name.
NOMINATORS = MANAGERS | {"member", "secretary"}

# The secrets and who may see them.
FLAG = "Likely not competent"
REFUSAL = "Refusal-reason-7f3a: joined too recently"
DOOR_NAME = "Marchetti-Voss"
FLAG_SEERS = frozenset({"chair", "national_staff"})  # not the superuser: the predicate itself
REFUSAL_SEERS = frozenset({"chair", "secretary", "national_staff", "admin"})
DOOR_KEEPERS = MANAGERS

CSRF = "pErMiSsIoNmAtRiXcSrFtOkEn0123456"  # 32 characters of the allowed alphabet


@dataclass
class Assembly:
    world: World
    meeting: Any  # in progress
    past: Any  # closed earlier today, with draft minutes
    item: Any
    flagged: Any
    ruled: Any
    ruling: Any
    plain: Any  # tabled by the member, no amendments: ready to be put to the vote
    amendment: Any
    attendance: Any  # the member's
    poll_draft: Any
    poll_open: Any
    poll_closed: Any
    election: Any
    awaiting: Any  # nomination awaiting its seconder
    refused: Any  # nomination refused by the rulebook
    vice_chair: Any  # a post with no election yet
    numbers: dict[str, str] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.meeting.check_in_code


def _at(hour: int, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def build_assembly() -> Assembly:
    from moot.elections.actions import do_create_election, do_nominate
    from moot.elections.models import Nomination
    from moot.meetings.actions import (
        do_add_agenda_item,
        do_check_in,
        do_close_meeting,
        do_create_meeting,
        do_draft_minutes,
        do_start_meeting,
    )
    from moot.meetings.queries import forget_editions, quorum_state
    from moot.motions.actions import do_propose_amendment, do_rule_on_motion, do_table_motion
    from moot.polls.actions import do_cast_ballot, do_close_poll, do_create_poll, do_open_poll
    from moot.units.actions import create_posts_for_unit
    from moot.units.models import Post
    from moot.units.queries import edition_in_force

    forget_editions()
    world = build_world()
    stranger = world.members["stranger"]
    stranger.user = UserFactory(email="stranger@example.org")
    stranger.save(update_fields=["user"])
    world.users["stranger"] = stranger.user
    members, users = world.members, world.users
    chair, secretary = users["chair"], users["secretary"]
    today = timezone.localdate()
    notice = today - datetime.timedelta(days=30)

    def meeting_of(kind: str, starts_at: datetime.datetime) -> Any:
        return do_create_meeting(
            unit=world.riverside,
            kind=kind,
            starts_at=starts_at,
            location="Hollow Community Hall",
            notice_sent_on=notice,
            chair=members["chair"],
            secretary=members["secretary"],
            acting_user=secretary,
        )

    # Refused a vote at the door of both meetings: the register names them, the minutes only
    # count them.
    newcomer = MemberFactory(
        constituency=world.riverside,
        branch=world.north,
        first_name="Quenby",
        last_name=DOOR_NAME,
        joined_weeks_ago=2,
    )
    past = meeting_of("general", _at(0, 1))
    assert not do_check_in(past, newcomer, acting_user=secretary).eligible
    past = do_start_meeting(past, acting_user=chair)
    past = do_close_meeting(past, acting_user=chair)
    do_draft_minutes(past, acting_user=secretary)

    meeting = meeting_of("agm", _at(19))
    item = do_add_agenda_item(meeting, kind="motion", title="Motions", acting_user=secretary)
    do_add_agenda_item(meeting, kind="report", title="Treasurer's report", acting_user=secretary)
    present: list[Any] = []
    while (shortfall := quorum_state(meeting).shortfall) > 0:
        for _ in range(shortfall):
            person = MemberFactory(
                constituency=world.riverside, branch=world.north, with_account=True
            )
            do_check_in(meeting, person, acting_user=secretary)
            present.append(person)
    attendance = do_check_in(meeting, members["member"], acting_user=secretary)
    assert not do_check_in(meeting, newcomer, acting_user=secretary).eligible
    meeting = do_start_meeting(meeting, acting_user=chair)

    MemberFactory(
        constituency=world.riverside,
        first_name="Zoe",
        last_name="Obrien-Hart",
        suspended=True,
        status_weeks_ago=2,
    )
    tabled_on = today - datetime.timedelta(days=20)
    flagged = do_table_motion(
        meeting,
        title="Solidarity",
        text="This meeting supports Zoe Obrien-Hart and calls for her reinstatement.",
        mover=members["member"],
        seconder=members["branch_secretary"],
        tabled_on=tabled_on,
        acting_user=users["member"],
    )
    amendment = do_propose_amendment(
        flagged,
        action="insert",
        line_from=1,
        text="It thanks the North branch for its work.",
        mover=members["branch_secretary"],
        acting_user=users["branch_secretary"],
    )
    ruled = do_table_motion(
        meeting,
        title="A named member's case",
        text="This meeting resolves to ask for a named member to be expelled.",
        mover=members["member"],
        seconder=members["branch_secretary"],
        tabled_on=tabled_on,
        acting_user=users["member"],
    )
    ruling = do_rule_on_motion(
        ruled,
        decision="not_competent",
        # Not a confidential category: a confidential ruling is not open to challenge at all
        # (tests/security/test_confidential_business.py), and this matrix tests who may challenge.
        category="reserved_to_national_bodies",
        reasons="Individual cases are for the national disciplinary process.",
        acting_user=chair,
    )

    plain = do_table_motion(
        meeting,
        title="Evening buses",
        text="This meeting resolves to campaign for evening bus services.",
        mover=members["member"],
        seconder=members["branch_secretary"],
        tabled_on=tabled_on,
        acting_user=users["member"],
    )

    def poll(title: str) -> Any:
        return do_create_poll(
            title=title,
            kind="procedural",
            method="yes-no",
            unit=world.riverside,
            meeting=meeting,
            agenda_item=item,
            acting_user=chair,
        )

    poll_draft = poll("To take the report now")
    poll_open = do_open_poll(poll("To extend the meeting"), acting_user=chair)
    poll_closed = do_open_poll(poll("To hear the speaker"), acting_user=chair)
    do_cast_ballot(poll_closed, members["member"], "yes", acting_user=users["member"])
    # Enough voters that the secret ballot's figures are shown (rulebook [polls]
    # secret_minimum_voters): the matrix is about who may read them, not about secrecy.
    minimum = edition_in_force().polls.minimum_voters
    assert len(present) >= minimum - 1
    for person in present[: minimum - 1]:
        do_cast_ballot(poll_closed, person, "no", acting_user=person.user)
    poll_closed = do_close_poll(poll_closed, acting_user=chair)

    create_posts_for_unit(world.riverside, edition_in_force())
    election = do_create_election(
        post=Post.objects.get(unit=world.riverside, slug="treasurer"),
        method="irv",
        nominations_open_on=today - datetime.timedelta(days=5),
        nominations_close_on=today + datetime.timedelta(days=10),
        election_date=today + datetime.timedelta(days=30),
        acting_user=users["national_staff"],
    )
    awaiting = do_nominate(
        election,
        nominee=members["branch_secretary"],
        nominator=members["member"],
        seconder=members["secretary"],
        acting_user=users["member"],
    )
    # The state a vote's opening leaves behind (_still_standing): set up, not exercised here.
    refused = Nomination.objects.create(
        election=election,
        nominee=world.target,
        nominator=members["member"],
        seconder=members["branch_secretary"],
        nominated_on=today,
        seconded=True,
        state="refused",
        refusal=REFUSAL,
        refusal_clause="7.2",
        created_by=users["national_staff"],
    )
    numbers = {role: m.number for role, m in members.items()}
    return Assembly(
        world=world,
        meeting=meeting,
        past=past,
        item=item,
        flagged=flagged,
        ruled=ruled,
        ruling=ruling,
        plain=plain,
        amendment=amendment,
        attendance=attendance,
        poll_draft=poll_draft,
        poll_open=poll_open,
        poll_closed=poll_closed,
        election=election,
        awaiting=awaiting,
        refused=refused,
        vice_chair=Post.objects.get(unit=world.riverside, slug="vice-chair"),
        numbers=numbers,
    )


# ---------------------------------------------------------------------------------------------
# Cases


@dataclass(frozen=True)
class Case:
    name: str
    path: Callable[[Assembly], str]
    allowed: frozenset[str]
    api: bool = False
    method: str = "get"
    data: Callable[[Assembly], dict[str, Any]] | None = None
    writes: bool = False  # an allowed POST must write its audit event
    # A refusal may come from the action after the permission check (a message and a redirect,
    # or the form again): the signed-in refused roles must then only have written nothing.
    soft: bool = False
    ok: frozenset[int] = frozenset({200, 201})  # an allowed read's answers
    written: Callable[[], int] | None = None  # what a write adds to (default: audit events)


def url(name: str, *args: Callable[[Assembly], Any], query: str = "") -> Callable[[Assembly], str]:
    def build(a: Assembly) -> str:
        return reverse(name, args=[arg(a) for arg in args]) + query

    return build


def api(template: str) -> Callable[[Assembly], str]:
    """``template`` with {m} (meeting), {f} (flagged motion), {am} (amendment), {ru} (ruling),
    {pd}/{po}/{pc} (draft/open/closed poll), {e} (election), {n} (awaiting nomination)."""

    def build(a: Assembly) -> str:
        return "/api" + template.format(
            m=a.meeting.pk,
            f=a.flagged.pk,
            p=a.plain.pk,
            am=a.amendment.pk,
            ru=a.ruling.pk,
            pd=a.poll_draft.pk,
            po=a.poll_open.pk,
            pc=a.poll_closed.pk,
            e=a.election.pk,
            n=a.awaiting.pk,
        )

    return build


def get(name: str, path: Any, allowed: frozenset[str], **kw: Any) -> Case:
    return Case(name, path, allowed, api=name.startswith("GET /api"), **kw)


def post(name: str, path: Any, allowed: frozenset[str], data: Any = None, **kw: Any) -> Case:
    return Case(
        name,
        path,
        allowed,
        api=name.startswith("POST /api"),
        method="post",
        data=data or (lambda a: {}),
        **kw,
    )


def meeting(a: Assembly) -> int:
    return a.meeting.pk


def past(a: Assembly) -> int:
    return a.past.pk


def flagged(a: Assembly) -> int:
    return a.flagged.pk


def participations() -> int:
    from moot.polls.models import Participation

    return Participation.objects.count()


def _later(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


AMENDMENT = {"action": "insert", "line_from": 1, "text": "And the South branch."}


def plain(a: Assembly) -> int:
    return a.plain.pk


MEETING_PAGES = [
    get("meetings:list", url("meetings:list"), LISTERS),
    get("meetings:schedule", url("meetings:schedule"), SCHEDULERS),
    post(
        "meetings:schedule POST (at Riverside)",
        url("meetings:schedule"),
        MANAGERS,
        lambda a: {
            "unit": a.world.riverside.pk,
            "kind": "general",
            "title": "Extra general meeting",
            "date": _later(60),
            "time": "19:00",
            "attendance_mode": "in_person",
            "location": "Hall",
            "secretary_number": a.numbers["secretary"],
        },
        writes=True,
        soft=True,  # the branch secretary schedules, but only for North: Riverside is not offered
    ),
    get("meetings:detail", url("meetings:detail", meeting), READERS),
    # The meeting has started: past the permission check, managers are sent back to its page.
    get("meetings:edit", url("meetings:edit", meeting), MANAGERS, ok=frozenset({302})),
    post(
        "meetings:edit POST",
        url("meetings:edit", meeting),
        MANAGERS,
        lambda a: {"title": "Renamed", "date": timezone.localdate().isoformat(), "time": "19:00"},
    ),
    get("meetings:live", url("meetings:live", meeting), READERS),
    get("meetings:quorum", url("meetings:quorum", meeting), READERS),
    get("meetings:ics", url("meetings:ics", meeting), READERS),
    post("meetings:send_notice", url("meetings:send_notice", meeting), MANAGERS),
    get("meetings:agenda", url("meetings:agenda", meeting), MANAGERS),
    post(
        "meetings:agenda POST (add an item)",
        url("meetings:agenda", meeting),
        MANAGERS,
        lambda a: {"kind": "any_other_business", "title": "Any other business"},
        writes=True,
    ),
    get("meetings:edit_item", url("meetings:edit_item", lambda a: a.item.pk), MANAGERS),
    post(
        "meetings:edit_item POST (a report's text)",
        url("meetings:edit_item", lambda a: a.item.pk),
        MANAGERS,
        lambda a: {"title": "Reports", "body": "The year in brief."},
        writes=True,
    ),
    post(
        "meetings:move_item",
        url("meetings:move_item", lambda a: a.item.pk),
        MANAGERS,
        lambda a: {"direction": "down"},
    ),
    post("meetings:remove_item", url("meetings:remove_item", lambda a: a.item.pk), MANAGERS),
    get("meetings:chair", url("meetings:chair", meeting), MANAGERS),
    post(
        "meetings:chair_move (set the item)",
        url("meetings:chair_move", meeting),
        MANAGERS,
        lambda a: {"move": "set", "item": a.item.pk},
        writes=True,
    ),
    post(
        "meetings:chair_move (close the meeting)",
        url("meetings:chair_move", meeting),
        MANAGERS,
        lambda a: {"move": "close"},
    ),
    get("meetings:end", url("meetings:end", meeting), MANAGERS),
    post(
        "meetings:end (adjourn; refused while a vote is open)",
        url("meetings:end", meeting),
        MANAGERS,
        lambda a: {"choice": "adjourn", "reason": "The hall closes."},
    ),
    post("meetings:resume", url("meetings:resume", meeting), MANAGERS),
    get("meetings:hand_over", url("meetings:hand_over", meeting), MANAGERS),
    post(
        "meetings:hand_over (to the member; the action then asks for a current item)",
        url("meetings:hand_over", meeting),
        MANAGERS,
        lambda a: {"member": a.world.members["member"].number},
    ),
    post("meetings:hand_back", url("meetings:hand_back", meeting), MANAGERS),
    get("meetings:check_in", url("meetings:check_in", meeting), MANAGERS),
    get("meetings:qr", url("meetings:qr", meeting), MANAGERS),
    post(
        "meetings:check_in_member (someone else)",
        url("meetings:check_in_member", meeting),
        MANAGERS,
        lambda a: {"member": a.world.members["branch_secretary"].pk, "capacity": "voter"},
        writes=True,
    ),
    post(
        "meetings:check_in_guest",
        url("meetings:check_in_guest", meeting),
        MANAGERS,
        lambda a: {"guest_name": "Visiting speaker", "capacity": "guest"},
        writes=True,
    ),
    post(
        "meetings:check_out (someone else)",
        url("meetings:check_out", lambda a: a.attendance.pk),
        MANAGERS,
        writes=True,
    ),
    get("meetings:join", url("meetings:join", meeting), READERS),
    post(
        "meetings:join POST (self check-in with the code)",
        url("meetings:join", meeting),
        READERS,
        lambda a: {"code": a.code},
    ),
    # The register the minutes cite: the auditor reads it (read-only), as the minutes.
    get("meetings:attendance", url("meetings:attendance", meeting), DOOR_KEEPERS | {"auditor"}),
    get(
        "meetings:attendance_csv",
        url("meetings:attendance_csv", meeting),
        DOOR_KEEPERS | {"auditor"},
    ),
    get("meetings:projector", url("meetings:projector", meeting), READERS),
    get("meetings:projector_fragment", url("meetings:projector_fragment", meeting), READERS),
    get("meetings:apologies", url("meetings:apologies", meeting), READERS),
    post(
        "meetings:apologies POST (record a member's)",
        url("meetings:apologies", meeting),
        MANAGERS,
        lambda a: {"member": a.numbers["branch_secretary"]},
        writes=True,
    ),
    get("meetings:minutes (draft)", url("meetings:minutes", past), READERS),
    get("meetings:minutes_pdf (draft)", url("meetings:minutes_pdf", past), READERS),
    post("meetings:draft_minutes (redraft)", url("meetings:draft_minutes", past), MANAGERS),
    get("meetings:edit_minutes", url("meetings:edit_minutes", past), MANAGERS),
    post(
        "meetings:edit_minutes POST",
        url("meetings:edit_minutes", past),
        MANAGERS,
        lambda a: {"note": "typo"},
    ),
    post(
        "meetings:approve_minutes",
        url("meetings:approve_minutes", meeting),
        MANAGERS,
        lambda a: {"minutes": a.past.minutes.pk},
    ),
]

MEETING_API = [
    get("GET /api/meetings/", api("/meetings/"), LISTERS),
    post(
        "POST /api/meetings/",
        api("/meetings/"),
        MANAGERS,
        lambda a: {
            "unit": "riverside",
            "kind": "general",
            "starts_at": f"{_later(60)}T19:00Z",
            "location": "Hollow Community Hall",
        },
        writes=True,
    ),
    get("GET /api/meetings/{id}", api("/meetings/{m}"), READERS),
    get("GET /api/meetings/{id}/agenda", api("/meetings/{m}/agenda"), READERS),
    post(
        "POST /api/meetings/{id}/agenda",
        api("/meetings/{m}/agenda"),
        MANAGERS,
        lambda a: {"kind": "any_other_business", "title": "AOB"},
        writes=True,
    ),
    Case(
        "PUT /api/meetings/{id}/agenda/{item}",
        lambda a: f"/api/meetings/{a.meeting.pk}/agenda/{a.item.pk}",
        MANAGERS,
        api=True,
        method="put",
        data=lambda a: {"title": "Motions", "body": "The motions received, in order."},
        writes=True,
    ),
    post(
        "POST /api/meetings/{id}/current",
        api("/meetings/{m}/current"),
        MANAGERS,
        lambda a: {"item": a.item.pk},
        writes=True,
    ),
    post(
        "POST /api/meetings/{id}/check-in (someone else)",
        api("/meetings/{m}/check-in"),
        MANAGERS,
        lambda a: {"member": a.numbers["branch_secretary"]},
        writes=True,
    ),
    post(
        "POST /api/meetings/{id}/check-in (self, with the code)",
        api("/meetings/{m}/check-in"),
        READERS,
        lambda a: {"code": a.code},
    ),
    get("GET /api/meetings/{id}/quorum", api("/meetings/{m}/quorum"), READERS),
    get("GET /api/meetings/{id}/apologies", api("/meetings/{m}/apologies"), READERS),
    post(
        "POST /api/meetings/{id}/apologies (record a member's)",
        api("/meetings/{m}/apologies"),
        MANAGERS,
        # Not a role's own number: with it, a member sends their own (refused once started).
        lambda a: {"member": a.numbers["target"]},
        writes=True,
    ),
]

MOTION_PAGES = [
    get("motions:index", url("motions:index"), SIGNED_IN),
    get("motions:meeting", url("motions:meeting", meeting), READERS),
    get("motions:table", url("motions:table", meeting), VIEWERS),
    post(
        "motions:table POST",
        url("motions:table", meeting),
        VIEWERS,
        lambda a: {
            "title": "Bus routes",
            "text": "This meeting resolves to campaign for evening buses.",
            "proposer_kind": "member",
            "mover": a.numbers["chair"],
            "seconder": a.numbers["secretary"],
        },
    ),
    get("motions:composite", url("motions:composite", meeting), MANAGERS),
    post(
        "motions:composite POST",
        url("motions:composite", meeting),
        MANAGERS,
        lambda a: {
            "motions": [a.plain.pk, a.flagged.pk],
            "title": "Buses and solidarity",
            "text": "This meeting resolves to campaign for evening buses.",
            "mover": a.numbers["member"],
            "seconder": a.numbers["branch_secretary"],
        },
    ),
    # The flagged motion names a member suspended pending investigation: it is held until the
    # chair rules, and complaints staff over the unit read it too (each read logged).
    get("motions:detail (flagged)", url("motions:detail", flagged), READERS | {"complaints_staff"}),
    # Ruled not competent (a matter reserved to national bodies: not confidential).
    get("motions:detail (ruled)", url("motions:detail", lambda a: a.ruled.pk), READERS),
    get("motions:rule", url("motions:rule", flagged), RULE_PAGE),
    post(
        "motions:rule POST",
        url("motions:rule", flagged),
        RULERS,
        lambda a: {
            "decision": "not_competent",
            "category": "individual_disciplinary_case",
            "reasons": "Individual cases are for the national process.",
        },
        writes=True,
        soft=True,  # the superuser: "Only national staff can rule for national office."
    ),
    get("motions:amend", url("motions:amend", plain), VIEWERS),
    post(
        "motions:amend POST",
        url("motions:amend", plain),
        VIEWERS,
        lambda a: {**AMENDMENT, "mover": a.numbers["member"]},
        writes=True,
    ),
    post(
        "motions:open_vote",
        url("motions:open_vote", plain),
        MANAGERS,
        lambda a: {"vote-voting": "show_of_hands"},
        writes=True,
    ),
    post("motions:close_vote", url("motions:close_vote", plain), MANAGERS),
    post("motions:record_outcome", url("motions:record_outcome", plain), MANAGERS),
    post("motions:forward", url("motions:forward", plain), MANAGERS),
    post(
        "motions:withdraw",
        url("motions:withdraw", plain),
        MANAGERS | {"member"},  # the mover
        lambda a: {"reason": "overtaken by events"},
        writes=True,
    ),
    post(
        "motions:remit",
        url("motions:remit", plain),
        MANAGERS,
        lambda a: {"to": "the executive committee"},
        writes=True,
    ),
    post(
        "motions:accept (amendment)",
        url("motions:accept", lambda a: a.amendment.pk),
        MANAGERS | {"member"},  # the motion's mover
        writes=True,
    ),
    post(
        "motions:withdraw_amendment",
        url("motions:withdraw_amendment", lambda a: a.amendment.pk),
        MANAGERS | {"branch_secretary"},  # the amendment's mover
        writes=True,
    ),
    post(
        "motions:amendment_vote",
        url("motions:amendment_vote", lambda a: a.amendment.pk),
        MANAGERS,
        lambda a: {"vote-voting": "show_of_hands"},
    ),
    post(
        "motions:close_amendment_vote",
        url("motions:close_amendment_vote", lambda a: a.amendment.pk),
        MANAGERS,
    ),
    post(
        "motions:challenge (the ruling)",
        url("motions:challenge", lambda a: a.ruling.pk),
        MANAGERS,
        lambda a: {"challenge-voting": "show_of_hands"},
        writes=True,
    ),
    post(
        "motions:close_challenge",
        url("motions:close_challenge", lambda a: a.ruling.pk),
        MANAGERS,
    ),
    get("motions:received", url("motions:received", lambda a: a.world.riverside.pk), VIEWERS),
]

MOTION_API = [
    get("GET /api/motions/", api("/motions/"), SIGNED_IN),
    get("GET /api/motions/?meeting=", api("/motions/?meeting={m}"), READERS),
    get("GET /api/motions/{id}", api("/motions/{f}"), READERS | {"complaints_staff"}),
    post(
        "POST /api/motions/",
        api("/motions/"),
        VIEWERS,
        lambda a: {
            "meeting": a.meeting.pk,
            "title": "Bus routes",
            "text": "This meeting resolves to campaign for evening buses.",
            "mover": a.numbers["chair"],
            "seconder": a.numbers["secretary"],
        },
    ),
    post(
        "POST /api/motions/{id}/rulings",
        api("/motions/{f}/rulings"),
        RULERS,
        lambda a: {
            "decision": "not_competent",
            "category": "individual_disciplinary_case",
            "reasons": "Individual cases are for the national process.",
        },
        writes=True,
        soft=True,  # the superuser: "Only national staff can rule for national office."
    ),
    post(
        "POST /api/motions/rulings/{id}/challenge",
        api("/motions/rulings/{ru}/challenge"),
        MANAGERS,
        lambda a: {"voting": "show_of_hands"},
        writes=True,
    ),
    post(
        "POST /api/motions/rulings/{id}/challenge/close",
        api("/motions/rulings/{ru}/challenge/close"),
        MANAGERS,
    ),
    post(
        "POST /api/motions/{id}/amendments",
        api("/motions/{f}/amendments"),
        VIEWERS,
        lambda a: {**AMENDMENT, "mover": a.numbers["member"]},
        writes=True,
    ),
    post(
        "POST /api/motions/amendments/{id}/accept",
        api("/motions/amendments/{am}/accept"),
        MANAGERS | {"member"},
        writes=True,
    ),
    post(
        "POST /api/motions/{id}/vote",
        api("/motions/{p}/vote"),
        MANAGERS,
        lambda a: {"voting": "show_of_hands"},
        writes=True,
    ),
    post("POST /api/motions/{id}/vote/close", api("/motions/{p}/vote/close"), MANAGERS),
    post("POST /api/motions/{id}/forward", api("/motions/{p}/forward"), MANAGERS),
]


def poll_open(a: Assembly) -> int:
    return a.poll_open.pk


def poll_closed(a: Assembly) -> int:
    return a.poll_closed.pk


POLL_PAGES = [
    get("polls:list", url("polls:list"), SIGNED_IN),
    get("polls:detail (open)", url("polls:detail", poll_open), READERS),
    get("polls:detail (closed)", url("polls:detail", poll_closed), READERS),
    get("polls:vote", url("polls:vote", poll_open), READERS),
    post(
        "polls:vote POST (cast)",
        url("polls:vote", poll_open),
        frozenset({"member"}),  # the one present and eligible voter with an account
        lambda a: {"choice": "yes"},
        writes=True,
        soft=True,  # who may see the poll but not vote is told why on the ballot page
        written=participations,
    ),
    # 286: htmx stops polling (the poll is open).
    get("polls:vote_status", url("polls:vote_status", poll_open), READERS, ok=frozenset({286})),
    get("polls:voted", url("polls:voted", poll_open), READERS),
    get("polls:turnout", url("polls:turnout", poll_open), READERS),
    post("polls:open", url("polls:open", lambda a: a.poll_draft.pk), MANAGERS, writes=True),
    post("polls:close", url("polls:close", poll_open), MANAGERS, writes=True),
    post("polls:tellers", url("polls:tellers", poll_open), MANAGERS),
    get("polls:projector", url("polls:projector", poll_open), READERS),
    get("polls:projector_fragment", url("polls:projector_fragment", poll_open), READERS),
    get("polls:chart (closed)", url("polls:chart", poll_closed), READERS),
    get("polls:chart (open: hidden)", url("polls:chart", poll_open), NOBODY),
    get("polls:download (closed)", url("polls:download", poll_closed), READERS),
    get(
        "polls:download csv (closed)",
        url("polls:download", poll_closed, query="?format=csv"),
        READERS,
    ),
    get("polls:download (open: hidden)", url("polls:download", poll_open), NOBODY),
    get("polls:papers", url("polls:papers", poll_open, query="?count=2"), MANAGERS),
]

POLL_API = [
    get("GET /api/polls/", api("/polls/"), SIGNED_IN),
    get("GET /api/polls/{id} (open)", api("/polls/{po}"), READERS),
    post("POST /api/polls/{id}/open", api("/polls/{pd}/open"), MANAGERS, writes=True),
    post("POST /api/polls/{id}/close", api("/polls/{po}/close"), MANAGERS, writes=True),
    post(
        "POST /api/polls/{id}/cast",
        api("/polls/{po}/cast"),
        frozenset({"member"}),
        lambda a: {"choice": "yes"},
        writes=True,
        written=participations,
    ),
    get("GET /api/polls/{id}/result (open: hidden)", api("/polls/{po}/result"), NOBODY),
    get("GET /api/polls/{id}/result (closed)", api("/polls/{pc}/result"), READERS),
]


def election(a: Assembly) -> int:
    return a.election.pk


def awaiting(a: Assembly) -> int:
    return a.awaiting.pk


def new_election(a: Assembly) -> dict[str, Any]:
    return {
        "post": a.vice_chair.pk,
        "method": "irv",
        "seats": 1,
        "election_date": _later(30),
        "nominations_open_on": _later(0),
        "nominations_close_on": _later(10),
        "statement_limit": 1500,
    }


ELECTION_PAGES = [
    get("elections:list", url("elections:list"), SIGNED_IN),
    get(
        "elections:create",
        lambda a: reverse("elections:create") + f"?unit={a.world.riverside.pk}",
        MANAGERS,
    ),
    post(
        "elections:create POST",
        lambda a: reverse("elections:create") + f"?unit={a.world.riverside.pk}",
        MANAGERS,
        lambda a: {"unit": a.world.riverside.pk, **new_election(a)},
        writes=True,
    ),
    get("elections:detail", url("elections:detail", election), READERS),
    get("elections:ballot", url("elections:ballot", election), READERS),
    get("elections:ballot_status", url("elections:ballot_status", election), READERS),
    # The count's constraints only after the close (this vote has not even opened).
    get("elections:constraints (hidden)", url("elections:constraints", election), NOBODY),
    get("elections:nominate", url("elections:nominate", election), VIEWERS),
    post(
        "elections:nominate POST (in one's own name)",
        url("elections:nominate", election),
        NOMINATORS,
        lambda a: {
            "nominee": a.numbers["chair"],
            "nominator": a.numbers["member"],
            "seconder": a.numbers["secretary"],
        },
        writes=True,
        soft=True,  # a member may nominate only in their own name (the action says so)
    ),
    post("elections:open", url("elections:open", election), MANAGERS),
    post("elections:close", url("elections:close", election), MANAGERS),
    post("elections:declare", url("elections:declare", election), MANAGERS),
    get(
        "elections:nomination (awaiting)",
        url("elections:nomination", awaiting),
        MANAGERS | {"branch_secretary"},  # the nominee; the seconder is the secretary
    ),
    get(
        "elections:nomination (refused)",
        url("elections:nomination", lambda a: a.refused.pk),
        MANAGERS | {"branch_secretary"},  # the seconder
    ),
    post(
        "elections:nomination POST (consent)",
        url("elections:nomination", awaiting),
        frozenset({"branch_secretary"}),  # the nominee: nobody consents for them
        lambda a: {"answer": "accept", "statement": "I will keep the books."},
        writes=True,
        soft=True,
    ),
    post(
        "elections:second",
        url("elections:second", awaiting),
        frozenset({"secretary", "admin"}),  # the seconder (and a superuser)
        writes=True,
        soft=True,
    ),
    post(
        "elections:withdraw",
        url("elections:withdraw", awaiting),
        MANAGERS | {"branch_secretary"},  # the nominee, or a manager with the authority
        lambda a: {"reason": "the nominee's letter"},
        writes=True,
        soft=True,
    ),
]

ELECTION_API = [
    get("GET /api/elections/", api("/elections/"), SIGNED_IN),
    post(
        "POST /api/elections/",
        api("/elections/"),
        MANAGERS,
        lambda a: {**new_election(a), "post": a.vice_chair.pk},
        writes=True,
    ),
    get("GET /api/elections/{id}", api("/elections/{e}"), READERS),
    get("GET /api/elections/{id}/nominations", api("/elections/{e}/nominations"), READERS),
    post(
        "POST /api/elections/{id}/nominations",
        api("/elections/{e}/nominations"),
        NOMINATORS,
        lambda a: {
            "nominee": a.numbers["chair"],
            "nominator": a.numbers["member"],
            "seconder": a.numbers["secretary"],
        },
        writes=True,
        soft=True,  # the branch secretary is neither the nominator nor the seconder
    ),
    post(
        "POST /api/elections/nominations/{id}/second",
        api("/elections/nominations/{n}/second"),
        frozenset({"secretary", "admin"}),
        writes=True,
        soft=True,
    ),
    post(
        "POST /api/elections/nominations/{id}/consent",
        api("/elections/nominations/{n}/consent"),
        frozenset({"branch_secretary"}),
        lambda a: {"accept": True, "statement": "I will keep the books."},
        writes=True,
        soft=True,
    ),
    post("POST /api/elections/{id}/open", api("/elections/{e}/open"), MANAGERS),
    post("POST /api/elections/{id}/close", api("/elections/{e}/close"), MANAGERS),
    get(
        "GET /api/elections/{id}/result (no vote yet)",
        api("/elections/{e}/result"),
        READERS,
        ok=frozenset({409}),
    ),
    post("POST /api/elections/{id}/declare", api("/elections/{e}/declare"), MANAGERS),
]

GROUPS = {
    "meeting pages": MEETING_PAGES,
    "meetings API": MEETING_API,
    "motion pages": MOTION_PAGES,
    "motions API": MOTION_API,
    "poll pages": POLL_PAGES,
    "polls API": POLL_API,
    "election pages": ELECTION_PAGES,
    "elections API": ELECTION_API,
}


# ---------------------------------------------------------------------------------------------
# Running a cell


def clients(a: Assembly) -> dict[str, Client]:
    """One client per role, signed in (outside any cell's savepoint), enforcing CSRF."""
    out = {}
    for role in ROLES:
        client = Client(enforce_csrf_checks=True)
        client.cookies["csrftoken"] = CSRF
        if role != "anonymous":
            client.force_login(a.world.users[role])
        out[role] = client
    return out


def call(case: Case, a: Assembly, client: Client) -> Any:
    path = case.path(a)
    if case.method == "get":
        return client.get(path)
    data = case.data(a) if case.data else {}
    if case.api:
        return client.generic(
            case.method.upper(),
            path,
            json.dumps(data),
            content_type="application/json",
            headers={"X-CSRFToken": CSRF},
        )
    return client.post(path, data={**data, "csrfmiddlewaretoken": CSRF})


def audit_count() -> int:
    from moot.audit.models import AuditEvent

    return AuditEvent.objects.count()


def is_refusal(case: Case, role: str, response: Any) -> bool:
    status = response.status_code
    if role == "anonymous":
        if case.api:
            return status == 401
        return status == 302 and reverse("account_login") in response["Location"]
    return status in (403, 404)


def verdict(case: Case, role: str, response: Any, written: int) -> str:
    status = response.status_code
    if status >= 500:
        return f"error {status}"
    if case.method == "get":
        if status in case.ok and role != "anonymous":
            return "allowed"
        return "refused" if is_refusal(case, role, response) else f"unexpected {status}"
    # a write
    if written:
        return "allowed" if status < 400 or status in (200, 201) else f"wrote, then {status}"
    if is_refusal(case, role, response):
        return "refused"
    if case.writes and role in case.allowed:
        return f"wrote nothing ({status})"
    if case.soft and role not in case.allowed and role != "anonymous":
        return "refused"  # refused by the action, with its reason, and nothing written
    if status in (200, 201, 302, 400, 409, 422):
        return "allowed"  # past the permission check; the action may refuse for the state
    return f"unexpected {status}"


SECRETS: list[tuple[str, Callable[[Assembly], str], frozenset[str]]] = [
    ("the chair's disciplinary flag", lambda a: FLAG, FLAG_SEERS),
    ("the chair's note on the list of motions", lambda a: "Note for the chair", FLAG_SEERS),
    ("a nominee's refusal reason", lambda a: REFUSAL, REFUSAL_SEERS),
    # The attendance register names them; the auditor reads it (read-only), as the minutes.
    (
        "the name of the person refused at the door",
        lambda a: DOOR_NAME,
        DOOR_KEEPERS | {"auditor"},
    ),
    ("the self check-in code", lambda a: a.code, DOOR_KEEPERS),
]


def leaks(a: Assembly, role: str, response: Any) -> list[str]:
    kind = response.get("Content-Type", "")
    if response.status_code != 200 or not kind.startswith(("text/", "application/json")):
        return []
    body = response.content.decode()
    return [what for what, secret, seers in SECRETS if role not in seers and secret(a) in body]


@contextmanager
def rolled_back() -> Iterator[None]:
    """A block whose writes are rolled back at its end, so that every role meets the assembly
    as built. It is marked as the test's own, as Django's TestCase marks the transaction around
    each test: the outermost actions are ``durable`` (they refuse to run inside a caller's
    transaction) and must run inside it as they run inside the test's."""
    atomic = transaction.atomic()
    atomic._from_testcase = True  # Django's own flag for a test's transaction (TestCase)
    with atomic:
        yield
        transaction.set_rollback(True)


def run_cases(cases: list[Case]) -> list[str]:
    a = build_assembly()
    signed = clients(a)
    wrong = []
    for case in cases:
        for role in ROLES:
            count = case.written or audit_count
            with rolled_back():
                before = count()
                response = call(case, a, signed[role])
                written = count() - before
            expected = "allowed" if role in case.allowed else "refused"
            got = verdict(case, role, response, written)
            if got != expected:
                wrong.append(f"{case.name} / {role}: expected {expected}, got {got}")
            if case.method == "get":
                for what in leaks(a, role, response):
                    wrong.append(f"{case.name} / {role}: shows {what}")
    return wrong


@pytest.mark.parametrize("group", list(GROUPS), ids=list(GROUPS))
def test_assembly_permission_matrix(group: str, db: Any) -> None:
    wrong = run_cases(GROUPS[group])
    assert not wrong, f"{group}:\n  " + "\n  ".join(wrong)


def test_a_superuser_cannot_consent_for_a_nominee(db: Any) -> None:
    """Consent is the nominee's own act. A superuser passes every ``has_perm``, and the action
    then looked for the superuser among the nominee and partner and failed (500) — now it is
    refused like anyone else who is not the nominee, and nothing changes."""
    a = build_assembly()
    admin = clients(a)["admin"]
    before = audit_count()
    api_case = next(c for c in ELECTION_API if c.name.endswith("/consent"))
    response = call(api_case, a, admin)
    assert response.status_code == 403
    assert "Only the nominee" in response.json()["detail"]
    page_case = next(c for c in ELECTION_PAGES if c.name.endswith("(consent)"))
    response = call(page_case, a, admin)
    assert response.status_code == 200
    assert "Only the nominee" in response.content.decode()
    a.awaiting.refresh_from_db()
    assert a.awaiting.nominee_consent is None
    assert audit_count() == before


def test_the_secrets_are_shown_to_those_who_may_see_them(db: Any) -> None:
    """The leak search above would pass vacuously if a secret were shown to nobody: each one is
    on the page of someone who may see it."""
    a = build_assembly()
    signed = clients(a)
    shown = {
        FLAG: ("chair", reverse("motions:detail", args=[a.flagged.pk])),
        "Note for the chair": ("national_staff", reverse("motions:meeting", args=[a.meeting.pk])),
        REFUSAL: ("secretary", reverse("elections:detail", args=[a.election.pk])),
        DOOR_NAME: ("secretary", reverse("meetings:attendance", args=[a.meeting.pk])),
        a.code: ("secretary", reverse("meetings:check_in", args=[a.meeting.pk])),
    }
    for secret, (role, path) in shown.items():
        response = signed[role].get(path)
        assert response.status_code == 200
        assert secret in response.content.decode(), (secret, role, path)
    # The draft minutes, which every member may read, count the refusal at the door without
    # the name (the leak search checks the name).
    minutes = signed["member"].get(reverse("meetings:minutes", args=[a.past.pk]))
    assert "1 member was not admitted as a voter" in minutes.content.decode()
    # Held until the chair rules: the chair reads it (logged) with the flag; national staff do not.
    assert signed["national_staff"].get(f"/api/motions/{a.flagged.pk}").json()["chair_flags"] == []
    flags = signed["chair"].get(f"/api/motions/{a.flagged.pk}").json()["chair_flags"]
    assert [flag["clause"] for flag in flags] == ["15.6.1"]
    assert signed["member"].get(f"/api/motions/{a.flagged.pk}").json()["chair_flags"] == []


@pytest.mark.parametrize(
    ("role", "sees_why"),
    [("member", False), ("branch_secretary", False), ("secretary", True), ("national_staff", True)],
)
def test_why_a_nominee_may_not_stand_is_told_only_to_who_may_see_their_record(
    role: str, sees_why: bool, db: Any
) -> None:
    """Nominating someone the rulebook does not let stand (the target joined 3 weeks ago):
    the reason is given to those who may see the nominee's record (the CLP's officers,
    national staff), and withheld from a member and from the North branch's secretary (the
    nominee is in the South branch)."""
    a = build_assembly()
    client = clients(a)[role]
    # A member nominates in their own name; the officers enter a paper nomination.
    nominator = role if role in ("member", "branch_secretary") else "member"
    response = call(
        Case(
            "nominate the target",
            api("/elections/{e}/nominations"),
            NOBODY,
            api=True,
            method="post",
            data=lambda a: {
                "nominee": a.world.target.number,
                "nominator": a.numbers[nominator],
                "seconder": a.numbers["chair"],
            },
        ),
        a,
        client,
    )
    # The rulebook does not let the nominee stand: "ineligible", 403, to whoever may see the
    # record; anyone else gets the answer of a number nobody has (422, "no member who may …").
    expected = (403, "ineligible") if sees_why else (422, "invalid")
    assert (response.status_code, response.json()["code"]) == expected
    detail = response.json()["detail"]
    # Named to who may see the record; by the number typed to anyone else (finding 5).
    assert (a.world.target.full_name in detail) is sees_why, detail
    assert a.world.target.number in detail or sees_why, detail
    assert ("weeks" in detail) is sees_why, detail
    assert ("No member who may" in detail) is not sees_why, detail


@pytest.mark.parametrize("group", list(GROUPS), ids=list(GROUPS))
def test_a_get_to_a_write_writes_nothing(group: str, db: Any) -> None:
    """Every write answers GET (whoever asks) without writing: 405 for the POST-only ones, the
    form for the others, a list where the same path lists."""
    a = build_assembly()
    signed = clients(a)
    wrong = []
    for case in (c for c in GROUPS[group] if c.method == "post"):
        for role in ROLES:
            count = case.written or audit_count
            with rolled_back():
                before = count()
                response = signed[role].get(case.path(a))
                written = count() - before
            if written or response.status_code >= 500:
                wrong.append(f"GET {case.name} / {role}: {response.status_code}, wrote {written}")
    assert not wrong, f"{group}:\n  " + "\n  ".join(wrong)


@pytest.mark.parametrize("how", ["page", "api"])
def test_checking_in_a_member_of_another_unit_does_not_reveal_their_standing(
    how: str, db: Any
) -> None:
    """Riverside's secretary may not see the record of a member of Elsewhere CLP. Checking such
    a member in at the door (by number through the API, by id through the page) used to answer
    and record the rulebook's every reason: "suspended pending investigation since …". By the
    number on their card (the API) the vote is refused because they are not a member of the
    unit, and that is all the door learns. The page checks in only whom its search offers (the
    unit's members): any other id is the 404 of an id that does not exist, so posting ids no
    longer tells the door whose they are (the flash message named them, whatever their unit)."""
    a = build_assembly()
    far = MemberFactory(
        constituency=a.world.elsewhere, branch=a.world.east, suspended=True, status_weeks_ago=3
    )
    secretary = a.world.users["secretary"]
    assert not secretary.has_perm("members.view_member", far)
    client = clients(a)["secretary"]
    if how == "api":
        response = client.post(
            f"/api/meetings/{a.meeting.pk}/check-in",
            data={"member": far.number},
            content_type="application/json",
            headers={"X-CSRFToken": CSRF},
        )
        assert response.status_code == 201
        answer = response.content.decode()
    else:
        url = reverse("meetings:check_in_member", args=[a.meeting.pk])
        answers = [
            client.post(url, data={"member": pk, "capacity": "voter", "csrfmiddlewaretoken": CSRF})
            for pk in (far.pk, 99_999_999)
        ]
        assert [r.status_code for r in answers] == [404, 404]
        assert far.last_name not in answers[0].content.decode()
        from moot.meetings.models import Attendance

        assert not Attendance.objects.filter(meeting=a.meeting, member=far).exists()
        return
    register = client.get(reverse("meetings:attendance", args=[a.meeting.pk])).content.decode()
    csv = client.get(reverse("meetings:attendance_csv", args=[a.meeting.pk])).content.decode()
    for text in (answer, register, csv):
        assert "not a member of the unit" in text
        assert "suspended" not in text.lower()
        assert "investigation" not in text.lower()


def test_the_door_still_learns_why_a_member_of_the_unit_may_not_vote(db: Any) -> None:
    """The keepers of the door see the standing of the unit's own members (they may see their
    records): a suspended member of Riverside is refused with the rulebook's reason."""
    a = build_assembly()
    near = MemberFactory(
        constituency=a.world.riverside, branch=a.world.north, suspended=True, status_weeks_ago=3
    )
    response = clients(a)["secretary"].post(
        f"/api/meetings/{a.meeting.pk}/check-in",
        data={"member": near.number},
        content_type="application/json",
        headers={"X-CSRFToken": CSRF},
    )
    assert response.status_code == 201
    assert response.json()["reason"].startswith("suspended")


def _suspended_member_of_riverside(a: Assembly) -> Any:
    return MemberFactory(
        constituency=a.world.riverside,
        branch=a.world.south,
        first_name="Ottoline",
        last_name="Brackenbury",
        suspended=True,
        status_weeks_ago=3,
    )


@pytest.mark.parametrize(
    ("role", "sees_why"),
    [("member", False), ("branch_secretary", False), ("secretary", True), ("national_staff", True)],
)
def test_naming_a_seconder_who_may_not_take_part_says_why_only_to_who_may_see_their_record(
    role: str, sees_why: bool, db: Any
) -> None:
    """A motion names its seconder by membership number. When the rulebook does not let that
    member take part (here: suspended pending investigation), the reason is told to those who
    may see their record; a member (or the North branch's secretary, the seconder being in the
    South branch) is told only that the rulebook does not allow it — typing numbers into the
    form must not tell anyone who is under a disciplinary process. The same for an amendment,
    a composite and for the nominator or seconder of a nomination."""
    from moot.meetings.actions import do_create_meeting

    a = build_assembly()
    suspended = _suspended_member_of_riverside(a)
    client = clients(a)[role]
    # A member tables a motion in their own name (motions.check_tabled_by).
    mover = a.numbers[role] if role in a.numbers else a.numbers["member"]
    later = do_create_meeting(  # still taking motions
        unit=a.world.riverside,
        kind="general",
        starts_at=timezone.now() + datetime.timedelta(days=60),
        location="Hollow Community Hall",
        acting_user=a.world.users["secretary"],
    )
    attempts = [
        (
            "/api/motions/",
            {
                "meeting": later.pk,
                "title": "Bus routes",
                "text": "This meeting resolves to campaign for evening buses.",
                "mover": mover,
                "seconder": suspended.number,
            },
        ),
        (
            f"/api/motions/{a.flagged.pk}/amendments",
            {**AMENDMENT, "mover": mover, "seconder": suspended.number},
        ),
        (
            f"/api/elections/{a.election.pk}/nominations",
            {
                "nominee": a.numbers["chair"],
                "nominator": a.numbers[role] if role in a.numbers else a.numbers["member"],
                "seconder": suspended.number,
            },
        ),
    ]
    for path, data in attempts:
        response = client.post(
            path, data=data, content_type="application/json", headers={"X-CSRFToken": CSRF}
        )
        # Told why: "ineligible", 403. Not told: the answer of a number nobody has (422, "no
        # member who may …"), so typing numbers does not reveal who is suspended.
        expected = (403, "ineligible") if sees_why else (422, "invalid")
        assert (response.status_code, response.json()["code"]) == expected, (path, response.content)
        detail = response.json()["detail"]
        assert ("No member who may" in detail) is not sees_why, (path, detail)
        assert (suspended.full_name in detail) is sees_why, detail
        for secret in ("suspended", "since"):
            assert (secret in detail.lower()) is sees_why, (path, detail)
        # Even those told why read the neutral standing, nothing of a case (members.disclosure).
        assert "investigation" not in detail.lower(), (path, detail)
