"""Background work of the published record and the print files (queue "default"; inline when
MOOT_TASKS=immediate). Building the record of 500,000 ballots, or 500,000 print rows, takes
longer than a page should wait, so the declaration and the print page queue these."""

from __future__ import annotations

from django_tasks import task


@task()
def publish_ballot_record(ballot_id: int) -> str:
    """Build and store the declared ballot's record (``actions.record``); its SHA-256."""
    from moot.ballots.actions.record import do_publish_ballot_record

    return do_publish_ballot_record(ballot_id)
