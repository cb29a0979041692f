"""Notices by post (issue 11, item 3): a postal voter gets no e-mail reminder, so when an event is
recorded after the issue (an endorsement withdrawn, a candidate withdrawn, suspended or
reinstated) every postal voter who has not voted is queued a *notice letter* — a ``Delivery`` of
kind ``notice`` on the post channel — for the next print run.

* ``queue_postal_notices`` is called in the event's transaction (``actions.events.record_event``):
  one ``INSERT … SELECT`` of the postal voters with a paper number who have not voted and have no
  notice letter still waiting (a letter not yet printed will carry the new notice too: the letter
  is written at print time from every notice so far). Each call that queues letters is a new
  round.
* ``write_notice_files(ballot, directory)`` is what a print run calls: it sets aside (state
  ``skipped``) the letters of voters who have voted since they were queued, and writes
  ``notice-letter.pdf`` (the one common letter: every notice so far, in order, with its clause —
  the same words as the voting page and the e-mail reminders) and ``notices.csv`` (paper
  number, name, address, postcode of each addressee: **personal data**, like the papers' CSV),
  each with its SHA-256 beside it. It returns the letters in the file, which the run marks
  printed (``actions.printing.do_mark_papers_printed``).
"""

from __future__ import annotations

import io
from typing import Any

from django.db import connection
from django.utils import timezone

from moot.ballots.models import Ballot, Channel, Delivery, DeliveryKind, DeliveryState, RollEntry
from moot.csv_export import csv_writer

NOTICE_CSV_HEADER = ("paper_number", "name", "address", "postcode")
VOTED_REASON = "not printed: the voter had voted by the time of the print run"


def notice_rounds(ballot: Ballot) -> int:
    last = (
        Delivery.objects.filter(ballot=ballot, kind=DeliveryKind.NOTICE)
        .order_by("-round")
        .values_list("round", flat=True)
        .first()
    )
    return last or 0


def queue_postal_notices(ballot: Ballot) -> int:
    """Queue a notice letter to every eligible postal voter of ``ballot`` with a paper number who
    has not voted and has no notice letter waiting. Returns how many were queued. The caller
    holds the transaction (and the ballot's row lock)."""
    if ballot.opened_at is None:
        return 0
    round_number = notice_rounds(ballot) + 1
    qn = connection.ops.quote_name
    d = Delivery._meta.db_table
    r = RollEntry._meta.db_table
    sql = (
        f"INSERT INTO {qn(d)} ({qn('ballot_id')}, {qn('entry_id')}, {qn('kind')}, {qn('round')}, "  # noqa: S608 - names from the model
        f"{qn('channel')}, {qn('state')}, {qn('batch')}, {qn('attempts')}, {qn('message_id')}, "
        f"{qn('error')}, {qn('queued_at')}) "
        f"SELECT r.{qn('ballot_id')}, r.{qn('id')}, %s, %s, %s, %s, 0, 0, '', '', %s "
        f"FROM {qn(r)} r WHERE r.{qn('ballot_id')} = %s AND r.{qn('eligible')} = %s "
        f"AND r.{qn('channel')} = %s AND r.{qn('voted')} = %s "
        f"AND r.{qn('paper_number')} IS NOT NULL "
        f"AND NOT EXISTS (SELECT 1 FROM {qn(d)} x WHERE x.{qn('entry_id')} = r.{qn('id')} "
        f"AND x.{qn('kind')} = %s AND x.{qn('channel')} = %s AND x.{qn('state')} = %s)"
    )
    params: list[Any] = [
        DeliveryKind.NOTICE,
        round_number,
        Channel.POST,
        DeliveryState.QUEUED,
        timezone.now(),
        ballot.pk,
        True,
        Channel.POST,
        False,
        DeliveryKind.NOTICE,
        Channel.POST,
        DeliveryState.QUEUED,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def waiting_notices(ballot: Ballot) -> list[int]:
    """The notice letters waiting for a print run, by paper number."""
    return list(
        Delivery.objects.filter(
            ballot=ballot,
            kind=DeliveryKind.NOTICE,
            channel=Channel.POST,
            state=DeliveryState.QUEUED,
            entry__paper_number__isnull=False,
        )
        .order_by("entry__paper_number", "id")
        .values_list("id", flat=True)
    )


def notice_letter_pdf(ballot: Ballot) -> bytes:
    """The common notice letter (WeasyPrint): every post-issue notice so far."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from moot.ballots.notices import notices_for

    html = render_to_string(
        "ballots/print_notice_letter.html",
        {"ballot": ballot, "notices": notices_for(ballot), "unit": str(ballot.unit)},
    )
    return bytes(HTML(string=html).write_pdf())


def notices_csv(ballot: Ballot, delivery_ids: list[int]) -> bytes:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(NOTICE_CSV_HEADER)
    rows = (
        Delivery.objects.filter(ballot=ballot, pk__in=delivery_ids)
        .order_by("entry__paper_number")
        .values_list(
            "entry__paper_number",
            "entry__member__first_name",
            "entry__member__last_name",
            "entry__member__address",
            "entry__member__postcode",
        )
    )
    for number, first, last, address, postcode in rows:
        writer.writerow((number, f"{first} {last}".strip(), address, postcode))
    return out.getvalue().encode("utf-8")


def write_notice_files(ballot: Ballot, directory: str) -> tuple[list[int], dict[str, str]]:
    """Write the notice letters waiting into ``directory`` (a print run's): the common letter and
    the addressees' CSV. Letters of voters who have voted since are set aside first. Returns
    (the letters' delivery ids, {file name: SHA-256}); nothing is written when none waits."""
    from moot.ballots.printing import save_file

    Delivery.objects.filter(
        ballot=ballot,
        kind=DeliveryKind.NOTICE,
        state=DeliveryState.QUEUED,
        entry__voted=True,
    ).update(state=DeliveryState.SKIPPED, error=VOTED_REASON)
    ids = waiting_notices(ballot)
    if not ids:
        return [], {}
    digests = {
        "notice-letter.pdf": save_file(directory, "notice-letter.pdf", notice_letter_pdf(ballot)),
        "notices.csv": save_file(directory, "notices.csv", notices_csv(ballot, ids)),
    }
    return ids, digests


def print_notices(ballot: Ballot, run: str) -> int:
    """For a print run (``record_tasks.print_common``): write the run's notice letters and mark
    them printed, with the files' SHA-256 in the audit trail. Returns how many."""
    from moot.ballots.actions.printing import do_mark_papers_printed
    from moot.ballots.printing import run_dir

    ids, digests = write_notice_files(ballot, run_dir(ballot.pk, run))
    if not ids:
        return 0
    return do_mark_papers_printed(ballot.pk, run, 0, ids, digests)
