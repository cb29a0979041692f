"""The declaration's background work (queue "default"; inline when MOOT_TASKS=immediate):
writing the published record, and keeping why when it cannot be written, so the returning
officer's console says so and offers a retry instead of "being written" for ever."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def publish_declared_record(ballot_id: int) -> str:
    """Build and store the declared ballot's record (``actions.record``); its SHA-256, or ""
    when it cannot be built: the reason is logged and kept on the ballot
    (``do_note_record_failure``)."""
    from moot.ballots.actions.closing import do_note_record_failure
    from moot.ballots.actions.record import do_publish_ballot_record
    from moot.ballots.errors import BallotError

    try:
        return do_publish_ballot_record(ballot_id)
    except BallotError as exc:
        reason = str(exc)
    except Exception as exc:
        logger.exception("ballot %s: the record was not published", ballot_id)
        reason = (
            f"an unexpected error while writing it ({type(exc).__name__}); the server's log "
            "has the details"
        )
    logger.error("ballot %s: the record was not published: %s", ballot_id, reason)
    do_note_record_failure(ballot_id, reason)
    return ""
