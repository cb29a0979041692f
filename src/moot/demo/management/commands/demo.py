"""`moot demo`: seed the demo organisation (the Commonweal Party) and print how to sign in.

moot demo                 seed (refuses when the register already has members)
moot demo --if-empty      seed only when the register has no members (used by `make run`)
moot demo --reset         empty the whole database, then seed afresh
moot demo --banner --port 8000   print the address and the demo sign-ins (no seeding)
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from moot.demo import seed


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

        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {org.national.name}: {len(org.constituencies)} constituency parties, "
                f"{Member.objects.count():,} members, {len(org.organisations)} organisations "
                f"and the AGM “{meeting.title}” (/meetings/{meeting.pk}/) "
                f"in {time.perf_counter() - started:.1f} s."
            )
        )


def banner(port: int) -> str:
    from moot.accounts.models import User

    emails = {f"{local}@{seed.DEMO_DOMAIN}" for _, local, _ in seed.DEMO_ACCOUNTS}
    present = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    lines = [
        "",
        f"  moot is running at http://127.0.0.1:{port}/",
        "",
        "  Demo sign-ins (the Commonweal Party; every person is invented):",
    ]
    width = max(len(e) for e in emails)
    for _role, local, description in seed.DEMO_ACCOUNTS:
        email = f"{local}@{seed.DEMO_DOMAIN}"
        missing = "" if email in present else "   (not created: run `moot demo --reset`)"
        lines.append(
            f"    {email.ljust(width)}  password {seed.DEMO_PASSWORD}  {description}{missing}"
        )
    from moot.meetings.models import Meeting
    from moot.meetings.queries import minutes_awaiting_approval

    agm = (
        Meeting.objects.filter(unit__slug=seed.RIVERSIDE_SLUG, kind="agm")
        .order_by("-starts_at", "-pk")
        .first()
    )
    if agm is not None:
        lines += [
            "",
            f"  The demo AGM: http://127.0.0.1:{port}/meetings/{agm.pk}/ — sign in as the chair,",
            "  open the meeting from the chair's console; on a phone, sign in as the member and",
            f"  check in with the meeting code {agm.check_in_code}.",
        ]
        awaiting = minutes_awaiting_approval(agm)
        item = agm.items.filter(kind="minutes").order_by("position").first()
        if awaiting is not None and item is not None:
            lines.append(
                f"  Last year's minutes (/meetings/{awaiting.meeting_id}/minutes/) wait for "
                f"approval at item {item.position}."
            )
    from moot.audit.management.commands.audit import where_lines

    lines += ["", *(f"  {line}" for line in where_lines()), ""]
    return "\n".join(lines)
