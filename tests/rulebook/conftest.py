"""Helpers for the rulebook's pure tests: the preset, and variants of its TOML."""

from __future__ import annotations

import pytest

from moot import rulebook


@pytest.fixture(scope="session")
def party() -> rulebook.Edition:
    return rulebook.preset("party")
