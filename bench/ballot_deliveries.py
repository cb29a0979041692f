"""Throughput of a ballot's invitations: N voters, K task workers, a local SMTP sink.

    DATABASE_URL=postgres://… .venv/bin/python bench/ballot_deliveries.py --voters 20000 --workers 2

It makes an open ballot of N voters straight in the database (bulk rows: members, roll entries
with hashed credentials, the credential key), queues the invitations with
``delivery.queue_invitations`` in one transaction (as the issue does), starts an aiosmtpd sink
and K ``moot db_worker --queue-name mail`` processes, and waits until every e-mail row is sent,
bounced or failed. The sink counts messages and repeated ``X-Moot-Delivery`` ids. Last line:

    voters=<n> workers=<k> queue_s=<s> sent=<n> delivered=<n> duplicates=<n> invite_s=<s> per_s=<r>
    batch=<rows per task> load=<1-minute load average at the end>

The database must be migrated (``moot migrate``); the run's rows are left for inspection.
``sink`` as the first argument runs only the sink (``sink PORT LOGFILE``).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_sink(port: int, log: Path) -> None:
    import threading

    from aiosmtpd.controller import Controller

    class Handler:
        def __init__(self) -> None:
            self.out = log.open("a", encoding="utf-8", buffering=1)
            self.lock = threading.Lock()

        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
            content: bytes = envelope.content  # type: ignore[attr-defined]
            head = content.split(b"\r\n\r\n", 1)[0]
            delivery = b"-"
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"x-moot-delivery:"):
                    delivery = line.split(b":", 1)[1].strip()
            with self.lock:
                self.out.write(delivery.decode() + "\n")
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port, ready_timeout=30)
    controller.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        controller.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_ballot(voters: int) -> int:
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from moot.ballots import credentials
    from moot.ballots.models import Ballot, RollEntry
    from moot.members.models import Member
    from moot.units.models import Unit

    now = timezone.now()
    stamp = int(time.time())
    national = Unit.objects.create(
        kind="national", name=f"Bench party {stamp}", slug=f"bench-party-{stamp}"
    )
    ballot = Ballot.objects.create(
        unit=national,
        title="Bench national executive",
        kind="election",
        position="National executive",
        method="scottish-stv",
        seats=9,
        channels=["online", "post"],
        state="open",
        frozen_at=now - datetime.timedelta(days=1),
        opened_at=now,
        close_at=now + datetime.timedelta(days=21),
    )
    credentials.create_ballot_key(ballot)
    key = credentials.ballot_key(ballot)
    chunk = 5000
    for start in range(0, voters, chunk):
        members = [
            Member(
                number=f"B{stamp % 100000:05d}{n:07d}",
                first_name="Voter",
                last_name=f"Number {n}",
                email=f"voter{n}.{stamp}@bench.invalid",
                constituency=national,
                joined_on=datetime.date(2020, 1, 1),
                status="active",
            )
            for n in range(start, min(voters, start + chunk))
        ]
        Member.objects.bulk_create(members)
        created = list(
            Member.objects.filter(number__in=[m.number for m in members]).values_list("pk", "email")
        )
        RollEntry.objects.bulk_create(
            [
                RollEntry(ballot=ballot, member_id=pk, unit=national, channel="online", email=email)
                for pk, email in created
            ]
        )
    with transaction.atomic():
        rows = list(RollEntry.objects.filter(ballot=ballot).values_list("pk", flat=True))
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            entries = RollEntry.objects.filter(pk__in=part)
            for entry in entries:
                entry.credential_hash = credentials.hash_credential(
                    credentials.credential_text(key, entry.pk, entry.serial)
                )
            RollEntry.objects.bulk_update(entries, ["credential_hash"])
    return ballot.pk


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "sink":
        run_sink(int(sys.argv[2]), Path(sys.argv[3]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--batch", type=int, default=0, help="rows per send_batch task (default: delivery's)"
    )
    parser.add_argument("--log", type=Path, default=ROOT / "var" / "bench-deliveries-sink.log")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moot.site.settings")
    import django

    django.setup()
    from django.db import transaction

    from moot.ballots import delivery
    from moot.ballots.models import Ballot, Delivery

    port = free_port()
    args.log.unlink(missing_ok=True)
    env = {
        **os.environ,
        "MOOT_EMAIL_BACKEND": "smtp",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "MOOT_TASKS": "db",
        # The links in the messages: https:// (the workers refuse anything else in production).
        "MOOT_SITE_URL": os.environ.get("MOOT_SITE_URL") or "https://bench.invalid",
    }
    python = sys.executable
    ballot_id = make_ballot(args.voters)
    sink = subprocess.Popen(
        [python, __file__, "sink", str(port), str(args.log)], stdout=subprocess.PIPE, text=True
    )
    assert sink.stdout is not None
    sink.stdout.readline()
    ballot = Ballot.objects.get(pk=ballot_id)
    if args.batch:
        delivery.BATCH_SIZE = args.batch
    started = time.monotonic()
    with transaction.atomic():
        queued = delivery.queue_invitations(ballot)
    queue_s = time.monotonic() - started
    workers = [
        subprocess.Popen(
            [
                str(ROOT / ".venv/bin/moot"),
                "db_worker",
                "--queue-name",
                "mail",
                "--no-startup-delay",
                "--interval",
                "0.2",
                "--worker-id",
                f"bench-mail-{n}",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(args.workers)
    ]
    try:
        rows = Delivery.objects.filter(ballot_id=ballot_id, channel="online")
        while rows.filter(state__in=["queued", "sending"]).exists():
            time.sleep(1)
        invite_s = time.monotonic() - started
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait()
        time.sleep(0.5)
        sink.terminate()
        sink.wait()
    ids = [line.strip() for line in args.log.read_text().splitlines() if line.strip()]
    sent = rows.filter(state="sent").count()
    duplicates = len(ids) - len(set(ids))
    print(
        f"voters={args.voters} workers={args.workers} queued={queued} queue_s={queue_s:.1f} "
        f"sent={sent} delivered={len(set(ids))} duplicates={duplicates} "
        f"invite_s={invite_s:.1f} per_s={sent / invite_s:.0f} "
        f"batch={delivery.BATCH_SIZE} load={os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
