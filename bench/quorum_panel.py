"""Benchmark: the live quorum panel of a meeting with 2,000 members present.

    .venv/bin/python bench/quorum_panel.py [--present 2000] [--runs 21] [--pg]

Builds a fresh SQLite database in a temporary directory (or a throwaway PostgreSQL with --pg),
a constituency party with ``--present`` eligible members plus a few refused at the door and
guests, and an AGM whose notice went out 30 days ago (so its eligible roll is counted by the
real action). Then it times, server-side through Django's test Client, signed in as the chair:

* ``quorum_state`` alone (the query path),
* GET /meetings/<id>/quorum/ — the panel the htmx poll fetches every few seconds,
* GET /meetings/<id>/live/ — current item + quorum (what every participant's page polls),
* GET /meetings/<id>/ — the whole meeting page.

Prints the median (and p95) of several runs in milliseconds; the target for the panel is
≤ 100 ms. The last line is ``present=<n> quorum_panel_ms=<median> ...``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port() -> str:
    """A port nobody listens on (a fixed one clashes with a developer's own test server)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return str(sock.getsockname()[1])


def child(present: int, runs: int) -> dict[str, object]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moot.site.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)
    from moot.accounts.models import User
    from moot.meetings import queries
    from moot.meetings.actions import do_add_agenda_item, do_create_meeting
    from moot.meetings.models import Attendance
    from moot.members.models import Member, MembershipPeriod
    from moot.units.models import OfficeHolding, Post, Unit

    today = timezone.localdate()
    national = Unit.objects.create(name="Bench Party", slug="bench", kind="national")
    region = Unit.objects.create(
        name="Bench Region", slug="bench-r", kind="region", parent=national
    )
    clp = Unit.objects.create(
        name="Bench CLP", slug="bench-clp", kind="constituency", parent=region
    )
    joined = today - datetime.timedelta(days=800)
    total = present + 200  # members who stayed at home too
    Member.objects.bulk_create(
        Member(
            number=f"M{i:07d}",
            first_name=f"Ada{i}",
            last_name=f"Bench{i}",
            email=f"m{i}@bench.example",
            constituency=clp,
            joined_on=joined,
            status="active",
        )
        for i in range(1, total + 1)
    )
    members = list(Member.objects.order_by("pk"))
    MembershipPeriod.objects.bulk_create(
        MembershipPeriod(member=m, status="active", start=joined, end=None) for m in members
    )
    user = User.objects.create_user("chair@bench.example", "chair@bench.example", "x")
    chair = members[0]
    Member.objects.filter(pk=chair.pk).update(user=user)
    post = Post.objects.create(unit=clp, slug="chair", title="Chair")
    OfficeHolding.objects.create(post=post, member=chair, start=joined)
    starts_at = timezone.make_aware(datetime.datetime.combine(today, datetime.time(19, 0)))
    meeting = do_create_meeting(
        unit=clp,
        kind="agm",
        starts_at=starts_at,
        location="Bench Hall",
        chair=chair,
        notice_sent_on=today - datetime.timedelta(days=30),
        acting_user=user,
    )
    for kind, title in (
        ("apologies", "Apologies"),
        ("motion", "Motions"),
        ("election", "Elections"),
    ):
        do_add_agenda_item(meeting, kind=kind, title=title, acting_user=user)
    now = timezone.now()
    rows = [
        Attendance(
            meeting=meeting,
            member=m,
            capacity="voter",
            eligible=True,
            checked_in_at=now,
            method="secretary",
        )
        for m in members[:present]
    ]
    rows += [
        Attendance(
            meeting=meeting,
            member=m,
            capacity="voter",
            eligible=False,
            reason="in arrears",
            clause="7.2",
            checked_in_at=now,
        )
        for m in members[present : present + 10]
    ]
    rows += [
        Attendance(meeting=meeting, guest_name=f"Guest {i}", capacity="guest", checked_in_at=now)
        for i in range(5)
    ]
    Attendance.objects.bulk_create(rows)
    assert queries.quorum_state(meeting).present_eligible == present

    client = Client()
    client.force_login(user)
    targets = {
        "quorum_state": None,
        "quorum panel": reverse("meetings:quorum", args=[meeting.pk]),
        "live fragment": reverse("meetings:live", args=[meeting.pk]),
        "meeting page": reverse("meetings:detail", args=[meeting.pk]),
    }
    results: dict[str, object] = {"vendor": connection.vendor, "timings": {}}
    state = queries.quorum_state(meeting)
    results["state"] = {
        "present": state.present_eligible,
        "required": state.required,
        "roll": state.eligible_total,
        "text": state.text,
    }
    for label, url in targets.items():
        times = []
        for _ in range(runs + 2):
            started = time.perf_counter()
            if url is None:
                queries.quorum_state(meeting)
            else:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
            times.append((time.perf_counter() - started) * 1000)
        times = sorted(times[2:])  # the first two warm the caches
        results["timings"][label] = {
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        }
    return results


def _create_database(url: str) -> None:
    """scripts/pg.sh starts a bare cluster; make the database its URL names."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--present", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--pg", action="store_true", help="run on a throwaway PostgreSQL")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.present, args.runs)))
        return
    tmp = Path(tempfile.mkdtemp(prefix="moot-bench-quorum-"))
    pg_dir = None
    try:
        env = {
            **os.environ,
            "MOOT_VAR_DIR": str(tmp / "var"),
            "MOOT_KEYS_DIR": str(tmp / "keys"),
            "MOOT_HTTPS": "0",
            "MOOT_ALLOWED_HOSTS": "testserver",
            "MOOT_TASKS": "immediate",
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        }
        if args.pg:
            pg_dir = Path(tempfile.mkdtemp(prefix="moot-bench-pg-"))
            url = subprocess.run(
                ["bash", "scripts/pg.sh", "start", str(pg_dir), free_port()],
                cwd=REPO,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            _create_database(url)
            env["DATABASE_URL"] = url
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                "--present",
                str(args.present),
                "--runs",
                str(args.runs),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            cwd=REPO,
        )
        if out.returncode != 0:
            raise SystemExit(f"benchmark child failed:\n{out.stderr[-3000:]}")
        result = json.loads(out.stdout.strip().splitlines()[-1])
        state = result["state"]
        print(
            f"quorum panel with {state['present']:,} present on {result['vendor']} "
            f"(roll {state['roll']:,}, required {state['required']:,}: {state['text']}); "
            f"median and p95 of {args.runs} runs, server time; target ≤ 100 ms"
        )
        for label, figures in result["timings"].items():
            print(
                f"  {label:<14} median {figures['median_ms']:>7} ms   p95 {figures['p95_ms']:>7} ms"
            )
        panel = result["timings"]["quorum panel"]
        print(
            f"present={state['present']} vendor={result['vendor']} "
            f"quorum_panel_ms={panel['median_ms']} quorum_panel_p95_ms={panel['p95_ms']}"
        )
    finally:
        if pg_dir is not None:
            subprocess.run(["bash", "scripts/pg.sh", "stop", str(pg_dir)], cwd=REPO, check=False)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
