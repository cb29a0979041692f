"""Logging filters named in ``settings.LOGGING``.

A refusal (HTTP 403) is an expected answer, not a fault: Django logs it on ``django.request``
with the ``PermissionDenied`` traceback attached, so one member opening a page their role does
not allow filled the log with a stack. ``ForbiddenOneLine`` turns every 403 record into one
line at WARNING: who (the account's id, or "anonymous"), the method and the path.
"""

from __future__ import annotations

import logging
import re
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


# A ballot's credential travels in the invitation's link, /ballots/<id>/vote/c/<credential>/
# (the page swaps it into the session and redirects at once to a URL without it). No log may
# keep it: a log line with a credential is a vote someone else could cast.
_CREDENTIAL_IN_PATH = re.compile(r"(/vote/c/)[^/\s?#\"']+")
REDACTED = "[credential]"


def redact_credentials(text: str) -> str:
    """``text`` with every ballot credential in a /vote/c/<credential>/ path replaced."""
    return _CREDENTIAL_IN_PATH.sub(rf"\g<1>{REDACTED}", text)


def _redacted(value: Any) -> Any:
    return redact_credentials(value) if isinstance(value, str) else value


class RedactBallotCredentials(logging.Filter):
    """Every record's message and arguments (a tuple, or the dict of gunicorn's access log
    atoms) with ballot credentials in paths replaced; the request's path too."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_credentials(record.msg)
        if isinstance(record.args, dict):
            record.args = {key: _redacted(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_redacted(value) for value in record.args)
        return True


def redacted_access_atoms(atoms: dict[str, Any]) -> dict[str, Any]:
    """gunicorn's access-log atoms (request line, path, query, referer, raw URI…) with the
    credentials taken out: ``moot.site.gunicorn_conf`` logs through this."""
    return {key: _redacted(value) for key, value in atoms.items()}
