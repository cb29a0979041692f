"""Print files for the mailing house (issue 11, item 7): a print run of the postal papers
waiting for one — the common paper (per rotation), a CSV and an overlay page per paper with its
check code and QR payload — written by tasks in chunks; deliveries marked printed; each download
of a file with personal data in the audit trail."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from moot.audit.models import AuditEvent
from moot.ballots import content, credentials, printing
from moot.ballots.actions.printing import do_download_print_file, do_prepare_print_files
from moot.ballots.errors import BallotError
from moot.ballots.models import Delivery

from .casting_world import open_ballot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_storage(settings, tmp_path) -> None:
    """Files of this test's ballots only (ballot ids repeat from test to test)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path)}},
    }


def post_world(*, voters: int = 8, candidate_order: str = "alphabetical"):
    world = open_ballot(voters=voters, candidate_order=candidate_order)
    for n, entry in enumerate(world.entries, start=1):
        member = entry.member
        member.address = f"{n} Mill Lane\nLittle Dunmore"
        member.postcode = f"DN{n} 1AA"
        member.save(update_fields=["address", "postcode"])
        if entry.channel == "post":
            Delivery.objects.create(
                ballot=world.ballot,
                entry=entry,
                kind="invitation",
                channel="post",
                queued_at=timezone.now(),
            )
    return world


def prepared(world, capture) -> printing.PrintRun:
    with capture(execute=True):
        run = do_prepare_print_files(world.ballot, acting_user=None)
    found = printing.read_run(world.ballot.pk, run)
    assert found is not None
    return found


def read(world, run: printing.PrintRun, name: str) -> bytes:
    with printing.open_file(world.ballot.pk, run.name, name) as handle:
        return handle.read()


def test_a_run_writes_the_common_paper_a_csv_and_an_overlay_page_per_paper(
    django_capture_on_commit_callbacks,
) -> None:
    world = post_world()
    post = [e for e in world.entries if e.channel == "post"]
    run = prepared(world, django_capture_on_commit_callbacks)
    assert run.complete
    assert run.papers == len(post)
    names = {f.name for f in run.files}
    assert names == {"ballot-paper.pdf", "papers-0001.csv", "carriers-0001.pdf", "overlay-0001.pdf"}
    rows = list(csv.DictReader(io.StringIO(read(world, run, "papers-0001.csv").decode())))
    assert [int(r["paper_number"]) for r in rows] == sorted(e.paper_number for e in post)
    for row, entry in zip(rows, sorted(post, key=lambda e: e.paper_number), strict=True):
        check = credentials.paper_check(world.ballot, entry.paper_number)
        assert row["check_code"] == check
        assert row["name"] == f"{entry.member.first_name} {entry.member.last_name}"
        assert row["postcode"] == entry.member.postcode
        assert row["qr_payload"] == f"MOOT1:B{world.ballot.pk}:P{entry.paper_number}:C{check}"
        assert row["rotation"] == "0"
    overlay = PdfReader(io.BytesIO(read(world, run, "overlay-0001.pdf")))
    assert len(overlay.pages) == len(post)
    first = overlay.pages[0].extract_text()
    assert f"Paper {rows[0]['paper_number']}" in first
    assert f"Check code {rows[0]['check_code']}" in first
    # Review 5: the ballot paper (the sheet with the marks) carries no name and no address;
    # they are on the carrier sheet, with the number and the declaration.
    overprint = "".join(p.extract_text() for p in overlay.pages)
    for entry in post:
        assert entry.member.postcode not in overprint
        assert entry.member.last_name not in overprint
        assert "Mill Lane" not in overprint
    carriers = PdfReader(io.BytesIO(read(world, run, "carriers-0001.pdf")))
    assert len(carriers.pages) == len(post)
    sheet = carriers.pages[0].extract_text()
    assert f"Paper {rows[0]['paper_number']}" in sheet
    assert rows[0]["name"] in sheet
    assert "Declaration: I am the member named above" in sheet
    assert post[0].member.postcode in "".join(p.extract_text() for p in carriers.pages)
    common = PdfReader(io.BytesIO(read(world, run, "ballot-paper.pdf"))).pages[0].extract_text()
    for candidate in world.candidates:
        assert candidate.name in common
    # Every file's SHA-256 is beside it; the deliveries are printed; the chunk's event has them.
    assert all(len(f.sha256) == 64 for f in run.files)
    assert set(Delivery.objects.filter(ballot=world.ballot).values_list("state", flat=True)) == {
        "printed"
    }
    event = AuditEvent.objects.get(verb="ballots.mark_papers_printed")
    assert event.after["papers"] == len(post)
    assert event.after["files"]["overlay-0001.pdf"] == next(
        f.sha256 for f in run.files if f.name == "overlay-0001.pdf"
    )
    assert AuditEvent.objects.get(verb="ballots.prepare_print_files").after["papers"] == len(post)


def test_nothing_waiting_and_a_ballot_not_open_are_refused(
    django_capture_on_commit_callbacks,
) -> None:
    world = post_world(voters=4)
    prepared(world, django_capture_on_commit_callbacks)
    with pytest.raises(BallotError, match="No postal paper or notice letter is waiting") as caught:
        do_prepare_print_files(world.ballot, acting_user=None)
    assert caught.value.code == "conflict"
    world.ballot.state = "closed"
    world.ballot.save(update_fields=["state"])
    Delivery.objects.filter(ballot=world.ballot).update(state="queued")
    before = AuditEvent.objects.count()
    with pytest.raises(BallotError, match="printed while the ballot is open"):
        do_prepare_print_files(world.ballot, acting_user=None)
    assert AuditEvent.objects.count() == before
    assert len(printing.runs(world.ballot)) == 1


def test_a_rotated_ballot_has_a_paper_per_rotation_and_each_voter_their_own(
    django_capture_on_commit_callbacks,
) -> None:
    world = post_world(voters=9, candidate_order="rotated")
    run = prepared(world, django_capture_on_commit_callbacks)
    turns = len(world.candidates)
    assert {f.name for f in run.files if f.name.startswith("ballot-paper")} == {
        f"ballot-paper-r{k}.pdf" for k in range(turns)
    }
    rows = list(csv.DictReader(io.StringIO(read(world, run, "papers-0001.csv").decode())))
    by_number = {e.paper_number: e for e in world.entries}
    for row in rows:
        entry = by_number[int(row["paper_number"])]
        rotation = int(row["rotation"])
        # The paper the voter gets lists the candidates in the order of their online ballot.
        first_online = content.ballot_boxes(world.ballot, entry)[0].label
        paper = read(world, run, f"ballot-paper-r{rotation}.pdf")
        text = PdfReader(io.BytesIO(paper)).pages[0].extract_text()
        positions = {c.name: text.index(c.name) for c in world.candidates}
        assert min(positions, key=positions.__getitem__) == first_online


def test_a_download_is_recorded_with_the_files_hash(django_capture_on_commit_callbacks) -> None:
    world = post_world(voters=4)
    run = prepared(world, django_capture_on_commit_callbacks)
    with do_download_print_file(
        world.ballot, run.name, "papers-0001.csv", acting_user=world.tellers[0]
    ) as handle:
        assert handle.read().startswith(b"paper_number,check_code,name")
    event = AuditEvent.objects.get(verb="ballots.download_print_file")
    assert event.after["file"] == "papers-0001.csv"
    assert event.after["sha256"] == next(f.sha256 for f in run.files if f.name == "papers-0001.csv")
    assert "personal data" in event.reason
    with pytest.raises(BallotError, match="No such print file"):
        do_download_print_file(world.ballot, run.name, "papers-0002.csv", acting_user=None)


def test_the_command_writes_a_run_and_says_how_fast(capsys) -> None:
    from django.core.management import call_command

    world = post_world(voters=6)
    call_command("ballot", "print", str(world.ballot.pk))
    out = capsys.readouterr().out
    assert "papers/second" in out
    assert "overlay-0001.pdf" in out
    assert not Delivery.objects.filter(ballot=world.ballot, state="queued").exists()
