"""gunicorn's configuration for moot (``moot serve`` and ``bench/live_vote.py`` both load it with
``--config python:moot.site.gunicorn_conf``; command-line flags override it).

Threaded workers (``gthread``): Django's request handling waits on the database most of the
time, and threads share a worker's memory.

``worker_connections`` is the part that matters under load. A gthread worker accepts every
connection it can hold (gunicorn's default is 1,000) into its own queue, so when 2,000 members
vote at once each worker grabs connections as fast as it can and one worker's queue grows while
the other's empties: the unlucky voters wait behind it (the 95th percentile was 1.7 times the
median). Holding each worker to twice its threads leaves the rest of the queue in the listen
backlog, which the kernel hands out first come, first served to whichever worker is free — one
fair queue (the 95th percentile fell to 1.2 times the median; docs/polls.md has the figures).
Idle keep-alive connections count against the limit, hence the short ``keepalive``; behind a
reverse proxy (production, see README) the proxy holds the clients' connections anyway.
"""

from __future__ import annotations

import os

from gunicorn import glogging as _glogging  # type: ignore[import-untyped]  # gunicorn ships no types

from moot.site.log_filters import redacted_access_atoms

worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("MOOT_THREADS", "6"))
worker_connections = 2 * threads
backlog = 2048
keepalive = 2
graceful_timeout = 5
loglevel = "warning"


class _RedactingLogger(_glogging.Logger):
    """The access log without ballot credentials (``/vote/c/<credential>/`` links:
    ``moot.site.log_filters.redact_credentials``)."""

    def atoms(
        self, resp: object, req: object, environ: dict[str, object], request_time: object
    ) -> dict[str, object]:
        return redacted_access_atoms(super().atoms(resp, req, environ, request_time))


logger_class = _RedactingLogger
