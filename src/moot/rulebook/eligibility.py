"""May a member take part in something on a date? A pure function of the edition, the
purpose, the member's status history and whether they belong to the unit asked about."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from functools import lru_cache

from moot.rulebook.errors import RulebookError
from moot.rulebook.model import Assessment, Edition, Reason, StatusInterval


@lru_cache(maxsize=8192)
def _day(value: datetime.date) -> str:
    return f"{value.day} {value:%B %Y}"


def _span(days: int) -> str:
    """ "3 days", "1 week", "5 weeks" (whole weeks, rounded down)."""
    if days < 7:
        return f"{days} day{'s' if days != 1 else ''}"
    weeks = days // 7
    return f"{weeks} week{'s' if weeks != 1 else ''}"


def _covering(intervals: list[StatusInterval], on: datetime.date) -> StatusInterval | None:
    found = None
    for interval in intervals:
        if interval.start <= on and (interval.end is None or on < interval.end):
            found = interval
    return found


def continuous_since(
    edition: Edition, history: Iterable[StatusInterval], on: datetime.date
) -> datetime.date | None:
    """The day the member's current period of continuous membership began, as at ``on``; None
    when the status on ``on`` does not count as membership. Gaps (statuses that do not count,
    or no record) of at most the edition's ``lapse_grace_days`` do not break it."""
    return _continuous_since(edition, sorted(history, key=_start), on)


def _start(interval: StatusInterval) -> datetime.date:
    return interval.start


def _continuous_since(
    edition: Edition, ordered: list[StatusInterval], on: datetime.date
) -> datetime.date | None:
    """``continuous_since`` over intervals already in start order."""
    grace = datetime.timedelta(days=edition.membership.lapse_grace_days)
    intervals = [i for i in ordered if i.start <= on]
    current = _covering(intervals, on)
    if current is None or not _counts(edition, current.status):
        return None
    start: datetime.date | None = None
    block_end: datetime.date | None = None  # exclusive end of the running block
    open_block = False  # the running block has an interval with no end
    for interval in intervals:
        if not _counts(edition, interval.status):
            continue
        broken = block_end is not None and interval.start - block_end > grace
        if start is None or (not open_block and broken):
            start, block_end, open_block = interval.start, interval.end, interval.end is None
        elif interval.end is None:
            open_block = True
        elif not open_block:
            block_end = max(block_end or interval.end, interval.end)
    return start


def _counts(edition: Edition, status: str) -> bool:
    rule = edition.membership.by_status.get(status)
    return rule is not None and rule.continuous


def assess_eligibility(
    edition: Edition,
    purpose: str,
    history: Iterable[StatusInterval],
    *,
    on: datetime.date,
    freeze_date: datetime.date | None = None,
    in_unit: bool = True,
) -> Assessment:
    """May the member whose status ``history`` is given take part in ``purpose`` ("meeting",
    "ballot", "stand", "nominate", or any purpose the edition defines) on ``on``?

    Refused with every reason that applies (status on the day, not in the unit, too few weeks of
    continuous membership, joined after the freeze date), each citing its clause, e.g.
    "joined 5 weeks before the meeting; clause 7.2 needs 8". Allowed with the reasons that
    allowed it. An unknown purpose, or a freeze date after ``on``, raises ``RulebookError``.
    """
    rule = edition.eligibility_rule(purpose)
    if freeze_date is not None and freeze_date > on:
        raise RulebookError(
            f"the freeze date ({freeze_date}) is after the date assessed ({on}); a freeze date "
            "is on or before the day the electorate is drawn",
            source=edition.source,
            path=f"eligibility.{purpose}",
        )
    intervals = sorted(history, key=_start)
    refused: list[Reason] = []
    allowed: list[Reason] = []
    membership = edition.membership

    current = _covering(intervals, on)
    if current is None:
        if not intervals or on < intervals[0].start:
            refused.append(Reason(f"not a member on {_day(on)}", membership.clause))
        else:
            refused.append(
                Reason(f"no membership status is recorded for {_day(on)}", membership.clause)
            )
    else:
        try:
            status = edition.status_rule(current.status)
        except RulebookError:
            refused.append(
                Reason(
                    f"the status {current.status!r} on {_day(on)} is not defined by {edition.name}",
                    membership.clause,
                )
            )
        else:
            if status.standing:
                allowed.append(Reason(f"{status.title} on {_day(on)}", status.clause))
            else:
                text = f"{status.title} since {_day(current.start)}"
                refused.append(
                    Reason(f"{text}: {status.remedy}" if status.remedy else text, status.clause)
                )

    if rule.in_unit:
        if in_unit:
            allowed.append(Reason("a member of the unit", membership.unit_clause))
        else:
            refused.append(
                Reason(
                    f"not a member of the unit; {rule.event} is for its own members",
                    membership.unit_clause,
                )
            )

    since = _continuous_since(edition, intervals, on)
    if since is not None:
        first = intervals[0].start if intervals else since
        verb = "joined" if since <= first else "rejoined"
        days = (on - since).days
        needs = f"clause {rule.clause} needs {rule.min_weeks}"
        if days < rule.min_weeks * 7:
            refused.append(
                Reason(f"{verb} {_span(days)} before {rule.event}; {needs}", rule.clause)
            )
        elif rule.min_weeks:
            allowed.append(
                Reason(
                    f"in continuous membership for {_span(days)} before {rule.event}; {needs}",
                    rule.clause,
                )
            )
        if rule.freeze_date and freeze_date is not None:
            if since > freeze_date:
                refused.append(
                    Reason(
                        f"{verb} on {_day(since)}, after the freeze date of {_day(freeze_date)}; "
                        f"clause {rule.freeze_clause} admits only members in continuous "
                        "membership since that date or earlier",
                        rule.freeze_clause,
                    )
                )
            else:
                allowed.append(
                    Reason(
                        f"in continuous membership since before the freeze date of "
                        f"{_day(freeze_date)}",
                        rule.freeze_clause,
                    )
                )
    if refused:
        return Assessment(False, tuple(refused))
    return Assessment(True, tuple(allowed))
