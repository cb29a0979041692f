from __future__ import annotations

from typing import Any

import pytest

from accounts.smtp import smtp_sink  # noqa: F401 - the real SMTP server fixture, used by name


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    """Run tasks inline whatever MOOT_TASKS the settings were imported with."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
