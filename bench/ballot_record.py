"""Build and verify the published record of a declared ballot with many counted ballots (issue
11 target: bundle verification of 500,000 in 60 s).

    DATABASE_URL=postgres://... .venv/bin/python bench/ballot_record.py [--ballots 500000]

Builds, in bulk, a register of N members, a national ballot (14 candidates, 9 seats, at least 4
women, Scottish STV) with a roll entry and a credential hash per member, N counted ballots (a
few hundred distinct orders, as a real electorate has), the count, the scrutineer's report and
the declaration (with the site's audit key, so the record is signed). Then times the record's
build (``record.write_record`` to a temporary file, streaming) and ``moot ballot verify
--public-key`` on it in a fresh process (no database), with each one's peak memory. The
database must be empty (it is migrated here). Last line:

    ballots=<n> bundle_mb=<x> build_s=<x> build_peak_mb=<n> verify_s=<x> verify_peak_mb=<n>
    verify_exit=<n>
"""

from __future__ import annotations

import argparse
import base64
import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BATCH = 10000
NAMES = [(f"Candidate {chr(65 + i)}{chr(97 + i)}", i % 2 == 1) for i in range(14)]


class Run:
    def __init__(self, done: subprocess.CompletedProcess[str], peak_mb: int) -> None:
        self.stdout, self.stderr, self.returncode = done.stdout, done.stderr, done.returncode
        self.peak_mb = peak_mb


def peak_run(command: list[str], env: dict[str, str]) -> Run:
    """Run a command; its output and its peak resident memory (MB) by /usr/bin/time."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", report.name, *command],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        kilobytes = report.read().strip().splitlines()[-1]
    return Run(done, int(kilobytes) // 1024)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=500_000)
    parser.add_argument(
        "--orders",
        type=int,
        default=0,
        help="distinct preference orders to draw from (default 0: each ballot its own random "
        "order, the worst case for the record's size)",
    )
    args = parser.parse_args()
    keys = Path(os.environ.setdefault("MOOT_KEYS_DIR", tempfile.mkdtemp(prefix="moot-bench-")))
    os.environ.setdefault("MOOT_AUDIT_KEY", str(keys / "audit-key.pem"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moot.site.settings")
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from moot.audit import checkpoint as cp
    from moot.audit.actions import record as audit_record
    from moot.ballots import count, scrutineer
    from moot.ballots.definition import definition_of, sha256_of
    from moot.ballots.models import Ballot, BallotVersion, Candidate, CountedBallot, RollEntry
    from moot.members.models import Member
    from moot.units.models import Unit

    call_command("migrate", verbosity=0)
    public = cp.generate_key(Path(os.environ["MOOT_AUDIT_KEY"]))
    rng = random.Random(17)
    n = args.ballots
    now = timezone.now().replace(microsecond=0)
    started = time.perf_counter()
    national = Unit.objects.create(name="Bench Party", slug="bench-record", kind="national")
    clps = [
        Unit.objects.create(
            name=f"CLP {c}", slug=f"clp-record-{c}", kind="constituency", parent=national
        )
        for c in range(50)
    ]
    ballot = Ballot.objects.create(
        unit=national,
        title="National executive",
        kind="election",
        method="scottish-stv",
        seats=9,
        min_women=4,
        seed=1234,
        channels=["online", "post"],
        state="frozen",
        frozen_at=now - datetime.timedelta(days=30),
        opened_at=now - datetime.timedelta(days=25),
        closed_at=now - datetime.timedelta(days=2),
        counted_at=now - datetime.timedelta(days=1),
        signed_at=now - datetime.timedelta(hours=5),
        declared_at=now - datetime.timedelta(hours=4),
        close_at=now - datetime.timedelta(days=2),
    )
    candidates = [
        Candidate.objects.create(ballot=ballot, name=name, woman=w, on_ballot=True, position=i)
        for i, (name, w) in enumerate(NAMES, start=1)
    ]
    definition = definition_of(ballot)
    ballot.definition_hash = sha256_of(definition)
    BallotVersion.objects.create(
        ballot=ballot, version=1, definition=definition, sha256=ballot.definition_hash
    )
    ballot.save(update_fields=["definition_hash"])
    with transaction.atomic():
        audit_record(
            actor=None,
            verb="ballots.freeze_ballot",
            obj=ballot,
            after={"definition_sha256": ballot.definition_hash},
        )
    ids = [c.pk for c in candidates]
    orders = [
        json.dumps(rng.sample(ids, rng.randint(1, 9)), separators=(",", ":"))
        for _ in range(args.orders)
    ]
    weights = [rng.paretovariate(1.2) for _ in orders]
    per_unit = {u.pk: 0 for u in clps}
    channels = {"online": 0, "post": 0}
    for offset in range(0, n, BATCH):
        size = min(BATCH, n - offset)
        with transaction.atomic():
            members = Member.objects.bulk_create(
                Member(
                    number=f"R{offset + i:07d}",
                    first_name="Bench",
                    last_name=f"Member{offset + i}",
                    constituency=clps[(offset + i) % len(clps)],
                    joined_on=now.date() - datetime.timedelta(days=400),
                    status="active",
                )
                for i in range(size)
            )
            entries = []
            for i, m in enumerate(members):
                channel = "post" if (offset + i) % 5 == 0 else "online"
                channels[channel] += 1
                per_unit[m.constituency_id] += 1
                entries.append(
                    RollEntry(
                        ballot=ballot,
                        member=m,
                        unit=m.constituency,
                        channel=channel,
                        credential_hash=f"{offset + i:064x}",
                        voted=True,
                    )
                )
            RollEntry.objects.bulk_create(entries)
            drawn = (
                rng.choices(orders, weights, k=size)
                if args.orders
                else [
                    json.dumps(rng.sample(ids, rng.randint(1, 9)), separators=(",", ":"))
                    for _ in range(size)
                ]
            )
            CountedBallot.objects.bulk_create(
                CountedBallot(ballot=ballot, content=content) for content in drawn
            )
    ballot.roll_commitment = {
        "format": "moot-ballot-roll/1",
        "ballot": ballot.pk,
        "root": "ab" * 32,
        "size": n,
        "assessed": n,
        "refused": 0,
        "constituencies": [
            {"unit": pk, "name": f"CLP {pk}", "eligible": k} for pk, k in per_unit.items()
        ],
        "regions": [{"unit": None, "name": "(no region)", "eligible": n}],
        "refusals": [],
        "channels": channels,
    }
    ballot.returns = {
        "by_channel": {
            ch: {"received": k, "counted": k, "spoilt": 0, "set_aside": {}}
            for ch, k in channels.items()
        },
        "spoilt": {},
        "counted": n,
        "precedence": "first_received",
    }
    counted = count.count_ballot(ballot)
    ballot.result, ballot.result_text = counted.json, counted.text
    ballot.scrutineer_report = scrutineer.build_report(
        ballot,
        {key: {"satisfied": True, "reasons": ""} for key in scrutineer.STATEMENTS},
        signed_by="Sam Scrutineer",
        signed_at=now.isoformat(),
    )
    ballot.state = "declared"
    ballot.save()
    with transaction.atomic():
        audit_record(
            actor=None,
            verb="ballots.declare_ballot",
            obj=ballot,
            after={"elected": counted.json["elected"]},
        )
    print(f"built {n} members and counted ballots in {time.perf_counter() - started:.1f} s")
    bundle = keys / "record.zip"
    moot = str(Path(sys.executable).with_name("moot"))
    t0 = time.perf_counter()
    built = peak_run([moot, "ballot", "export", str(ballot.pk), str(bundle)], dict(os.environ))
    build_s = time.perf_counter() - t0
    print(built.stdout.strip()[-400:], built.stderr.strip()[-400:])
    key_line = "ed25519:" + base64.b64encode(cp.raw_public(public)).decode()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["DATABASE_URL"] = "postgres://nobody:x@127.0.0.1:9/none"
    t1 = time.perf_counter()
    done = peak_run(
        [moot, "ballot", "verify", str(bundle), "--public-key", key_line, "--quiet"], env
    )
    verify_s = time.perf_counter() - t1
    build_peak, verify_peak = built.peak_mb, done.peak_mb
    print((done.stdout + done.stderr).strip()[-600:])
    print(
        f"ballots={n} bundle_mb={bundle.stat().st_size / 1e6:.1f} build_s={build_s:.1f} "
        f"build_peak_mb={build_peak} verify_s={verify_s:.1f} verify_peak_mb={verify_peak} "
        f"verify_exit={done.returncode}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
