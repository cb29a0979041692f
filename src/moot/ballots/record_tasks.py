"""Background work of the published record and the print files (queue "default"; inline when
MOOT_TASKS=immediate). Building the record of 500,000 ballots, or 500,000 print rows, takes
longer than a page should wait, so the declaration and the print page queue these."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def publish_ballot_record(ballot_id: int) -> str:
    """Build and store the declared ballot's record (``actions.record``); its SHA-256, or ""
    when it cannot be built (logged as an error with the reason: the record page then says the
    record is being written, and ``moot ballot export`` gives the same reason)."""
    from moot.ballots.actions.record import do_publish_ballot_record
    from moot.ballots.errors import BallotError

    try:
        return do_publish_ballot_record(ballot_id)
    except BallotError as exc:
        logger.error("ballot %s: the record was not published: %s", ballot_id, exc)
        return ""


@task()
def print_common(ballot_id: int, run: str) -> list[str]:
    """The common ballot paper(s) of a print run, and its notice letters to postal voters."""
    from moot.ballots import printing
    from moot.ballots.models import Ballot

    return printing.write_run_common(Ballot.objects.get(pk=ballot_id), run)


@task()
def print_chunk(ballot_id: int, run: str, chunk: int) -> int:
    """One chunk of a print run: its CSV and overlay, then its deliveries marked printed."""
    from moot.ballots import printing
    from moot.ballots.actions.printing import do_mark_papers_printed
    from moot.ballots.models import Ballot

    ids, digests = printing.write_chunk(Ballot.objects.get(pk=ballot_id), run, chunk)
    return do_mark_papers_printed(ballot_id, run, chunk, ids, digests)
