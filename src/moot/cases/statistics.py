"""Quarterly statistics of the complaints process, computed from the case log and the register
(issue 10 item 11; RULES.md §12 R-S1, §10 R-E10; docs/cases.md "Statistics").

Every complaint received in the quarter is counted, whatever became of it (closed by staff at
triage, about a non-member, a duplicate, withdrawn): the unit of count is the complaint, unless a
table says otherwise (distinct respondents). Stage and outcome are as at the quarter's end, from
the case log (an ended quarter's figures do not drift as its cases move on). The denominator of
every share is counted from the register's status intervals as at the quarter's last day. Every
count goes through the one published rule (:mod:`moot.cases.suppression`); the true counts never
leave this module except as published cells. Only quarters that have ended are published: a quarter
whose figures moved day by day would let a reader see one complaint arrive.
"""

from __future__ import annotations

import datetime
import statistics as stats
from collections import Counter
from dataclasses import dataclass

from django.db.models import Case as DbCase
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce
from django.utils import timezone

from moot.cases.models import Case, CaseEvent, EventKind, IntakeChannel, Outcome, Stage
from moot.cases.suppression import (
    Cell,
    Denominator,
    SuppressionRule,
    Total,
    percentage,
    publish_breakdowns,
    publish_count,
    share_statement,
    total_of,
)
from moot.clock import today

# Statuses in which a person counts as a member for a denominator: suspended members are still
# members (a suspension is a holding measure, not an end of membership).
MEMBER_STATUSES = ("active", "in_arrears", "suspended")
MEMBERS_DEFINITION = "members (active, in arrears or suspended)"

DECISION_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("30 days or fewer", 0, 30),
    ("31 to 60 days", 31, 60),
    ("61 to 90 days", 61, 90),
    ("91 to 180 days", 91, 180),
    ("more than 180 days", 181, None),
)
DECISION_KINDS = (EventKind.DECISION, EventKind.CLOSED)

RESPONDENT_LABELS = {
    "member": "A member",
    "not_member": "Not a member, or not identified",
}
BREAKDOWN_TITLES = {
    "category": "By category",
    "channel": "By how the complaint came in",
    "respondent": "By who the complaint was about",
    "stage": "By stage at the quarter's end",
    "outcome": "By outcome at the quarter's end",
}


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"a quarter is numbered 1 to 4 (got {self.number})")

    @classmethod
    def of(cls, day: datetime.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """ "2026-Q3" (as in the page's address and the CSV)."""
        year, _, number = text.upper().partition("-Q")
        if not (year.isdigit() and len(year) == 4 and number in {"1", "2", "3", "4"}):
            raise ValueError(f"{text!r} is not a quarter: write it as 2026-Q3")
        return cls(int(year), int(number))

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> datetime.date:
        """The quarter's last day."""
        return self.next().start - datetime.timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)

    @property
    def slug(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.number} ({self.start:%b}–{self.end:%b})"


def last_ended_quarter(on: datetime.date | None = None) -> Quarter:
    return Quarter.of(on or today()).previous()


def published_quarters(count: int, on: datetime.date | None = None) -> list[Quarter]:
    """The ``count`` quarters that have ended before ``on`` (today), oldest first."""
    quarter = last_ended_quarter(on)
    quarters = [quarter]
    while len(quarters) < count:
        quarter = quarter.previous()
        quarters.append(quarter)
    return quarters[::-1]


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _window(quarter: Quarter) -> Q:
    return Q(opened_at__gte=_aware(quarter.start), opened_at__lt=_aware(quarter.next().start))


def suppression_rule() -> SuppressionRule:
    """The rule the rulebook in force publishes (its [complaints] chapter), else CASES.md §4's."""
    from moot.units.queries import edition_in_force

    rules = getattr(edition_in_force(), "complaints", None)
    return SuppressionRule(
        hide_max=getattr(rules, "suppression_hide_max", 7),
        round_to=getattr(rules, "suppression_round_to", 5),
        clause=getattr(rules, "suppression_clause", ""),
    )


def category_titles() -> dict[str, str]:
    from moot.units.queries import edition_in_force

    rules = getattr(edition_in_force(), "complaints", None)
    return {c.slug: c.title for c in getattr(rules, "categories", ())}


def members_on(day: datetime.date) -> int:
    """People whose status interval on ``day`` is one of MEMBER_STATUSES (the register's
    history, not today's status: a member who left since still counts on the day)."""
    from moot.members.models import MembershipPeriod

    return (
        MembershipPeriod.objects.filter(status__in=MEMBER_STATUSES, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gt=day))
        .count()
    )


@dataclass(frozen=True)
class TrueQuarter:
    """The true counts of one quarter. Internal: only :func:`publish` turns it into figures."""

    breakdowns: dict[str, dict[str, int]]
    decision_buckets: dict[str, int]
    decision_days: list[int]
    distinct_member_respondents: int
    members: int


def count_quarter(quarter: Quarter) -> TrueQuarter:
    """The quarter's true counts, in a few grouped queries over the cases and their log."""
    end = _aware(quarter.next().start)
    # Stage and outcome as the log has them at the quarter's end (the figures of an ended
    # quarter do not drift): a case that has not moved since then is where it is now; else its
    # last move before the end, and the last decision before the end.
    moved = CaseEvent.objects.filter(case=OuterRef("pk"), kind=EventKind.STAGE_MOVED, at__lt=end)
    decided = CaseEvent.objects.filter(case=OuterRef("pk"), kind=EventKind.DECISION, at__lt=end)
    received = Case.objects.filter(_window(quarter)).annotate(
        stage_then=DbCase(
            When(stage_since__lt=end, then=F("stage")),
            default=Coalesce(
                Subquery(
                    moved.order_by("-at", "-id")
                    .annotate(to=KeyTextTransform("to", "data"))
                    .values("to")[:1]
                ),
                Value(Stage.RECEIVED.value),
            ),
            output_field=CharField(),
        ),
        outcome_then=DbCase(
            When(stage_since__lt=end, then=F("outcome")),
            default=Coalesce(
                Subquery(
                    decided.order_by("-at", "-id")
                    .annotate(said=KeyTextTransform("outcome", "data"))
                    .values("said")[:1]
                ),
                Value(Outcome.NONE.value),
            ),
            output_field=CharField(),
        ),
    )
    by = {
        "category": "category",
        "channel": "intake_channel",
        "stage": "stage_then",
        "outcome": "outcome_then",
    }
    breakdowns: dict[str, dict[str, int]] = {}
    for name, column in by.items():
        rows = received.order_by().values_list(column).annotate(n=Count("id"))
        breakdowns[name] = {str(value): n for value, n in rows}
    with_member = received.filter(respondent__isnull=False).count()
    total = sum(breakdowns["category"].values())
    breakdowns["respondent"] = {"member": with_member, "not_member": total - with_member}
    respondents = received.filter(respondent__isnull=False).values("respondent").distinct().count()

    start = _aware(quarter.start)
    # Decisions in the quarter (the log's index on time), less the cases decided before it
    # (the index on case and time): each case counts once, in the quarter of its first decision.
    earlier = CaseEvent.objects.filter(case=OuterRef("case"), kind__in=DECISION_KINDS, at__lt=start)
    firsts = (
        CaseEvent.objects.filter(kind__in=DECISION_KINDS, at__gte=start, at__lt=end)
        .filter(~Exists(earlier))
        .order_by()
        .values("case", "case__opened_at")
        .annotate(first=Min("at"))
    )
    local = timezone.localdate
    days = sorted((local(row["first"]) - local(row["case__opened_at"])).days for row in firsts)
    buckets: Counter[str] = Counter()
    for value in days:
        for label, low, high in DECISION_BUCKETS:
            if value >= low and (high is None or value <= high):
                buckets[label] += 1
                break
    return TrueQuarter(
        breakdowns=breakdowns,
        decision_buckets={label: buckets[label] for label, _, _ in DECISION_BUCKETS},
        decision_days=days,
        distinct_member_respondents=respondents,
        members=members_on(quarter.end),
    )


@dataclass(frozen=True)
class Breakdown:
    name: str
    title: str
    rows: list[tuple[str, Cell]]
    total: Total


@dataclass(frozen=True)
class PublishedQuarter:
    quarter: Quarter
    snapshot: datetime.datetime
    rule: SuppressionRule
    received: Total
    breakdowns: list[Breakdown]
    decisions: Breakdown
    median_days: int | None
    members: Cell
    respondents: Cell
    share_sentence: str
    members_as_at: datetime.date

    @property
    def respondents_share(self) -> str:
        return percentage(self.respondents, self.members, self.rule).sentence(
            "members complained about", MEMBERS_DEFINITION
        )


def _labels(name: str, titles: dict[str, str]) -> dict[str, str]:
    if name == "category":
        return titles
    if name == "channel":
        return dict(IntakeChannel.choices)
    if name == "stage":
        return dict(Stage.choices)
    if name == "outcome":
        return {**dict(Outcome.choices), "": "Not decided yet"}
    return RESPONDENT_LABELS


def _ordered(name: str, cells: dict[str, Cell], titles: dict[str, str]) -> list[tuple[str, Cell]]:
    """Every label the vocabulary has (a category with no complaints shows 0), in its order,
    then any value the vocabulary no longer has under its stored name."""
    labels = _labels(name, titles)
    known = [(labels[key], cells.get(key, Cell(0))) for key in labels]
    extra = [(key or "(none)", cell) for key, cell in sorted(cells.items()) if key not in labels]
    return known + extra


def publish(quarter: Quarter, true: TrueQuarter, rule: SuppressionRule) -> PublishedQuarter:
    """The quarter's figures under ``rule``: the breakdowns of the quarter's complaints together
    (with secondary suppression where a hidden cell could be worked out), the decision times as a
    population of their own, the denominator and the share statement."""
    titles = category_titles()
    padded = {
        name: {key: counts.get(key, 0) for key in _labels(name, titles)} | counts
        for name, counts in true.breakdowns.items()
    }
    published = publish_breakdowns(padded, rule)
    breakdowns = []
    for name, title in BREAKDOWN_TITLES.items():
        rows = _ordered(name, published[name], titles)
        breakdowns.append(Breakdown(name, title, rows, total_of(c for _, c in rows)))
    decided = publish_breakdowns({"time": true.decision_buckets}, rule)["time"]
    decision_rows = [(label, decided[label]) for label, _, _ in DECISION_BUCKETS]
    decisions = Breakdown(
        "time_to_decision",
        "Time from receipt to decision or closing (complaints decided or closed in the quarter)",
        decision_rows,
        total_of(c for _, c in decision_rows),
    )
    # A median over 1..hide_max values describes a handful of people: not shown.
    median = (
        round(stats.median(true.decision_days)) if len(true.decision_days) > rule.hide_max else None
    )
    category_total = breakdowns[0].total
    sentence = share_statement(
        numerator=true.distinct_member_respondents,
        numerator_definition="members were complained about (distinct respondents who are members)",
        period=(quarter.start, quarter.end),
        denominator=Denominator(true.members, MEMBERS_DEFINITION, quarter.end),
        rule=rule,
    )
    return PublishedQuarter(
        quarter=quarter,
        snapshot=timezone.now(),
        rule=rule,
        received=category_total,
        breakdowns=breakdowns,
        decisions=decisions,
        median_days=median,
        members=publish_count(true.members, rule),
        respondents=publish_count(true.distinct_member_respondents, rule),
        share_sentence=sentence,
        members_as_at=quarter.end,
    )


def quarter_statistics(quarter: Quarter) -> PublishedQuarter:
    """The published figures of an ended quarter (ValueError for one not ended yet)."""
    if quarter.end >= today():
        raise ValueError(f"{quarter.slug} has not ended: figures are published for ended quarters")
    return publish(quarter, count_quarter(quarter), suppression_rule())


def received_series(quarters: list[Quarter], rule: SuppressionRule) -> list[tuple[Quarter, Cell]]:
    """Complaints received in each quarter, each published by the rule (the chart's bars)."""
    rows = []
    for quarter in quarters:
        rows.append((quarter, publish_count(Case.objects.filter(_window(quarter)).count(), rule)))
    return rows


CSV_HEADER = ("quarter", "table", "unit", "row", "published count", "rule", "snapshot")


def csv_rows(published: PublishedQuarter) -> list[tuple[str | int, ...]]:
    """The quarter's figures as CSV rows: every cell as published (hidden ones as marked), with
    the unit, the rule and the moment the figures were computed on every row."""
    rule = published.rule.describe()
    snapshot = published.snapshot.isoformat(timespec="seconds")
    slug = published.quarter.slug
    rows: list[tuple[str | int, ...]] = []
    for breakdown in [*published.breakdowns, published.decisions]:
        for label, cell in breakdown.rows:
            rows.append(
                (slug, breakdown.title, "complaints", label, cell.csv_value(), rule, snapshot)
            )
        rows.append(
            (slug, breakdown.title, "complaints", "Total", breakdown.total.text, rule, snapshot)
        )
    rows.append(
        (
            slug,
            f"Members on {published.members_as_at.isoformat()}",
            "members",
            MEMBERS_DEFINITION,
            published.members.csv_value(),
            rule,
            snapshot,
        )
    )
    rows.append(
        (
            slug,
            "Members complained about in the quarter",
            "distinct respondents",
            "members",
            published.respondents.csv_value(),
            rule,
            snapshot,
        )
    )
    return rows
