"""`moot ballot`: tools for ballots of all the members of a unit (docs/ballots.md).

moot ballot verify BUNDLE --public-key KEY | --key-fingerprint SHA256 [--unauthenticated]
                                     re-derive a published record's result from the zip alone
                                     (no database: anyone holding the bundle runs it) and check
                                     the site's signature with the key given (never one found in
                                     the bundle); exit 0 when it holds and is signed by that
                                     key, 1 with each problem when it does not, 3 when it adds
                                     up but no key was given (UNAUTHENTICATED; 0 with
                                     --unauthenticated, which still says so)
moot ballot export ID OUT.zip        write the published record of declared ballot ID
moot ballot print ID                 write a print run of ballot ID's waiting postal papers here
                                     (not by the task workers) and say how fast it went
moot ballot deliveries [--ballot ID] [--resume] [--older-than S] [--wait]
                                     the deliveries' counts by state; --resume puts back rows
                                     a stopped worker left "sending" (claimed over S seconds
                                     ago, default 600) and queues every batch with rows
                                     waiting; --wait reports until nothing is left to send

Each workstream adds its sub-command here: a parser in ``add_arguments`` and a method
``_<name>`` (dashes as underscores) that ``handle`` calls.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

# `verify` without a trusted key: the files add up, but nothing shows they are the site's.
UNAUTHENTICATED_EXIT = 3


class Command(BaseCommand):
    help = "Ballot tools: verify a published record (no database needed), export a record."
    # `verify` must run where there is no database: no system checks (some read it).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        verify = actions.add_parser(
            "verify",
            help="verify a published record (a zip) from the file alone; no database",
        )
        verify.add_argument("bundle", type=Path, help="the record's zip file")
        verify.add_argument(
            "--quiet", action="store_true", help="print only the last line (and any problem)"
        )
        verify.add_argument(
            "--public-key",
            metavar="KEY",
            help="the site's audit public key, as shown on the record page or printed by "
            "`moot audit public-key`: a file (PEM or the ed25519:<base64> line), the "
            "ed25519:<base64> line itself, or the key's 64 hex digits. The record holds only "
            "if the site signed it with this key",
        )
        verify.add_argument(
            "--key-fingerprint",
            metavar="SHA256",
            help="instead of the key: its fingerprint (64 hex digits, shown on the record page); "
            "the key carried in the bundle is then used only if it has this fingerprint",
        )
        verify.add_argument(
            "--unauthenticated",
            action="store_true",
            help="without a key: check only that the files are internally consistent and exit 0 "
            f"when they are (otherwise such a check exits {UNAUTHENTICATED_EXIT}, to say "
            "nothing showed the record is the site's)",
        )
        export = actions.add_parser("export", help="write the published record of a ballot")
        export.add_argument("ballot", type=int, help="the ballot's number")
        export.add_argument("out", type=Path, help="the zip file to write")
        printer = actions.add_parser(
            "print", help="write a print run of the waiting postal papers, with its speed"
        )
        printer.add_argument("ballot", type=int, help="the ballot's number")
        deliveries = actions.add_parser(
            "deliveries", help="counts of the ballot deliveries; resume what a worker left"
        )
        deliveries.add_argument("--ballot", type=int, help="one ballot's number (default: all)")
        deliveries.add_argument(
            "--resume",
            action="store_true",
            help="put back rows left 'sending' by a stopped worker and queue the waiting batches",
        )
        deliveries.add_argument(
            "--older-than",
            type=float,
            default=600.0,
            metavar="SECONDS",
            help="a row 'sending' for longer than this is stuck (default 600)",
        )
        deliveries.add_argument(
            "--wait",
            action="store_true",
            help="report every few seconds until no e-mail is queued or being sent",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["action"].replace("-", "_"))(options)

    def _verify(self, options: dict[str, Any]) -> None:
        # The pure verifier alone: it imports nothing of Django and reads no database.
        from moot.verify.record import verify_bundle
        from moot.verify.record_keys import KeyFileError, parse_fingerprint, parse_public_key

        try:
            key = parse_public_key(options["public_key"]) if options["public_key"] else None
            fingerprint = (
                parse_fingerprint(options["key_fingerprint"])
                if options["key_fingerprint"]
                else None
            )
        except KeyFileError as exc:
            raise CommandError(f"--public-key / --key-fingerprint: {exc}") from None
        report = verify_bundle(options["bundle"], public_key=key, fingerprint=fingerprint)
        lines = report.lines()
        for line in lines[:-1]:
            if not options["quiet"] or line.startswith("FAIL"):
                (self.stderr if line.startswith("FAIL") else self.stdout).write(line)
        if report.holds:
            self.stdout.write(lines[-1])
            return
        self.stderr.write(lines[-1])
        if not report.ok:
            sys.exit(1)
        if not options["unauthenticated"]:
            sys.exit(UNAUTHENTICATED_EXIT)

    def _print(self, options: dict[str, Any]) -> None:
        import time

        from moot.ballots import printing
        from moot.ballots.actions.printing import do_mark_papers_printed, do_prepare_print_files
        from moot.ballots.errors import BallotError
        from moot.ballots.models import Ballot

        try:
            ballot = Ballot.objects.get(pk=options["ballot"])
        except Ballot.DoesNotExist:
            raise CommandError(f"no ballot number {options['ballot']}") from None
        started = time.perf_counter()
        try:
            run = do_prepare_print_files(ballot, acting_user=None, enqueue=False)
        except BallotError as exc:
            raise CommandError(f"ballot {ballot.pk}: {exc}") from None
        found = printing.read_run(ballot.pk, run)
        assert found is not None
        common = printing.write_run_common(ballot, run)
        for chunk in range(1, found.chunks + 1):
            ids, digests = printing.write_chunk(ballot, run, chunk)
            do_mark_papers_printed(ballot.pk, run, chunk, ids, digests)
        seconds = time.perf_counter() - started
        done = printing.read_run(ballot.pk, run)
        assert done is not None
        for file in done.files:
            self.stdout.write(f"{file.name}  {file.size:,} bytes  SHA-256 {file.sha256}")
        self.stdout.write(
            f"run {run}: {found.papers:,} papers in {found.chunks} part(s) and "
            f"{len(common)} common file(s), {seconds:.1f} s, "
            f"{found.papers / seconds:,.0f} papers/second"
        )

    def _export(self, options: dict[str, Any]) -> None:
        import shutil

        from moot.ballots.errors import BallotError
        from moot.ballots.models import Ballot
        from moot.ballots.record import file_sha256, open_stored_record, write_record

        try:
            ballot = Ballot.objects.get(pk=options["ballot"])
        except Ballot.DoesNotExist:
            raise CommandError(f"no ballot number {options['ballot']}") from None
        out: Path = options["out"]
        if out.exists():
            raise CommandError(f"{out} already exists; give a new file name (nothing written)")
        try:
            stored = open_stored_record(ballot)
            with out.open("xb") as target:
                if stored is not None:
                    with stored:
                        shutil.copyfileobj(stored, target, 1 << 20)
                else:
                    write_record(ballot, target)
        except BallotError as exc:
            out.unlink(missing_ok=True)
            raise CommandError(f"ballot {ballot.pk}: {exc}") from None
        with out.open("rb") as written:
            digest = file_sha256(written)
        size = out.stat().st_size
        published = ballot.bundle_sha256
        note = (
            "the published record"
            if published == digest
            else "built now; not yet published"
            if not published
            else f"WARNING differs from the published SHA-256 {published}"
        )
        self.stdout.write(f"wrote {out} ({size:,} bytes), SHA-256 {digest} ({note})")
        from moot.ballots.record import site_public_key

        key = site_public_key()
        self.stdout.write(
            f"verify it with: moot ballot verify {out} --public-key "
            + (key["line"] if key else "SITE-KEY (this site has no audit key: it is unsigned)")
        )

    def _deliveries(self, options: dict[str, Any]) -> None:
        import datetime
        import time

        from moot.ballots.models import Ballot
        from moot.ballots.tasks import delivery_states, resume_stuck

        ballot_id = options["ballot"]
        if ballot_id is not None and not Ballot.objects.filter(pk=ballot_id).exists():
            raise CommandError(f"no ballot number {ballot_id}")
        if options["older_than"] < 0:
            raise CommandError("--older-than is a number of seconds, 0 or more")
        if options["resume"]:
            result = resume_stuck(
                ballot_id, older_than=datetime.timedelta(seconds=options["older_than"])
            )
            self.stdout.write(
                f"put back {result['put_back']} stuck rows; queued {result['batches']} batches"
            )
        started = time.monotonic()
        first = delivery_states(ballot_id)
        while True:
            states = delivery_states(ballot_id)
            line = " ".join(f"{state}={n}" for state, n in sorted(states.items()))
            if not options["wait"]:
                self.stdout.write(line or "no deliveries")
                return
            elapsed = time.monotonic() - started
            done = states.get("sent", 0) - first.get("sent", 0)
            rate = done / elapsed if elapsed > 0 else 0.0
            self.stdout.write(f"{line} elapsed_s={elapsed:.1f} sent_per_s={rate:.1f}")
            if not states.get("queued_email", 0) and not states.get("sending", 0):
                return
            time.sleep(2)
