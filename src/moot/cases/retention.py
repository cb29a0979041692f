"""How long a closed case is kept, and what may be destroyed (issue 10 item 10; RULES.md §14
"storage limitation", R-D4; CASES.md §7.8; rulebook [complaints.retention]).

A closed case is kept for the rulebook's years after it closed, by the kind of record that
decides it: a case that ended in a sanction is kept for ``sanction`` years (longer than the
readmission bar, so whoever decides a readmission sees it), a case closed without investigation
for ``no_further_action`` years, any other for ``case_file`` years. A legal hold keeps it
whatever the date. Reopening a case never resets or shortens its date: the date a case has is
only ever pushed later (GlobaLeaks #4192 reset the clock on reopening, by design; moot does not).

Pure: dates and strings in, dates and reasons out.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

CASE_FILE = "case_file"
SANCTION = "sanction"
NO_FURTHER_ACTION = "no_further_action"
DEFAULT_YEARS = {CASE_FILE: 6, SANCTION: 10, NO_FURTHER_ACTION: 2}

# Stages and outcomes that mean the complaint was closed without an investigation.
CLOSED_WITHOUT_INVESTIGATION_STAGES = frozenset({"no_further_action", "reminder_of_conduct"})
CLOSED_WITHOUT_INVESTIGATION_OUTCOMES = frozenset(
    {"no_further_action", "reminder_of_conduct", "outside_remit", "withdrawn"}
)
FINAL = frozenset({"no_further_action", "reminder_of_conduct", "closed"})


def add_years(day: datetime.date, years: int) -> datetime.date:
    """``day`` moved by ``years`` calendar years (29 February to 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def record_kind(*, stage: str, outcome: str, investigated: bool, sanctioned: bool) -> str:
    """The kind of record whose period keeps the case (the longest that applies)."""
    if sanctioned:
        return SANCTION
    if not investigated and (
        stage in CLOSED_WITHOUT_INVESTIGATION_STAGES
        or outcome in CLOSED_WITHOUT_INVESTIGATION_OUTCOMES
    ):
        return NO_FURTHER_ACTION
    return CASE_FILE


def keep_until(
    closed_on: datetime.date,
    kind: str,
    years: Mapping[str, int],
    *,
    already: datetime.date | None = None,
) -> datetime.date:
    """The day after which the case may go on a destruction list: ``years[kind]`` years after
    it closed, and never earlier than a date it ``already`` has (reopening and closing again
    only ever keeps a case longer)."""
    period = years.get(kind, years.get(CASE_FILE, DEFAULT_YEARS[CASE_FILE]))
    computed = add_years(closed_on, period)
    return max(computed, already) if already else computed


@dataclass(frozen=True)
class Standing:
    """Whether a case may be destroyed on a day, and if not why not."""

    destroy: bool
    reason: str


def may_destroy(
    *,
    stage: str,
    keep_until_day: datetime.date | None,
    legal_hold: bool,
    on: datetime.date,
) -> Standing:
    """A case may be destroyed only when it is closed, its keep-until day has passed and no
    legal hold is on it; the reason names what keeps it otherwise."""
    if legal_hold:
        return Standing(False, "a legal hold is on the case")
    if stage not in FINAL:
        return Standing(False, f"the case is open (stage {stage})")
    if keep_until_day is None:
        return Standing(False, "the case has no retention date")
    if keep_until_day >= on:
        return Standing(False, f"the case is kept until {keep_until_day.isoformat()}")
    return Standing(True, f"kept until {keep_until_day.isoformat()}, which has passed")
