"""Print runs of postal ballot papers (``moot.ballots.printing`` writes the files)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from moot.audit.actions import record
from moot.ballots import postal_notices, printing
from moot.ballots.audit_verbs import AuditVerb
from moot.ballots.errors import BallotError, RefusalCode
from moot.ballots.models import Ballot, BallotState, Delivery, DeliveryState
from moot.on_commit import enqueue_on_commit

PRINTABLE = (BallotState.OPEN,)


@transaction.atomic(durable=True)
def do_prepare_print_files(ballot: Ballot, *, acting_user: Any, enqueue: bool = True) -> str:
    """Start a print run of every post paper waiting for one (invitations and reissued papers
    of an open ballot) and of the notice letters waiting (``postal_notices``): the run's list
    is written now, the files by tasks after the commit
    (``enqueue=False``: by the caller, as ``moot ballot print`` does). Returns the run's name."""
    ballot = Ballot.objects.select_for_update(of=("self",)).get(pk=ballot.pk)
    if ballot.state not in PRINTABLE:
        raise BallotError(
            "Papers are printed while the ballot is open (paper numbers are given at the "
            f"issue); this one is {ballot.get_state_display().lower()}.",
            code=RefusalCode.STATE,
        )
    deliveries = printing.waiting_deliveries(ballot)
    notices = len(postal_notices.waiting_notices(ballot))
    if not deliveries and not notices:
        raise BallotError(
            "No postal paper or notice letter is waiting for a print file: every one is in an "
            "earlier run.",
            code=RefusalCode.CONFLICT,
        )
    now = timezone.now()
    run = printing.new_run_name(now)
    chunks = printing.start_run(ballot, deliveries, run, now.isoformat(), notices)
    record(
        actor=acting_user,
        verb=AuditVerb.PREPARE_PRINT_FILES,
        obj=ballot,
        after={"run": run, "papers": len(deliveries), "notices": notices, "chunks": chunks},
        reason="print files of the postal ballot papers for the mailing house",
    )
    if not enqueue:
        return run
    from moot.ballots import record_tasks

    enqueue_on_commit(record_tasks.print_common, ballot.pk, run)
    for chunk in range(1, chunks + 1):
        enqueue_on_commit(record_tasks.print_chunk, ballot.pk, run, chunk)
    return run


@transaction.atomic(durable=True)
def do_mark_papers_printed(
    ballot_id: int, run: str, chunk: int, delivery_ids: list[int], digests: dict[str, str]
) -> int:
    """After a chunk's files are stored: its deliveries still queued are now in a print file
    (the delivery dashboard counts them as printed). The files' SHA-256s go in the audit
    trail. Returns how many were marked."""
    ballot = Ballot.objects.select_for_update(of=("self",)).get(pk=ballot_id)
    marked = Delivery.objects.filter(
        ballot=ballot, pk__in=delivery_ids, state=DeliveryState.QUEUED
    ).update(state=DeliveryState.PRINTED, sent_at=timezone.now())
    record(
        actor=None,
        verb=AuditVerb.MARK_PAPERS_PRINTED,
        obj=ballot,
        after={"run": run, "chunk": chunk, "papers": marked, "files": digests},
    )
    return marked


def _download_reason(name: str) -> str:
    if name.startswith("ballot-paper"):
        return "the common ballot paper"
    if name == printing.NOTICE_FILES[0]:
        return "the common notice letter"
    return "personal data: voters' names and addresses"


@transaction.atomic(durable=True)
def do_download_print_file(ballot: Ballot, run: str, name: str, *, acting_user: Any) -> Any:
    """A manager downloads one file of a print run: recorded (the CSV and the overlays hold
    voters' names and addresses). Returns the open file."""
    found = printing.read_run(ballot.pk, run)
    entry = next((f for f in found.files if f.name == name), None) if found else None
    if entry is None:
        raise BallotError("No such print file.", code=RefusalCode.NOT_FOUND)
    record(
        actor=acting_user,
        verb=AuditVerb.DOWNLOAD_PRINT_FILE,
        obj=ballot,
        after={"run": run, "file": name, "sha256": entry.sha256, "bytes": entry.size},
        reason=_download_reason(name),
    )
    return printing.open_file(ballot.pk, run, name)
