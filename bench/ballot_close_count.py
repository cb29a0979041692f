"""Close + de-duplicate + count of a ballot with many returns (issue 11 target: 500,000 in 30 s).

    DATABASE_URL=postgres://... .venv/bin/python bench/ballot_close_count.py [--returns 500000]

Builds, in bulk, a register of N members, an open national ballot (14 candidates, 9 seats, at
least 4 women, Scottish STV, precedence last_online), a roll entry per member and a sealed
return for each (80 % online, 20 % by post, and 2 % of the members returning by both
channels, so the precedence has work to do), plus a few spoilt papers; then times
``do_close_ballot`` (precedence, unseal, shuffle, insert, delete, key destroyed) and
``do_count_ballot`` (BLT from the counted ballots, the constrained count twice, the report and
chart). The database must be empty (it is migrated here). Last line:

    returns=<n> counted=<n> set_aside=<n> close_s=<x> count_s=<x> total_s=<x>
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BATCH = 10000
NAMES = [
    ("Alex Abbot", False),
    ("Bea Birch", True),
    ("Cal Crane", False),
    ("Dee Dunmore", True),
    ("Eli Elwood", False),
    ("Fay Fenwick", True),
    ("Gus Garner", False),
    ("Hana Hurst", True),
    ("Ivo Ingram", False),
    ("Jo Jarvis", True),
    ("Kit Kerr", False),
    ("Lea Lowe", True),
    ("Max Marsh", False),
    ("Ned Nash", False),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--returns", type=int, default=500_000)
    args = parser.parse_args()
    os.environ.setdefault("MOOT_KEYS_DIR", tempfile.mkdtemp(prefix="moot-bench-keys-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moot.site.settings")
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from moot.accounts.models import User
    from moot.ballots import content, secrecy
    from moot.ballots.actions.closing import do_close_ballot, do_count_ballot
    from moot.ballots.models import Ballot, Candidate, PaperDecision, Return, RollEntry
    from moot.members.models import Member
    from moot.units.models import Unit

    call_command("migrate", verbosity=0)
    rng = random.Random(11)
    n = args.returns
    now = timezone.now()
    started = time.perf_counter()
    national = Unit.objects.create(name="Bench Party", slug="bench-close", kind="national")
    clps = [
        Unit.objects.create(
            name=f"CLP {c}", slug=f"clp-close-{c}", kind="constituency", parent=national
        )
        for c in range(50)
    ]
    ro = User.objects.create(email="ro@bench.example", username="ro@bench.example")
    ballot = Ballot.objects.create(
        unit=national,
        title="National executive",
        kind="election",
        method="scottish-stv",
        seats=9,
        min_women=4,
        seed=1234,
        precedence="last_online",
        channels=["online", "post"],
        state="frozen",
        close_at=now - datetime.timedelta(minutes=1),
        returning_officer=ro,
    )
    candidates = [
        Candidate.objects.create(ballot=ballot, name=name, woman=w, on_ballot=True, position=i)
        for i, (name, w) in enumerate(NAMES, start=1)
    ]
    ballot.state = "open"
    secrecy.create_key(ballot)
    ballot.save(update_fields=["state", "opened_at"])
    width = content.padded_width(ballot)
    ids = [c.pk for c in candidates]
    # A few hundred distinct preference orders, as a real electorate has (slates, favourites).
    orders = []
    for _ in range(400):
        picked = rng.sample(ids, rng.randint(1, 9))
        orders.append(json.dumps(picked, separators=(",", ":")))
    weights = [rng.paretovariate(1.2) for _ in orders]
    both = 0
    for offset in range(0, n, BATCH):
        size = min(BATCH, n - offset)
        with transaction.atomic():
            members = Member.objects.bulk_create(
                Member(
                    number=f"C{offset + i:07d}",
                    first_name="Bench",
                    last_name=f"Member{offset + i}",
                    constituency=clps[(offset + i) % len(clps)],
                    joined_on=now.date() - datetime.timedelta(days=400),
                    status="active",
                )
                for i in range(size)
            )
            entries = RollEntry.objects.bulk_create(
                RollEntry(
                    ballot=ballot,
                    member=m,
                    unit=m.constituency,
                    channel="post" if (offset + i) % 5 == 0 else "online",
                    credential_hash=f"{offset + i:064x}",
                    voted=True,
                )
                for i, m in enumerate(members)
            )
            chosen = rng.choices(orders, weights, k=size)
            rows = []
            for i, entry in enumerate(entries):
                rows.append(
                    Return(
                        ballot=ballot,
                        entry=entry,
                        slot=entry.channel,
                        channel=entry.channel,
                        sealed=secrecy.seal(ballot, chosen[i], width),
                    )
                )
                if rng.random() < 0.02:
                    other = "post" if entry.channel == "online" else "online"
                    rows.append(
                        Return(
                            ballot=ballot,
                            entry=entry,
                            slot=other,
                            channel=other,
                            sealed=secrecy.seal(ballot, rng.choice(orders), width),
                        )
                    )
                    both += 1
            Return.objects.bulk_create(rows, batch_size=BATCH)
    PaperDecision.objects.bulk_create(
        PaperDecision(
            ballot=ballot,
            paper_number=k,
            outcome="spoilt",
            reason="more than one first preference",
            decided_at=now,
        )
        for k in range(1, 101)
    )
    print(
        f"built {n} members, {n + both} returns ({both} by both channels) in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    t0 = time.perf_counter()
    ballot = do_close_ballot(ballot, acting_user=ro)
    close_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    ballot = do_count_ballot(ballot, acting_user=ro)
    count_s = time.perf_counter() - t1
    returns = ballot.returns
    aside = sum(sum(row["set_aside"].values()) for row in returns["by_channel"].values())
    print(f"elected: {', '.join(ballot.result['elected'])}")
    print(
        f"returns={n + both} counted={returns['counted']} set_aside={aside} "
        f"close_s={close_s:.1f} count_s={count_s:.1f} total_s={close_s + count_s:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
