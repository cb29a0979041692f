"""`moot ballot`: tools for ballots of all the members of a unit (docs/ballots.md).

moot ballot verify BUNDLE            re-derive a published record's result from the zip alone
                                     (no database: anyone holding the bundle runs it); exit 0
                                     when it holds, 1 with each problem when it does not
moot ballot export ID OUT.zip        write the published record of declared ballot ID

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
        export = actions.add_parser("export", help="write the published record of a ballot")
        export.add_argument("ballot", type=int, help="the ballot's number")
        export.add_argument("out", type=Path, help="the zip file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["action"].replace("-", "_"))(options)

    def _verify(self, options: dict[str, Any]) -> None:
        # The pure verifier alone: it imports nothing of Django and reads no database.
        from moot.verify.record import verify_bundle

        report = verify_bundle(options["bundle"])
        lines = report.lines()
        for line in lines[:-1]:
            if not options["quiet"] or line.startswith("FAIL"):
                (self.stderr if line.startswith("FAIL") else self.stdout).write(line)
        if report.ok:
            self.stdout.write(lines[-1])
            return
        self.stderr.write(lines[-1])
        sys.exit(1)

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
