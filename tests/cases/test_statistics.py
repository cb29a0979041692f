"""Quarterly statistics from the case log and the register (issue 10 item 11): every intake
counted, denominators from the register's history as at the quarter's end, every figure through
the published rule, only ended quarters published, the page, the methodology and the CSV."""

from __future__ import annotations

import csv
import datetime
import io
import itertools
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from factories import MemberFactory, UnitFactory
from moot.cases import statistics
from moot.cases.models import Case, CaseEvent, EventKind, IntakeChannel, Outcome, Stage
from moot.cases.suppression import SECONDARY_MARK, possible_counts, publish_count

LONDON = ZoneInfo("Europe/London")
# Today is in 2026 Q3, so 2026 Q2 (April to June) is the last quarter that has ended.
TODAY = datetime.datetime(2026, 7, 15, 12, 0, tzinfo=LONDON)
Q2 = statistics.Quarter(2026, 2)
_refs = itertools.count(1)


@pytest.fixture(autouse=True)
def in_july() -> Any:
    with time_machine.travel(TODAY, tick=False):
        yield


def make_case(
    unit: Any,
    opened: datetime.datetime,
    *,
    category: str = "bullying",
    stage: str = Stage.TRIAGE,
    outcome: str = "",
    respondent: Any = None,
    channel: str = IntakeChannel.MEMBER_FORM,
    decided: datetime.datetime | None = None,
) -> Case:
    case = Case.objects.create(
        reference=f"C-2026-{next(_refs):05d}",
        unit=unit,
        category=category,
        respondent=respondent,
        stage=stage,
        outcome=outcome,
        opened_at=opened,
        stage_since=opened,
        intake_channel=channel,
    )
    CaseEvent.objects.create(case=case, at=opened, kind=EventKind.RECEIVED, stage=Stage.RECEIVED)
    if decided:
        CaseEvent.objects.create(case=case, at=decided, kind=EventKind.DECISION, stage=Stage.PANEL)
    return case


def at(month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=LONDON)


def test_quarters() -> None:
    assert statistics.Quarter.parse("2026-q2") == Q2
    assert (Q2.start, Q2.end) == (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    assert statistics.Quarter(2026, 1).previous() == statistics.Quarter(2025, 4)
    assert statistics.Quarter(2025, 4).next() == statistics.Quarter(2026, 1)
    assert statistics.last_ended_quarter() == Q2
    with pytest.raises(ValueError, match="write it as 2026-Q3"):
        statistics.Quarter.parse("2026-Q5")


@pytest.mark.django_db
def test_every_intake_is_counted_in_the_quarter_it_was_received() -> None:
    unit = UnitFactory()
    member = MemberFactory(constituency=unit)
    make_case(unit, at(4, 1, 0, 5), respondent=member)
    make_case(
        unit,
        at(6, 30, 23, 59),
        category="racism",
        stage=Stage.CLOSED,
        outcome=Outcome.OUTSIDE_REMIT,
    )
    make_case(unit, at(5, 2), stage=Stage.NO_FURTHER_ACTION, channel=IntakeChannel.PUBLIC_FORM)
    make_case(unit, at(5, 3), stage=Stage.CLOSED, outcome=Outcome.WITHDRAWN, respondent=member)
    make_case(unit, at(7, 1, 0, 0))  # Q3: not this quarter
    make_case(unit, at(3, 31, 23, 59))  # Q1
    true = statistics.count_quarter(Q2)
    assert true.breakdowns["category"] == {"bullying": 3, "racism": 1}
    assert true.breakdowns["channel"] == {"member_form": 3, "public_form": 1}
    assert true.breakdowns["respondent"] == {"member": 2, "not_member": 2}
    assert true.breakdowns["outcome"] == {"": 2, "outside_remit": 1, "withdrawn": 1}
    assert true.distinct_member_respondents == 1


@pytest.mark.django_db
def test_the_denominator_is_the_register_on_the_quarters_last_day() -> None:
    unit = UnitFactory()
    MemberFactory.create_batch(3, constituency=unit, joined_weeks_ago=60)
    MemberFactory(constituency=unit, joined_weeks_ago=1)  # joined in July: not on 30 June
    MemberFactory(constituency=unit, resigned=True, joined_weeks_ago=60, status_weeks_ago=1)
    MemberFactory(constituency=unit, lapsed=True, joined_weeks_ago=60, status_weeks_ago=30)
    MemberFactory(constituency=unit, suspended=True, joined_weeks_ago=60, status_weeks_ago=5)
    # three members, one who resigned in July (a member on 30 June), one suspended
    assert statistics.members_on(Q2.end) == 5


@pytest.mark.django_db
def test_time_to_decision_from_the_log() -> None:
    unit = UnitFactory()
    make_case(unit, at(1, 10), decided=at(4, 20))  # 100 days, decided in Q2
    make_case(unit, at(4, 1), decided=at(5, 20))  # 49 days
    make_case(unit, at(4, 1), decided=at(7, 2))  # decided in Q3
    true = statistics.count_quarter(Q2)
    assert true.decision_days == [49, 100]
    assert true.decision_buckets["31 to 60 days"] == 1
    assert true.decision_buckets["91 to 180 days"] == 1


@pytest.mark.django_db
def test_published_figures_follow_the_rule() -> None:
    unit = UnitFactory()
    members = MemberFactory.create_batch(4, constituency=unit, joined_weeks_ago=60)
    for index in range(23):
        make_case(unit, at(4, 2 + index), respondent=members[index % 4])
    for index in range(3):
        make_case(unit, at(5, 2 + index), category="other_racism", stage=Stage.INVESTIGATION)
    published = statistics.quarter_statistics(Q2)
    true = statistics.count_quarter(Q2)
    for breakdown in published.breakdowns:
        for label, cell in breakdown.rows:
            if cell.value is not None:
                assert cell.value == 0 or cell.value > 7, (breakdown.name, label)
        assert breakdown.total.value == sum(cell.value or 0 for _, cell in breakdown.rows)
    by_category = dict(published.breakdowns[0].rows)
    titles = statistics.category_titles()
    assert by_category[titles.get("bullying", "bullying")].value in (None, 25)
    racism = by_category[titles.get("other_racism", "other_racism")]
    assert racism.hidden
    assert racism.hidden_text == "1–7"
    assert published.received.value == sum(c.value or 0 for c in by_category.values())
    # every shown count stands for its true count
    for name, counts in true.breakdowns.items():
        rows = dict(next(b for b in published.breakdowns if b.name == name).rows)
        shown = {label: cell for label, cell in rows.items() if not cell.hidden}
        labels = statistics._labels(name, statistics.category_titles())
        for key, count in counts.items():
            cell = shown.get(labels.get(key, key))
            if cell is not None:
                assert count in possible_counts(cell)
    assert "members complained about" in published.share_sentence.lower() or (
        "members were complained about" in published.share_sentence
    )
    assert "4 " not in published.share_sentence  # 4 distinct respondents: hidden
    assert published.respondents.hidden
    assert "on 30 June 2026" in published.share_sentence


def test_secondary_marks_are_not_the_primary_mark() -> None:
    assert publish_count(3).hidden_text != SECONDARY_MARK


@pytest.mark.django_db
def test_a_quarter_not_ended_is_not_published(client: Any) -> None:
    with pytest.raises(ValueError, match="has not ended"):
        statistics.quarter_statistics(statistics.Quarter(2026, 3))
    assert client.get("/cases/statistics/2026-Q3/").status_code == 404
    assert client.get("/cases/statistics/2026-Q9/").status_code == 404


@pytest.mark.django_db
def test_the_page_the_method_and_the_csv(client: Any) -> None:
    unit = UnitFactory()
    MemberFactory.create_batch(2, constituency=unit, joined_weeks_ago=60)
    for index in range(12):
        make_case(unit, at(4, 2 + index), decided=at(6, 1))
    page = client.get("/cases/statistics/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "2026 Q2 (Apr–Jun)" in text
    assert "Every complaint received from 1 April 2026 to 30 June 2026 is counted" in text
    assert "every other count is rounded to the nearest 5" in text
    assert "<svg" in text
    assert client.get("/cases/statistics/2026-Q1/").status_code == 200
    method = client.get("/cases/statistics/method/")
    assert method.status_code == 200
    assert "The denominator is counted from the register" in method.content.decode()
    export = client.get("/cases/statistics/2026-Q2/csv")
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0] == list(statistics.CSV_HEADER)
    title = statistics.category_titles().get("bullying", "bullying")
    bullying = next(row for row in rows if row[1] == "By category" and row[3] == title)
    assert bullying[4] == "10"
    assert all("rounded to the nearest 5" in row[5] for row in rows[1:])
    members = next(row for row in rows if row[2] == "members")
    assert members[4] == "1–7"


@pytest.mark.django_db
def test_stage_and_outcome_are_as_at_the_quarters_end_not_now() -> None:
    """Fix round finding 15: a case received and decided in Q2 that moved on in July (appeal
    closed it with another outcome) is counted in Q2 as it stood on 30 June."""
    unit = UnitFactory()
    case = make_case(unit, at(4, 2), stage=Stage.CLOSED, outcome=Outcome.NOT_UPHELD)
    CaseEvent.objects.create(
        case=case,
        at=at(5, 20),
        kind=EventKind.DECISION,
        stage=Stage.PANEL,
        data={"by": "panel", "outcome": Outcome.WARNING},
    )
    CaseEvent.objects.create(
        case=case,
        at=at(5, 21),
        kind=EventKind.STAGE_MOVED,
        stage=Stage.DECIDED,
        data={"from": Stage.PANEL, "to": Stage.DECIDED},
    )
    Case.objects.filter(pk=case.pk).update(stage_since=at(7, 10))  # closed after the quarter
    still = make_case(unit, at(4, 3), stage=Stage.TRIAGE)
    assert still.stage_since < at(7, 1)
    true = statistics.count_quarter(Q2)
    assert true.breakdowns["stage"] == {Stage.DECIDED: 1, Stage.TRIAGE: 1}
    assert true.breakdowns["outcome"] == {Outcome.WARNING: 1, Outcome.NONE: 1}
    titles = dict(statistics.BREAKDOWN_TITLES)
    assert titles["stage"] == "By stage at the quarter's end"
