"""`moot ballot`: tools for ballots of all the members of a unit (docs/ballots.md).

moot ballot verify BUNDLE            re-derive a published record's result from the zip alone
                                     (no database: anyone holding the bundle runs it); exit 0
                                     when it holds, 1 with each problem when it does not
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
            type=Path,
            help="also check the site's signatures (the audit head and the record's content) "
            "with this public key (PEM, or the ed25519:<base64> line `moot audit public-key` "
            "prints)",
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

        report = verify_bundle(options["bundle"])
        if options["public_key"] is not None and report.ok:
            self._check_signatures(options["bundle"], options["public_key"], report)
        lines = report.lines()
        for line in lines[:-1]:
            if not options["quiet"] or line.startswith("FAIL"):
                (self.stderr if line.startswith("FAIL") else self.stdout).write(line)
        if report.ok:
            self.stdout.write(lines[-1])
            return
        self.stderr.write(lines[-1])
        sys.exit(1)

    def _check_signatures(self, bundle: Path, key_file: Path, report: Any) -> None:
        """The audit head and the record's content digest, signed with the site's key (the
        cryptography the audit checkpoints use; no database)."""
        import base64
        import json
        import tempfile

        from cryptography.exceptions import InvalidSignature

        from moot.audit import checkpoint as cp
        from moot.verify.record import read_bundle, record_signed_bytes

        try:
            key = cp.load_public_key(key_file)
        except cp.CheckpointError as exc:
            raise CommandError(str(exc)) from None
        files, _ = read_bundle(bundle)
        head = json.loads(files["audit-head.json"])
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "checkpoint.json"
            path.write_text(json.dumps(head["checkpoint"]))
            try:
                problem = cp.signature_problem(cp.read_checkpoint(path), key)
            except cp.CheckpointError as exc:
                problem = str(exc)
        if problem:
            report.fail("audit-head.json", f'"checkpoint": {problem}')
        content = head["record"]
        try:
            key.verify(
                base64.b64decode(content.get("signature") or "", validate=True),
                record_signed_bytes(head.get("ballot"), content["content_sha256"]),
            )
        except (InvalidSignature, ValueError):
            report.fail(
                "audit-head.json",
                '"record": the content digest is not signed by this key: the record was not '
                "published by this site, or was changed after",
            )
        else:
            report.passed.append(
                f"audit-head.json: the head and the record's content are signed by key "
                f"{cp.key_id(key)}"
            )

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
        common = printing.write_common(ballot, run)
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
            f"{len(common)} common paper(s), {seconds:.1f} s, "
            f"{found.papers / seconds:,.0f} papers/second"
        )

    def _export(self, options: dict[str, Any]) -> None:
        from moot.ballots.errors import BallotError
        from moot.ballots.models import Ballot
        from moot.ballots.record import record_bytes, stored_record
        from moot.verify.record import sha256_hex

        try:
            ballot = Ballot.objects.get(pk=options["ballot"])
        except Ballot.DoesNotExist:
            raise CommandError(f"no ballot number {options['ballot']}") from None
        try:
            data = stored_record(ballot) or record_bytes(ballot)
        except BallotError as exc:
            raise CommandError(f"ballot {ballot.pk}: {exc}") from None
        out: Path = options["out"]
        if out.exists():
            raise CommandError(f"{out} already exists; give a new file name (nothing written)")
        out.write_bytes(data)
        digest = sha256_hex(data)
        published = ballot.bundle_sha256
        note = (
            "the published record"
            if published == digest
            else "built now; not yet published"
            if not published
            else f"WARNING differs from the published SHA-256 {published}"
        )
        self.stdout.write(f"wrote {out} ({len(data):,} bytes), SHA-256 {digest} ({note})")
        self.stdout.write(f"verify it with: moot ballot verify {out}")

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
