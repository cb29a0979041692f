"""Reads of ballots for the definition and officers pages: the list of ballots, the units a
person may call a ballot of (with the rulebook's presets for each), a ballot's timetable as
steps, its versions and its officers. Each other topic keeps its reads in its own
``queries_<topic>.py``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from moot.ballots.models import Ballot, BallotState, BallotVersion, Teller

# The order of the states, to tell what is done, what is now and what is to come.
STATE_ORDER = [s.value for s in BallotState]


def ballots_list() -> QuerySet[Ballot]:
    """Every ballot, newest first, with its unit (a ballot is public)."""
    return Ballot.objects.select_related("unit").order_by("-created_at", "-id")


def reached(ballot: Ballot, state: str) -> bool:
    """Whether ``ballot`` has reached ``state`` (or gone past it)."""
    return STATE_ORDER.index(ballot.state) >= STATE_ORDER.index(state)


@dataclass(frozen=True)
class Callable:
    """A unit the person may call a ballot of, with the presets for its kind."""

    unit: Any
    presets: tuple[Any, ...]
    clause: str


def units_to_call(user: Any) -> list[Callable]:
    """The units whose members ``user`` may ballot under the rulebook in force, with the
    presets for each (units of kinds with no preset are left out: there is nothing to start
    from)."""
    from moot.accounts.roles import NATIONAL_STAFF, roles_of
    from moot.ballots.permissions import may_call
    from moot.units.models import Unit
    from moot.units.queries import edition_in_force

    roles = roles_of(user)
    if roles.user_id is None:
        return []
    rules = edition_in_force().ballots  # read once: one verdict per unit below, no query each
    kinds = [c.unit_kind for c in rules.callers if rules.presets_for(c.unit_kind)]
    units = Unit.objects.filter(kind__in=kinds).order_by("path")
    if not (roles.is_superuser or roles.has_staff_role(NATIONAL_STAFF)):
        units = units.filter(pk__in=[o.unit_id for o in roles.offices])
    found = []
    for unit in units:
        verdict = may_call(user, unit, rules)
        if verdict.allowed:
            found.append(Callable(unit, rules.presets_for(unit.kind), verdict.clause))
    return found


@dataclass(frozen=True)
class Step:
    """One step of the timetable: what, when, and whether it has happened."""

    label: str
    when: datetime.date | datetime.datetime | None
    done: bool

    @property
    def when_text(self) -> str:
        """ "Monday 7 December 2026" for a day, with ", 09:00" (local time) for a moment."""
        from moot.dates import long_date, long_datetime

        if self.when is None:
            return "not set"
        if isinstance(self.when, datetime.datetime):
            return long_datetime(timezone.localtime(self.when))
        return long_date(self.when)


def timetable(ballot: Ballot) -> list[Step]:
    """The ballot's timetable in order, each step marked done once the ballot has passed it
    (nominations by the date, the rest by the ballot's state)."""
    from moot.ballots.definition import parse_utc

    today = timezone.localdate()
    steps = []
    if ballot.nominations_open:
        steps.append(
            Step("Nominations open", ballot.nominations_open, ballot.nominations_open <= today)
        )
    if ballot.nominations_close:
        steps.append(
            Step("Nominations close", ballot.nominations_close, ballot.nominations_close < today)
        )
    steps.append(
        Step("The roll and the definition freeze", ballot.freeze_date, reached(ballot, "frozen"))
    )
    steps.append(Step("Ballot issued", ballot.issue_at, reached(ballot, "open")))
    now = timezone.now()
    steps += [
        Step(f"Reminder {i} to members who have not voted", parse_utc(r), parse_utc(r) <= now)
        for i, r in enumerate(ballot.reminders, start=1)
    ]
    steps.append(Step("Voting closes", ballot.close_at, reached(ballot, "closed")))
    steps.append(Step("Counted", ballot.counted_at, reached(ballot, "counted")))
    steps.append(Step("Result declared", ballot.declared_at, reached(ballot, "declared")))
    return steps


def versions_of(ballot: Ballot) -> QuerySet[BallotVersion]:
    return BallotVersion.objects.filter(ballot=ballot).select_related("created_by")


def tellers_of(ballot: Ballot) -> QuerySet[Teller]:
    return Teller.objects.filter(ballot=ballot).select_related("user").order_by("appointed_at")


def account_by_email(email: str) -> Any:
    """The active account with this e-mail address (exact, any case), or None."""
    from moot.accounts.models import User

    email = email.strip()
    if not email:
        return None
    return User.objects.filter(email__iexact=email, is_active=True).first()


def person_name(user: Any) -> str:
    """An officer's name as the public page shows it."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
