"""The [complaints] chapter's process keys: [complaints.process], [[complaints.criteria]] and
conflicts.lookback_years — the preset's values and each way they can be wrong."""

from __future__ import annotations

import re

import pytest

from moot import rulebook

pytestmark = pytest.mark.pure


def edited(pattern: str, replacement: str) -> str:
    text = rulebook.preset_source("party")
    changed, count = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert count == 1, pattern
    return changed


def error(text: str) -> str:
    with pytest.raises(rulebook.RulebookError) as excinfo:
        rulebook.parse_edition(text, source="e.toml")
    return str(excinfo.value)


def test_the_preset_publishes_criteria_for_every_step():
    rules = rulebook.preset("party").complaints
    for step in ("triage", "suspension", "decision", "review", "appeal"):
        assert rules.criteria_for(step), step
    assert rules.reply_working_days >= 1
    assert rules.postponement_working_days >= 1
    assert rules.reasons_min_words >= 1
    assert rules.process_clause
    slugs = [c.slug for c in rules.criteria]
    assert len(slugs) == len(set(slugs))


def test_a_criterion_for_an_unknown_step_is_refused():
    text = edited(r'^steps = \["suspension"\]', 'steps = ["hunch"]')
    assert "steps" in error(text)


def test_a_criterion_defined_twice_is_refused():
    text = edited(r'^slug = "risk_of_harm"', 'slug = "breach_found"')
    assert 'the criterion "breach_found" is defined twice' in error(text)


def test_the_process_keys_are_whole_numbers_of_at_least_one():
    text = edited(r"^reply_working_days = 10", "reply_working_days = 0")
    assert "reply_working_days" in error(text)


def test_without_the_process_table_the_defaults_hold():
    text = rulebook.preset_source("party")
    start = text.index("[complaints.process]")
    end = text.index("\n\n", start)
    rules = rulebook.parse_edition(text[:start] + text[end + 2 :], source="e.toml").complaints
    assert rules.reply_working_days == 10
    assert rules.process_clause == rules.clause
