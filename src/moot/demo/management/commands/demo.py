"""`moot demo`: seed the demo organisation (the Commonweal Party) and print how to sign in.

moot demo                 seed (refuses when the register already has members)
moot demo --if-empty      seed only when the register has no members (used by `make run`)
moot demo --reset         empty the whole database, then seed afresh (the AGM called for now)
moot demo --banner --port 8000   print the address, the demo sign-ins and what to do next,
                          from the demo's state now (no seeding)
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from moot.demo import seed
from moot.demo.banner import banner


class Command(BaseCommand):
    help = "Seed the demo organisation (invented people) and print the demo sign-ins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="seed only into an empty register"
        )
        parser.add_argument("--reset", action="store_true", help="empty the database first")
        parser.add_argument(
            "--banner", action="store_true", help="print how to sign in; no seeding"
        )
        parser.add_argument("--port", type=int, default=8000, help="port shown by --banner")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["banner"]:
            self.stdout.write(banner(options["port"]))
            return
        if options["reset"]:
            self.stdout.write("Emptying the database ...")
            call_command("flush", interactive=False, verbosity=0)
        elif seed.has_members():
            if options["if_empty"]:
                self.stdout.write("The register already has members: demo not seeded.")
                return
            raise CommandError(
                "the register already has members; use --reset to start afresh (this deletes "
                "everything) or --if-empty to skip seeding"
            )
        started = time.perf_counter()
        org = seed.seed_foundation()
        from moot.demo.agm import seed_agm
        from moot.members.models import Member

        meeting = seed_agm(org)
        from moot.demo.policies import seed_policies

        seed_policies(org)  # the policy register (docs/policies.md)
        from moot.demo.cases import seed_cases

        complaints = seed_cases(org)  # complaints at every stage (docs/cases.md)
        from moot.demo.ballots import seed_ballots

        ballots_started = time.perf_counter()
        ballots = seed_ballots(org)  # national executive ballots (docs/ballots.md)
        self.stdout.write(
            f"Ballots: “{ballots.last.title}” declared (/ballots/{ballots.last.pk}/results/), "
            f"“{ballots.current.title}” open (/ballots/{ballots.current.pk}/), seeded in "
            f"{time.perf_counter() - ballots_started:.1f} s."
        )
        self.stdout.write(
            f"Complaints: {len(complaints.cases)} cases; the anonymous public complaint is "
            f"followed at /complain/follow-up/ with the receipt code {complaints.receipt_code}."
        )

        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {org.national.name}: {len(org.constituencies)} constituency parties, "
                f"{Member.objects.count():,} members, {len(org.organisations)} organisations "
                f"and the AGM “{meeting.title}” (/meetings/{meeting.pk}/) "
                f"in {time.perf_counter() - started:.1f} s."
            )
        )
