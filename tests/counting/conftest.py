"""Shared helpers for the counting tests (pure: no database)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "elections-data"


def data_path(*parts: str) -> Path:
    """A path under ``../shared/elections-data``. When the data set is missing the test
    fails if the environment variable CI is set, and is skipped otherwise."""
    path = DATA.joinpath(*parts)
    if not path.exists():
        message = f"test data not found: {path}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def elections_data() -> Callable[..., Path]:
    """``elections_data("droop", "blt", "SC.blt")`` -> the path (fails under CI if missing)."""
    return data_path
