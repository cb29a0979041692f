"""`moot import_members FILE [--dry-run] [--partial] [--unit SLUG] [--as EMAIL]
[--backdate-reason TEXT]`.

Imports members from a UTF-8 CSV file (columns: docs/members-import.md). All-or-nothing unless
--partial; --dry-run checks the file and writes nothing. Problems are listed by row and column.
Whoever runs the command acts as the register's authority (the national membership office):
rows joined before today are back-dated memberships and need --backdate-reason.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from moot.members.errors import ActionError
from moot.members.imports import import_members, read_csv_file

SHOW_ERRORS = 50


class Command(BaseCommand):
    help = "Import members from a CSV file (see docs/members-import.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path of the CSV file (UTF-8, header row first)")
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")
        parser.add_argument(
            "--partial", action="store_true", help="import the valid rows even if some are bad"
        )
        parser.add_argument(
            "--unit", help="slug or code of the constituency party for rows that name none"
        )
        parser.add_argument(
            "--as", dest="acting_email", help="e-mail of the account recorded as importing"
        )
        parser.add_argument(
            "--backdate-reason",
            default="",
            help="why rows joined before today are back-dated (required when there are any)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from moot.accounts.models import User
        from moot.units.models import Unit

        try:
            text = read_csv_file(options["file"])
        except FileNotFoundError:
            raise CommandError(f"{options['file']}: no such file") from None
        except ActionError as exc:
            raise CommandError(str(exc)) from None
        unit = None
        if options["unit"]:
            unit = (
                Unit.objects.filter(slug=options["unit"]).first()
                or Unit.objects.filter(code=options["unit"]).first()
            )
            if unit is None:
                raise CommandError(f"--unit {options['unit']}: no unit has that slug or code")
        user = None
        if options["acting_email"]:
            user = User.objects.filter(email=options["acting_email"]).first()
            if user is None:
                raise CommandError(f"--as {options['acting_email']}: no such account")
        started = time.perf_counter()
        report = import_members(
            text,
            unit_default=unit,
            dry_run=options["dry_run"],
            partial=options["partial"],
            acting_user=user,
            source_name=options["file"],
            backdate_reason=options["backdate_reason"],
        )
        seconds = time.perf_counter() - started
        problems = [f"  {error}" for error in report.errors[:SHOW_ERRORS]]
        if len(report.errors) > SHOW_ERRORS:
            problems.append(f"  ... and {len(report.errors) - SHOW_ERRORS} more problems")
        if report.errors and not (options["partial"] or options["dry_run"]):
            raise CommandError("\n".join([f"{options['file']}: {report.summary()}", *problems]))
        for line in problems:
            self.stderr.write(line)
        self.stdout.write(f"{options['file']}: {report.summary()} ({seconds:.1f} s)")
