"""The [complaints] chapter: the preset's values, and each way it can be wrong gives one error
naming the key path and the fix."""

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


def test_the_preset_has_the_complaints_process():
    rules = rulebook.preset("party").complaints
    assert rules.enabled
    assert rules.category("antisemitism").protected_characteristic
    assert not rules.category("bullying").protected_characteristic
    assert rules.category("no-such") is None
    assert rules.deadline_days("investigation") == 40
    assert rules.retention_years("sanction") == 10
    assert rules.sanction("expulsion").needs_panel
    assert not rules.sanction("reminder_of_conduct").needs_panel
    assert rules.evidence_max_bytes == 10 * 1024 * 1024
    assert "press interest" in rules.improper_reasons
    assert rules.milestone("decided").tell == ("complainant", "respondent")
    assert rules.readmission_bar_years == 5


def test_an_edition_without_the_chapter_has_no_process():
    text = rulebook.preset_source("party")
    text = text[: text.index("\n[complaints]\n")]
    assert not rulebook.parse_edition(text, source="e.toml").complaints.enabled


def test_a_missing_stage_deadline_is_named():
    message = error(edited(r"^review = 15\n", ""))
    assert message == (
        "e.toml: complaints.deadlines: missing deadline for review; add e.g. review = 20"
    )


def test_an_unknown_deadline_stage_is_refused():
    message = error(edited(r"^report = 10$", "reprot = 10"))
    assert message.startswith("e.toml: complaints.deadlines.reprot: not one of investigation")


def test_an_unknown_sanction_kind_is_refused():
    message = error(edited(r'^kind = "warning"$', 'kind = "fine"'))
    assert message.startswith('e.toml: complaints.sanctions[2].kind: "fine" is not one of')


def test_a_category_defined_twice_is_refused():
    message = error(edited(r'^slug = "islamophobia"$', 'slug = "antisemitism"'))
    assert message == (
        'e.toml: complaints.categories[3].slug: the category "antisemitism" is defined twice; '
        "keep one"
    )


def test_a_milestone_telling_an_unknown_party_is_refused():
    message = error(edited(r'^tell = \["respondent"\]$', 'tell = ["press"]'))
    assert "complaints.communications[4].tell[1]" in message
    assert '"press" is not one of complainant, third_party, respondent' in message


def test_a_file_size_in_words_is_refused():
    message = error(edited(r"^max_megabytes = 10 .*$", 'max_megabytes = "ten"'))
    assert message.startswith(
        "e.toml: complaints.evidence.max_megabytes: expected a whole number of megabytes"
    )


def test_a_chapter_without_categories_is_refused():
    text = edited(r"^\[\[complaints\.categories\]\]\n(.*\n){4}", "")
    text = re.sub(r"^\[\[complaints\.categories\]\]\n(.*\n){4}", "", text, flags=re.MULTILINE)
    assert "[[complaints.categories]]" not in text
    assert error(text) == (
        "e.toml: complaints: missing [[complaints.categories]] entries; add at least one"
    )
