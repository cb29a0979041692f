"""Benchmark: freeze (and issue) a national ballot of N members (issue 11, target: freeze ≤ 60 s
for 500,000 members on PostgreSQL).

    DATABASE_URL=postgres://… .venv/bin/python bench/ballot_freeze.py --members 500000 [--issue]
    DATABASE_URL=sqlite:////tmp/freeze.sqlite3 .venv/bin/python bench/ballot_freeze.py …

The database named by DATABASE_URL is migrated and filled (a national unit, 12 regions, 600
constituencies, N members in bulk with their status histories: about 1 in 20 in arrears, 1 in
100 suspended, 1 in 50 joined last month, 1 in 25 without an e-mail address, 1 in 200 sharing
one), a draft ballot with two consenting candidates is created, and ``do_freeze_ballot`` is
timed (then ``do_issue_ballot`` with --issue). MOOT_KEYS_DIR defaults to a temporary
directory. The last line is ``members=<n> electorate=<n> freeze_s=<n> [issue_s=<n>]``.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import time
from typing import Any


def fill(members: int, today: datetime.date) -> Any:
    """A national unit, 12 regions of 50 constituencies, ``members`` members in bulk."""
    from moot.members.models import Member, MembershipPeriod
    from moot.units.models import Unit

    national = Unit.objects.create(kind="national", name="Bench Party", slug="bench", code="B0")
    constituencies = []
    for r in range(12):
        region = Unit.objects.create(
            kind="region", name=f"Region {r}", slug=f"bench-r{r}", code=f"BR{r}", parent=national
        )
        for c in range(50):
            constituencies.append(
                Unit.objects.create(
                    kind="constituency",
                    name=f"Constituency {r}-{c}",
                    slug=f"bench-c{r}-{c}",
                    code=f"BC{r}-{c}",
                    parent=region,
                )
            )
    long_ago = today - datetime.timedelta(days=400)
    recent = today - datetime.timedelta(days=20)
    batch: list[Member] = []
    first_id = None
    for n in range(members):
        email = "" if n % 25 == 0 else f"m{n}@bench.example.org"
        if n % 200 == 1:
            email = f"household{n // 400}@bench.example.org"
        status = "in_arrears" if n % 20 == 3 else "suspended" if n % 100 == 7 else "active"
        member = Member(
            number=f"B{n:07d}",
            first_name=f"First{n % 997}",
            last_name=f"Last{n % 1009}",
            email=email,
            constituency=constituencies[n % len(constituencies)],
            joined_on=recent if n % 50 == 9 else long_ago,
            status=status,
        )
        member.fill_search_keys()
        batch.append(member)
        if len(batch) == 10_000 or n == members - 1:
            made = Member.objects.bulk_create(batch, batch_size=10_000)
            if first_id is None:
                first_id = made[0].pk
            periods = []
            for m in made:
                if m.status == "active":
                    periods.append(MembershipPeriod(member=m, status="active", start=m.joined_on))
                else:
                    middle = today - datetime.timedelta(days=60)
                    periods.append(
                        MembershipPeriod(member=m, status="active", start=m.joined_on, end=middle)
                    )
                    periods.append(MembershipPeriod(member=m, status=m.status, start=middle))
            MembershipPeriod.objects.bulk_create(periods, batch_size=10_000)
            batch = []
    return national


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500_000)
    parser.add_argument("--issue", action="store_true", help="time the issue too")
    parser.add_argument(
        "--reuse", action="store_true", help="the members are already there: a new ballot only"
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moot.site.settings")
    os.environ.setdefault("MOOT_KEYS_DIR", tempfile.mkdtemp(prefix="moot-bench-keys-"))
    os.environ.setdefault("MOOT_HTTPS", "0")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection
    from django.utils import timezone

    from moot.accounts.models import User
    from moot.ballots.actions.roll import do_freeze_ballot, do_issue_ballot
    from moot.ballots.models import Ballot, Candidate
    from moot.members.models import Member
    from moot.units.models import Unit

    today = timezone.localdate()
    started = time.monotonic()
    if args.reuse:
        national = Unit.objects.get(slug="bench")
        args.members = Member.objects.count()
    else:
        national = fill(args.members, today)
    print(
        f"filled {args.members} members in {time.monotonic() - started:.1f} s "
        f"({connection.vendor})",
        file=sys.stderr,
    )
    suffix = Ballot.objects.count()
    officer = User.objects.create_user(
        username=f"ro{suffix}@bench", email=f"ro{suffix}@bench", password=None
    )
    scrutineer = User.objects.create_user(
        username=f"sc{suffix}@bench", email=f"sc{suffix}@bench", password=None
    )
    now = timezone.now()
    ballot = Ballot.objects.create(
        unit=national,
        title="Bench national executive",
        kind="election",
        position="National executive",
        seats=1,
        method="scottish-stv",
        channels=["online", "post"],
        nominations_open=today - datetime.timedelta(days=30),
        nominations_close=today - datetime.timedelta(days=1),
        freeze_date=today,
        issue_at=now,
        close_at=now + datetime.timedelta(days=21),
        returning_officer=officer,
        scrutineer=scrutineer,
    )
    for name in ("Asha Bench", "Ben Bench"):
        Candidate.objects.create(
            ballot=ballot, name=name, consented_at=now, code=name.split()[0].lower()
        )
    t0 = time.monotonic()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(do_freeze_ballot, ballot.pk, acting_user=officer)
        pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
    else:
        do_freeze_ballot(ballot.pk, acting_user=officer)
    freeze_s = time.monotonic() - t0
    ballot.refresh_from_db()
    line = (
        f"members={args.members} electorate={ballot.roll_commitment['size']} "
        f"freeze_s={freeze_s:.1f}"
    )
    if args.issue:
        t0 = time.monotonic()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.runcall(do_issue_ballot, ballot.pk, acting_user=officer)
            pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
        else:
            do_issue_ballot(ballot.pk, acting_user=officer)
        line += f" issue_s={time.monotonic() - t0:.1f}"
    print(line)


if __name__ == "__main__":
    main()
