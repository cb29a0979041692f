"""Reads of the member register: search, status history and eligibility."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from moot.clock import today
from moot.dates import long_date
from moot.members.models import Member, MembershipPeriod, MemberStatus, normalise_for_search
from moot.rows import instance_from_row

if TYPE_CHECKING:
    from moot import rulebook


def member_for_user(user_id: int | None) -> Member | None:
    """The membership record linked to the account ``user_id`` (only ``id``, ``number`` and
    ``user_id`` loaded; other fields load when read), else None.

    Plain SQL because the API's vote cast asks it on every request; the test suite checks it
    against the ORM."""
    if user_id is None:
        return None
    sql = f"SELECT id, number FROM {Member._meta.db_table} WHERE user_id = %s"  # noqa: S608 - fixed names
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    return instance_from_row(Member, {"id": row[0], "number": row[1], "user_id": user_id})


def status_history(member: Member) -> list[MembershipPeriod]:
    """The member's status intervals, oldest first."""
    return list(member.periods.order_by("start").select_related("recorded_by"))


def intervals_of(periods: Iterable[MembershipPeriod]) -> tuple[rulebook.StatusInterval, ...]:
    from moot import rulebook

    return tuple(rulebook.StatusInterval(p.status, p.start, p.end) for p in periods)


def member_belongs_to(member: Member, unit: Any) -> bool:
    """Whether the member is in ``unit``: its branch, its constituency party, or a unit above."""
    if unit.kind == "branch":
        return member.branch_id == unit.pk
    if unit.kind == "constituency":
        return member.constituency_id == unit.pk
    return member.constituency.path.startswith(unit.path)


def eligibility(
    member: Member,
    purpose: str,
    unit: Any = None,
    at: datetime.date | None = None,
    *,
    freeze_date: datetime.date | None = None,
) -> rulebook.Assessment:
    """May ``member`` take part in ``purpose`` (e.g. "meeting", "ballot") in ``unit`` on ``at``?

    Decided by the rulebook edition in force on ``at`` over the member's status intervals
    (paid-up, not suspended, continuous membership for the edition's number of weeks); the
    answer carries its reasons and clauses, e.g. "joined 5 weeks before the meeting; clause 7.2
    needs 8".
    """
    from moot import rulebook
    from moot.units.queries import edition_in_force

    at = at or today()
    history = intervals_of(member.periods.order_by("start"))
    in_unit = True if unit is None else member_belongs_to(member, unit)
    verdict = rulebook.assess_eligibility(
        edition_in_force(at), purpose, history, on=at, freeze_date=freeze_date, in_unit=in_unit
    )
    return with_backdating(member, verdict)


def with_backdating(member: Member, verdict: Any) -> Any:
    """An approval of a member whose membership was back-dated says so, with the office's
    reason and the register clause (rulebook [membership.register]): the weeks it counted were
    not all on the register."""
    if not member.backdate_reason or not verdict.allowed:
        return verdict
    import dataclasses

    from moot import rulebook
    from moot.units.queries import edition_in_force

    recorded = timezone.localtime(member.created_at).date()
    note = rulebook.Reason(
        f"membership counted from {long_date(member.joined_on)}, back-dated by the membership "
        f"office when it was recorded on {long_date(recorded)}: {member.backdate_reason}",
        edition_in_force().membership.register.clause,
    )
    return dataclasses.replace(verdict, reasons=(*verdict.reasons, note))


def assess_members(
    member_ids: Iterable[int],
    purpose: str,
    at: datetime.date,
    *,
    freeze_date: datetime.date | None = None,
) -> dict[int, rulebook.Assessment]:
    """Eligibility of many members at once: one query for all their intervals, then the pure
    rulebook function per member. All are taken to be in the unit asked about."""
    from moot import rulebook
    from moot.units.queries import edition_in_force

    edition = edition_in_force(at)
    by_member: dict[int, list[rulebook.StatusInterval]] = defaultdict(list)
    ids = list(member_ids)
    for chunk_start in range(0, len(ids), 20_000):
        chunk = ids[chunk_start : chunk_start + 20_000]
        rows = (
            MembershipPeriod.objects.filter(member_id__in=chunk)
            .order_by("member_id", "start")
            .values_list("member_id", "status", "start", "end")
        )
        for member_id, status, start, end in rows.iterator(chunk_size=10_000):
            by_member[member_id].append(rulebook.StatusInterval(status, start, end))
    return {
        member_id: rulebook.assess_eligibility(
            edition,
            purpose,
            tuple(by_member.get(member_id, ())),
            on=at,
            freeze_date=freeze_date,
            in_unit=True,
        )
        for member_id in ids
    }


def eligible_member_ids(
    unit: Any,
    purpose: str,
    at: datetime.date | None = None,
    *,
    freeze_date: datetime.date | None = None,
) -> set[int]:
    """Ids of the members of ``unit`` (and the units under it) eligible for ``purpose`` on
    ``at``. Used for quorum rolls, meeting check-in and electorates; two queries whatever the
    size of the unit."""
    from moot.units.queries import member_in_unit_q

    at = at or today()
    candidates = Member.objects.filter(member_in_unit_q(unit)).values_list("pk", flat=True)
    verdicts = assess_members(candidates, purpose, at, freeze_date=freeze_date)
    return {member_id for member_id, verdict in verdicts.items() if verdict.allowed}


def prefix_q(field: str, prefix: str) -> Q:
    """``field`` starts with ``prefix``, written so an ordinary B-tree index serves it.

    PostgreSQL: LIKE 'abc%' (Django adds a varchar_pattern_ops index beside db_index ones).
    SQLite: LIKE is case-insensitive there and ignores the index, so use the equivalent range
    ``field >= 'abc' AND field < 'abc\\U0010ffff'`` (the columns hold normalised text).
    """
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__startswith": prefix})
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "\U0010ffff"})


def search_q(q: str) -> Q:
    """A filter for the search box: member number, e-mail, or name ("ada", "ada ash",
    "ashwick", "ashwick ada"), each a prefix match over an indexed column."""
    text = q.strip()
    if not text:
        return Q()
    if "@" in text:
        return prefix_q("email", text.lower())
    upper = text.upper()
    condition = Q()
    if not upper.isascii():  # member numbers are ASCII; "¹".isdigit() is True
        upper = ""
    if upper[:1].isalpha() and upper[1:].isdigit() and len(upper) > 1:  # "M0001234", "M12"
        condition |= prefix_q("number", upper)
    elif upper.isdigit() and len(upper) <= 18:
        # Digits alone: the number without its letter and zeros ("1234" finds M0001234).
        condition |= Q(number=f"M{int(upper):07d}") | prefix_q("number", "M" + upper)
    name = normalise_for_search(text)
    if name:
        condition |= prefix_q("search_name", name) | prefix_q("search_name_reversed", name)
    return condition


def visible_members(user: Any) -> QuerySet[Member]:
    """The members ``user`` may see in lists (members.view_member over a queryset): everyone
    for national staff, auditors and superusers; the members of the units under any office
    the user holds; and always the user's own record."""
    from moot.members.access import member_scope_q

    return Member.objects.filter(member_scope_q(user))


def search_members(  # noqa: PLR0917 - the shared contract's signature
    user: Any,
    q: str = "",
    unit_id: int | None = None,
    status: str | None = None,
    eligible_for: str | None = None,
    at: datetime.date | None = None,
) -> QuerySet[Member]:
    """Members matching the filters, limited to what ``user`` may see, in name order.

    ``eligible_for`` (a purpose such as "meeting") keeps only members eligible on ``at``; it
    is computed by the rulebook per member, so narrow by unit or status first on big lists.
    """
    from moot.units.models import Unit
    from moot.units.queries import member_in_unit_q

    qs = visible_members(user).filter(search_q(q))
    if "@" in q:
        # Searching by e-mail is reading contact details: only among members whose contact the
        # user may see (a youth officer could otherwise spell out addresses by prefix).
        from moot.members.disclosure import with_contact_visible

        qs = with_contact_visible(user, qs)
    if unit_id:
        unit = Unit.objects.filter(pk=unit_id).first()
        if unit is None:
            return qs.none()
        qs = qs.filter(member_in_unit_q(unit))
    if status:
        if status not in MemberStatus.values:
            return qs.none()
        qs = qs.filter(status=status)
    if eligible_for:
        qs = qs.filter(pk__in=_eligible_ids_among(qs, eligible_for, at or today()))
    return qs.select_related("constituency", "branch").order_by("search_name", "id")


# The eligibility filter assesses each candidate in Python (the rules are data, not SQL), and
# passes the answer back as an id list; beyond this many candidates, narrow the list first.
MAX_ELIGIBILITY_CANDIDATES = 30_000


class ListTooLargeError(ValueError):
    pass


def _eligible_ids_among(qs: QuerySet[Member], purpose: str, at: datetime.date) -> list[int]:
    candidates = qs
    if at >= today():
        # Members expelled, resigned or lapsed now cannot be eligible today or later under
        # any edition (rights need membership), so they are not assessed.
        candidates = qs.exclude(
            status__in=(MemberStatus.EXPELLED, MemberStatus.RESIGNED, MemberStatus.LAPSED)
        )
    ids = list(candidates.values_list("pk", flat=True)[: MAX_ELIGIBILITY_CANDIDATES + 1])
    if len(ids) > MAX_ELIGIBILITY_CANDIDATES:
        raise ListTooLargeError(
            f"the eligibility filter can check up to {MAX_ELIGIBILITY_CANDIDATES:,} members at "
            "once; choose a unit or a status first"
        )
    verdicts = assess_members(ids, purpose, at)
    return [pk for pk, verdict in verdicts.items() if verdict.allowed]


def member_counts_by_status(queryset: QuerySet[Member]) -> dict[str, int]:
    from django.db.models import Count

    return dict(queryset.order_by().values_list("status").annotate(n=Count("id")))


def units_in_scope(user: Any) -> Any:
    """Units whose members the user may list: all for national roles, else the units under
    the user's offices and unit-limited staff roles (for the unit filter's choices)."""
    from django.db.models import Q

    from moot.accounts.roles import AUDITOR, NATIONAL_STAFF, roles_of
    from moot.units.models import Unit

    units = Unit.objects.exclude(kind="national").order_by("path")
    roleset = roles_of(user)
    if user.is_superuser or roleset.is_national(NATIONAL_STAFF) or roleset.is_national(AUDITOR):
        return units
    paths = {o.unit_path for o in roleset.offices}
    paths |= {s.unit_path for s in roleset.staff if s.role in (NATIONAL_STAFF, AUDITOR)}
    if "" in paths:
        return units
    scope = Q(pk__in=[])
    for path in paths:
        scope |= Q(path__startswith=path)
    return units.filter(scope)
