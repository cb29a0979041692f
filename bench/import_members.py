"""Benchmark: import a generated register of members from CSV through the real import path.

    .venv/bin/python bench/import_members.py [--rows 500000] [--sqlite-only | --pg-only]

Runs on a fresh SQLite file in a temporary directory, then (unless --sqlite-only) on a
throwaway PostgreSQL started with scripts/pg.sh, or on the one named by BENCH_PG_URL.
Each database run happens in a child process so Django is configured for that database alone.
Prints seconds and rows per second; the target is 500,000 rows in 60 s or less on SQLite.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CLPS = 40
BRANCHES_PER_CLP = 6


def child(rows: int, csv_path: str) -> dict[str, float | int | str]:
    """Runs in the child: migrate, build the unit tree, import, report."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moot.site.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from moot.members.imports import import_members, read_csv_file
    from moot.members.models import Member, MembershipPeriod
    from moot.units.models import Unit

    national = Unit.objects.create(name="Bench Party", slug="bench", kind="national")
    region = Unit.objects.create(
        name="Bench Region", slug="bench-r", kind="region", parent=national
    )
    for c in range(CLPS):
        clp = Unit.objects.create(
            name=f"Bench CLP {c}", slug=f"clp-{c}", kind="constituency", parent=region
        )
        for b in range(BRANCHES_PER_CLP):
            Unit.objects.create(
                name=f"Bench ward {c}.{b}", slug=f"clp-{c}-w{b}", kind="branch", parent=clp
            )
    text = read_csv_file(csv_path)
    started = time.perf_counter()
    report = import_members(
        text,
        dry_run=False,
        acting_user=None,
        source_name="bench.csv",
        backdate_reason="benchmark register, moved from the previous system",
    )
    seconds = time.perf_counter() - started
    if not report.ok:
        raise SystemExit(f"import failed: {report.errors[:5]}")
    return {
        "vendor": connection.vendor,
        "rows": report.created,
        "members": Member.objects.count(),
        "periods": MembershipPeriod.objects.count(),
        "seconds": round(seconds, 2),
        "rows_per_second": round(report.created / seconds),
    }


def generate(rows: int, path: Path) -> float:
    sys.path.insert(0, str(REPO / "src"))
    import datetime

    from moot.demo.generate import generate_members_csv

    units = [(f"clp-{c}", [f"clp-{c}-w{b}" for b in range(BRANCHES_PER_CLP)]) for c in range(CLPS)]
    started = time.perf_counter()
    path.write_text(
        generate_members_csv(rows, units, seed=7, today=datetime.date.today()), encoding="utf-8"
    )
    return time.perf_counter() - started


def run_child(rows: int, csv_path: Path, env: dict[str, str]) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", "--rows", str(rows), "--csv", str(csv_path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--pg-only", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.rows, args.csv)))
        return

    tmp = Path(tempfile.mkdtemp(prefix="moot-bench-import-"))
    try:
        csv_path = tmp / "members.csv"
        gen_seconds = generate(args.rows, csv_path)
        size_mb = csv_path.stat().st_size / 1e6
        print(f"generated {args.rows:,} members ({size_mb:.1f} MB CSV) in {gen_seconds:.1f} s")
        base_env = {
            **os.environ,
            "MOOT_VAR_DIR": str(tmp / "var"),
            "MOOT_KEYS_DIR": str(tmp / "keys"),
            "MOOT_HTTPS": "0",
        }

        if not args.pg_only:
            env = {**base_env, "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}"}
            result = run_child(args.rows, csv_path, env)
            verdict = "OK" if result["seconds"] <= 60 or args.rows != 500_000 else "OVER TARGET"
            print(
                f"SQLite:     {result['rows']:,} members ({result['periods']:,} status "
                f"intervals) in {result['seconds']} s = {result['rows_per_second']:,} rows/s  "
                f"[target ≤ 60 s for 500,000: {verdict}]"
            )
        if args.sqlite_only:
            return
        pg_url = os.environ.get("BENCH_PG_URL")
        pg_dir = None
        if not pg_url:
            if subprocess.run(
                ["bash", "scripts/pg.sh", "available", "x"], cwd=REPO, check=False
            ).returncode:
                print("PostgreSQL: skipped (no PostgreSQL binaries; set BENCH_PG_URL to use one)")
                return
            pg_dir = Path(tempfile.mkdtemp(prefix="moot-bench-pg-"))
            pg_url = subprocess.run(
                ["bash", "scripts/pg.sh", "start", str(pg_dir), "55439"],
                cwd=REPO,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            create_database(pg_dir, pg_url)
        try:
            env = {**base_env, "DATABASE_URL": pg_url}
            result = run_child(args.rows, csv_path, env)
            print(
                f"PostgreSQL: {result['rows']:,} members ({result['periods']:,} status intervals) "
                f"in {result['seconds']} s = {result['rows_per_second']:,} rows/s"
            )
        finally:
            if pg_dir is not None:
                subprocess.run(
                    ["bash", "scripts/pg.sh", "stop", str(pg_dir)], cwd=REPO, check=False
                )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def create_database(pg_dir: Path, url: str) -> None:
    """scripts/pg.sh starts a bare cluster; make the database its URL names."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
