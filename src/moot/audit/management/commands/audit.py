from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from moot.audit.queries import verify_chain


class Command(BaseCommand):
    help = "Audit trail tools. `moot audit verify` checks the whole hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"], help="verify: check the hash chain")

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problems = verify_chain()
        if problems:
            for problem in problems:
                self.stderr.write(f"FAIL {problem.kind}: {problem.message}")
            raise CommandError(
                f"audit trail is NOT intact: {len(problems)} problem(s) in {checked} events"
            )
        self.stdout.write(f"audit trail intact: {checked} events, hash chain verified")
