"""Reads about meetings: the rules in force, quorum, who is present and eligible, agendas,
lists. ``is_present_and_eligible`` and ``present_eligible_member_ids`` are what polls asks
before a member may vote at a meeting."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from moot.meetings.models import (
    AgendaItem,
    Apology,
    Attendance,
    Capacity,
    Meeting,
    MeetingState,
    Minutes,
    MinutesState,
)

if TYPE_CHECKING:
    from moot import rulebook


def edition_on(on: datetime.date) -> rulebook.Edition:
    """The rulebook edition in force on ``on``."""
    from moot.units.queries import edition_in_force

    return edition_in_force(on)


# The edition for the live quorum, kept a few seconds: the quorum panel is polled by every
# participant's page, and the edition in force on a date changes only when national staff
# adopt one (which clears this at once: see MeetingsConfig.ready).
EDITION_TTL_SECONDS = 10.0
_editions: dict[datetime.date, tuple[float, Any]] = {}


def forget_editions(**_signal: Any) -> None:
    _editions.clear()


def _edition_for_quorum(meeting: Meeting) -> rulebook.Edition:
    on = timezone.localdate(meeting.starts_at)
    now = time.monotonic()
    cached = _editions.get(on)
    if cached is not None and now - cached[0] < EDITION_TTL_SECONDS:
        return cached[1]
    edition = edition_on(on)
    if len(_editions) > 64:
        _editions.clear()
    _editions[on] = (now, edition)
    return edition


def edition_of(meeting: Meeting) -> rulebook.Edition:
    """The rulebook edition in force on the meeting date."""
    return edition_on(timezone.localdate(meeting.starts_at))


def meeting_kind_of(meeting: Meeting) -> Any:
    return edition_of(meeting).meeting_kind(meeting.kind)


def meeting_kinds_for(unit: Any, on: datetime.date | None = None) -> list[Any]:
    """The rulebook's meeting kinds a unit of this kind holds."""
    edition = edition_on(on or timezone.localdate())
    return [
        kind
        for kind in edition.meeting_kinds
        if not kind.unit_kinds or unit is None or unit.kind in kind.unit_kinds
    ]


# ---------------------------------------------------------------------------------------------
# Presence and quorum


def _present_q(at: datetime.datetime | None = None) -> Q:
    if at is None:
        return Q(left_at__isnull=True)
    return Q(checked_in_at__lte=at) & (Q(left_at__isnull=True) | Q(left_at__gt=at))


def _voters(meeting: Meeting, at: datetime.datetime | None = None) -> QuerySet[Attendance]:
    return Attendance.objects.filter(
        _present_q(at),
        meeting=meeting,
        capacity=Capacity.VOTER,
        eligible=True,
        member__isnull=False,
    )


def present_eligible_member_ids(meeting: Meeting) -> list[int]:
    """Members checked in as eligible voters and not recorded as having left."""
    return list(_voters(meeting).order_by("member_id").values_list("member_id", flat=True))


@dataclass(frozen=True)
class Why:
    text: str
    clause: str = ""


@dataclass(frozen=True)
class Verdict:
    """Whether a member may vote at the meeting now, with the reason (and clause) when not."""

    allowed: bool
    reasons: tuple[Why, ...] = ()

    @property
    def reason(self) -> str:
        return "; ".join(r.text for r in self.reasons)

    @property
    def clause(self) -> str:
        return next((r.clause for r in self.reasons if r.clause), "")


def _attendance_row(meeting_id: int, member_id: int) -> dict[str, Any] | None:
    """One member's attendance at one meeting, as ``is_present_and_eligible`` reads it.

    Plain SQL because every vote cast at a meeting asks this (2,000 voters in a minute at a
    large AGM), and building the ORM query costs three times what running it does; the test
    suite checks it against the ORM on SQLite and PostgreSQL."""
    sql = (
        "SELECT capacity, eligible, reason, clause, left_at IS NOT NULL "  # noqa: S608 - fixed names
        f"FROM {Attendance._meta.db_table} WHERE meeting_id = %s AND member_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [meeting_id, member_id])
        row = cursor.fetchone()
    if row is None:
        return None
    capacity, eligible, reason, clause, left = row
    return {
        "capacity": capacity,
        "eligible": bool(eligible),
        "reason": reason,
        "clause": clause,
        "left": bool(left),
    }


def is_present_and_eligible(meeting: Meeting, member: Any) -> Verdict:
    """May ``member`` vote at ``meeting`` now? Present (checked in, not left) as an eligible
    voter, at a meeting in progress. The refusal repeats the rulebook's reason from check-in."""
    if member is None:
        return Verdict(False, (Why("Your account is not linked to a membership record."),))
    row = _attendance_row(meeting.pk, member.pk)
    if row is None:
        return Verdict(
            False,
            (
                Why(
                    "You are not checked in at this meeting: check in with the meeting code or at "
                    "the door."
                ),
            ),
        )
    if row["left"]:
        return Verdict(False, (Why("You were recorded as having left the meeting."),))
    if row["capacity"] != Capacity.VOTER:
        return Verdict(False, (Why(f"You attend as {row['capacity']} and cannot vote."),))
    if not row["eligible"]:
        return Verdict(
            False, (Why(row["reason"] or "You are not eligible to vote.", row["clause"]),)
        )
    if meeting.state != MeetingState.OPEN:
        return Verdict(False, (Why("The meeting is not in progress."),))
    return Verdict(True)


def inquorate_refusal(meeting: Meeting, business: str) -> Why | None:
    """Why ``meeting`` may not take ``business`` (an agenda item kind: "motion", "election" …)
    now: it is inquorate and the rulebook does not let an inquorate meeting of its kind take
    that business. None when it may. Asked when the chair moves to an item and when a vote is
    opened (members may have left since the item began)."""
    from moot import rulebook

    state = quorum_state(meeting)
    if state.quorate:
        return None
    verdict = rulebook.check_inquorate_business(edition_of(meeting), meeting.kind, business)
    if verdict.allowed:
        return None
    reasons = tuple(verdict.reasons)
    text = "; ".join(r.text for r in reasons) or f"an inquorate meeting may not take {business}"
    members = "member" if state.present_eligible == 1 else "members"
    return Why(
        f"The meeting is not quorate ({state.present_eligible} eligible {members} present, "
        f"{state.required} needed): {text}.",
        next((r.clause for r in reasons if r.clause), state.clause),
    )


@dataclass(frozen=True)
class QuorumState:
    present_eligible: int
    eligible_total: int  # the eligible roll the quorum is measured against
    required: int
    quorate: bool
    text: str  # the rulebook's account, e.g. "5% of 1,874 eligible members, at least 5: 94"
    clause: str
    roll_on: datetime.date | None = None  # when the roll was counted
    refused: int = 0
    observers: int = 0
    guests: int = 0

    @property
    def shortfall(self) -> int:
        return max(0, self.required - self.present_eligible)


def eligible_roll(meeting: Meeting) -> tuple[int, datetime.date]:
    """The roll the quorum is measured against: counted when notice was sent (or when the
    meeting opened); until then, counted now as at the meeting date."""
    if meeting.eligible_roll is not None and meeting.eligible_roll_on is not None:
        return meeting.eligible_roll, meeting.eligible_roll_on
    from moot.members.queries import eligible_member_ids

    on = min(timezone.localdate(), timezone.localdate(meeting.starts_at))
    return len(eligible_member_ids(meeting.unit, "meeting", at=on)), on


def _quorum(meeting: Meeting, present: int, counts: dict[str, int]) -> QuorumState:
    from moot import rulebook

    roll, roll_on = eligible_roll(meeting)
    quorum = rulebook.quorum_for(_edition_for_quorum(meeting), meeting.kind, roll)
    return QuorumState(
        present_eligible=present,
        eligible_total=roll,
        required=quorum.required,
        quorate=present >= quorum.required,
        text=quorum.text,
        clause=quorum.clause,
        roll_on=roll_on,
        refused=counts.get("refused", 0),
        observers=counts.get("observers", 0),
        guests=counts.get("guests", 0),
    )


def quorum_state(meeting: Meeting) -> QuorumState:
    """The live quorum: eligible members present now against the number the rulebook requires.
    One aggregate query over attendance (plus the roll, stored once counted)."""
    counts = Attendance.objects.filter(meeting=meeting, left_at__isnull=True).aggregate(
        present=Count("id", filter=Q(capacity=Capacity.VOTER, eligible=True, member__isnull=False)),
        refused=Count("id", filter=Q(capacity=Capacity.VOTER, eligible=False)),
        observers=Count("id", filter=Q(capacity=Capacity.OBSERVER)),
        guests=Count("id", filter=Q(capacity=Capacity.GUEST)),
    )
    return _quorum(meeting, counts.pop("present"), counts)


def quorum_at(meeting: Meeting, moment: datetime.datetime) -> QuorumState:
    """The quorum as it stood at ``moment`` (e.g. when a vote opened), from the check-in and
    departure times: for minutes that state the quorum at each vote."""
    present = _voters(meeting, moment).count()
    return _quorum(meeting, present, {})


# ---------------------------------------------------------------------------------------------
# Agenda, attendance lists


def agenda(meeting: Meeting) -> list[AgendaItem]:
    return list(meeting.items.order_by("position"))


def current_item(meeting: Meeting) -> AgendaItem | None:
    if meeting.current_item_id is None:
        return None
    return AgendaItem.objects.filter(pk=meeting.current_item_id).first()


def attendance_of(meeting: Meeting) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(meeting=meeting)
        .select_related("member", "checked_in_by")
        .order_by("-checked_in_at", "-id")
    )


def attendance_of_member(meeting: Meeting, member: Any) -> Attendance | None:
    if member is None:
        return None
    return Attendance.objects.filter(meeting=meeting, member=member).first()


def check_in_candidates(meeting: Meeting, q: str, *, limit: int = 20) -> list[tuple[Any, Any]]:
    """Members of the meeting's unit matching ``q`` (name, member number or e-mail), each with
    their attendance at this meeting (or None), for the secretary's check-in search."""
    from moot.members.models import Member
    from moot.members.queries import search_q
    from moot.units.queries import member_in_unit_q

    text = q.strip()
    if len(text) < 2:
        return []
    members = list(
        Member.objects.filter(member_in_unit_q(meeting.unit))
        .filter(search_q(text))
        .select_related("branch")
        .order_by("search_name", "id")[:limit]
    )
    rows = {
        a.member_id: a
        for a in Attendance.objects.filter(meeting=meeting, member_id__in=[m.pk for m in members])
    }
    return [(member, rows.get(member.pk)) for member in members]


def attendance_counts(meeting: Meeting) -> dict[str, int]:
    """Figures for the minutes: everyone ever checked in, by what they were."""
    return Attendance.objects.filter(meeting=meeting).aggregate(
        voters=Count("id", filter=Q(capacity=Capacity.VOTER, eligible=True)),
        refused=Count("id", filter=Q(capacity=Capacity.VOTER, eligible=False)),
        observers=Count("id", filter=Q(capacity=Capacity.OBSERVER)),
        guests=Count("id", filter=Q(capacity=Capacity.GUEST)),
        left=Count("id", filter=Q(left_at__isnull=False)),
    )


# The chair's console warns before a meeting is opened more than this long before its time.
EARLY_OPENING_WARNING = datetime.timedelta(minutes=30)


def span_in_words(delta: datetime.timedelta) -> str:
    """ "9 hours 52 minutes", "1 hour", "25 minutes" (whole minutes; the sign is ignored)."""
    minutes = int(abs(delta).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'' if hours == 1 else 's'}")
    if minutes or not hours:
        parts.append(f"{minutes} minute{'' if minutes == 1 else 's'}")
    return " ".join(parts)


def opening_offset(meeting: Meeting) -> str:
    """How the opening stood to the time the meeting was called for, for the minutes: "",
    "9 hours 52 minutes before the time called" or "25 minutes after the time called"."""
    if meeting.opened_at is None:
        return ""
    delta = meeting.opened_at - meeting.starts_at
    if abs(delta) < datetime.timedelta(minutes=1):
        return ""
    side = "after" if delta > datetime.timedelta(0) else "before"
    return f"{span_in_words(delta)} {side} the time called"


def early_opening_warning(meeting: Meeting, now: datetime.datetime | None = None) -> str:
    """For the chair's console: the time left before the meeting's time, when opening now would
    be more than ``EARLY_OPENING_WARNING`` early ("" otherwise)."""
    if not meeting.is_scheduled:
        return ""
    ahead = meeting.starts_at - (now or timezone.now())
    return span_in_words(ahead) if ahead > EARLY_OPENING_WARNING else ""


def refusal_clauses(meeting: Meeting) -> list[tuple[str, int]]:
    """(clause, how many) for members refused a vote: the figures the minutes give."""
    rows = (
        Attendance.objects.filter(meeting=meeting, capacity=Capacity.VOTER, eligible=False)
        .values("clause")
        .annotate(n=Count("id"))
        .order_by("clause")
    )
    return [(r["clause"], r["n"]) for r in rows]


# ---------------------------------------------------------------------------------------------
# Lists


def schedulable_units(user: Any) -> QuerySet[Any]:
    """The units where the user may schedule a meeting (constituencies, branches, regions and
    the national party whose meetings they manage), in the tree's order."""
    from moot.units.models import Unit

    candidates = Unit.objects.filter(kind__in=("constituency", "branch", "region", "national"))
    ids = [u.pk for u in candidates if user.has_perm("meetings.manage_meeting", u)]
    return Unit.objects.filter(pk__in=ids).order_by("path")


def meetings_visible_to(user: Any, unit: Any = None) -> QuerySet[Meeting]:
    """Meetings the user may see (``meetings.view_meeting`` over a list): everything for
    national staff; the units under any office or unit-limited staff role the user holds; the
    member's own branch and constituency and the units above them; meetings they attended.
    Newest first; limited to ``unit`` when given."""
    from moot.accounts.roles import AUDITOR, MEMBER, NATIONAL_STAFF, roles_of
    from moot.members.models import Member

    roles = roles_of(user)
    qs = Meeting.objects.select_related("unit")
    if unit is not None:
        qs = qs.filter(unit=unit)
    if roles.user_id is None:
        return qs.none()
    if roles.is_superuser or roles.is_national(NATIONAL_STAFF) or roles.is_national(AUDITOR):
        return qs
    condition = Q(pk__in=[])
    for path in {o.unit_path for o in roles.offices} | {
        s.unit_path for s in roles.staff if s.role in {NATIONAL_STAFF, AUDITOR} and s.unit_path
    }:
        condition |= Q(unit__path__startswith=path)
    member = (
        Member.objects.select_related("constituency").filter(pk=roles.member_id).first()
        if roles.member_id is not None and MEMBER in roles
        else None
    )
    if member is not None:
        own = [pk for pk in (member.constituency_id, member.branch_id) if pk]
        if member.constituency_id:
            own += member.constituency.ancestor_ids()
        condition |= Q(unit_id__in=own)
        condition |= Q(pk__in=Attendance.objects.filter(member=member).values("meeting_id"))
    return qs.filter(condition)


def upcoming_and_recent(qs: QuerySet[Meeting]) -> tuple[list[Meeting], list[Meeting]]:
    today = timezone.localdate()
    start_of_today = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    upcoming = list(qs.filter(starts_at__gte=start_of_today).order_by("starts_at", "id")[:100])
    upcoming_ids = {m.pk for m in upcoming}
    recent = [m for m in qs.order_by("-starts_at", "-id")[:100] if m.pk not in upcoming_ids]
    return upcoming, recent


def minutes_awaiting_approval(meeting: Meeting) -> Minutes | None:
    """The unapproved minutes of the previous meeting of the same unit (approved at this one)."""
    previous = (
        Meeting.objects.filter(
            unit_id=meeting.unit_id,
            starts_at__lt=meeting.starts_at,
            state=MeetingState.CLOSED,
        )
        .order_by("-starts_at", "-id")
        .first()
    )
    if previous is None:
        return None
    return Minutes.objects.filter(meeting=previous, state=MinutesState.DRAFT).first()


def minutes_of(meeting: Meeting) -> Minutes | None:
    return Minutes.objects.filter(meeting=meeting).select_related("approved_at_meeting").first()


def apologies_of(meeting: Meeting) -> list[Apology]:
    """The apologies recorded for the meeting, by surname."""
    return list(
        Apology.objects.filter(meeting=meeting)
        .select_related("member", "recorded_by")
        .order_by("member__last_name", "member__first_name", "id")
    )


def apology_of(meeting: Meeting, member: Any) -> Apology | None:
    if member is None:
        return None
    return Apology.objects.filter(meeting=meeting, member=member).first()
