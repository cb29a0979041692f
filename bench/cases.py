"""Benchmark: the complaints process over 500,000 members and 50,000 cases at every stage.

    .venv/bin/python bench/cases.py [--members 500000] [--cases 50000] [--runs 7] [--pg]

Builds a fresh SQLite database in a temporary directory (or a throwaway PostgreSQL with --pg),
bulk-loads the register (members with their status intervals) and the cases (their log, text
encrypted under a benchmark case key, reads, assignments, sanctions), then times server-side,
as the median of ``--runs`` runs through Django's test Client signed in as national complaints
staff:

* list_ms:  the staff's filtered case list (GET /cases/?stage=investigation&category=bullying),
* case_ms:  one case page (GET /cases/<id>/: decrypts the text, writes its read log row),
* stats_ms: the last ended quarter's statistics page (GET /cases/statistics/<quarter>/),
* sar_ms:   one subject access export (do_export_subject_access for a member who is a party
            to several cases and a witness in one).

Targets: list ≤ 150 ms, case ≤ 100 ms, statistics ≤ 1,000 ms, subject access ≤ 2,000 ms. The
last line is ``cases=<n> members=<n> list_ms=<n> case_ms=<n> stats_ms=<n> sar_ms=<n>``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CLPS = 40
BRANCHES_PER_CLP = 6
BATCH = 5000
FIRST = ("Ada", "Ben", "Cara", "Dev", "Ema", "Finn", "Gita", "Hal", "Isla", "Jon", "Kemi", "Lev")
LAST = ("Ash", "Birch", "Cole", "Dale", "Eden", "Frost", "Grey", "Hale", "Ives", "Jura", "Kerr")
# Stage mix of a process that has run for a couple of years: most cases closed at or after
# triage, a tail at every later stage.
STAGES = (
    ("received", 2),
    ("triage", 6),
    ("no_further_action", 22),
    ("reminder_of_conduct", 12),
    ("investigation", 14),
    ("report", 5),
    ("panel", 4),
    ("decided", 4),
    ("review", 2),
    ("appeal", 2),
    ("closed", 27),
)
DECIDED = {"decided", "review", "appeal", "closed"}
OUTCOMES = ("not_upheld", "warning", "education", "suspension", "expulsion", "outside_remit")


def build(members: int, cases: int, rng: random.Random) -> dict[str, Any]:
    """The register and the cases, bulk-loaded; returns the ids the timings use."""
    from django.utils import timezone

    from moot.accounts.models import StaffAssignment, User
    from moot.cases.crypto import seal_json, seal_text
    from moot.cases.models import (
        Assignment,
        Case,
        CaseEvent,
        CaseRead,
        Communication,
        Sanction,
    )
    from moot.members.models import Member, MembershipPeriod
    from moot.units.models import Unit
    from moot.units.queries import edition_in_force

    national = Unit.objects.create(name="Bench Party", slug="bench", kind="national")
    region = Unit.objects.create(
        name="Bench Region", slug="bench-r", kind="region", parent=national
    )
    clps = []
    branches: dict[int, list[Unit]] = {}
    for c in range(CLPS):
        clp = Unit.objects.create(
            name=f"Bench CLP {c}", slug=f"clp-{c}", kind="constituency", parent=region
        )
        clps.append(clp)
        branches[clp.pk] = [
            Unit.objects.create(
                name=f"Bench ward {c}.{b}", slug=f"clp-{c}-w{b}", kind="branch", parent=clp
            )
            for b in range(BRANCHES_PER_CLP)
        ]
    today = timezone.localdate()
    started = time.perf_counter()
    for offset in range(0, members, BATCH):
        batch = []
        for n in range(offset, min(offset + BATCH, members)):
            clp = clps[n % CLPS]
            member = Member(
                number=f"B{n:07d}",
                first_name=FIRST[n % len(FIRST)],
                last_name=f"{LAST[(n // 7) % len(LAST)]}{n % 1000}",
                email=f"b{n:07d}@bench.example",
                constituency=clp,
                branch=branches[clp.pk][n % BRANCHES_PER_CLP],
                joined_on=today - datetime.timedelta(days=30 + n % 3000),
                status="active",
            )
            member.fill_search_keys()
            batch.append(member)
        made = Member.objects.bulk_create(batch)
        MembershipPeriod.objects.bulk_create(
            MembershipPeriod(member=m, status="active", start=m.joined_on) for m in made
        )
    member_ids = list(Member.objects.order_by("pk").values_list("pk", flat=True))
    register_s = time.perf_counter() - started

    staff = User.objects.create_user("complaints@bench.example", "complaints@bench.example", "x")
    StaffAssignment.objects.create(user=staff, role="complaints_staff", unit=None)
    rules = edition_in_force().complaints
    categories = [(c.slug, c.protected_characteristic) for c in rules.categories] or [
        ("bullying", False)
    ]
    stage_pool = [stage for stage, weight in STAGES for _ in range(weight)]
    now = timezone.now()
    started = time.perf_counter()
    # The subject of the subject access export: respondent in 3 cases, complainant in 2.
    subject = member_ids[len(member_ids) // 2]
    for offset in range(0, cases, BATCH):
        batch = []
        for n in range(offset, min(offset + BATCH, cases)):
            stage = rng.choice(stage_pool)
            opened = now - datetime.timedelta(days=rng.randint(1, 730), minutes=n % 1440)
            category, protected = rng.choice(categories)
            respondent = rng.choice(member_ids) if n % 10 else None
            complainant = rng.choice(member_ids) if n % 2 else None
            if n < 3:
                respondent = subject
            elif n < 5:
                complainant = subject
            clp = clps[n % CLPS]
            closed = stage in {"no_further_action", "reminder_of_conduct", "closed"}
            case = Case(
                reference=f"C-{opened.year}-{n + 1:06d}",
                unit=clp,
                category=category,
                protected_characteristic=protected,
                directed=bool(n % 3),
                respondent_id=respondent,
                complainant_member_id=complainant,
                stage=stage,
                outcome=rng.choice(OUTCOMES) if stage in DECIDED else "",
                opened_at=opened,
                acknowledged_at=opened + datetime.timedelta(hours=1),
                triaged_at=opened + datetime.timedelta(days=5) if stage != "received" else None,
                stage_since=opened + datetime.timedelta(days=10),
                deadline=(opened + datetime.timedelta(days=40)).date() if not closed else None,
                closed_at=opened + datetime.timedelta(days=60) if closed else None,
                intake_channel=("public_form", "member_form", "staff", "email")[n % 4],
                incident_dates="earlier that month",
            )
            seal_text(
                case,
                "description_enc",
                f"At the branch meeting on the 3rd the respondent shouted at me ({n}).",
            )
            seal_text(case, "witnesses_enc", "Sam Reed, s.reed@bench.example")
            if complainant is None:
                seal_json(
                    case, "complainant_contact_enc", {"name": "Alex Doe", "email": "a@x.example"}
                )
            batch.append(case)
        made = Case.objects.bulk_create(batch)
        events = []
        reads = []
        assignments = []
        sanctions = []
        communications = []
        for case in made:
            kinds = ["received", "acknowledged"]
            if case.stage != "received":
                kinds.append("triaged")
            if case.stage in {"investigation", "report", "panel", *DECIDED}:
                kinds += ["notice_to_respondent", "reply_received", "note"]
            if case.stage in DECIDED:
                kinds.append("decision")
            if case.stage in {"no_further_action", "reminder_of_conduct", "closed"}:
                kinds.append("closed")
            for index, kind in enumerate(kinds):
                event = CaseEvent(
                    case=case,
                    at=case.opened_at + datetime.timedelta(days=index * 7),
                    actor=staff if kind not in {"received", "reply_received"} else None,
                    kind=kind,
                    stage=case.stage,
                    party="respondent" if kind == "reply_received" else "",
                    # the process reads the reply date a notice gave (cases.actions.stages)
                    data={
                        "reply_by": (case.opened_at + datetime.timedelta(days=30))
                        .date()
                        .isoformat()
                    }
                    if kind == "notice_to_respondent"
                    else {},
                )
                if kind in {"note", "reply_received", "decision"}:
                    seal_text(event, "body_enc", f"{kind} text for {case.reference}")
                events.append(event)
            reads.append(
                CaseRead(
                    case=case,
                    user=staff,
                    role="complaints_staff",
                    what="page",
                    why="triage",
                    at=case.opened_at + datetime.timedelta(days=1),
                )
            )
            assignments.append(
                Assignment(case=case, user=staff, role="case_handler", assigned_at=case.opened_at)
            )
            if case.outcome in {"warning", "education", "suspension", "expulsion"}:
                sanctions.append(
                    Sanction(
                        case=case,
                        kind=case.outcome,
                        starts_on=(case.opened_at + datetime.timedelta(days=50)).date(),
                        clause="6.4",
                        recorded_by=staff,
                        recorded_at=case.opened_at + datetime.timedelta(days=50),
                    )
                )
            message = Communication(
                case=case,
                to="complainant",
                channel="email",
                milestone="received",
                subject="Your complaint has been received",
                queued_at=case.opened_at,
                state="sent",
            )
            seal_text(message, "body_enc", "We have received your complaint.")
            communications.append(message)
        CaseEvent.objects.bulk_create(events, batch_size=BATCH)
        CaseRead.objects.bulk_create(reads, batch_size=BATCH)
        Assignment.objects.bulk_create(assignments, batch_size=BATCH)
        Sanction.objects.bulk_create(sanctions, batch_size=BATCH)
        Communication.objects.bulk_create(communications, batch_size=BATCH)
    witness_case = Case.objects.order_by("pk")[5]
    CaseEvent.objects.create(
        case=witness_case,
        at=now,
        kind="answer",
        stage=witness_case.stage,
        party="witness",
        data={"member": subject},
    )
    cases_s = time.perf_counter() - started
    one = Case.objects.filter(stage="investigation").order_by("pk").first()
    return {
        "staff": staff.pk,
        "subject": subject,
        "case": one.pk,
        "register_s": round(register_s, 1),
        "cases_s": round(cases_s, 1),
    }


def median_ms(runs: int, call: Any) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times))


def child(members: int, cases: int, runs: int) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moot.site.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)
    ids = build(members, cases, random.Random(7))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the planner's statistics, as a live database has them

    from moot.accounts.models import User
    from moot.cases.models import Case
    from moot.cases.sar import do_export_subject_access
    from moot.cases.statistics import last_ended_quarter

    staff = User.objects.get(pk=ids["staff"])
    client = Client()
    client.force_login(staff)

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    quarter = last_ended_quarter().slug
    return {
        "vendor": connection.vendor,
        "cases": Case.objects.count(),
        "members": members,
        "list_ms": median_ms(runs, lambda: get("/cases/?stage=investigation&category=bullying")),
        "case_ms": median_ms(runs, lambda: get(f"/cases/{ids['case']}/")),
        "stats_ms": median_ms(runs, lambda: get(f"/cases/statistics/{quarter}/")),
        "sar_ms": median_ms(
            runs,
            lambda: do_export_subject_access(
                ids["subject"], request_reference="BENCH-1", acting_user=staff
            ),
        ),
        "build": {"register_s": ids["register_s"], "cases_s": ids["cases_s"]},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500_000)
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--pg", action="store_true", help="run on a throwaway PostgreSQL")
    parser.add_argument("--pg-port", type=int, default=55441)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.members, args.cases, args.runs)))
        return
    sys.path.insert(0, str(REPO / "bench"))
    tmp = Path(tempfile.mkdtemp(prefix="moot-bench-cases-"))
    pg_dir = None
    try:
        env = {
            **os.environ,
            "MOOT_VAR_DIR": str(tmp / "var"),
            "MOOT_KEYS_DIR": str(tmp / "keys"),
            "MOOT_HTTPS": "0",
            "MOOT_TASKS": "immediate",
            "MOOT_ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        }
        if args.pg:
            from import_members import create_database

            pg_dir = Path(tempfile.mkdtemp(prefix="moot-bench-pg-"))
            url = subprocess.run(
                ["bash", "scripts/pg.sh", "start", str(pg_dir), str(args.pg_port)],
                cwd=REPO,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            create_database(pg_dir, url)
            env["DATABASE_URL"] = url
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                "--members",
                str(args.members),
                "--cases",
                str(args.cases),
                "--runs",
                str(args.runs),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            raise SystemExit(f"benchmark child failed:\n{out.stderr[-3000:]}")
        result = json.loads(out.stdout.strip().splitlines()[-1])
        build = result["build"]
        print(
            f"complaints on {result['vendor']}: register built in {build['register_s']} s, "
            f"cases in {build['cases_s']} s; median of {args.runs} runs, server time "
            "(targets: list ≤ 150, case ≤ 100, statistics ≤ 1000, subject access ≤ 2000 ms)"
        )
        print(
            f"cases={result['cases']} members={result['members']} list_ms={result['list_ms']} "
            f"case_ms={result['case_ms']} stats_ms={result['stats_ms']} sar_ms={result['sar_ms']}"
        )
    finally:
        if pg_dir is not None:
            subprocess.run(["bash", "scripts/pg.sh", "stop", str(pg_dir)], cwd=REPO, check=False)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
