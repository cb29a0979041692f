"""Whole-process benchmark: parse + count 500,000 ranked ballots (20 candidates, 9 seats).

Run: ``.venv/bin/python bench/count_500k.py [--runs 5]``

Every measurement is a fresh ``python -c`` process (imports, reading the gzip BLT, counting,
printing the winners), timed by wall clock from outside; the figure is the median of the runs.
Peak memory is ``ru_maxrss`` of the children, measured by a small wrapper process per
configuration so that each configuration's peak is its own. pyrankvote and stvpoll are
benchmark-only comparators (never shipped; stvpoll is GPL): they get the same ballots, already
aggregated, and their own time includes building their ballot objects.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "elections-data" / "synthetic-perf" / "synthetic_500k_20c_9s.blt.gz"
TARGET_SCOTTISH_S = 1.0
TARGET_MEEK_S = 5.0
TARGET_RSS_MB = 300

MOOT = """
import json, sys
from moot.counting import CountOptions, count, methods
from moot.counting.formats.blt import read_blt
if {method!r} not in methods():
    print(json.dumps({{"missing": True}}))
    sys.exit(0)
election = read_blt({path!r})
result = count(election, {method!r}, CountOptions(seats={seats!r}))
print(json.dumps({{"elected": result.elected_names}}))
"""

# The comparators read the same file with our reader (their own BLT support differs) and
# receive the aggregated rankings; building their ballot objects is part of their time.
PYRANKVOTE = """
import json
import pyrankvote
from pyrankvote import Ballot, Candidate
from moot.counting.formats.blt import read_blt
election = read_blt({path!r})
people = [Candidate(name) for name in election.names]
ballots = []
for ranking, weight in zip(election.ballots.rankings, election.ballots.weights):
    ballot = Ballot(ranked_candidates=[people[level[0]] for level in ranking])
    ballots.extend([ballot] * weight)
result = pyrankvote.single_transferable_vote(people, ballots, number_of_seats=election.seats)
print(json.dumps({{"elected": [c.name for c in result.get_winners()]}}))
"""

STVPOLL = """
import json
from stvpoll.scottish_stv import calculate_scottish_stv
from moot.counting.formats.blt import read_blt
election = read_blt({path!r})
names = election.names
data = [(tuple(names[level[0]] for level in ranking), weight)
        for ranking, weight in zip(election.ballots.rankings, election.ballots.weights)]
result = calculate_scottish_stv(names, data, election.seats, allow_random=False)
print(json.dumps({{"elected": list(result.elected_as_tuple())}}))
"""

WRAPPER = """
import json, resource, subprocess, sys, time
code, runs = sys.argv[1], int(sys.argv[2])
walls, cpus, outputs, errors = [], [], [], []
for _ in range(runs):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    walls.append(time.perf_counter() - start)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    if done.returncode != 0:
        errors.append(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed")
        break
    outputs.append(done.stdout.strip().splitlines()[-1])
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps(
    {"walls": walls, "cpus": cpus, "outputs": outputs, "errors": errors, "peak_kb": peak_kb}
))
"""


def measure(code: str, runs: int) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, code, str(runs)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per configuration (median)")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"benchmark data not found: {DATA}")
        return 2
    print(f"data: {DATA.name} (500,000 ballots, 20 candidates, 9 seats)")
    print(f"python: {sys.version.split()[0]}; runs per configuration: {args.runs}; median shown")
    configs = [
        (
            "moot scottish-stv",
            MOOT.format(path=str(DATA), method="scottish-stv", seats=None),
            args.runs,
        ),
        ("moot meek", MOOT.format(path=str(DATA), method="meek", seats=None), args.runs),
        # No targets for these: the other methods on the same file, for information.
        ("moot irv (1 seat)", MOOT.format(path=str(DATA), method="irv", seats=1), 3),
        ("moot schulze", MOOT.format(path=str(DATA), method="schulze", seats=None), 3),
        ("moot plurality", MOOT.format(path=str(DATA), method="plurality", seats=None), 3),
        ("pyrankvote STV", PYRANKVOTE.format(path=str(DATA)), min(args.runs, 3)),
        # stvpoll takes about a minute per run: one run is enough for a ratio.
        ("stvpoll ScottishSTV", STVPOLL.format(path=str(DATA)), 1),
    ]
    figures: dict[str, tuple[float, float, list[str] | None]] = {}
    if hasattr(os, "getloadavg"):
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(
            f"load average before: {load} on {os.cpu_count()} CPUs (above the CPU count the "
            "wall-clock figures include waiting for a CPU; 'cpu s' is less affected)"
        )
    print(
        f"{'configuration':<22} {'median s':>9} {'min s':>7} {'cpu s':>7} {'peak MB':>8}  elected"
    )
    for label, code, runs in configs:
        out = measure(code, runs)
        if out["errors"]:
            print(f"{label:<22} failed: {out['errors'][0]}")
            continue
        last = json.loads(out["outputs"][-1])
        if last.get("missing"):
            print(f"{label:<22} not registered yet (the method is not available)")
            continue
        median = statistics.median(out["walls"])
        peak_mb = out["peak_kb"] / 1024
        elected = last["elected"]
        figures[label] = (median, peak_mb, elected)
        cpu = statistics.median(out["cpus"])
        print(
            f"{label:<22} {median:>9.3f} {min(out['walls']):>7.3f} {cpu:>7.3f} {peak_mb:>8.1f}  "
            + ", ".join(elected)
        )
    base = figures.get("moot scottish-stv")
    summary = []
    if base is not None:
        for label in ("pyrankvote STV", "stvpoll ScottishSTV", "moot meek"):
            if label in figures:
                other = figures[label]
                same = set(other[2] or []) == set(base[2] or [])
                print(
                    f"{label} / moot scottish-stv: {other[0] / base[0]:.1f}x the time; "
                    f"winners {'agree' if same else 'DIFFER'}"
                )
        ok = base[0] <= TARGET_SCOTTISH_S and base[1] <= TARGET_RSS_MB
        summary.append(
            f"scottish-stv {base[0]:.3f}s/{base[1]:.0f}MB "
            f"({'within' if ok else 'OVER'} {TARGET_SCOTTISH_S}s/{TARGET_RSS_MB}MB)"
        )
    meek = figures.get("moot meek")
    if meek is not None:
        ok = meek[0] <= TARGET_MEEK_S
        summary.append(f"meek {meek[0]:.3f}s ({'within' if ok else 'OVER'} {TARGET_MEEK_S}s)")
    else:
        summary.append("meek not measured (not registered yet)")
    print("SUMMARY: " + "; ".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
