"""Logging filters named in ``settings.LOGGING``.

A refusal (HTTP 403) is an expected answer, not a fault: Django logs it on ``django.request``
with the ``PermissionDenied`` traceback attached, so one member opening a page their role does
not allow filled the log with a stack. ``ForbiddenOneLine`` turns every 403 record into one
line at WARNING: who (the account's id, or "anonymous"), the method and the path.
"""

from __future__ import annotations

import logging
from typing import Any


def who(request: Any) -> str:
    """The account behind ``request`` as the log names it: ``user <id>`` or ``anonymous``."""
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return f"user {user.pk}"
    return "anonymous"


class ForbiddenOneLine(logging.Filter):
    """A 403 record becomes ``Forbidden: <who> <METHOD> <path>`` at WARNING, no traceback;
    every other record passes unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) != 403:
            return True
        request = getattr(record, "request", None)
        record.msg = "Forbidden: %s %s %s"
        record.args = (
            who(request),
            getattr(request, "method", "-"),
            getattr(request, "path", "-"),
        )
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        record.levelno = logging.WARNING
        record.levelname = logging.getLevelName(logging.WARNING)
        return True
