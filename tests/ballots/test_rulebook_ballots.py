"""The [ballots] chapter: the preset's callers, presets, secrecy, reissue, reminders and
retention, the pure checks over them, and each way the chapter can be wrong gives one error
naming the key path and the fix."""

from __future__ import annotations

import datetime
import re

import pytest

from moot import rulebook
from moot.rulebook.ballots import (
    NO_BALLOTS,
    TIE_BREAKS,
    may_call,
    reissue_allowed,
    reminder_times,
)

pytestmark = pytest.mark.pure

UTC = datetime.UTC


def edited(pattern: str, replacement: str) -> str:
    text = rulebook.preset_source("party")
    changed, count = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert count == 1, pattern
    return changed


def error(text: str) -> str:
    with pytest.raises(rulebook.RulebookError) as excinfo:
        rulebook.parse_edition(text, source="e.toml")
    return str(excinfo.value)


def rules():
    return rulebook.preset("party").ballots


def test_the_national_executive_preset():
    preset = rules().preset("national_executive")
    assert preset is not None
    assert (preset.unit_kind, preset.kind, preset.seats, preset.min_women) == (
        "national",
        "election",
        9,
        4,
    )
    assert preset.nomination_threshold == 5
    assert preset.nominating_kinds == ("constituency", "affiliate")
    assert preset.method == "scottish-stv"
    assert preset.precedence == "first_received"
    assert preset.channels == ("online", "post")
    assert preset.candidate_order == "alphabetical"
    assert preset.freeze_days_before_issue >= rules().min_freeze_days
    assert preset.clause == "5.7"


def test_constituency_presets_cover_an_officer_post_and_a_question():
    slugs = {p.slug: p for p in rules().presets_for("constituency")}
    assert set(slugs) == {"constituency_officer", "constituency_question"}
    assert slugs["constituency_question"].kind == "question"
    assert slugs["constituency_question"].method == "yes-no"
    assert rules().presets_for("branch") == ()


def test_callers_per_unit_kind():
    r = rules()
    national = may_call(r, "national", posts_held=(), national_staff=True)
    assert national.allowed
    assert national.clause == "5.1.1"
    refused = may_call(r, "national", posts_held={"secretary"}, national_staff=False)
    assert not refused.allowed
    assert refused.text == "a ballot of a national unit's members is called by national staff"
    secretary = may_call(r, "constituency", posts_held={"secretary"}, national_staff=False)
    assert secretary.allowed
    assert secretary.clause == "5.1.2"
    chair = may_call(r, "constituency", posts_held={"chair"}, national_staff=False)
    assert not chair.allowed
    assert "the secretary or national staff" in chair.text
    branch = may_call(r, "branch", posts_held={"secretary"}, national_staff=True)
    assert not branch.allowed
    assert branch.clause == "5.1"


def test_an_edition_without_the_chapter_lets_nobody_call():
    verdict = may_call(NO_BALLOTS, "national", posts_held=(), national_staff=True)
    assert not verdict.allowed


def test_secrecy_hides_cells_below_ten():
    r = rules()
    assert r.min_cell == 10
    assert r.secrecy_clause == "5.3"
    assert r.hidden(9)
    assert r.hidden(0)
    assert not r.hidden(10)


def test_reissue_online_until_close_post_until_seven_days_before():
    r = rules()
    close = datetime.datetime(2026, 6, 30, 12, tzinfo=UTC)
    eight_days = close - datetime.timedelta(days=8)
    six_days = close - datetime.timedelta(days=6)
    assert reissue_allowed(r, "online", now=six_days, close_at=close).allowed
    assert reissue_allowed(r, "post", now=eight_days, close_at=close).allowed
    late = reissue_allowed(r, "post", now=six_days, close_at=close)
    assert not late.allowed
    assert late.clause == "5.4"
    assert "7 days before the close" in late.text
    assert not reissue_allowed(r, "online", now=close, close_at=close).allowed


def test_reminders_before_close_earliest_first():
    close = datetime.datetime(2026, 6, 30, 12, tzinfo=UTC)
    assert reminder_times(rules(), close) == [
        close - datetime.timedelta(days=7),
        close - datetime.timedelta(days=2),
    ]


def test_retention_one_year_papers_two_for_countback():
    r = rules()
    assert (r.retention_papers_years, r.retention_roll_years, r.retention_countback_years) == (
        1,
        1,
        2,
    )


def test_the_clauses_are_listed_with_their_words():
    from moot.rulebook.clauses import clauses_of

    listed = clauses_of(rulebook.preset("party"))
    assert "5.3" in listed
    assert "fewer than ten" in listed["5.3"].text
    assert "5.7" in listed


def test_tie_breaks_match_counting():
    from moot.counting.tiebreak import TIE_BREAK_METHODS

    assert tuple(TIE_BREAKS) == tuple(TIE_BREAK_METHODS)


@pytest.mark.parametrize(
    ("pattern", "replacement", "expected"),
    [
        (
            r"^min_women = 4 .*$",
            "min_women = 10",
            "ballots.presets.national_executive.min_women: cannot exceed the seats (9)",
        ),
        (
            r'^precedence = "first_received".*$',
            'precedence = "first"',
            "ballots.presets.national_executive.precedence",
        ),
        (
            r'^channels = \["online", "post"\] # \[V\].*$',
            "channels = []",
            "ballots.presets.national_executive.channels: offer at least one channel",
        ),
        (
            r"^\[ballots.callers.national\]$",
            "[ballots.callers.nation]",
            "'nation' is not a unit kind",
        ),
        (
            r"^min_cell = 10 .*$",
            "min_cell = 1",
            "ballots.secrecy.min_cell: expected a whole number of members of at least 2",
        ),
        (
            r"^days_before_close = \[7, 2\].*$",
            "days_before_close = [7, 7]",
            "ballots.reminders.days_before_close: a day is listed twice",
        ),
        (
            r"^papers_years = 1 .*$",
            "paper_years = 1",
            "ballots.retention.paper_years: unknown key",
        ),
        (
            r'^method = "yes-no"$',
            'method = "yes-no"\nseats = 2',
            "a question has one outcome",
        ),
    ],
)
def test_errors_name_the_key_and_the_fix(pattern, replacement, expected):
    assert expected in error(edited(pattern, replacement))


def test_a_caller_rule_must_name_someone():
    text = edited(r"^national_staff = true   # \[S\].*$", "")
    assert 'name who may call it: posts = ["secretary"] or national_staff = true' in error(text)


def test_a_preset_for_a_unit_nobody_may_call():
    text = edited(
        r'^unit_kind = "constituency"\nkind = "question"', 'unit_kind = "branch"\nkind = "question"'
    )
    assert "nobody may call a ballot of a branch unit" in error(text)
