"""The print run carries the notice letters to postal voters (issue 11, item 3): a run starts
when only notice letters wait, writes the common letter and its addressees beside the papers,
sets aside the letters of voters who have voted since, and the print files page lists them for
the ballot's managers only, each download recorded."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from ballots.delivery_world import issued_ballot
from factories import UserFactory
from moot.audit.models import AuditEvent
from moot.ballots import printing
from moot.ballots.actions.events import do_record_ballot_event
from moot.ballots.actions.printing import do_prepare_print_files
from moot.ballots.errors import BallotError
from moot.ballots.models import Candidate, Delivery, DeliveryState, RollEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_storage(settings: Any, tmp_path: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def withdrawn(
    ballot: Any,
    text: str = "Bea Birch has withdrawn from the ballot.",
    kind: str = "candidate_withdrawn",
) -> None:
    candidate = Candidate.objects.filter(ballot=ballot).first() or Candidate.objects.create(
        ballot=ballot, name="Bea Birch", on_ballot=True, position=1
    )
    do_record_ballot_event(
        ballot,
        kind=kind,
        candidate=candidate,
        authority="Letter from the candidate",
        reference="Letter of 3 May",
        clause="7.4",
        notice=text,
        acting_user=UserFactory(),
    )


def postal(ballot: Any) -> list[RollEntry]:
    entries = list(RollEntry.objects.filter(ballot=ballot, channel="post").order_by("pk"))
    for n, entry in enumerate(entries, start=1):
        entry.member.address = f"{n} Quarry Row\nEast Hollin"
        entry.member.postcode = f"EH{n} 2BB"
        entry.member.save(update_fields=["address", "postcode"])
    return entries


def prepared(ballot: Any, capture: Any, user: Any = None) -> printing.PrintRun:
    with capture(execute=True):
        name = do_prepare_print_files(ballot, acting_user=user)
    found = printing.read_run(ballot.pk, name)
    assert found is not None
    return found


def read(ballot: Any, run: printing.PrintRun, name: str) -> bytes:
    with printing.open_file(ballot.pk, run.name, name) as handle:
        return handle.read()


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_a_run_starts_when_only_notice_letters_wait(django_capture_on_commit_callbacks) -> None:
    ballot = issued_ballot(email=2, post=3)
    entries = postal(ballot)
    withdrawn(ballot)
    run = prepared(ballot, django_capture_on_commit_callbacks)
    names = {f.name for f in run.files}
    assert names == {"notice-letter.pdf", "notices.csv"}  # no ballot paper, no chunk
    assert (run.papers, run.chunks, run.notices, run.complete) == (0, 0, 3, True)
    rows = csv_rows(read(ballot, run, "notices.csv"))
    assert [int(r["paper_number"]) for r in rows] == [e.paper_number for e in entries]
    assert rows[0]["postcode"] == "EH1 2BB"
    letter = PdfReader(io.BytesIO(read(ballot, run, "notice-letter.pdf")))
    assert "Bea Birch has withdrawn" in "".join(p.extract_text() for p in letter.pages)
    letters = Delivery.objects.filter(ballot=ballot, kind="notice")
    assert set(letters.values_list("state", flat=True)) == {DeliveryState.PRINTED}
    started = AuditEvent.objects.get(verb="ballots.prepare_print_files")
    assert (started.after["papers"], started.after["notices"]) == (0, 3)
    marked = AuditEvent.objects.get(verb="ballots.mark_papers_printed")
    assert (marked.after["chunk"], marked.after["papers"]) == (0, 3)
    assert marked.after["files"]["notices.csv"] == next(
        f.sha256 for f in run.files if f.name == "notices.csv"
    )
    # Nothing waits now: a second run is refused.
    with pytest.raises(BallotError, match="No postal paper or notice letter is waiting"):
        do_prepare_print_files(ballot, acting_user=None)


def test_a_run_holds_papers_and_letters(django_capture_on_commit_callbacks) -> None:
    ballot = issued_ballot(email=1, post=3)
    entries = postal(ballot)
    reissued = entries[0]
    Delivery.objects.create(
        ballot=ballot, entry=reissued, kind="reissue", channel="post", queued_at=timezone.now()
    )
    withdrawn(ballot)
    run = prepared(ballot, django_capture_on_commit_callbacks)
    names = {f.name for f in run.files}
    assert {"ballot-paper.pdf", "papers-0001.csv", "overlay-0001.pdf", "carriers-0001.pdf"} <= names
    assert {"notice-letter.pdf", "notices.csv"} <= names
    assert (run.papers, run.chunks, run.notices, run.complete) == (1, 1, 3, True)
    papers = csv_rows(read(ballot, run, "papers-0001.csv"))
    assert [int(r["paper_number"]) for r in papers] == [reissued.paper_number]
    notices = csv_rows(read(ballot, run, "notices.csv"))
    assert len(notices) == 3
    assert not Delivery.objects.filter(ballot=ballot, state=DeliveryState.QUEUED).exists()


def test_letters_to_voters_who_voted_since_are_not_printed(
    django_capture_on_commit_callbacks,
) -> None:
    ballot = issued_ballot(email=1, post=3)
    first, second, third = postal(ballot)
    withdrawn(ballot)
    RollEntry.objects.filter(pk=second.pk).update(voted=True)
    run = prepared(ballot, django_capture_on_commit_callbacks)
    numbers = [int(r["paper_number"]) for r in csv_rows(read(ballot, run, "notices.csv"))]
    assert numbers == [first.paper_number, third.paper_number]
    assert (run.notices, run.complete) == (2, True)
    letters = Delivery.objects.filter(ballot=ballot, kind="notice")
    assert letters.get(entry=second).state == DeliveryState.SKIPPED
    assert letters.get(entry=first).state == DeliveryState.PRINTED
    # Every addressee voted before the files were written: the run holds no letter and is
    # complete, not waiting for one.
    withdrawn(ballot, "Bea Birch is back on the ballot.", "candidate_reinstated")
    RollEntry.objects.filter(ballot=ballot, channel="post").update(voted=True)
    empty = prepared(ballot, django_capture_on_commit_callbacks)
    assert (empty.notices, empty.files, empty.complete) == (0, [], True)


def test_the_notice_files_are_for_the_ballots_managers_only(
    django_capture_on_commit_callbacks,
) -> None:
    officer, scrutineer = UserFactory(), UserFactory()
    ballot = issued_ballot(email=1, post=2, officer=officer, scrutineer=scrutineer)
    postal(ballot)
    withdrawn(ballot)
    run = prepared(ballot, django_capture_on_commit_callbacks, officer)
    page = f"/ballots/{ballot.pk}/papers/print/"
    manager = Client()
    manager.force_login(officer)
    listing = manager.get(page).content.decode()
    for name in ("notice-letter.pdf", "notices.csv"):
        assert f"{page}{run.name}/{name}" in listing
    assert "2 notice letters" in listing
    for user in (scrutineer, UserFactory()):
        client = Client()
        client.force_login(user)
        assert client.get(page).status_code == 403
        for name in ("notice-letter.pdf", "notices.csv"):
            assert client.get(f"{page}{run.name}/{name}").status_code == 403, name
    assert Client().get(f"{page}{run.name}/notices.csv").status_code == 302  # to the sign-in
    assert not AuditEvent.objects.filter(verb="ballots.download_print_file").exists()
    response = manager.get(f"{page}{run.name}/notices.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert b"paper_number,name,address,postcode" in b"".join(response.streaming_content)
    response = manager.get(f"{page}{run.name}/notice-letter.pdf")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    downloads = AuditEvent.objects.filter(verb="ballots.download_print_file").order_by("pk")
    assert [(e.actor_id, e.after["file"]) for e in downloads] == [
        (officer.pk, "notices.csv"),
        (officer.pk, "notice-letter.pdf"),
    ]
    assert "personal data" in downloads[0].reason
    assert downloads[1].reason == "the common notice letter"
    assert downloads[0].after["sha256"] == next(
        f.sha256 for f in run.files if f.name == "notices.csv"
    )
