"""Variants of the preset's TOML for the rulebook tests."""

from __future__ import annotations

import re

import pytest

from moot import rulebook

Edit = tuple[str, str] | tuple[str, str, int]


def variant_text(*edits: Edit) -> str:
    """The preset's TOML with each (old, new[, times]) edit applied. ``old`` is a regular
    expression (multi-line mode) that must match exactly ``times`` times (once by default), so a
    test cannot silently edit nothing."""
    text = rulebook.preset_source("party")
    for edit in edits:
        old, new = edit[0], edit[1]
        times = edit[2] if len(edit) == 3 else 1
        matches = re.findall(old, text, flags=re.MULTILINE)
        assert len(matches) == times, f"{old!r} matches {len(matches)} times in the preset"
        text = re.sub(old, new, text, flags=re.MULTILINE)
    return text


def variant(*edits: Edit, source: str = "party.toml") -> rulebook.Edition:
    """The preset with the edits applied, parsed."""
    return rulebook.parse_edition(variant_text(*edits), source=source)


def error_of(*edits: Edit) -> str:
    with pytest.raises(rulebook.RulebookError) as excinfo:
        variant(*edits)
    return str(excinfo.value)
